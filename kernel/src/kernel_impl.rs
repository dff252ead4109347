//! The `Kernel` object: public entry points. (Skeleton: the internals are
//! being filled in; every entry already has its final signature.)

use std::sync::Arc;

use crate::api::*;

/// An in-process Linux kernel instance.
pub struct Kernel {
    #[allow(dead_code)]
    host: Arc<dyn HostOps>,
    #[allow(dead_code)]
    config: KernelConfig,
}

impl Kernel {
    /// Build a kernel: mounts the root file system, devfs on /dev, procfs on
    /// /proc and the configured host mounts. Fails with a message when a host
    /// directory is missing.
    pub fn new(config: KernelConfig, host: Arc<dyn HostOps>) -> Result<Arc<Kernel>, String> {
        Ok(Arc::new(Kernel { host, config }))
    }

    /// Create the first process (pid 1) with fds 0/1/2 on the console.
    /// The bridge then resolves and starts its program.
    pub fn spawn_init(&self, _spec: InitSpec) -> Result<Tid, Errno> {
        Err(38)
    }

    /// Resolve `path` (guest path, searched like execve: no PATH lookup)
    /// to an image for task `tid`, following `#!` (ENOEXEC when neither
    /// wasm nor script, EACCES when not executable). Used to start the first
    /// program from a guest path.
    pub fn resolve_exec(&self, _tid: Tid, _path: &str, _argv: Vec<Vec<u8>>, _envp: Vec<Vec<u8>>) -> Result<ExecImage, Errno> {
        Err(38)
    }

    /// Start `image` in task `tid` whose fresh instance has memory `mem`
    /// (the module's initial memory; its size is where the heap begins).
    /// Resets the address-space map, lays out the argc/argv/envp/auxv block
    /// (Linux initial-stack layout, 32-bit words) in a new mapping and
    /// returns its guest address, to pass to the module's `_start`.
    pub fn exec_start(&self, _tid: Tid, _mem: &mut dyn GuestMemory, _image: &ExecImage) -> Result<u32, Errno> {
        Err(38)
    }

    /// The generic entry (like `lkl_syscall`): run syscall `nr` with raw
    /// argument words `args` for task `tid`.
    pub fn syscall(&self, _tid: Tid, _nr: u32, _args: [u32; 6], _mem: &mut dyn GuestMemory) -> SyscallOutcome {
        SyscallOutcome::Return(-38)
    }

    /// Complete a clone/fork for `parent` after the bridge captured the
    /// stack: creates the child task/process (copied fd table, signal
    /// actions, memory map, credentials) and returns its tid. The bridge
    /// copies the linear memory and globals itself.
    pub fn fork(&self, _parent: Tid, _flags: u32) -> Result<Tid, Errno> {
        Err(38)
    }

    /// Map `len` bytes of zeroed anonymous memory for the bridge's own use
    /// (e.g. the asyncify buffer). Inherited by fork like any mapping.
    pub fn map_anonymous(&self, _tid: Tid, _mem: &mut dyn GuestMemory, _len: u32) -> Result<u32, Errno> {
        Err(38)
    }

    /// Cheap check (an atomic load) used at syscall return and by the
    /// epoch callback: is a signal pending and unblocked for `tid`?
    pub fn signal_pending(&self, _tid: Tid) -> bool {
        false
    }

    /// Take the next deliverable signal for `tid`. Default actions (ignore,
    /// terminate, stop, continue) happen inside the kernel; a stopped task is
    /// parked here until continued. For a handler, the kernel writes
    /// siginfo/ucontext below `sp` (or on the sigaltstack), blocks
    /// `sa_mask | signo` (unless SA_NODEFER), applies SA_RESETHAND and
    /// returns the delivery.
    pub fn check_signals(&self, _tid: Tid, _mem: &mut dyn GuestMemory, _sp: u32) -> SignalAction {
        SignalAction::None
    }

    /// The handler of `delivery` returned: restore the signal mask from the
    /// frame's ucontext (rt_sigreturn semantics).
    pub fn signal_return(&self, _tid: Tid, _mem: &mut dyn GuestMemory, _delivery: &SignalDelivery) {}

    /// A guest trap happened in `tid`: the process dies of the signal
    /// (status visible to its parent).
    pub fn trap(&self, _tid: Tid, _sig: TrapSignal) {}

    /// The bridge could not continue task `tid` (e.g. exec'd module failed
    /// to instantiate): kill its process with `status`.
    pub fn abort_task(&self, _tid: Tid, _status: ExitStatus) {}

    /// Bytes typed on / piped into the host stdin.
    pub fn console_input(&self, _data: &[u8]) {}
    /// Host stdin reached end of file.
    pub fn console_eof(&self) {}
    /// The host terminal was resized (SIGWINCH to the foreground group).
    pub fn console_resize(&self, _rows: u16, _cols: u16) {}

    /// Install (or remove) an strace sink: one line per syscall, strace style:
    /// `[pid 3] openat(AT_FDCWD, "/etc/passwd", O_RDONLY) = 3`.
    pub fn set_strace(&self, _sink: Option<Box<dyn Fn(&str) + Send + Sync>>) {}
}
