//! The `Kernel` object: public entry points, the process table and the
//! dispatcher. Process lifecycle (fork, exec, exit, wait) is in
//! `task/lifecycle.rs`, signal generation/delivery in `signal/deliver.rs`;
//! both are `impl Kernel` blocks.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, RwLock};

use crate::api::*;
use crate::cred::Creds;
use crate::error::Errno;
use crate::file::{oflags, OpenFile};
use crate::mm::Mm;
use crate::signal::SigSet;
use crate::syscall::{self, Args, Ctx, Ret};
use crate::task::{
    default_rlimits, lock, ExecInfo, FdTable, ItimerReal, ProcEntry, ProcSignals, ProcState, ProcTable, Process, Task,
};
use crate::tty::{Console, ConsoleFile};
use crate::vfs::MountNamespace;
use crate::wait::WaitQueue;

/// The strace sink.
pub type StraceSink = Box<dyn Fn(&str) + Send + Sync>;

/// An in-process Linux kernel instance.
pub struct Kernel {
    pub(crate) host: Arc<dyn HostOps>,
    pub(crate) config: KernelConfig,
    /// Every task and process (see `task` for the lock order).
    pub(crate) procs: Mutex<ProcTable>,
    pub(crate) console: Arc<Console>,
    /// The mount namespace shared by all processes (`None` until the VFS
    /// builds one from the config).
    pub(crate) ns: Option<Arc<MountNamespace>>,
    #[allow(dead_code)]
    pub(crate) hostname: Mutex<Vec<u8>>,
    #[allow(dead_code)]
    pub(crate) domainname: Mutex<Vec<u8>>,
    pub(crate) strace: RwLock<Option<StraceSink>>,
    pub(crate) futexes: Mutex<crate::futex::FutexTable>,
    pub(crate) timers: Arc<crate::task::timer::Timers>,
    /// Woken whenever a signal is generated (signalfd readers and pollers).
    pub(crate) signalfd_wq: Arc<WaitQueue>,
    /// A weak handle on this kernel (for timer callbacks).
    pub(crate) self_ref: std::sync::Weak<Kernel>,
    /// Monotonic time at boot (uptime, process start times).
    #[allow(dead_code)]
    pub(crate) boot_ns: u64,
    /// Extended attributes of tmpfs inodes (`vfs::xattr`).
    pub(crate) xattrs: crate::vfs::xattr::XattrStore,
    /// The internal tmpfs memfd_create files live in (made on first use).
    pub(crate) memfd_ns: std::sync::OnceLock<Arc<MountNamespace>>,
    /// The next pipe inode number (`pipe`).
    pub(crate) pipe_ino: std::sync::atomic::AtomicU64,
    /// Advisory file locks (`vfs::lock`).
    pub(crate) file_locks: Arc<crate::vfs::lock::FileLocks>,
    /// AF_UNIX path bindings and the abstract namespace (`net::unix`).
    pub(crate) unix_ns: crate::net::unix::UnixNamespaces,
    /// Names the temporary tmpfs entries of memfd_create.
    pub(crate) memfd_next: std::sync::atomic::AtomicU64,
    /// System V semaphores and message queues, POSIX message queues (`ipc`).
    pub(crate) ipc: crate::ipc::Ipc,
}

impl Kernel {
    /// Build a kernel: mounts the root file system, devfs on /dev, procfs on
    /// /proc and the configured host mounts. Fails with a message when a host
    /// directory is missing.
    pub fn new(config: KernelConfig, host: Arc<dyn HostOps>) -> Result<Arc<Kernel>, String> {
        let console = Console::new(config.console, host.clone());
        let boot_ns = host.now_ns(HostClock::Monotonic);
        let hostname = config.hostname.as_bytes().to_vec();
        let procfs = crate::fs::procfs::ProcFs::new();
        let ns = crate::fs::boot::build_namespace(
            &config,
            &host,
            Some(&|| procfs.clone() as Arc<dyn crate::vfs::FileSystem>),
        )?;
        crate::tty::devpts::mount_dev_pts(&ns, &console)?;
        let timers = crate::task::timer::Timers::new(host.clone());
        let kernel = Arc::new_cyclic(|self_ref| Kernel {
            host,
            config,
            procs: Mutex::new(ProcTable::default()),
            console,
            ns: Some(ns),
            hostname: Mutex::new(hostname),
            domainname: Mutex::new(b"(none)".to_vec()),
            strace: RwLock::new(None),
            futexes: Default::default(),
            timers,
            signalfd_wq: Arc::new(WaitQueue::new()),
            self_ref: self_ref.clone(),
            boot_ns,
            xattrs: Default::default(),
            memfd_ns: Default::default(),
            pipe_ino: std::sync::atomic::AtomicU64::new(crate::pipe::FIRST_PIPE_INO),
            file_locks: crate::vfs::lock::FileLocks::new(),
            unix_ns: Default::default(),
            memfd_next: std::sync::atomic::AtomicU64::new(1),
            ipc: Default::default(),
        });
        kernel.console.set_kernel(&kernel);
        procfs.set_kernel(Arc::downgrade(&kernel));
        Ok(kernel)
    }

    /// The configuration this kernel was built with.
    pub fn config(&self) -> &KernelConfig {
        &self.config
    }

    pub(crate) fn task(&self, tid: Tid) -> Option<Arc<Task>> {
        lock(&self.procs).tasks.get(&tid).cloned()
    }

    /// A new process record with one task; the caller inserts it.
    pub(crate) fn new_process(&self, pid: i32, creds: Creds, fds: FdTable) -> (Arc<Process>, Arc<Task>) {
        let fs = self.ns.as_ref().map(|ns| crate::vfs::FsContext::new(ns.clone()));
        let proc = Arc::new(Process {
            pid,
            fds: Mutex::new(fds),
            fs: Mutex::new(fs),
            creds: Mutex::new(creds),
            mm: Mutex::new(Mm::default()),
            sig: Mutex::new(ProcSignals::default()),
            rlimits: Mutex::new(default_rlimits()),
            comm: Mutex::new(Vec::new()),
            exec: Mutex::new(ExecInfo::default()),
            child_wait: WaitQueue::new(),
            itimer: Mutex::new(ItimerReal::default()),
            cpu_itimers: Default::default(),
            usage: Default::default(),
            child_usage: Default::default(),
            nice: Default::default(),
            child_subreaper: Default::default(),
            start_ns: self.host.now_ns(HostClock::Monotonic),
            exiting: Default::default(),
            bridge_buf: Default::default(),
            personality: Default::default(),
            extra: Default::default(),
            leader_exit_code: std::sync::atomic::AtomicU32::new(u32::MAX),
            group_stop: Default::default(),
            dying: Default::default(),
            thread_wq: WaitQueue::new(),
        });
        let task = Arc::new(Task::new(pid, proc.clone(), self.host.now_ns(HostClock::Monotonic)));
        (proc, task)
    }

    /// Create the first process (pid 1) with fds 0/1/2 on the console.
    /// The bridge then resolves and starts its program. Fails with the
    /// errno of `chdir` (ENOENT, ENOTDIR, EACCES) when `spec.cwd` cannot be
    /// entered: a first process never starts somewhere else silently.
    pub fn spawn_init(&self, spec: InitSpec) -> Result<Tid, Errno> {
        let mut fds = FdTable::new();
        let streams = [ConsoleStream::Stdout, ConsoleStream::Stdout, ConsoleStream::Stderr];
        for (fd, stream) in streams.into_iter().enumerate() {
            let mode = if fd == 0 { oflags::O_RDONLY } else { oflags::O_WRONLY };
            let kind = self.config.stdio[fd];
            let tty = matches!(self.config.console, ConsoleKind::Tty { .. }) && kind == StdioKind::Console;
            let mode = if tty { oflags::O_RDWR } else { mode };
            let ops = match kind {
                StdioKind::Closed => continue,
                StdioKind::Console => ConsoleFile::new(self.console.clone(), stream),
                StdioKind::Stream => ConsoleFile::new_stream(self.console.clone(), stream),
            };
            let f = OpenFile::new(ops, mode, b"/dev/console".to_vec());
            fds.install_from(fd as u32, u32::MAX, f, false)?;
        }
        let mut table = lock(&self.procs);
        if table.procs.contains_key(&1) {
            return Err(Errno::EEXIST);
        }
        let (proc, task) = self.new_process(1, Creds::new(spec.uid, spec.gid), fds);
        *lock(&proc.comm) = spec.argv.first().map(|a| crate::task::comm_of(a)).unwrap_or_default();
        *lock(&proc.exec) =
            ExecInfo { path: spec.argv.first().cloned().unwrap_or_default(), argv: spec.argv, envp: spec.envp };
        {
            let creds = lock(&proc.creds).clone();
            let mut fs = lock(&proc.fs);
            if let Some(fs) = fs.as_mut() {
                let root = fs.root.clone();
                fs.cwd = crate::vfs::ops::Caller::new(fs, &creds).chdir_target(&root, spec.cwd.as_bytes())?;
            }
        }
        table.next_id = 1;
        table.tasks.insert(1, task);
        table.procs.insert(
            1,
            ProcEntry {
                proc,
                ppid: 0,
                pgid: 1,
                sid: 1,
                children: Default::default(),
                threads: vec![1],
                state: ProcState::Running,
                continued: false,
                did_exec: false,
                exit_signal: crate::signal::SIGCHLD,
            },
        );
        Ok(1)
    }

    /// The generic entry (like `lkl_syscall`): run syscall `nr` with raw
    /// argument words `args` for task `tid`.
    pub fn syscall(&self, tid: Tid, nr: u32, args: [u32; 6], mem: &mut dyn GuestMemory) -> SyscallOutcome {
        let Some(task) = self.task(tid) else {
            // A killed thread that was running guest code makes a call.
            let gone = lock(&self.procs).gone.remove(&tid).and_then(|w| w.upgrade());
            if let Some(proc) = gone {
                self.reap_dying(&proc, mem);
                return SyscallOutcome::Exit;
            }
            return SyscallOutcome::Return(Errno::ESRCH.to_ret());
        };
        if task.dead.load(Ordering::Acquire) {
            self.leave_dead(&task, mem);
            return SyscallOutcome::Exit;
        }
        task.in_kernel.store(true, Ordering::Release);
        let _current = crate::task::snapshot::enter(tid);
        let entered_ns = self.account_enter(&task, &*mem);
        let row = syscall::lookup(nr);
        let mut ctx = Ctx { kernel: self, task: task.clone(), mem, nr };
        let res = match row {
            Some(r) => (r.handler)(&mut ctx, Args(args)),
            None => Err(Errno::ENOSYS),
        };
        if matches!(res, Err(Errno::ENOSYS)) && row.is_none_or(|r| matches!(r.support, syscall::Support::Enosys(_))) {
            tracing::debug!(tid, nr, name = row.map(|r| r.name).unwrap_or("?"), "unsupported syscall");
        }
        let outcome = match res {
            Ok(Ret::Val(v)) => SyscallOutcome::Return(v),
            Ok(Ret::Exit) => SyscallOutcome::Exit,
            Ok(Ret::Exec(img)) => SyscallOutcome::Exec(img),
            Ok(Ret::Fork { flags }) => SyscallOutcome::Fork { flags },
            Ok(Ret::Thread(req)) => SyscallOutcome::Thread(req),
            Err(Errno::ERESTARTSYS) => {
                if self.should_restart(&task) {
                    SyscallOutcome::Restart
                } else {
                    SyscallOutcome::Return(Errno::EINTR.to_ret())
                }
            }
            Err(e) => SyscallOutcome::Return(e.to_ret()),
        };
        let outcome = if task.dead.load(Ordering::Acquire) { SyscallOutcome::Exit } else { outcome };
        self.account_leave(&task, entered_ns);
        if let Some(sink) = self.strace.read().unwrap_or_else(|e| e.into_inner()).as_ref() {
            let line = crate::strace::format_call(self, &task, nr, args, &*ctx.mem, &outcome);
            sink(&line);
        }
        if task.dead.load(Ordering::Acquire) {
            self.leave_dead(&task, ctx.mem);
        } else {
            task.in_kernel.store(false, Ordering::Release);
        }
        outcome
    }

    /// A killed task leaves the kernel for good: walk the robust lists of
    /// its process's killed threads with its memory (shared by them), then
    /// tell a waiting exec (de_thread) it is out.
    fn leave_dead(&self, task: &Task, mem: &mut dyn GuestMemory) {
        lock(&self.procs).gone.remove(&task.tid);
        self.reap_dying(&task.process, mem);
        task.in_kernel.store(false, Ordering::Release);
        task.process.thread_wq.wake_all();
    }

    /// CPU accounting at syscall entry: the time since the task last left
    /// the kernel was guest (user) time; remember the memory high-water mark.
    fn account_enter(&self, task: &Task, mem: &dyn GuestMemory) -> u64 {
        let now = self.host.now_ns(HostClock::Monotonic);
        let since = task.user_since_ns.swap(0, Ordering::AcqRel);
        let usage = &task.process.usage;
        if since != 0 {
            usage.utime_ns.fetch_add(now.saturating_sub(since), Ordering::Relaxed);
            task.usage.utime_ns.fetch_add(now.saturating_sub(since), Ordering::Relaxed);
        }
        task.blocked_ns.store(0, Ordering::Relaxed);
        usage.maxrss_kb.fetch_max(mem.size() / 1024, Ordering::Relaxed);
        now
    }

    /// CPU accounting at syscall exit: time in the handler not spent parked
    /// is system time; the task runs guest code from now on.
    fn account_leave(&self, task: &Task, entered_ns: u64) {
        let now = self.host.now_ns(HostClock::Monotonic);
        let busy = now.saturating_sub(entered_ns).saturating_sub(task.blocked_ns.load(Ordering::Relaxed));
        task.process.usage.stime_ns.fetch_add(busy, Ordering::Relaxed);
        task.usage.stime_ns.fetch_add(busy, Ordering::Relaxed);
        task.user_since_ns.store(now.max(1), Ordering::Release);
    }

    /// CPU time of process `proc` so far as (user, system) nanoseconds,
    /// including the running stretch of threads executing guest code now.
    pub(crate) fn process_cpu(&self, proc: &Process) -> (u64, u64) {
        let now = self.host.now_ns(HostClock::Monotonic);
        let running: u64 = {
            let table = lock(&self.procs);
            let threads = table.procs.get(&proc.pid).map(|e| e.threads.clone()).unwrap_or_default();
            threads
                .iter()
                .filter_map(|t| table.tasks.get(t))
                .map(|t| match t.user_since_ns.load(Ordering::Acquire) {
                    0 => 0,
                    since => now.saturating_sub(since),
                })
                .sum()
        };
        (proc.usage.utime_ns.load(Ordering::Relaxed) + running, proc.usage.stime_ns.load(Ordering::Relaxed))
    }

    /// CPU time of thread `task` so far as (user, system) nanoseconds.
    pub(crate) fn thread_cpu(&self, task: &Task) -> (u64, u64) {
        let running = match task.user_since_ns.load(Ordering::Acquire) {
            0 => 0,
            since => self.host.now_ns(HostClock::Monotonic).saturating_sub(since),
        };
        (task.usage.utime_ns.load(Ordering::Relaxed) + running, task.usage.stime_ns.load(Ordering::Relaxed))
    }

    /// ERESTARTSYS: restart unless the signal about to be delivered has a
    /// handler without SA_RESTART.
    fn should_restart(&self, task: &Task) -> bool {
        let sig = {
            let shared = lock(&task.process.sig);
            let t = lock(&task.sig);
            let avail = SigSet((t.pending.set.0 | shared.pending.set.0) & !t.mask.0);
            match avail.first() {
                None => return true,
                Some(s) => shared.actions.get(s),
            }
        };
        sig.handler <= crate::signal::SIG_IGN || sig.flags & crate::signal::SA_RESTART != 0
    }

    /// Install (or remove) an strace sink: one line per syscall, strace style:
    /// `[pid 3] openat(AT_FDCWD, "/etc/passwd", O_RDONLY) = 3`.
    pub fn set_strace(&self, sink: Option<StraceSink>) {
        *self.strace.write().unwrap_or_else(|e| e.into_inner()) = sink;
    }

    /// Bytes typed on / piped into the host stdin.
    pub fn console_input(&self, data: &[u8]) {
        self.console.feed(data);
    }
    /// Host stdin reached end of file.
    pub fn console_eof(&self) {
        self.console.feed_eof();
    }
    /// The host terminal was resized (SIGWINCH to the foreground group).
    pub fn console_resize(&self, rows: u16, cols: u16) {
        self.console.resize(rows, cols);
    }

    /// Resolve `path` (guest path, searched like execve: no PATH lookup)
    /// to an image for task `tid`, following `#!` (ENOEXEC when neither
    /// wasm nor script, EACCES when not executable). Used to start the first
    /// program from a guest path.
    pub fn resolve_exec(
        &self,
        tid: Tid,
        path: &str,
        argv: Vec<Vec<u8>>,
        envp: Vec<Vec<u8>>,
    ) -> Result<ExecImage, Errno> {
        self.resolve_exec_impl(tid, path, argv, envp)
    }

    /// Start `image` in task `tid` whose fresh instance has memory `mem`
    /// (the module's initial memory; its size is where the heap begins).
    /// Resets the address-space map, lays out the argc/argv/envp/auxv block
    /// (Linux initial-stack layout, 32-bit words) in a new mapping and
    /// returns its guest address, to pass to the module's `_start`.
    pub fn exec_start(&self, tid: Tid, mem: &mut dyn GuestMemory, image: &ExecImage) -> Result<u32, Errno> {
        self.exec_start_impl(tid, mem, image)
    }

    /// Complete a clone/fork for `parent` after the bridge captured the
    /// stack: creates the child task/process (copied fd table, signal
    /// actions, memory map, credentials) and returns its tid. The bridge
    /// copies the linear memory and globals itself.
    pub fn fork(&self, parent: Tid, flags: u32) -> Result<Tid, Errno> {
        self.do_fork(parent, flags)
    }

    /// Create a thread for a clone that returned
    /// [`SyscallOutcome::Thread`] in task `parent` (call it only once the
    /// bridge has reserved the thread's host resources): a new task of the
    /// caller's process with a new tid, the caller's signal mask, nothing
    /// pending, no sigaltstack, no robust list, the caller's comm and
    /// affinity; CLONE_CHILD_CLEARTID records `child_tid` for the thread's
    /// exit; CLONE_PARENT_SETTID / CLONE_CHILD_SETTID write the tid to
    /// `parent_tid` / `child_tid` in `mem` (the shared memory). Errors, with
    /// no task created: EINVAL (flags, no stack), EFAULT (a tid pointer),
    /// EAGAIN (RLIMIT_NPROC, no tid, the process is exiting or the caller
    /// was killed), ESRCH (no such caller).
    pub fn clone_thread(&self, parent: Tid, req: &ThreadRequest, mem: &mut dyn GuestMemory) -> Result<Tid, Errno> {
        self.do_clone_thread(parent, req, mem)
    }

    /// The bridge could not start thread `tid` after [`Kernel::clone_thread`]
    /// created it: the task is removed without any exit processing (no
    /// clear_child_tid wake, no SIGCHLD). If it was the process's last
    /// thread, the process ends.
    pub fn thread_start_failed(&self, tid: Tid) {
        self.remove_thread(tid)
    }

    /// Map `len` bytes of zeroed anonymous memory for the bridge's own use
    /// (e.g. the asyncify buffer). Inherited by fork like any mapping.
    pub fn map_anonymous(&self, tid: Tid, mem: &mut dyn GuestMemory, len: u32) -> Result<u32, Errno> {
        let task = self.task(tid).ok_or(Errno::ESRCH)?;
        let mut mm = lock(&task.process.mm);
        let addr = crate::mm::map_anon(&mut mm, mem, len, b"[bridge]")?;
        task.process.bridge_buf.store(addr, Ordering::Relaxed);
        Ok(addr)
    }

    /// Cheap check (an atomic load) used at syscall return and by the
    /// epoch callback: is a signal pending and unblocked for `tid`?
    ///
    /// True for a task that was killed (exit_group, SIGKILL, a fatal
    /// signal, another thread's execve) and for a tid the kernel does not
    /// know (a task that is gone): `check_signals` then returns `Exit`, so
    /// the epoch callback ends a thread that is busy in guest code.
    pub fn signal_pending(&self, tid: Tid) -> bool {
        self.task(tid).is_none_or(|t| t.signal_pending())
    }

    /// Take the next deliverable signal for `tid`. Default actions (ignore,
    /// terminate, stop, continue) happen inside the kernel; a stopped task is
    /// parked here until continued. For a handler, the kernel writes
    /// siginfo/ucontext below `sp` (or on the sigaltstack), blocks
    /// `sa_mask | signo` (unless SA_NODEFER), applies SA_RESETHAND and
    /// returns the delivery.
    pub fn check_signals(&self, tid: Tid, mem: &mut dyn GuestMemory, sp: u32) -> SignalAction {
        let Some(task) = self.task(tid) else {
            // A killed thread that was running guest code: walk its
            // process's robust lists with its memory on the way out.
            let gone = lock(&self.procs).gone.remove(&tid).and_then(|w| w.upgrade());
            if let Some(proc) = gone {
                self.reap_dying(&proc, mem);
            }
            return SignalAction::Exit;
        };
        task.in_kernel.store(true, Ordering::Release);
        let action = self.check_signals_impl(&task, mem, sp);
        if matches!(action, SignalAction::Exit) || task.dead.load(Ordering::Acquire) {
            self.leave_dead(&task, mem);
            return SignalAction::Exit;
        }
        task.in_kernel.store(false, Ordering::Release);
        action
    }

    /// The handler of `delivery` returned: restore the signal mask from the
    /// frame's ucontext (rt_sigreturn semantics).
    pub fn signal_return(&self, tid: Tid, mem: &mut dyn GuestMemory, delivery: &SignalDelivery) {
        self.signal_return_impl(tid, mem, delivery)
    }

    /// A guest trap happened in `tid`: the process dies of the signal
    /// (status visible to its parent).
    pub fn trap(&self, tid: Tid, sig: TrapSignal) {
        let signo = match sig {
            TrapSignal::Segv => crate::signal::SIGSEGV,
            TrapSignal::Ill => crate::signal::SIGILL,
            TrapSignal::Fpe => crate::signal::SIGFPE,
        };
        if let Some(t) = self.task(tid) {
            self.exit_group(t.pid(), ExitStatus::Signaled { signo: signo as u8, core: true });
        }
        lock(&self.procs).gone.remove(&tid);
    }

    /// A guest trap happened in `tid` where the bridge can run a handler
    /// and resume elsewhere (an enclosing setjmp frame, so the handler may
    /// `siglongjmp` out). If the process has a handler for the trap's signal
    /// and the task does not block it, queue the signal (thread-directed,
    /// `SI_KERNEL`) and return true: the bridge then delivers it through
    /// `check_signals`. Otherwise return false and queue nothing; the bridge
    /// calls [`Kernel::trap`] (Linux's `force_sig` likewise turns a blocked
    /// or ignored synchronous signal into its default action). A handler
    /// that returns normally would re-execute the fault: the bridge then
    /// calls `trap` too.
    pub fn trap_to_handler(&self, tid: Tid, sig: TrapSignal) -> bool {
        use crate::signal::{SigInfo, SIGFPE, SIGILL, SIGSEGV, SIG_DFL, SIG_IGN};
        let signo = match sig {
            TrapSignal::Segv => SIGSEGV,
            TrapSignal::Ill => SIGILL,
            TrapSignal::Fpe => SIGFPE,
        };
        let Some(task) = self.task(tid) else { return false };
        let handler = lock(&task.process.sig).actions.get(signo).handler;
        if handler == SIG_DFL || handler == SIG_IGN || lock(&task.sig).mask.has(signo) {
            return false;
        }
        self.send_to_task(&task, SigInfo::kernel(signo));
        true
    }

    /// The guest address ranges of task `tid`'s process that can hold data,
    /// ascending, merged and non-overlapping: the module image and heap
    /// (`0 .. page_up(brk)`) and every private mapping (shared ones: see
    /// [`Kernel::shared_mappings`]). The rest of the linear
    /// memory is unmapped and is zeroed by the kernel before it is mapped
    /// again (mmap, brk growth), so a fork need copy only these. Empty when
    /// the task does not exist.
    pub fn mapped_ranges(&self, tid: Tid) -> Vec<std::ops::Range<u64>> {
        let Some(task) = self.task(tid) else { return Vec::new() };
        let mut ranges: Vec<std::ops::Range<u64>> = {
            let mm = lock(&task.process.mm);
            let heap_end = crate::mm::page_up(mm.brk as u64).min(crate::mm::TASK_SIZE);
            std::iter::once(0..heap_end)
                .chain(
                    mm.vmas.iter().filter(|(_, v)| v.pages.is_none()).map(|(&s, v)| s as u64..s as u64 + v.len as u64),
                )
                .collect()
        };
        ranges.sort_by_key(|r| r.start);
        let mut out: Vec<std::ops::Range<u64>> = Vec::with_capacity(ranges.len());
        for r in ranges.into_iter().filter(|r| r.end > r.start) {
            match out.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => out.push(r),
            }
        }
        out
    }

    /// Is process `pid` alive (not yet a zombie)? Its first thread may have
    /// ended (pthread_exit, or an exec by another thread) while others run.
    pub fn process_running(&self, pid: Tid) -> bool {
        lock(&self.procs).procs.get(&pid).is_some_and(|e| !matches!(e.state, crate::task::ProcState::Zombie(_)))
    }

    /// The shared mappings of `tid`'s process (`MAP_SHARED` host pages):
    /// (address, length, pages, offset in pages). A fork child's memory
    /// maps these instead of copying them (they are not in
    /// [`Kernel::mapped_ranges`]).
    pub fn shared_mappings(&self, tid: Tid) -> Vec<(u32, u32, Arc<dyn crate::api::SharedPages>, u64)> {
        let Some(task) = self.task(tid) else { return Vec::new() };
        let mm = lock(&task.process.mm);
        mm.vmas.iter().filter_map(|(&s, v)| v.pages.as_ref().map(|p| (s, v.len, p.pages.clone(), p.offset))).collect()
    }

    /// The bridge could not continue task `tid` (e.g. exec'd module failed
    /// to instantiate): kill its process with `status`.
    pub fn abort_task(&self, tid: Tid, status: ExitStatus) {
        if let Some(t) = self.task(tid) {
            self.exit_group(t.pid(), status);
        }
        lock(&self.procs).gone.remove(&tid);
    }
}

impl Drop for Kernel {
    fn drop(&mut self) {
        self.timers.shutdown();
    }
}
