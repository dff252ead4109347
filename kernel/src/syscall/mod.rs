//! The syscall layer: one table (`table.rs`) from which the number
//! constants ([`nr`]), the dispatch, the strace names/argument kinds and
//! `docs/syscalls.md` all come; the per-call context [`Ctx`]
//! handlers receive; explicit argument decoding ([`Args`]); the single
//! blocking helper ([`Ctx::block_on`]).
//!
//! Handlers live in one file per family (`process.rs`, `io.rs`...; the
//! VFS families are `open.rs`, `stat.rs`, `dir.rs`, `path.rs`...), are named
//! `sys_<linux name>`, take `(&mut Ctx, Args)` and return [`SysResult`].
//! The negation to `-errno` happens only in [`Kernel::syscall`].

use std::sync::Arc;

use crate::api::{ExecImage, GuestMemory, HostClock, Tid};
use crate::cred::Creds;
use crate::error::{Errno, KResult};
use crate::file::OpenFile;
use crate::mem::{self, Plain, UserPtr};
use crate::task::{lock, Process, Task};
use crate::vfs::FsContext;
use crate::wait::WaitQueue;
use crate::Kernel;

pub mod capability;
pub mod dir;
pub mod epoll;
pub mod eventfd;
pub mod fd;
pub mod fs;
pub mod futex;
pub mod io;
pub mod ipc;
pub mod lock;
pub mod memfd;
pub mod misc;
pub mod mm;
pub mod mount;
pub mod open;
pub mod path;
pub mod pipe;
pub mod poll;
pub mod posix_timer;
pub mod process;
pub mod sched;
pub mod signal;
pub mod signalfd;
pub mod socket;
pub mod stat;
mod table;
pub mod time;
pub mod timerfd;
pub mod xattr;

pub use table::{nr, TABLE};

/// How completely a row is implemented (shown in docs/syscalls.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    Full,
    /// Implemented, with the named gaps.
    Partial(&'static str),
    /// Returns `ENOSYS`, for the named reason.
    Enosys(&'static str),
}

impl Support {
    pub fn label(self) -> &'static str {
        match self {
            Support::Full => "Full",
            Support::Partial(_) => "Partial",
            Support::Enosys(_) => "ENOSYS",
        }
    }
    pub fn note(self) -> &'static str {
        match self {
            Support::Full => "",
            Support::Partial(s) | Support::Enosys(s) => s,
        }
    }
}

/// How strace shows an argument (and how many words it takes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg {
    /// Signed decimal.
    I,
    /// Unsigned decimal (sizes, counts).
    U,
    /// Hexadecimal (flags without a decoder, opaque words).
    X,
    /// Pointer (`NULL` or `0x...`).
    P,
    Fd,
    /// A dirfd (`AT_FDCWD`).
    Dirfd,
    /// A guest C string shown quoted (paths).
    Path,
    Str,
    /// Input buffer: quoted contents, length in the next argument.
    InBuf,
    /// Output buffer: shown as a pointer.
    OutBuf,
    OFlags,
    /// Octal mode.
    Mode,
    AtFlags,
    Sig,
    SigHow,
    Clock,
    FutexOp,
    Prot,
    MapFlags,
    Whence,
    Ioctl,
    Fcntl,
    Clone,
    /// NULL-terminated string array.
    Argv,
    /// 64-bit value in two words, low word first.
    Off64,
    /// 64-bit value in two words, high word first (`_llseek`).
    Off64Hi,
}

impl Arg {
    /// Argument words this kind takes.
    pub fn words(self) -> usize {
        match self {
            Arg::Off64 | Arg::Off64Hi => 2,
            _ => 1,
        }
    }
}

/// What a handler produced.
#[derive(Debug)]
pub enum Ret {
    Val(i32),
    /// The calling task is gone.
    Exit,
    Exec(Box<ExecImage>),
    Fork {
        flags: u32,
    },
    Thread(crate::api::ThreadRequest),
}

impl Ret {
    /// A guest address returned as the result (mmap2, brk).
    pub fn addr(a: u32) -> Ret {
        Ret::Val(i32::from_ne_bytes(a.to_ne_bytes()))
    }
}

impl From<i32> for Ret {
    fn from(v: i32) -> Ret {
        Ret::Val(v)
    }
}
impl From<()> for Ret {
    fn from(_: ()) -> Ret {
        Ret::Val(0)
    }
}
impl From<usize> for Ret {
    fn from(v: usize) -> Ret {
        Ret::Val(i32::try_from(v).unwrap_or(i32::MAX))
    }
}
impl From<u32> for Ret {
    fn from(v: u32) -> Ret {
        Ret::Val(i32::try_from(v).unwrap_or(i32::MAX))
    }
}

pub type SysResult = KResult<Ret>;
pub type Handler = fn(&mut Ctx<'_>, Args) -> SysResult;

/// One table row.
pub struct Row {
    pub nr: u32,
    pub name: &'static str,
    pub handler: Handler,
    /// `family::sys_name` as written in the table (for docs).
    pub handler_path: &'static str,
    pub args: &'static [Arg],
    pub support: Support,
}

impl Row {
    /// Number of raw argument words.
    pub fn arity(&self) -> usize {
        self.args.iter().map(|a| a.words()).sum()
    }
}

impl std::fmt::Debug for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} ({:?})", self.nr, self.name, self.support)
    }
}

macro_rules! define_syscalls {
    ($( $nr:literal $name:ident => $handler:path, [$($arg:ident),*], $support:expr; )*) => {
        /// Syscall numbers, named as in `<asm/unistd.h>` (`nr::read` is `__NR_read`).
        #[allow(non_upper_case_globals)]
        pub mod nr {
            $( pub const $name: u32 = $nr; )*
        }
        #[allow(unused_imports)]
        use Support::{Enosys, Full, Partial};
        #[allow(unused_imports)]
        use Arg::*;
        /// Every row, sorted by number.
        pub static TABLE: &[Row] = &[
            $( Row {
                nr: $nr,
                name: stringify!($name),
                handler: $handler,
                handler_path: stringify!($handler),
                args: &[$($arg),*],
                support: $support,
            }, )*
        ];
    };
}
use define_syscalls;

/// The row of syscall `nr`.
pub fn lookup(nr: u32) -> Option<&'static Row> {
    TABLE.binary_search_by_key(&nr, |r| r.nr).ok().map(|i| &TABLE[i])
}

/// Every syscall as (number, name, support level), in number order
/// (for the ABI agreement test and docs).
pub fn syscall_table() -> impl Iterator<Item = (u32, &'static str, Support)> {
    TABLE.iter().map(|r| (r.nr, r.name, r.support))
}

/// The handler of every `Enosys` row.
pub fn enosys(_ctx: &mut Ctx<'_>, _a: Args) -> SysResult {
    Err(Errno::ENOSYS)
}

/// Raw argument words with explicit decoders: handlers never
/// cast words themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Args(pub [u32; 6]);

impl Args {
    pub fn u32(self, i: usize) -> u32 {
        self.0[i]
    }
    pub fn i32(self, i: usize) -> i32 {
        i32::from_ne_bytes(self.0[i].to_ne_bytes())
    }
    /// A file descriptor (negative stays negative → EBADF later).
    pub fn fd(self, i: usize) -> i32 {
        self.i32(i)
    }
    /// The low byte (exit codes).
    pub fn low_byte(self, i: usize) -> u8 {
        self.0[i].to_le_bytes()[0]
    }
    pub fn usize(self, i: usize) -> usize {
        self.0[i] as usize
    }
    pub fn ptr<T: Plain>(self, i: usize) -> UserPtr<T> {
        UserPtr::new(self.0[i])
    }
    /// 64-bit value split low word first (`pread64`, `ftruncate64`,
    /// `fallocate`, `preadv`... as musl passes them on 32-bit asm-generic).
    pub fn u64_lo_hi(self, i: usize) -> u64 {
        self.0[i] as u64 | (self.0[i + 1] as u64) << 32
    }
    pub fn i64_lo_hi(self, i: usize) -> i64 {
        i64::from_ne_bytes(self.u64_lo_hi(i).to_ne_bytes())
    }
    /// 64-bit value split high word first (`_llseek`).
    pub fn i64_hi_lo(self, i: usize) -> i64 {
        i64::from_ne_bytes(((self.0[i] as u64) << 32 | self.0[i + 1] as u64).to_ne_bytes())
    }
}

/// fcntl record and OFD locks (F_GETLK..., F_OFD_*): the VFS's lock module.
pub(crate) fn lock_cmd(ctx: &mut Ctx<'_>, file: &Arc<OpenFile>, cmd: u32, arg: u32) -> SysResult {
    lock::fcntl_lock(ctx, file, cmd, arg)
}

pub use crate::vfs::AT_FDCWD;

/// Everything a handler may touch for one call.
pub struct Ctx<'a> {
    pub kernel: &'a Kernel,
    pub task: Arc<Task>,
    pub mem: &'a mut dyn GuestMemory,
    pub nr: u32,
}

impl<'a> Ctx<'a> {
    pub fn tid(&self) -> Tid {
        self.task.tid
    }
    pub fn pid(&self) -> i32 {
        self.task.process.pid
    }
    pub fn process(&self) -> &Arc<Process> {
        &self.task.process
    }
    /// A copy of the caller's credentials.
    pub fn creds(&self) -> Creds {
        self.task.process.creds_copy()
    }
    /// A copy of the caller's fs context (root, cwd, umask).
    pub fn fs(&self) -> KResult<FsContext> {
        lock(&self.task.process.fs).clone().ok_or(Errno::ENOSYS)
    }
    /// The open file behind `fd` (EBADF).
    pub fn file(&self, fd: i32) -> KResult<Arc<OpenFile>> {
        lock(&self.task.process.fds).get(fd)
    }
    /// Install `file` at the lowest free descriptor (EMFILE).
    pub fn install_fd(&self, file: Arc<OpenFile>, cloexec: bool) -> KResult<i32> {
        self.task.process.install_fd(file, cloexec)
    }
    pub fn now(&self, clock: HostClock) -> u64 {
        self.kernel.host.now_ns(clock)
    }

    // ---- guest memory ----
    pub fn read<T: Plain>(&self, p: UserPtr<T>) -> KResult<T> {
        p.read(&*self.mem)
    }
    pub fn write<T: Plain>(&mut self, p: UserPtr<T>, v: &T) -> KResult<()> {
        p.write(&mut *self.mem, v)
    }
    pub fn read_bytes(&self, addr: u32, len: usize) -> KResult<Vec<u8>> {
        mem::read_bytes(&*self.mem, addr, len)
    }
    pub fn write_bytes(&mut self, addr: u32, data: &[u8]) -> KResult<()> {
        mem::write_bytes(&mut *self.mem, addr, data)
    }
    /// A path argument (EFAULT, ENAMETOOLONG past PATH_MAX).
    pub fn read_path(&self, addr: u32) -> KResult<Vec<u8>> {
        mem::read_path(&*self.mem, addr)
    }
    pub fn read_cstr(&self, addr: u32, max: usize) -> KResult<Vec<u8>> {
        mem::read_cstr(&*self.mem, addr, max, Errno::EINVAL)
    }

    /// The single blocking loop: [`Task::block_on`] for the
    /// calling task. Returns `ERESTARTSYS` when a signal becomes pending
    /// (the dispatcher turns it into a restart or EINTR) and `ETIMEDOUT`
    /// when the monotonic `deadline_ns` passes. With `nonblock` it tries once.
    pub fn block_on<T>(
        &self,
        queues: &[&WaitQueue],
        deadline_ns: Option<u64>,
        nonblock: bool,
        try_op: impl FnMut() -> KResult<T>,
    ) -> KResult<T> {
        self.task.block_on(&self.kernel.host, queues, deadline_ns, nonblock, try_op)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_sorted_unique_and_consistent() {
        for w in TABLE.windows(2) {
            assert!(w[0].nr < w[1].nr, "{} then {}", w[0].nr, w[1].nr);
        }
        for r in TABLE {
            assert!(r.arity() <= 6, "{} takes {} words", r.name, r.arity());
            let is_enosys_handler = r.handler_path == "enosys";
            assert_eq!(
                is_enosys_handler,
                matches!(r.support, Support::Enosys(_)),
                "{}: handler {} vs {:?}",
                r.name,
                r.handler_path,
                r.support
            );
        }
        assert_eq!(nr::futex_time64, 422);
        assert_eq!(nr::mmap2, 222);
        assert_eq!(nr::fcntl64, 25);
        assert_eq!(nr::_llseek, 62);
        assert_eq!(nr::clock_gettime64, 403);
        assert_eq!(nr::ppoll_time64, 414);
        assert_eq!(lookup(63).unwrap().name, "read");
        assert!(lookup(4).is_none());
        assert!(lookup(1000).is_none());
    }

    #[test]
    fn split_64bit_arguments() {
        let a = Args([0, 0x89ab_cdef, 0x0123_4567, 0, 0, 0]);
        assert_eq!(a.u64_lo_hi(1), 0x0123_4567_89ab_cdef);
        assert_eq!(a.i64_hi_lo(1), 0x89ab_cdef_0123_4567u64 as i64);
    }
}
