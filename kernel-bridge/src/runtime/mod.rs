//! The process runtime: one wasmtime `Engine`, one `Store` + instance +
//! linear memory per process, one host thread per task.
//!
//! By concern (guest ABI in docs/ARCHITECTURE.md):
//! - this file: [`Runtime`] and its config, compiling and linking programs,
//!   task threads and the run loop (exec: a fresh store for the new image;
//!   the typed errors that unwind the guest: [`GuestExit`], [`ExecRequest`],
//!   [`Longjmp`], [`FatalSignal`]);
//! - `admission`: the task limit and the host mapping budget (fork → EAGAIN);
//! - `proc`: the store record of a process ([`Proc`]), its fork state and
//!   the instance exports the runtime calls;
//! - `imports`: `env.wasmlinux_syscall32`, `env.wasmlinux_fork`,
//!   `env.invoke_*`, `env.emscripten_longjmp`;
//! - `fork`: the asyncify fork protocol, host half (child instance, memory
//!   copy, child thread);
//! - `thread`: clone(CLONE_THREAD): a new instance over the process's shared
//!   memory on a new host thread;
//! - `signals`: delivery at syscall return and from the epoch-deadline
//!   callback (an engine-wide ticker advances the epoch), traps → signals.
//!
//! Neighbours: `guest_memory` (the kernel's view of a store's memory),
//! `cache` (compiled modules), `host` (parking, console), `sys` (the kernel).

mod admission;
mod fork;
mod imports;
mod panics;
mod proc;
mod signals;
mod thread;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, Weak};
use std::thread::JoinHandle;
use std::time::Duration;

use wasmlinux_kernel::{ExecImage, ExitStatus, SyscallOutcome, Tid, TrapSignal};
use wasmtime::{
    AsContextMut, Config, Engine, ExternType, Instance, InstancePre, Linker, MemoryType, Module, Mutability,
    SharedMemory, Store,
};

use crate::cache::{CacheSource, ModuleCache};
use crate::guest_memory::WasmMemory;
use crate::host::{lock, Host};
use crate::sys::Sys;
use admission::{Admission, TaskSlot};
pub use fork::ForkedChild;
pub use panics::in_contained_code;
pub use proc::Proc;
use proc::{Entry, Exports, ForkState};
use signals::trap_signal;
pub use thread::NewThread;

// errno numbers come from the kernel's one definition (asm-generic), never the host's libc.
const EAGAIN: i32 = wasmlinux_kernel::error::Errno::EAGAIN.code();
const ENOMEM: i32 = wasmlinux_kernel::error::Errno::ENOMEM.code();
const EFAULT: i32 = wasmlinux_kernel::error::Errno::EFAULT.code();
const ENOSYS: i32 = wasmlinux_kernel::error::Errno::ENOSYS.code();
const SYS_EXIT: u32 = 93;
const SYS_EXIT_GROUP: u32 = 94;
const SIGKILL: u8 = 9;
const SIGSEGV: u8 = 11;
/// How a process is killed when the host fails it (SIGKILL).
const KILLED: ExitStatus = ExitStatus::Signaled { signo: SIGKILL, core: false };

/// `msg` on one line (for one-line reports).
fn one_line(msg: &str) -> String {
    msg.replace('\n', " ")
}

// ---------------------------------------------------------------------------
// Typed unwinds
// ---------------------------------------------------------------------------

/// The task is gone (exit, exit_group, killed): unwind and end the thread.
#[derive(Debug, thiserror::Error)]
#[error("task exited")]
pub struct GuestExit;

/// execve reached the point of no return: unwind and start the image.
#[derive(Debug, thiserror::Error)]
#[error("exec {}", .0.path)]
pub struct ExecRequest(pub Box<ExecImage>);

/// `emscripten_longjmp(env, val)`: unwinds to the nearest `invoke_*`.
#[derive(Debug, thiserror::Error)]
#[error("longjmp(env={env:#x}, val={val}) with no setjmp frame")]
pub struct Longjmp {
    pub env: i32,
    pub val: i32,
}

/// A trap that must kill the process with its signal: not offered to
/// handlers again by outer `invoke_*` frames.
#[derive(Debug, thiserror::Error)]
#[error("fatal {0:?}")]
pub struct FatalSignal(pub TrapSignal);

/// Why a task could not start: message, and the status to kill it with.
type TaskFailure = (String, ExitStatus);

/// Why a module cannot be run.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    #[error("not a wasm module")]
    NotWasm,
    #[error("invalid wasm module: {0}")]
    Compile(String),
    #[error("not a wasmlinux program: {0}")]
    NotProgram(String),
}

// ---------------------------------------------------------------------------
// Runtime
// ---------------------------------------------------------------------------

/// Tunables. Defaults are sized for many thousands of live processes.
#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    /// Wasm (native) stack a task may use before `StackOverflow` → SIGSEGV.
    pub max_wasm_stack: usize,
    /// Host stack per task thread: the wasm stack plus room for the kernel.
    pub thread_stack: usize,
    /// Virtual reservation per linear memory (≤ 4 GiB; memories never move).
    pub memory_reservation: u64,
    /// Guard region after each memory.
    pub memory_guard: u64,
    /// Epoch tick (async signal latency).
    pub epoch_tick: Duration,
    /// The on-disk module cache.
    pub cache_dir: CacheDir,
    /// Preempt running guest code (epoch interruption) so that a signal
    /// reaches a busy loop within one `epoch_tick`. Off: compiled code has no
    /// epoch checks (up to 2.5x faster tight loops) and signals wait for the
    /// guest's next syscall. Default: on, unless `WASMLINUX_PREEMPT=0`.
    pub preempt: bool,
    /// At most this many live tasks: fork beyond it fails with EAGAIN.
    /// Default: `WASMLINUX_MAX_PROCS` if set, else only host limits (see
    /// `admission::MapBudget`).
    pub max_processes: Option<usize>,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        RuntimeConfig {
            max_wasm_stack: 1 << 20,
            thread_stack: (1 << 20) + (1 << 20),
            memory_reservation: 1 << 32,
            memory_guard: 64 << 10,
            epoch_tick: Duration::from_millis(10),
            cache_dir: CacheDir::Default,
            preempt: std::env::var("WASMLINUX_PREEMPT").map_or(true, |v| v != "0"),
            max_processes: std::env::var("WASMLINUX_MAX_PROCS").ok().and_then(|v| v.parse().ok()),
        }
    }
}

/// Where compiled modules are cached on disk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum CacheDir {
    /// `$WASMLINUX_CACHE_DIR`, else `$XDG_CACHE_HOME/wasmlinux` or
    /// `~/.cache/wasmlinux` (see `cache`).
    #[default]
    Default,
    /// This directory.
    At(PathBuf),
    /// No disk cache (memory only).
    Off,
}

/// A compiled, linked program: ready to instantiate.
pub struct Program {
    pub module: Module,
    /// Linked imports. A module with its own memory is pre-instantiated;
    /// one that imports a shared `env.memory` gets a memory per process
    /// (threads share their process's), defined at each instantiation.
    link: ProgramLink,
    /// Exported mutable globals (copied on fork).
    mutable_globals: Vec<String>,
    pub source: CacheSource,
}

enum ProgramLink {
    Own(InstancePre<Proc>),
    Shared { linker: Linker<Proc>, memory: MemoryType },
}

/// How a task thread ended (the CLI's fallback when the kernel did not
/// report init's status).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskEnd {
    /// exit/exit_group (with the code passed, when that was the call).
    Exited(Option<u8>),
    Trapped(TrapSignal),
    Aborted(ExitStatus),
}

pub struct Runtime {
    /// This runtime (stores keep it to create threads from the import).
    me: Weak<Runtime>,
    engine: Engine,
    cache: Arc<ModuleCache>,
    linker: Linker<Proc>,
    programs: Mutex<std::collections::HashMap<[u8; 32], Arc<Program>>>,
    kernel: Arc<dyn Sys>,
    host: Arc<Host>,
    config: RuntimeConfig,
    admission: Arc<Admission>,
}

/// What a task thread starts with.
pub enum TaskStart {
    /// Instantiate this image and call `Kernel::exec_start`.
    Exec(Box<ExecImage>),
    /// A forked child: its instance, already holding a copy of the parent;
    /// the thread rewinds it into the fork import.
    Fork(Box<ForkedChild>),
    /// A thread of an existing process: its instance over the process's
    /// shared memory; the task thread calls its thread entry.
    Thread(Box<NewThread>),
}

impl Runtime {
    pub fn new(kernel: Arc<dyn Sys>, host: Arc<Host>, config: RuntimeConfig) -> wasmtime::Result<Arc<Runtime>> {
        let mut wc = Config::new();
        wc.epoch_interruption(config.preempt)
            .max_wasm_stack(config.max_wasm_stack)
            .memory_reservation(config.memory_reservation)
            .memory_guard_size(config.memory_guard)
            .memory_reservation_for_growth(0)
            .memory_may_move(false)
            // Offsets are unsigned: a guard below memory only costs a mapping.
            .guard_before_linear_memory(false)
            // Threads: modules are built with -matomics and import a shared memory.
            .wasm_threads(true)
            .shared_memory(true)
            .parallel_compilation(true);
        let engine = Engine::new(&wc)?;
        let cache = match &config.cache_dir {
            CacheDir::Default => ModuleCache::new(&engine),
            CacheDir::At(dir) => ModuleCache::with_dir(&engine, Some(dir.clone())),
            CacheDir::Off => ModuleCache::with_dir(&engine, None),
        };
        let linker = imports::base_linker(&engine)?;
        panics::install_hook();
        let rt = Arc::new_cyclic(|me| Runtime {
            me: me.clone(),
            engine,
            cache,
            linker,
            programs: Mutex::new(Default::default()),
            kernel,
            host,
            admission: Admission::new(config.max_processes),
            config,
        });
        if rt.config.preempt {
            signals::start_ticker(Arc::downgrade(&rt), rt.config.epoch_tick);
        }
        Ok(rt)
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Number of task threads alive.
    pub fn live_tasks(&self) -> usize {
        self.admission.live()
    }

    /// Compile (or fetch from the caches) and link a module.
    pub fn prepare(&self, bytes: &[u8]) -> Result<Arc<Program>, PrepareError> {
        if !bytes.starts_with(b"\0asm") {
            return Err(PrepareError::NotWasm);
        }
        let key: [u8; 32] = {
            use sha2::Digest;
            sha2::Sha256::digest(bytes).into()
        };
        if let Some(p) = lock(&self.programs).get(&key) {
            return Ok(p.clone());
        }
        let (module, source) = self.cache.get_keyed(bytes, key).map_err(|e| PrepareError::Compile(format!("{e:#}")))?;
        let program = Arc::new(self.link(module, source)?);
        lock(&self.programs).insert(key, program.clone());
        Ok(program)
    }

    fn link(&self, module: Module, source: CacheSource) -> Result<Program, PrepareError> {
        let bad = |m: String| PrepareError::NotProgram(m);
        let mut shared = None;
        for imp in module.imports() {
            if let ExternType::Memory(ty) = imp.ty() {
                if (imp.module(), imp.name()) != ("env", "memory") || !ty.is_shared() || ty.is_64() {
                    return Err(bad(format!(
                        "imports memory {}.{}: only a shared 32-bit env.memory can be imported",
                        imp.module(),
                        imp.name()
                    )));
                }
                shared = Some(ty);
            }
        }
        if shared.is_none() && !matches!(module.get_export("memory"), Some(ExternType::Memory(_))) {
            return Err(bad("no memory (neither a shared env.memory import nor an exported memory)".into()));
        }
        match module.get_export("_start") {
            Some(ExternType::Func(f)) if f.params().len() == 1 && f.results().len() == 0 => {}
            _ => return Err(bad("no `_start(i32)` export".into())),
        }
        let mut linker = self.linker.clone();
        for imp in module.imports() {
            if imp.module() != "env" || !imp.name().starts_with("invoke_") {
                continue;
            }
            if let ExternType::Func(ty) = imp.ty() {
                imports::define_invoke(&mut linker, imp.name(), ty).map_err(|e| bad(format!("{e:#}")))?;
            }
        }
        let link = match shared {
            Some(memory) => ProgramLink::Shared { linker, memory },
            None => ProgramLink::Own(linker.instantiate_pre(&module).map_err(|e| bad(format!("{e:#}")))?),
        };
        let mutable_globals = module
            .exports()
            .filter_map(|e| match e.ty() {
                ExternType::Global(g) if g.mutability() == Mutability::Var => Some(e.name().to_string()),
                _ => None,
            })
            .collect();
        Ok(Program { module, link, mutable_globals, source })
    }

    /// Start a host thread running task `tid`.
    pub fn spawn_task(self: &Arc<Self>, tid: Tid, start: TaskStart) -> std::io::Result<JoinHandle<TaskEnd>> {
        let rt = self.clone();
        let slot = self.admission.reserve_unchecked();
        self.start_thread(format!("task-{tid}"), slot, move || rt.run_task(tid, start))
    }

    /// A task thread, counted live by its `slot` until it ends (or at once,
    /// if the thread cannot start).
    fn start_thread(
        self: &Arc<Self>,
        name: String,
        mut slot: TaskSlot,
        body: impl FnOnce() -> TaskEnd + Send + 'static,
    ) -> std::io::Result<JoinHandle<TaskEnd>> {
        let thread_name = name.clone();
        std::thread::Builder::new().name(name).stack_size(self.config.thread_stack).spawn(move || {
            slot.started();
            // `run_task` contains the task's own panics; this catches
            // the rest of the thread's code.
            panics::contain(body).unwrap_or_else(|msg| {
                eprintln!(
                    "wasmlinux: internal error in thread {thread_name}: {}; please report it at {}",
                    one_line(&msg),
                    panics::REPORT_AT
                );
                TaskEnd::Aborted(KILLED)
            })
        })
    }

    /// The body of a task thread: run images until the task ends. A panic
    /// ends the process with SIGKILL (see [`Runtime::internal_error`]).
    fn run_task(self: &Arc<Self>, tid: Tid, start: TaskStart) -> TaskEnd {
        // `run_images` forgets its (last) tid itself: an exec may change it.
        panics::contain(|| self.run_images(tid, start)).unwrap_or_else(|msg| {
            let end = self.internal_error(tid, &msg);
            self.host.task_ended(tid);
            end
        })
    }

    /// A bug in the host or the kernel panicked while running `tid`: kill
    /// its process with SIGKILL through the kernel (its parent's wait sees
    /// it killed by signal 9; its thread ends and releases its slot) and
    /// say what to report (the tid of a process's first thread is its pid).
    fn internal_error(&self, tid: Tid, msg: &str) -> TaskEnd {
        eprintln!(
            "wasmlinux: internal error in task {tid}: {}; please report it at {}",
            one_line(msg),
            panics::REPORT_AT
        );
        if let Err(e) = panics::contain(|| self.kernel.abort_task(tid, KILLED)) {
            eprintln!("wasmlinux: internal error while killing pid {tid}: {}", one_line(&e));
        }
        TaskEnd::Aborted(KILLED)
    }

    fn run_images(self: &Arc<Self>, mut tid: Tid, start: TaskStart) -> TaskEnd {
        let mut next = start;
        loop {
            let mut store = match self.instantiate(tid, next) {
                Ok(x) => x,
                Err((msg, status)) => {
                    eprintln!("wasmlinux: {msg}");
                    self.kernel.abort_task(tid, status);
                    self.host.task_ended(tid);
                    return TaskEnd::Aborted(status);
                }
            };
            match self.run_store(tid, &mut store) {
                Ok(exec) => {
                    // A thread that exec'd took over its process's pid
                    // (the kernel's de_thread).
                    // Known window: the old leader's host thread, killed by
                    // de_thread, forgets its parker for `t` when it ends; if
                    // that lands after this thread first parks as `t`, one
                    // wake-up can be lost (issue 15 notes).
                    if let Some(t) = exec.new_tid {
                        self.host.task_ended(tid);
                        tid = t;
                    }
                    next = TaskStart::Exec(exec)
                }
                Err(end) => {
                    self.host.task_ended(tid);
                    return end;
                }
            }
        }
    }

    /// A fresh store and instance of `program` for task `tid`: over `memory`
    /// (a new thread of a process), or with a new memory (a new process).
    fn new_instance(
        &self,
        tid: Tid,
        program: &Arc<Program>,
        memory: Option<SharedMemory>,
    ) -> wasmtime::Result<(Store<Proc>, Instance)> {
        let mut proc = Proc::new(tid, self.kernel.clone());
        proc.rt = self.me.clone();
        let mut store = Store::new(&self.engine, proc);
        if self.config.preempt {
            signals::arm_preemption(&mut store);
        }
        let (instance, shared) = match &program.link {
            ProgramLink::Own(pre) => (pre.instantiate(&mut store)?, None),
            ProgramLink::Shared { linker, memory: ty } => {
                let mem = match memory {
                    Some(m) => m,
                    None => SharedMemory::new(&self.engine, ty.clone())?,
                };
                let mut linker = linker.clone();
                linker.define(&store, "env", "memory", mem.clone())?;
                (linker.instantiate(&mut store, &program.module)?, Some(mem))
            }
        };
        let ex = Exports::collect(&mut store, &instance, &program.mutable_globals, shared)?;
        store.data_mut().ex = Some(ex);
        store.data_mut().program = Some(program.clone());
        Ok((store, instance))
    }

    /// Create the store and instance for a task start, its entry set; on
    /// failure a message and the status to kill the task with.
    fn instantiate(&self, tid: Tid, start: TaskStart) -> Result<Store<Proc>, TaskFailure> {
        let segv = ExitStatus::Signaled { signo: SIGSEGV, core: false };
        let fail = |e: wasmtime::Error| (format!("instantiate: {e:#}"), segv);
        let image = match start {
            TaskStart::Exec(image) => image,
            TaskStart::Fork(child) => return child.start(tid, segv),
            TaskStart::Thread(t) => return Ok(t.store),
        };
        let program = match self.prepare(&image.module) {
            Ok(p) => p,
            Err(e) => return Err((format!("exec {}: {e}", image.path), segv)),
        };
        let (mut store, _) = self.new_instance(tid, &program, None).map_err(fail)?;
        let memory = match store.data().ex.as_ref() {
            Some(ex) => ex.memory.clone(),
            None => return Err(("no instance exports".into(), segv)),
        };
        let r = {
            let mut gm = WasmMemory::new(memory, store.as_context_mut());
            self.kernel.exec_start(tid, &mut gm, &image)
        };
        match r {
            Ok(block) => store.data_mut().entry = Entry::Start(block as i32),
            Err(e) => return Err((format!("exec {}: exec_start failed (errno {e})", image.path), segv)),
        }
        Ok(store)
    }

    /// Call the task's entry (again after each fork rewind) until the image
    /// ends. `Ok(image)`: the task exec'd; `Err(end)`: the task is over.
    fn run_store(self: &Arc<Self>, tid: Tid, store: &mut Store<Proc>) -> Result<Box<ExecImage>, TaskEnd> {
        loop {
            let result = match (store.data().entry, store.data().ex.as_ref()) {
                (Entry::Start(arg), Some(ex)) => ex.start.clone().call(&mut *store, arg),
                (Entry::Thread { stack, tls }, Some(Exports { thread_start: Some(f), .. })) => {
                    f.clone().call(&mut *store, (stack, tls))
                }
                _ => Err(wasmtime::Error::msg("no entry point for the task")),
            };
            match result {
                Ok(()) => {
                    if let ForkState::Unwinding { flags } = store.data().fork {
                        if let Err(e) = self.complete_fork(tid, store, flags) {
                            tracing::warn!("task {tid}: fork failed: {e:#}");
                            return Err(self.trapped(tid, TrapSignal::Segv));
                        }
                        continue;
                    }
                    // `_start` returned without exit_group: exit(0); a
                    // thread's entry never returns (it calls exit).
                    let nr = if matches!(store.data().entry, Entry::Start(_)) { SYS_EXIT_GROUP } else { SYS_EXIT };
                    let r = {
                        let memory = store.data().memory();
                        let mut gm = WasmMemory::new(memory, store.as_context_mut());
                        self.kernel.syscall(tid, nr, [0; 6], &mut gm)
                    };
                    if !matches!(r, SyscallOutcome::Exit) {
                        self.kernel.abort_task(tid, ExitStatus::Exited(0));
                    }
                    return Err(TaskEnd::Exited(Some(0)));
                }
                Err(e) => {
                    if e.is::<GuestExit>() {
                        return Err(TaskEnd::Exited(store.data().exit_code));
                    }
                    if e.is::<ExecRequest>() {
                        match e.downcast::<ExecRequest>() {
                            Ok(req) => return Ok(req.0),
                            Err(_) => return Err(self.trapped(tid, TrapSignal::Segv)),
                        }
                    }
                    let sig = trap_signal(&e);
                    tracing::debug!("task {tid}: {e:?} -> {sig:?}");
                    return Err(self.trapped(tid, sig));
                }
            }
        }
    }

    fn trapped(&self, tid: Tid, sig: TrapSignal) -> TaskEnd {
        self.kernel.trap(tid, sig);
        TaskEnd::Trapped(sig)
    }
}
