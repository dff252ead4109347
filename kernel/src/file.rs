//! Open files: the [`FileOps`] trait every kind of open file implements
//! (regular files and directories of each file system, pipes, ttys,
//! eventfd, epoll, timerfd, sockets) and [`OpenFile`], the open file
//! description shared by dup'd descriptors and across fork.
//!
//! Operations are non-blocking: a stream that has nothing to give returns
//! `EAGAIN` and offers readiness through [`FileOps::poll`] and
//! [`FileOps::wait_queue`]; the syscall layer owns the single blocking loop
//! (O_NONBLOCK, deadlines, signals). Trait defaults return the Linux errno,
//! so each kind overrides only what it supports.

use std::any::Any;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use crate::api::GuestMemory;
use crate::error::{Errno, KResult};
use crate::wait::WaitQueue;

/// `O_*` open/status flags (asm-generic values).
pub mod oflags {
    pub const O_ACCMODE: u32 = 0o3;
    pub const O_RDONLY: u32 = 0o0;
    pub const O_WRONLY: u32 = 0o1;
    pub const O_RDWR: u32 = 0o2;
    pub const O_CREAT: u32 = 0o100;
    pub const O_EXCL: u32 = 0o200;
    pub const O_NOCTTY: u32 = 0o400;
    pub const O_TRUNC: u32 = 0o1000;
    pub const O_APPEND: u32 = 0o2000;
    pub const O_NONBLOCK: u32 = 0o4000;
    pub const O_DSYNC: u32 = 0o10000;
    pub const FASYNC: u32 = 0o20000;
    pub const O_DIRECT: u32 = 0o40000;
    pub const O_LARGEFILE: u32 = 0o100000;
    pub const O_DIRECTORY: u32 = 0o200000;
    pub const O_NOFOLLOW: u32 = 0o400000;
    pub const O_NOATIME: u32 = 0o1000000;
    pub const O_CLOEXEC: u32 = 0o2000000;
    pub const O_SYNC: u32 = 0o4010000;
    pub const O_PATH: u32 = 0o10000000;
    pub const O_TMPFILE: u32 = 0o20200000;
    /// Status flags `F_SETFL` may change.
    pub const SETFL_MASK: u32 = O_APPEND | O_NONBLOCK | FASYNC | O_DIRECT | O_NOATIME;
}

/// Seconds and nanoseconds (time64).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timespec {
    pub sec: i64,
    pub nsec: u32,
}

impl Timespec {
    pub fn from_ns(ns: u64) -> Timespec {
        Timespec { sec: (ns / 1_000_000_000) as i64, nsec: (ns % 1_000_000_000) as u32 }
    }
}

/// What `stat` reports, independent of the guest struct layout.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stat {
    pub dev: u64,
    pub ino: u64,
    /// File type and permission bits (`S_IFMT | 0o7777`).
    pub mode: u32,
    pub nlink: u32,
    pub uid: u32,
    pub gid: u32,
    pub rdev: u64,
    pub size: u64,
    pub blksize: u32,
    /// 512-byte blocks allocated.
    pub blocks: u64,
    pub atime: Timespec,
    pub mtime: Timespec,
    pub ctime: Timespec,
    pub btime: Timespec,
}

/// poll(2) event bits (`POLLIN`...); epoll uses the same low bits.
pub mod poll_bits {
    pub const POLLIN: u32 = 0x001;
    pub const POLLPRI: u32 = 0x002;
    pub const POLLOUT: u32 = 0x004;
    pub const POLLERR: u32 = 0x008;
    pub const POLLHUP: u32 = 0x010;
    pub const POLLNVAL: u32 = 0x020;
    pub const POLLRDNORM: u32 = 0x040;
    pub const POLLRDBAND: u32 = 0x080;
    pub const POLLWRNORM: u32 = 0x100;
    pub const POLLWRBAND: u32 = 0x200;
    pub const POLLRDHUP: u32 = 0x2000;
}

/// One directory entry as `getdents64` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirEntry {
    pub ino: u64,
    /// `DT_*` type.
    pub kind: u8,
    pub name: Vec<u8>,
}

/// Behaviour of an open file. Offsets are managed by [`OpenFile`] for
/// seekable files and passed in; streams ignore them.
pub trait FileOps: Send + Sync + Any {
    /// Read up to `buf.len()` bytes at `offset` without blocking.
    fn read(&self, _buf: &mut [u8], _offset: u64) -> KResult<usize> {
        Err(Errno::EINVAL)
    }
    /// Write `data` at `offset` (streams: append) without blocking;
    /// `EAGAIN` if nothing can be written now.
    fn write(&self, _data: &[u8], _offset: u64) -> KResult<usize> {
        Err(Errno::EINVAL)
    }
    /// Does the file have a position (lseek works)? Streams: `ESPIPE`.
    fn seekable(&self) -> bool {
        false
    }
    fn stat(&self) -> KResult<Stat>;
    /// Current readiness (`poll_bits`), level-triggered.
    fn poll(&self) -> u32 {
        poll_bits::POLLIN | poll_bits::POLLOUT
    }
    /// Where to wait for readiness changes; `None` means always ready.
    fn wait_queue(&self) -> Option<&WaitQueue> {
        None
    }
    /// The directory entry at cookie `pos` and the next cookie; `Ok(None)`
    /// at the end.
    fn readdir(&self, _pos: u64) -> KResult<Option<(DirEntry, u64)>> {
        Err(Errno::ENOTDIR)
    }
    /// Process `pid` closed a descriptor of this file (any descriptor; the
    /// file may stay open through others): drop what `pid` attached to it
    /// (a message queue's mq_notify registration). Default: nothing.
    fn on_close(&self, _pid: i32) {}
    /// `MAP_SHARED` of this file: the host pages that hold its contents
    /// from now on, at least `min_len` bytes long, so that every mapping,
    /// read and write see the same bytes. `None` (the default): the file
    /// cannot be shared this way (the mapping is a copy written back on
    /// msync/munmap).
    fn shared_pages(
        &self,
        _host: &dyn crate::api::HostOps,
        _min_len: u64,
    ) -> Option<KResult<std::sync::Arc<dyn crate::api::SharedPages>>> {
        None
    }
    fn truncate(&self, _len: u64) -> KResult<()> {
        Err(Errno::EINVAL)
    }
    /// fsync/fdatasync. Objects without a sync operation (pipes, sockets,
    /// ttys, devices, anonymous files) fail with `EINVAL` (man 2 fsync).
    fn sync(&self) -> KResult<()> {
        Err(Errno::EINVAL)
    }
    /// Devices whose `llseek` ignores the request and always reports this
    /// position (`/dev/null`, `/dev/zero`, `/dev/full`: Linux's `null_lseek`
    /// sets the position to 0; `/dev/urandom`'s `noop_llseek` leaves it at 0).
    fn fixed_seek(&self) -> Option<u64> {
        None
    }
    /// Device-specific `ioctl(cmd, arg)`; generic requests (FIONBIO,
    /// FIOCLEX, FIONREAD on streams...) are handled by the syscall layer
    /// before this is called.
    fn ioctl(&self, _cmd: u32, _arg: u32, _mem: &mut dyn GuestMemory) -> KResult<i32> {
        Err(Errno::ENOTTY)
    }
    /// Bytes readable now (FIONREAD), for streams; `None` when unknown.
    fn nread(&self) -> Option<usize> {
        None
    }
    fn as_any(&self) -> &dyn Any;
}

/// An open file description (`struct file`): the object, its status
/// flags and its position. Shared by dup'd fds and across fork.
pub struct OpenFile {
    pub ops: Arc<dyn FileOps>,
    /// `O_*` status flags (access mode, O_APPEND, O_NONBLOCK...).
    flags: AtomicU32,
    /// File position of seekable files.
    pub pos: Mutex<u64>,
    /// Guest path it was opened by (for /proc/<pid>/fd and strace).
    pub path: Vec<u8>,
    /// The lock tables this file took OFD or flock locks in (released at
    /// the last close; `vfs::lock::FileLocks::track`).
    pub(crate) locks: OnceLock<Weak<crate::vfs::lock::FileLocks>>,
}

impl OpenFile {
    pub fn new(ops: Arc<dyn FileOps>, flags: u32, path: Vec<u8>) -> Arc<OpenFile> {
        Arc::new(OpenFile { ops, flags: AtomicU32::new(flags), pos: Mutex::new(0), path, locks: OnceLock::new() })
    }
    pub fn flags(&self) -> u32 {
        self.flags.load(Ordering::Relaxed)
    }
    pub fn set_flags(&self, flags: u32) {
        self.flags.store(flags, Ordering::Relaxed)
    }
    pub fn readable(&self) -> bool {
        let f = self.flags();
        f & oflags::O_PATH == 0 && matches!(f & oflags::O_ACCMODE, oflags::O_RDONLY | oflags::O_RDWR)
    }
    pub fn writable(&self) -> bool {
        let f = self.flags();
        f & oflags::O_PATH == 0 && matches!(f & oflags::O_ACCMODE, oflags::O_WRONLY | oflags::O_RDWR)
    }
    pub fn nonblocking(&self) -> bool {
        self.flags() & oflags::O_NONBLOCK != 0
    }
}

impl Drop for OpenFile {
    /// The last descriptor of this open file description went away: its
    /// OFD and flock locks are released (`vfs::lock`; `ofd_id` is this
    /// object's address).
    fn drop(&mut self) {
        if let Some(locks) = self.locks.get().and_then(Weak::upgrade) {
            locks.on_last_close(self, self as *const OpenFile as usize);
        }
    }
}

impl std::fmt::Debug for OpenFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OpenFile({:?})", String::from_utf8_lossy(&self.path))
    }
}
