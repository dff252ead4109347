//! The kernel's public contract with its host (the bridge).
//!
//! Everything the bridge may call lives here. Internals (tasks, fds, VFS,
//! file systems, signals, futexes, memory map) stay private to the crate.
//!
//! Threading model: the bridge runs each guest task on its own host thread and
//! calls [`Kernel::syscall`] from that thread. `Kernel` is `Send + Sync`; a
//! syscall that must block parks the calling host thread through
//! [`HostOps::park`] and is woken by [`HostOps::unpark`] from another thread.
//! No kernel lock is held while parked or while guest memory is accessed for
//! long copies.

use std::sync::Arc;

/// Thread id (Linux tid). The first task of a process has `tid == pid`.
pub type Tid = i32;

/// Linux errno values (asm-generic numbering). Only the kernel negates them.
pub type Errno = i32;

/// Access to one process's guest memory (its wasm linear memory).
///
/// Addresses are guest addresses (u32). Every method checks bounds and
/// returns `Err(EFAULT)` for any byte outside the current size; it never
/// panics. Implementations must not keep references into the memory across
/// calls: `grow` may move it.
pub trait GuestMemory {
    /// Current size in bytes (a multiple of 64 KiB).
    fn size(&self) -> u64;
    /// Copy `buf.len()` bytes from guest address `addr` into `buf`.
    fn read(&self, addr: u32, buf: &mut [u8]) -> Result<(), Errno>;
    /// Copy `data` to guest address `addr`.
    fn write(&mut self, addr: u32, data: &[u8]) -> Result<(), Errno>;
    /// Set `len` bytes at `addr` to `byte`.
    fn fill(&mut self, addr: u32, len: u32, byte: u8) -> Result<(), Errno>;
    /// Grow the memory to at least `new_size` bytes (rounded up to 64 KiB).
    /// `Err(ENOMEM)` when the host refuses. New bytes are zero.
    fn grow(&mut self, new_size: u64) -> Result<(), Errno>;
    /// Map `len` bytes of `pages` from `offset` at `addr` (all page
    /// aligned, within the current size), shared: every mapping of the same
    /// pages, in any process or thread, sees the same bytes (`MAP_SHARED`).
    /// `Err(ENODEV)` (the default) when this memory cannot: the kernel then
    /// keeps a private copy, as before shared memory existed.
    fn map_shared(&mut self, _addr: u32, _len: u32, _pages: &Arc<dyn SharedPages>, _offset: u64) -> Result<(), Errno> {
        Err(crate::error::Errno::ENODEV.code())
    }
    /// Make `[addr, addr+len)` zero, giving the host memory behind whole
    /// pages back where the memory can (the kernel zeroes every range it
    /// maps). Default: `fill` with 0.
    fn discard(&mut self, addr: u32, len: u32) -> Result<(), Errno> {
        self.fill(addr, len, 0)
    }
    /// `[addr, addr+len)` stops being a shared mapping: make it private zero
    /// pages again.
    fn unmap_shared(&mut self, _addr: u32, _len: u32) -> Result<(), Errno> {
        Ok(())
    }
}

/// Host memory that can be mapped into several guest memories at once
/// (`MAP_SHARED`; the bridge backs it with a memfd). Made by
/// [`HostOps::new_shared_pages`], mapped by [`GuestMemory::map_shared`].
pub trait SharedPages: Send + Sync + std::fmt::Debug {
    /// Unique among the host's live objects (futex keys).
    fn id(&self) -> u64;
    /// Size in bytes.
    fn len(&self) -> u64;
    /// No bytes yet.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Grow to at least `len` bytes (new bytes zero; never shrinks: a
    /// mapping past the end would fault in the host).
    fn grow(&self, len: u64) -> Result<(), Errno>;
    /// Copy bytes at `offset` into `buf` (bytes past `len()` read as zero).
    fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<(), Errno>;
    /// Copy `data` to `offset` (within `len()`).
    fn write_at(&self, data: &[u8], offset: u64) -> Result<(), Errno>;
    /// Zero `[offset, offset+len)` (within `len()`), freeing the memory.
    fn zero(&self, offset: u64, len: u64) -> Result<(), Errno>;
    /// For the host to find its own type.
    fn as_any(&self) -> &dyn std::any::Any;
}

/// A plain `Vec<u8>`-backed guest memory, for tests and tools.
#[derive(Debug, Clone, Default)]
pub struct VecMemory {
    pub bytes: Vec<u8>,
    /// Largest size `grow` accepts (default 4 GiB).
    pub max_size: u64,
}

impl VecMemory {
    pub fn new(size: usize) -> Self {
        VecMemory { bytes: vec![0; size], max_size: 1 << 32 }
    }
    fn range(&self, addr: u32, len: usize) -> Result<std::ops::Range<usize>, Errno> {
        let start = addr as usize;
        let end = start.checked_add(len).ok_or(EFAULT)?;
        if end > self.bytes.len() {
            return Err(EFAULT);
        }
        Ok(start..end)
    }
}

const EFAULT: Errno = crate::error::Errno::EFAULT.code();
const ENOMEM: Errno = crate::error::Errno::ENOMEM.code();

impl GuestMemory for VecMemory {
    fn size(&self) -> u64 {
        self.bytes.len() as u64
    }
    fn read(&self, addr: u32, buf: &mut [u8]) -> Result<(), Errno> {
        let r = self.range(addr, buf.len())?;
        buf.copy_from_slice(&self.bytes[r]);
        Ok(())
    }
    fn write(&mut self, addr: u32, data: &[u8]) -> Result<(), Errno> {
        let r = self.range(addr, data.len())?;
        self.bytes[r].copy_from_slice(data);
        Ok(())
    }
    fn fill(&mut self, addr: u32, len: u32, byte: u8) -> Result<(), Errno> {
        let r = self.range(addr, len as usize)?;
        self.bytes[r].fill(byte);
        Ok(())
    }
    fn grow(&mut self, new_size: u64) -> Result<(), Errno> {
        let new_size = new_size.div_ceil(65536) * 65536;
        if new_size > self.max_size {
            return Err(ENOMEM);
        }
        if new_size > self.bytes.len() as u64 {
            self.bytes.resize(new_size as usize, 0);
        }
        Ok(())
    }
}

/// Clocks the host provides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostClock {
    /// Wall-clock time since the Unix epoch.
    Realtime,
    /// Monotonic time since an arbitrary start (never goes back).
    Monotonic,
    /// CPU time used by the whole host process (for `times`, CLOCK_PROCESS_CPUTIME_ID).
    ProcessCpu,
}

/// Which host output stream the console writes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsoleStream {
    Stdout,
    Stderr,
}

/// What the kernel needs from its host (like LKL's `lkl_host_ops`).
///
/// Host-directory access is not here: hostfs uses confined `openat`-style
/// host calls itself (nix), rooted at a directory fd the config names.
pub trait HostOps: Send + Sync {
    /// Current time of `clock` in nanoseconds.
    fn now_ns(&self, clock: HostClock) -> u64;
    /// Block the calling host thread, which runs task `tid`, until
    /// [`HostOps::unpark`] is called for `tid` or the monotonic clock reaches
    /// `deadline_ns`. An `unpark` that happens before `park` is remembered
    /// (one permit, like `std::thread::park`), so no wake-up is lost.
    /// Spurious returns are allowed; the kernel re-checks its condition.
    fn park(&self, tid: Tid, deadline_ns: Option<u64>);
    /// Wake task `tid` (see [`HostOps::park`]).
    fn unpark(&self, tid: Tid);
    /// Fill `buf` with cryptographically secure random bytes.
    fn random(&self, buf: &mut [u8]);
    /// Write bytes to the host terminal/stream behind the console; returns
    /// how many were written (at least one unless `data` is empty), or the
    /// host's error as the guest's errno (`EPIPE` for a pipe without
    /// readers, `ENOSPC`, `EIO`...), which reaches the guest's `write`.
    fn console_write(&self, stream: ConsoleStream, data: &[u8]) -> Result<usize, crate::error::Errno>;
    /// The host terminal changed its line discipline needs (raw while the
    /// guest's console tty is in non-canonical mode, etc.). Default: nothing.
    fn console_mode_changed(&self, _guest_canonical: bool) {}
    /// A process ended and became a zombie (or was reaped by init).
    /// The bridge uses it to learn the exit status of the first process.
    fn process_exited(&self, _pid: Tid, _status: ExitStatus) {}
    /// A new shared-memory object of `len` bytes, all zero, or `Err(errno)`
    /// (ENOMEM, ENFILE). Default: ENODEV (no sharing; mappings stay private).
    fn new_shared_pages(&self, _len: u64) -> Result<Arc<dyn SharedPages>, Errno> {
        Err(crate::error::Errno::ENODEV.code())
    }
}

/// A mount of a host directory into the guest tree.
#[derive(Debug, Clone)]
pub struct HostMount {
    /// Host directory (must exist).
    pub host_path: std::path::PathBuf,
    /// Absolute guest path where it appears (created if missing).
    pub guest_path: String,
    pub read_only: bool,
}

/// What the root file system is.
#[derive(Debug, Clone)]
pub enum RootFs {
    /// An empty tmpfs with /dev, /proc, /tmp created.
    Tmpfs,
    /// A host directory mounted (confined) as `/`; devfs and procfs are
    /// mounted on /dev and /proc over it.
    Host { host_path: std::path::PathBuf, read_only: bool },
    /// A tmpfs populated with a copy of a host directory tree at start
    /// (files, directories, symlinks, modes). Guest changes vanish at exit:
    /// the default for `wasmlinux run --root DIR`.
    CopyOf(std::path::PathBuf),
}

/// How the host's standard streams appear to the first process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsoleKind {
    /// Host stdin is a terminal: fds 0/1/2 are the console tty (/dev/console),
    /// with an N_TTY line discipline in the kernel.
    Tty { rows: u16, cols: u16 },
    /// Host stdin is not a terminal: fd 0 reads the bytes the bridge feeds
    /// with [`Kernel::console_input`]; fds 1/2 write through `console_write`.
    Pipe,
}

/// What the first process's fd 0, 1 or 2 is, given what the host has there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StdioKind {
    /// The console: its terminal with `ConsoleKind::Tty`, else the host stream.
    Console,
    /// The host stream even when the console is a terminal (host stdout is
    /// a pipe or file while stdin is a terminal, as in `wasmlinux run yes | head`):
    /// not a tty in the guest, and the host's write errors reach the guest.
    Stream,
    /// Closed on the host: the fd is not open in the guest either (EBADF).
    Closed,
}

/// Kernel configuration.
#[derive(Debug, Clone)]
pub struct KernelConfig {
    pub hostname: String,
    pub root: RootFs,
    pub mounts: Vec<HostMount>,
    pub console: ConsoleKind,
    /// fds 0, 1, 2 of the first process.
    pub stdio: [StdioKind; 3],
    /// CPUs the guest is told about (sched_getaffinity, getcpu,
    /// /proc/cpuinfo-like reports): the bridge sets the host's
    /// `std::thread::available_parallelism()`. At least 1; at most 1024.
    pub cpus: u32,
}

impl Default for KernelConfig {
    fn default() -> Self {
        KernelConfig {
            hostname: "wasmlinux".into(),
            root: RootFs::Tmpfs,
            mounts: Vec::new(),
            console: ConsoleKind::Pipe,
            stdio: [StdioKind::Console; 3],
            cpus: 1,
        }
    }
}

/// The first process.
#[derive(Debug, Clone)]
pub struct InitSpec {
    pub argv: Vec<Vec<u8>>,
    pub envp: Vec<Vec<u8>>,
    /// Absolute guest path.
    pub cwd: String,
    pub uid: u32,
    pub gid: u32,
}

/// A program image to start: what `exec` resolved.
#[derive(Debug, Clone)]
pub struct ExecImage {
    /// Guest path of the wasm module finally loaded (after `#!` resolution).
    pub path: String,
    /// The module bytes (starts with `\0asm`).
    pub module: Arc<Vec<u8>>,
    /// Final argv (with the interpreter prepended for `#!` scripts).
    pub argv: Vec<Vec<u8>>,
    pub envp: Vec<Vec<u8>>,
    /// Set by execve when the calling thread was not the thread-group
    /// leader: as on Linux, the exec'ing thread takes over the leader's
    /// tid (the pid) and its old tid is gone. The bridge must run the new
    /// image, `exec_start` included, and every later call as this tid.
    /// `None`: the tid is unchanged (always for the first program).
    pub new_tid: Option<Tid>,
}

/// clone(2) asking for a thread (CLONE_VM|CLONE_FS|CLONE_FILES|
/// CLONE_SIGHAND|CLONE_THREAD, validated by the kernel), in clone's
/// asm-generic 32-bit argument order. The bridge reserves its host
/// resources (thread, instance over the shared memory, shadow stack at
/// `stack`, TLS from `tls` with CLONE_SETTLS), then calls
/// [`Kernel::clone_thread`] and starts the thread at the module's thread
/// entry (docs/ARCHITECTURE.md, "Threads").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThreadRequest {
    pub flags: u32,
    /// New shadow-stack pointer (never 0 for a thread).
    pub stack: u32,
    /// CLONE_PARENT_SETTID: where the kernel writes the new tid.
    pub parent_tid: u32,
    /// CLONE_SETTLS: the thread pointer for the new thread.
    pub tls: u32,
    /// CLONE_CHILD_SETTID (written) / CLONE_CHILD_CLEARTID (cleared and
    /// woken at the thread's exit).
    pub child_tid: u32,
}

/// How a process ended, as `wait` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    Exited(u8),
    Signaled { signo: u8, core: bool },
}

impl ExitStatus {
    /// Shell-style exit code: the code, or 128 + signal.
    pub fn shell_code(self) -> i32 {
        match self {
            ExitStatus::Exited(c) => c as i32,
            ExitStatus::Signaled { signo, .. } => 128 + signo as i32,
        }
    }
}

/// Result of a syscall, as the bridge must act on it.
#[derive(Debug)]
pub enum SyscallOutcome {
    /// Return this value to the guest (a result, or `-errno`).
    Return(i32),
    /// The calling task is gone (exit, exit_group, or killed while in the
    /// call): the bridge unwinds the guest with a typed trap and ends the
    /// host thread. The kernel has already recorded the status.
    Exit,
    /// execve succeeded up to the point of no return: CLOEXEC fds closed,
    /// handled signals reset. The bridge unwinds the guest, instantiates the
    /// image in a fresh store and calls [`Kernel::exec_start`].
    Exec(Box<ExecImage>),
    /// clone/fork/vfork: the bridge must capture the stack (asyncify), then
    /// call [`Kernel::fork`] and run the child. `flags` are clone's flags.
    Fork { flags: u32 },
    /// clone with CLONE_THREAD: the bridge reserves the thread's host
    /// resources (host thread, an instance over the process's shared memory),
    /// then calls [`Kernel::clone_thread`], which creates the task and returns
    /// its tid for the caller; the new thread starts at the module's thread
    /// entry with `__stack_pointer = stack` (docs/ARCHITECTURE.md, "Threads").
    Thread(ThreadRequest),
    /// The call was interrupted by a signal whose handler has SA_RESTART:
    /// the bridge delivers signals ([`Kernel::check_signals`]) and then
    /// issues the same call again with the same arguments. (Calls that must
    /// not restart return `Return(-EINTR)` instead.)
    Restart,
}

/// A signal the bridge must deliver to a guest handler now.
#[derive(Debug, Clone)]
pub struct SignalDelivery {
    pub signo: i32,
    /// Handler function (guest table index).
    pub handler: u32,
    /// `sa_flags` of the action (SA_SIGINFO, SA_RESTART, SA_ONSTACK...).
    pub sa_flags: u32,
    /// Guest address of the `siginfo_t` the kernel wrote.
    pub siginfo_ptr: u32,
    /// Guest address of the `ucontext_t` the kernel wrote (its
    /// `uc_sigmask` is the mask to restore on return).
    pub ucontext_ptr: u32,
    /// New shadow-stack pointer (`__stack_pointer`) to run the handler on,
    /// below the frame (or on the sigaltstack).
    pub handler_sp: u32,
}

/// What to do at a signal check point.
#[derive(Debug)]
pub enum SignalAction {
    /// Nothing pending and deliverable.
    None,
    /// Call a guest handler (then [`Kernel::signal_return`]).
    Deliver(SignalDelivery),
    /// The task is gone (default action killed the process): unwind as
    /// for [`SyscallOutcome::Exit`].
    Exit,
}

/// Signals produced by guest traps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrapSignal {
    /// Out-of-bounds memory access, stack exhaustion.
    Segv,
    /// `unreachable`, bad indirect call.
    Ill,
    /// Integer division by zero / overflow.
    Fpe,
}
