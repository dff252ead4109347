//! The process runtime: one wasmtime `Engine`, one `Store` + instance +
//! linear memory per process, one host thread per task.
//!
//! Responsibilities (guest ABI in docs/ARCHITECTURE.md):
//! - the imports: `env.wasmlinux_syscall32`, `env.wasmlinux_fork` (asyncify
//!   fork), `env.invoke_*` and `env.emscripten_longjmp` (emscripten SjLj);
//! - turning kernel outcomes into return values or typed errors that unwind
//!   the guest ([`GuestExit`], [`ExecRequest`], [`Longjmp`]);
//! - exec (fresh store for the new image), fork (memory + mutable exported
//!   globals copied into a new instance of the same module), traps → signals;
//! - signal delivery at syscall return and, while the guest computes, from
//!   the epoch-deadline callback (an engine-wide ticker advances the epoch).
//!
//! Neighbours: `guest_memory` (the kernel's view of a store's memory),
//! `cache` (compiled modules), `host` (parking, console), `sys` (the kernel).

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex, Weak};
use std::thread::JoinHandle;
use std::time::Duration;

use wasmlinux_kernel::error::Errno;
use wasmlinux_kernel::{ExecImage, ExitStatus, SignalAction, SyscallOutcome, Tid, TrapSignal};
use wasmtime::{
    AsContextMut, Caller, Config, Engine, ExternType, Func, FuncType, Global, InstancePre, Linker,
    Instance, Memory, Module, Mutability, Ref, Store, StoreContextMut, Table, Trap, TypedFunc,
    UpdateDeadline, Val,
};

use crate::cache::{CacheSource, ModuleCache};
use crate::guest_memory::WasmMemory;
use crate::host::{lock, Host};
use crate::sys::Sys;

// errno numbers come from the kernel's one definition (asm-generic), never the host's libc.
const EAGAIN: i32 = Errno::EAGAIN.code();
const ENOMEM: i32 = Errno::ENOMEM.code();
const EFAULT: i32 = Errno::EFAULT.code();
const ENOSYS: i32 = Errno::ENOSYS.code();
const SYS_EXIT: u32 = 93;
const SYS_EXIT_GROUP: u32 = 94;
const CLONE_THREAD: u32 = 0x0001_0000;
const SIGKILL: u8 = 9;
const SIGSEGV: u8 = 11;
/// Size of the per-process asyncify buffer (fork stack capture).
const ASYNCIFY_BUF: u32 = 256 * 1024;

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
    /// On-disk cache directory: `None` = default location, `Some(None)` = off.
    pub cache_dir: Option<Option<std::path::PathBuf>>,
    /// Preempt running guest code (epoch interruption) so that a signal
    /// reaches a busy loop within one `epoch_tick`. Off: compiled code has no
    /// epoch checks (up to 2.5x faster tight loops) and signals wait for the
    /// guest's next syscall. Default: on, unless `WASMLINUX_PREEMPT=0`.
    pub preempt: bool,
    /// At most this many live tasks: fork beyond it fails with EAGAIN.
    /// Default: `WASMLINUX_MAX_PROCS` if set, else only host limits (see
    /// [`MapBudget`]).
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
            cache_dir: None,
            preempt: std::env::var("WASMLINUX_PREEMPT").map_or(true, |v| v != "0"),
            max_processes: std::env::var("WASMLINUX_MAX_PROCS")
                .ok()
                .and_then(|v| v.parse().ok()),
        }
    }
}

/// A compiled, linked program: ready to instantiate.
pub struct Program {
    pub module: Module,
    pre: InstancePre<Proc>,
    /// Exported mutable globals (copied on fork).
    mutable_globals: Vec<String>,
    pub source: CacheSource,
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
    engine: Engine,
    cache: Arc<ModuleCache>,
    linker: Linker<Proc>,
    programs: Mutex<std::collections::HashMap<[u8; 32], Arc<Program>>>,
    kernel: Arc<dyn Sys>,
    host: Arc<Host>,
    config: RuntimeConfig,
    live: AtomicUsize,
    maps: MapBudget,
    /// A fork was refused for lack of host resources (warned once).
    warned_limit: AtomicBool,
}

/// What a task thread starts with.
pub enum TaskStart {
    /// Instantiate this image and call `Kernel::exec_start`.
    Exec(Box<ExecImage>),
    /// A forked child: its instance, already holding a copy of the parent;
    /// the thread rewinds it into the fork import.
    Fork(Box<ForkedChild>),
}

/// A fork child's store, built by the parent's thread (see
/// `Runtime::fork_child`).
pub struct ForkedChild {
    store: Store<Proc>,
}

/// Host memory mappings (VMAs) one process may cost: measured 9–11 (thread
/// stack + guard, Rust's and wasmtime's signal stacks + guards, the linear
/// memory's reservation, CoW image and accessible parts), plus slack.
const MAPS_PER_PROCESS: usize = 12;

/// Admission against `vm.max_map_count`. When a host process runs out of
/// mappings, thread start-up in std and wasmtime (signal stacks) panics and
/// aborts the whole host, so forks are refused (EAGAIN) before that: the
/// budget counts `/proc/self/maps` only when the live-task count passes
/// the last grant, and grants what the remaining headroom allows.
struct MapBudget {
    /// `vm.max_map_count` (None: unknown, no check).
    limit: Option<usize>,
    st: Mutex<BudgetState>,
}

#[derive(Default)]
struct BudgetState {
    /// Processes may start while fewer than this many tasks are live.
    allowed: usize,
    /// Live count at the last refusal: no new count until it drops.
    refused_at: Option<usize>,
}

impl MapBudget {
    fn new() -> MapBudget {
        let limit = std::fs::read_to_string("/proc/sys/vm/max_map_count")
            .ok()
            .and_then(|s| s.trim().parse().ok());
        MapBudget {
            limit,
            st: Mutex::new(BudgetState::default()),
        }
    }

    /// May one more process start while `live` tasks run?
    fn admit(&self, live: usize) -> bool {
        let Some(limit) = self.limit else {
            return true;
        };
        let mut st = lock(&self.st);
        if live < st.allowed {
            return true;
        }
        if st.refused_at.is_some_and(|r| live >= r) {
            return false;
        }
        let Some(used) = count_maps() else {
            return true;
        };
        // Room for everything else (module code, malloc arenas, files).
        let reserve = (limit / 32).max(1024);
        let headroom = limit.saturating_sub(used + reserve);
        st.allowed = live + headroom / MAPS_PER_PROCESS;
        if live < st.allowed {
            st.refused_at = None;
            true
        } else {
            st.refused_at = Some(live);
            false
        }
    }
}

/// Lines of `/proc/self/maps` (about 1 ms per 10,000).
fn count_maps() -> Option<usize> {
    let data = std::fs::read("/proc/self/maps").ok()?;
    Some(data.iter().filter(|&&b| b == b'\n').count())
}

impl Runtime {
    pub fn new(
        kernel: Arc<dyn Sys>,
        host: Arc<Host>,
        config: RuntimeConfig,
    ) -> wasmtime::Result<Arc<Runtime>> {
        let mut wc = Config::new();
        wc.epoch_interruption(config.preempt)
            .max_wasm_stack(config.max_wasm_stack)
            .memory_reservation(config.memory_reservation)
            .memory_guard_size(config.memory_guard)
            .memory_reservation_for_growth(0)
            .memory_may_move(false)
            // Offsets are unsigned: a guard below memory only costs a mapping.
            .guard_before_linear_memory(false)
            .parallel_compilation(true);
        let engine = Engine::new(&wc)?;
        let cache = match &config.cache_dir {
            None => ModuleCache::new(&engine),
            Some(dir) => ModuleCache::with_dir(&engine, dir.clone()),
        };
        let linker = base_linker(&engine)?;
        let rt = Arc::new(Runtime {
            engine,
            cache,
            linker,
            programs: Mutex::new(Default::default()),
            kernel,
            host,
            config,
            live: AtomicUsize::new(0),
            maps: MapBudget::new(),
            warned_limit: AtomicBool::new(false),
        });
        if rt.config.preempt {
            start_ticker(Arc::downgrade(&rt), rt.config.epoch_tick);
        }
        Ok(rt)
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Number of task threads alive.
    pub fn live_tasks(&self) -> usize {
        self.live.load(Ordering::SeqCst)
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
        let (module, source) = self
            .cache
            .get_keyed(bytes, key)
            .map_err(|e| PrepareError::Compile(format!("{e:#}")))?;
        let program = Arc::new(self.link(module, source)?);
        lock(&self.programs).insert(key, program.clone());
        Ok(program)
    }

    fn link(&self, module: Module, source: CacheSource) -> Result<Program, PrepareError> {
        let bad = |m: String| PrepareError::NotProgram(m);
        match module.get_export("memory") {
            Some(ExternType::Memory(_)) => {}
            _ => return Err(bad("no exported memory".into())),
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
                define_invoke(&mut linker, imp.name(), ty).map_err(|e| bad(format!("{e:#}")))?;
            }
        }
        let pre = linker
            .instantiate_pre(&module)
            .map_err(|e| bad(format!("{e:#}")))?;
        let mutable_globals = module
            .exports()
            .filter_map(|e| match e.ty() {
                ExternType::Global(g) if g.mutability() == Mutability::Var => {
                    Some(e.name().to_string())
                }
                _ => None,
            })
            .collect();
        Ok(Program {
            module,
            pre,
            mutable_globals,
            source,
        })
    }

    /// Start a host thread running task `tid`.
    pub fn spawn_task(
        self: &Arc<Self>,
        tid: Tid,
        start: TaskStart,
    ) -> std::io::Result<JoinHandle<TaskEnd>> {
        let rt = self.clone();
        self.start_thread(format!("task-{tid}"), move || rt.run_task(tid, start))
    }

    /// A task thread (counted in `live`).
    fn start_thread(
        self: &Arc<Self>,
        name: String,
        body: impl FnOnce() -> TaskEnd + Send + 'static,
    ) -> std::io::Result<JoinHandle<TaskEnd>> {
        let rt = self.clone();
        self.live.fetch_add(1, Ordering::SeqCst);
        let r = std::thread::Builder::new()
            .name(name)
            .stack_size(self.config.thread_stack)
            .spawn(move || {
                let end = body();
                rt.live.fetch_sub(1, Ordering::SeqCst);
                end
            });
        if r.is_err() {
            self.live.fetch_sub(1, Ordering::SeqCst);
        }
        r
    }

    /// The body of a task thread: run images until the task ends.
    fn run_task(self: &Arc<Self>, tid: Tid, start: TaskStart) -> TaskEnd {
        let end = self.run_images(tid, start);
        self.host.task_ended(tid);
        end
    }

    fn run_images(self: &Arc<Self>, tid: Tid, start: TaskStart) -> TaskEnd {
        let mut next = start;
        loop {
            let (mut store, start_fn) = match self.instantiate(tid, next) {
                Ok(x) => x,
                Err((msg, status)) => {
                    eprintln!("wasmlinux: {msg}");
                    self.kernel.abort_task(tid, status);
                    return TaskEnd::Aborted(status);
                }
            };
            match self.run_store(tid, &mut store, start_fn) {
                Ok(exec) => next = TaskStart::Exec(exec),
                Err(end) => return end,
            }
        }
    }

    /// A fresh store and instance of `program` for task `tid`.
    fn new_instance(
        &self,
        tid: Tid,
        program: &Arc<Program>,
    ) -> wasmtime::Result<(Store<Proc>, Instance)> {
        let mut store = Store::new(&self.engine, Proc::new(tid, self.kernel.clone()));
        if self.config.preempt {
            store.set_epoch_deadline(1);
            store.epoch_deadline_callback(|mut cx| {
                let p = cx.data();
                let pending = !p.in_asyncify && p.ex.is_some() && p.kernel.signal_pending(p.tid);
                if pending {
                    // No nested epoch callbacks while a handler runs from here
                    // (wasmtime takes the callback out while it runs).
                    cx.set_epoch_deadline(1 << 40);
                    let r = deliver_signals(&mut cx);
                    // Re-arm even when the handler longjmp'd out (Err): the
                    // guest goes on at the catching invoke_*.
                    cx.set_epoch_deadline(1);
                    r?;
                }
                Ok(UpdateDeadline::Continue(1))
            });
        }
        let instance = program.pre.instantiate(&mut store)?;
        let ex = Exports::collect(&mut store, &instance, &program.mutable_globals)?;
        store.data_mut().ex = Some(ex);
        store.data_mut().program = Some(program.clone());
        Ok((store, instance))
    }

    /// Create the store and instance for a task start. Returns the store and
    /// `_start`; on failure a message and the status to kill the task with.
    fn instantiate(
        &self,
        tid: Tid,
        start: TaskStart,
    ) -> Result<(Store<Proc>, TypedFunc<i32, ()>), TaskFailure> {
        let segv = ExitStatus::Signaled {
            signo: SIGSEGV,
            core: false,
        };
        let fail = |e: wasmtime::Error| (format!("instantiate: {e:#}"), segv);
        let image = match start {
            TaskStart::Exec(image) => image,
            TaskStart::Fork(child) => {
                // Same address space contents (copied by the parent): rewind
                // into the fork import, which returns 0.
                let mut store = child.store;
                store.data_mut().tid = tid;
                let p = store.data();
                let buf = p.async_buf.unwrap_or(0);
                let (start_fn, start_rewind) = match p.ex.as_ref() {
                    Some(Exports {
                        start,
                        asyncify: Some(a),
                        ..
                    }) => (start.clone(), a.start_rewind.clone()),
                    _ => return Err(("fork child without asyncify exports".into(), segv)),
                };
                start_rewind.call(&mut store, buf as i32).map_err(fail)?;
                return Ok((store, start_fn));
            }
        };
        let program = match self.prepare(&image.module) {
            Ok(p) => p,
            Err(e) => return Err((format!("exec {}: {e}", image.path), segv)),
        };
        let (mut store, _) = self.new_instance(tid, &program).map_err(fail)?;
        let (start_fn, memory) = match store.data().ex.as_ref() {
            Some(ex) => (ex.start.clone(), ex.memory),
            None => return Err(("no instance exports".into(), segv)),
        };
        let r = {
            let mut gm = WasmMemory::new(memory, store.as_context_mut());
            self.kernel.exec_start(tid, &mut gm, &image)
        };
        match r {
            Ok(block) => store.data_mut().start_arg = block as i32,
            Err(e) => {
                return Err((
                    format!("exec {}: exec_start failed (errno {e})", image.path),
                    segv,
                ))
            }
        }
        Ok((store, start_fn))
    }

    /// Call `_start` (again after each fork rewind) until the image ends.
    /// `Ok(image)`: the task exec'd; `Err(end)`: the task is over.
    fn run_store(
        self: &Arc<Self>,
        tid: Tid,
        store: &mut Store<Proc>,
        start_fn: TypedFunc<i32, ()>,
    ) -> Result<Box<ExecImage>, TaskEnd> {
        loop {
            let arg = store.data().start_arg;
            let result = start_fn.call(&mut *store, arg);
            match result {
                Ok(()) => {
                    if let Some(flags) = store.data_mut().fork_pending.take() {
                        if let Err(e) = self.complete_fork(tid, store, flags) {
                            tracing::warn!("task {tid}: fork failed: {e:#}");
                            return Err(self.trapped(tid, TrapSignal::Segv));
                        }
                        continue;
                    }
                    // `_start` returned without exit_group: exit(0).
                    let r = {
                        let memory = store.data().memory();
                        let mut gm = WasmMemory::new(memory, store.as_context_mut());
                        self.kernel.syscall(tid, SYS_EXIT_GROUP, [0; 6], &mut gm)
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

    /// Step 2 of the fork protocol: `_start` returned while unwinding.
    fn complete_fork(
        self: &Arc<Self>,
        tid: Tid,
        store: &mut Store<Proc>,
        flags: u32,
    ) -> wasmtime::Result<()> {
        let asy = store.data().asyncify()?;
        asy.stop_unwind.call(&mut *store, ())?;
        let result = self.fork_child(tid, store, flags).unwrap_or_else(|errno| -errno);
        let buf = store.data().async_buf.unwrap_or(0);
        let p = store.data_mut();
        p.fork_result = Some(result);
        asy.start_rewind.call(&mut *store, buf as i32)?;
        Ok(())
    }

    /// The host half of fork: the child's instance (a copy of the parent)
    /// and its thread come first, then `Kernel::fork`. Running out of host
    /// resources (the task limit, mappings, memory, threads) thus fails the
    /// guest's fork with EAGAIN/ENOMEM and the kernel never sees a child.
    fn fork_child(
        self: &Arc<Self>,
        tid: Tid,
        store: &mut Store<Proc>,
        flags: u32,
    ) -> Result<Tid, i32> {
        let live = self.live_tasks();
        if self.config.max_processes.is_some_and(|max| live >= max) || !self.maps.admit(live) {
            self.warn_limit(&format!(
                "fork: EAGAIN at {live} live tasks (limits: WASMLINUX_MAX_PROCS, \
                 vm.max_map_count = {})",
                self.maps.limit.map_or("?".into(), |l| l.to_string())
            ));
            return Err(EAGAIN);
        }
        let t0 = std::time::Instant::now();
        let child = match self.fork_instance(store) {
            Ok(c) => c,
            Err(e) => {
                self.warn_limit(&format!("fork: ENOMEM: cannot create an instance: {e:#}"));
                return Err(ENOMEM);
            }
        };
        tracing::debug!("fork {tid}: child instance in {:?}", t0.elapsed());
        let (tx, rx) = mpsc::sync_channel::<Tid>(1);
        let rt = self.clone();
        let thread = self.start_thread(format!("task-fork-{tid}"), move || match rx.recv() {
            Ok(child_tid) => rt.run_task(child_tid, TaskStart::Fork(child)),
            // Kernel::fork failed: no task.
            Err(_) => TaskEnd::Exited(None),
        });
        if let Err(e) = thread {
            self.warn_limit(&format!(
                "fork: EAGAIN: cannot start a host thread: {e} \
                 (limits: ulimit -u, kernel.threads-max, vm.max_map_count)"
            ));
            return Err(EAGAIN);
        }
        let child = self.kernel.fork(tid, flags)?;
        // The thread only ends early if it panicked; the kernel then has a
        // child that never runs, like a process killed at birth.
        if tx.send(child).is_err() {
            self.kernel.abort_task(
                child,
                ExitStatus::Signaled {
                    signo: SIGKILL,
                    core: false,
                },
            );
        }
        Ok(child)
    }

    fn warn_limit(&self, msg: &str) {
        if !self.warned_limit.swap(true, Ordering::Relaxed) {
            tracing::warn!("{msg} (reported once)");
        } else {
            tracing::debug!("{msg}");
        }
    }

    /// A new instance of the parent's program holding a copy of its linear
    /// memory and exported mutable globals, set up to be rewound into the
    /// fork import (which then returns 0).
    fn fork_instance(&self, parent: &mut Store<Proc>) -> wasmtime::Result<Box<ForkedChild>> {
        let p = parent.data();
        let program = p
            .program
            .clone()
            .ok_or_else(|| wasmtime::Error::msg("no program"))?;
        let ex =
            p.ex.as_ref()
                .ok_or_else(|| wasmtime::Error::msg("no instance"))?;
        let (pmem, globals) = (ex.memory, ex.globals.clone());
        let (ptid, async_buf, start_arg) = (p.tid, p.async_buf, p.start_arg);
        let ranges = p.kernel.mapped_ranges(ptid);
        let (mut store, instance) = self.new_instance(ptid, &program)?;
        let cmem = store.data().memory();
        let initial = cmem.data_size(&store);
        let want = pmem.data_size(&*parent);
        if want > initial {
            cmem.grow(&mut store, ((want - initial) / 65536) as u64)?;
        }
        copy_memory(
            pmem.data(&*parent),
            &mut cmem.data_mut(&mut store)[..want],
            initial,
            ranges,
        );
        for (name, g) in globals {
            let v = g.get(&mut *parent);
            if let Some(cg) = instance.get_global(&mut store, &name) {
                cg.set(&mut store, v)?;
            }
        }
        let c = store.data_mut();
        c.async_buf = async_buf;
        c.start_arg = start_arg;
        c.fork_result = Some(0);
        c.in_asyncify = true;
        Ok(Box::new(ForkedChild { store }))
    }
}

const PAGE: usize = 4096;
static ZERO_PAGE: [u8; PAGE] = [0; PAGE];

/// Make a fresh instance's memory `dst` (its first `initial` bytes are the
/// module image, the rest zero) equal to the parent's `src` wherever it can
/// hold data: the image region and the ranges the kernel has mapped (image
/// and heap up to brk, every mapping), so the hole between the heap and the
/// mappings (the kernel maps from brk + 64 MiB) is never looked at. Only
/// pages that differ are written: the rest stay shared (CoW image, zero).
fn copy_memory(src: &[u8], dst: &mut [u8], initial: usize, mut ranges: Vec<Range<u64>>) {
    let len = dst.len().min(src.len());
    let copy_pages = |dst: &mut [u8], first: usize, end: usize| {
        for i in first..end {
            let (a, b) = (i * PAGE, ((i + 1) * PAGE).min(len));
            // Above the image dst is zero: test src alone, so that reading
            // dst does not fault in pages that will not be written.
            let differs = if a >= initial {
                src[a..b] != ZERO_PAGE[..b - a]
            } else {
                dst[a..b] != src[a..b]
            };
            if differs {
                dst[a..b].copy_from_slice(&src[a..b]);
            }
        }
    };
    let mut next = initial.min(len).div_ceil(PAGE); // first page not yet looked at
    copy_pages(dst, 0, next);
    ranges.sort_by_key(|r| r.start);
    for r in ranges {
        let first = (r.start as usize / PAGE).max(next);
        let end = (r.end.min(len as u64) as usize).div_ceil(PAGE);
        if first < end {
            copy_pages(dst, first, end);
            next = end;
        }
    }
}

fn trap_signal(e: &wasmtime::Error) -> TrapSignal {
    if let Some(&FatalSignal(sig)) = e.downcast_ref::<FatalSignal>() {
        return sig;
    }
    match e.downcast_ref::<Trap>() {
        Some(Trap::UnreachableCodeReached | Trap::BadSignature | Trap::IndirectCallToNull) => {
            TrapSignal::Ill
        }
        Some(
            Trap::IntegerDivisionByZero | Trap::IntegerOverflow | Trap::BadConversionToInteger,
        ) => TrapSignal::Fpe,
        _ => TrapSignal::Segv,
    }
}

/// Advance the engine epoch every `tick` while the runtime lives.
fn start_ticker(rt: Weak<Runtime>, tick: Duration) {
    let _ = std::thread::Builder::new()
        .name("epoch".into())
        .stack_size(64 << 10)
        .spawn(move || loop {
            std::thread::sleep(tick);
            match rt.upgrade() {
                Some(rt) => rt.engine.increment_epoch(),
                None => return,
            }
        });
}

// ---------------------------------------------------------------------------
// Per-process store data
// ---------------------------------------------------------------------------

#[derive(Clone)]
struct Asyncify {
    start_unwind: TypedFunc<i32, ()>,
    stop_unwind: TypedFunc<(), ()>,
    start_rewind: TypedFunc<i32, ()>,
    stop_rewind: TypedFunc<(), ()>,
}

/// `__wasmlinux_sigentry(signo, handler, siginfo, ucontext, sa_flags)`.
type SigEntry = TypedFunc<(i32, i32, i32, i32, i32), ()>;

struct Exports {
    memory: Memory,
    start: TypedFunc<i32, ()>,
    sp: Option<Global>,
    sigentry: Option<SigEntry>,
    set_threw: Option<TypedFunc<(i32, i32), ()>>,
    table: Option<Table>,
    asyncify: Option<Asyncify>,
    globals: Vec<(String, Global)>,
}

impl Exports {
    fn collect(
        store: &mut Store<Proc>,
        inst: &wasmtime::Instance,
        global_names: &[String],
    ) -> wasmtime::Result<Exports> {
        let memory = inst
            .get_memory(&mut *store, "memory")
            .ok_or_else(|| wasmtime::Error::msg("no memory"))?;
        let start = inst.get_typed_func::<i32, ()>(&mut *store, "_start")?;
        let sp = inst.get_global(&mut *store, "__stack_pointer");
        let sigentry = inst
            .get_typed_func(&mut *store, "__wasmlinux_sigentry")
            .ok();
        let set_threw = inst.get_typed_func(&mut *store, "setThrew").ok();
        let table = inst.get_table(&mut *store, "__indirect_function_table");
        let asyncify = (|| -> Option<Asyncify> {
            Some(Asyncify {
                start_unwind: inst
                    .get_typed_func(&mut *store, "asyncify_start_unwind")
                    .ok()?,
                stop_unwind: inst
                    .get_typed_func(&mut *store, "asyncify_stop_unwind")
                    .ok()?,
                start_rewind: inst
                    .get_typed_func(&mut *store, "asyncify_start_rewind")
                    .ok()?,
                stop_rewind: inst
                    .get_typed_func(&mut *store, "asyncify_stop_rewind")
                    .ok()?,
            })
        })();
        let mut globals = Vec::new();
        for name in global_names {
            if let Some(g) = inst.get_global(&mut *store, name) {
                globals.push((name.clone(), g));
            }
        }
        Ok(Exports {
            memory,
            start,
            sp,
            sigentry,
            set_threw,
            table,
            asyncify,
            globals,
        })
    }
}

/// Store data of one process.
pub struct Proc {
    tid: Tid,
    kernel: Arc<dyn Sys>,
    program: Option<Arc<Program>>,
    ex: Option<Exports>,
    start_arg: i32,
    /// Guest address of the asyncify buffer (mapped on first fork).
    async_buf: Option<u32>,
    /// clone flags captured while the guest unwinds for fork.
    fork_pending: Option<u32>,
    /// What the fork import returns once rewound (child tid / 0 / -errno).
    fork_result: Option<i32>,
    /// Asyncify unwind/rewind in progress: no guest calls (signals) now.
    in_asyncify: bool,
    /// The code passed to exit/exit_group.
    exit_code: Option<u8>,
    /// Signal handlers currently running from a host call (nested wasm).
    handler_depth: u32,
}

impl Proc {
    fn new(tid: Tid, kernel: Arc<dyn Sys>) -> Proc {
        Proc {
            tid,
            kernel,
            program: None,
            ex: None,
            start_arg: 0,
            async_buf: None,
            fork_pending: None,
            fork_result: None,
            in_asyncify: false,
            exit_code: None,
            handler_depth: 0,
        }
    }

    fn memory(&self) -> Memory {
        self.ex
            .as_ref()
            .map(|e| e.memory)
            .expect("instance exports collected before any guest code runs")
    }

    fn asyncify(&self) -> wasmtime::Result<Asyncify> {
        self.ex
            .as_ref()
            .and_then(|e| e.asyncify.clone())
            .ok_or_else(|| wasmtime::Error::msg("module has no asyncify exports"))
    }
}

// ---------------------------------------------------------------------------
// Imports
// ---------------------------------------------------------------------------

fn base_linker(engine: &Engine) -> wasmtime::Result<Linker<Proc>> {
    let mut linker = Linker::new(engine);
    linker.func_wrap(
        "env",
        "wasmlinux_syscall32",
        |caller: Caller<'_, Proc>, nr: i32, args_ptr: i32| {
            sys_import(caller, nr as u32, args_ptr as u32, false)
        },
    )?;
    linker.func_wrap(
        "env",
        "wasmlinux_fork",
        |caller: Caller<'_, Proc>, nr: i32, args_ptr: i32| {
            sys_import(caller, nr as u32, args_ptr as u32, true)
        },
    )?;
    linker.func_wrap(
        "env",
        "emscripten_longjmp",
        |_: Caller<'_, Proc>, env: i32, val: i32| -> wasmtime::Result<()> {
            Err(Longjmp { env, val }.into())
        },
    )?;
    Ok(linker)
}

fn read_args(
    cx: &mut StoreContextMut<'_, Proc>,
    memory: Memory,
    args_ptr: u32,
) -> Option<[u32; 6]> {
    let mut raw = [0u8; 24];
    memory.read(&*cx, args_ptr as usize, &mut raw).ok()?;
    let mut args = [0u32; 6];
    for (i, a) in args.iter_mut().enumerate() {
        *a = u32::from_le_bytes([raw[4 * i], raw[4 * i + 1], raw[4 * i + 2], raw[4 * i + 3]]);
    }
    Some(args)
}

/// `env.wasmlinux_syscall32` and `env.wasmlinux_fork`.
fn sys_import(
    mut caller: Caller<'_, Proc>,
    nr: u32,
    args_ptr: u32,
    fork_import: bool,
) -> wasmtime::Result<i32> {
    let mut cx = caller.as_context_mut();
    let Some(memory) = cx.data().ex.as_ref().map(|e| e.memory) else {
        return Err(wasmtime::Error::msg(
            "syscall before the instance was set up",
        ));
    };
    // Step 3 of fork: we are being rewound into the import.
    if fork_import && cx.data().in_asyncify {
        if let Some(result) = cx.data_mut().fork_result.take() {
            let asy = cx.data().asyncify()?;
            asy.stop_rewind.call(&mut cx, ())?;
            cx.data_mut().in_asyncify = false;
            deliver_signals(&mut cx)?;
            return Ok(result);
        }
    }
    let Some(args) = read_args(&mut cx, memory, args_ptr) else {
        return Ok(-EFAULT);
    };
    let (tid, kernel) = (cx.data().tid, cx.data().kernel.clone());
    loop {
        let outcome = {
            let mut gm = WasmMemory::new(memory, cx.as_context_mut());
            kernel.syscall(tid, nr, args, &mut gm)
        };
        match outcome {
            SyscallOutcome::Return(v) => {
                deliver_signals(&mut cx)?;
                return Ok(v);
            }
            SyscallOutcome::Restart => deliver_signals(&mut cx)?,
            SyscallOutcome::Exit => {
                if nr == SYS_EXIT || nr == SYS_EXIT_GROUP {
                    cx.data_mut().exit_code = Some((args[0] & 0xff) as u8);
                }
                return Err(GuestExit.into());
            }
            SyscallOutcome::Exec(image) => return Err(ExecRequest(image).into()),
            SyscallOutcome::Fork { flags } => {
                return begin_fork(&mut cx, memory, flags, fork_import)
            }
        }
    }
}

/// Step 1 of fork: start unwinding the guest to `_start`.
fn begin_fork(
    cx: &mut StoreContextMut<'_, Proc>,
    memory: Memory,
    flags: u32,
    fork_import: bool,
) -> wasmtime::Result<i32> {
    // Threads would need a shared memory; a module that never imported the
    // fork hook, or was not asyncified, cannot capture its stack.
    let Ok(asy) = cx.data().asyncify() else {
        return Ok(-ENOSYS);
    };
    // Asyncify can only unwind to the outermost wasm entry: inside a signal
    // handler called from the host the unwind would stop at the handler.
    if !fork_import || flags & CLONE_THREAD != 0 || cx.data().handler_depth > 0 {
        return Ok(-ENOSYS);
    }
    let (tid, kernel) = (cx.data().tid, cx.data().kernel.clone());
    let buf = match cx.data().async_buf {
        Some(b) => b,
        None => {
            let r = {
                let mut gm = WasmMemory::new(memory, cx.as_context_mut());
                kernel.map_anonymous(tid, &mut gm, ASYNCIFY_BUF)
            };
            match r {
                Ok(b) => {
                    cx.data_mut().async_buf = Some(b);
                    b
                }
                Err(errno) => return Ok(-errno),
            }
        }
    };
    // struct { u32 stack_pos; u32 stack_end; } followed by the stack.
    let mut header = [0u8; 8];
    header[..4].copy_from_slice(&(buf + 8).to_le_bytes());
    header[4..].copy_from_slice(&(buf + ASYNCIFY_BUF).to_le_bytes());
    if memory.write(&mut *cx, buf as usize, &header).is_err() {
        return Ok(-EFAULT);
    }
    let p = cx.data_mut();
    p.fork_pending = Some(flags);
    p.in_asyncify = true;
    asy.start_unwind.call(&mut *cx, buf as i32)?;
    Ok(0)
}

/// `env.invoke_<sig>(fnidx, args...)`: call table entry `fnidx`, catching a
/// longjmp (see ARCHITECTURE.md, SjLj).
fn define_invoke(linker: &mut Linker<Proc>, name: &str, ty: FuncType) -> wasmtime::Result<()> {
    let results: Vec<Val> = ty
        .results()
        .map(|t| Val::default_for_ty(&t).unwrap_or(Val::I32(0)))
        .collect();
    linker.func_new("env", name, ty, move |mut caller, params, out| {
        let Some(Val::I32(fnidx)) = params.first().cloned() else {
            return Err(Trap::BadSignature.into());
        };
        let (table, sp, set_threw) = {
            let ex = caller
                .data()
                .ex
                .as_ref()
                .ok_or_else(|| wasmtime::Error::msg("no instance"))?;
            (ex.table, ex.sp, ex.set_threw.clone())
        };
        let table = table.ok_or_else(|| {
            wasmtime::Error::msg("invoke_* needs an exported __indirect_function_table")
        })?;
        let func: Func = match table.get(&mut caller, fnidx as u32 as u64) {
            Some(Ref::Func(Some(f))) => f,
            Some(_) => return Err(Trap::IndirectCallToNull.into()),
            None => return Err(Trap::TableOutOfBounds.into()),
        };
        let saved_sp = sp.map(|g| g.get(&mut caller));
        match func.call(&mut caller, &params[1..], out) {
            // While unwinding (fork), the results are meaningless and the
            // caller unwinds further; on rewind we are simply called again.
            Ok(()) => Ok(()),
            Err(e) => {
                // A trap inside a setjmp context: a handler may siglongjmp
                // out of it (the result is then a Longjmp, caught below).
                let e = if e.is::<Trap>() {
                    run_trap_handler(&mut caller, e)
                } else {
                    e
                };
                let Some(&Longjmp { env, val }) = e.downcast_ref::<Longjmp>() else {
                    return Err(e);
                };
                // The longjmp skipped the epilogues: restore the shadow stack.
                if let (Some(g), Some(v)) = (sp, saved_sp) {
                    g.set(&mut caller, v)?;
                }
                let set_threw = set_threw.ok_or(e)?;
                // setThrew turns val 0 into 1 itself (ARCHITECTURE.md, setjmp/longjmp).
                set_threw.call(&mut caller, (env, val))?;
                out.clone_from_slice(&results);
                Ok(())
            }
        }
    })?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Signals
// ---------------------------------------------------------------------------

/// A guest trap reached an `invoke_*` (a setjmp context): if the process
/// handles the signal, queue it and run the handler from here, on the shadow
/// stack as the trap left it. Returns the error to go on with: the
/// handler's `Longjmp` (the invoke catches it like any longjmp), or
/// [`FatalSignal`] when there is no handler or it returned (Linux would
/// re-execute the faulting instruction, which would fault again), or
/// whatever else ended the handler (exit, exec).
fn run_trap_handler(caller: &mut Caller<'_, Proc>, trap: wasmtime::Error) -> wasmtime::Error {
    let sig = trap_signal(&trap);
    let mut cx = caller.as_context_mut();
    let (tid, kernel) = (cx.data().tid, cx.data().kernel.clone());
    if cx.data().in_asyncify || !kernel.trap_to_handler(tid, sig) {
        tracing::debug!("task {tid}: {trap:?} -> {sig:?} (no handler)");
        return FatalSignal(sig).into();
    }
    tracing::debug!("task {tid}: {trap:?} -> {sig:?} handler");
    match deliver_signals(&mut cx) {
        Ok(()) => FatalSignal(sig).into(),
        Err(e) => e,
    }
}

/// Deliver every pending signal to guest handlers (or die of it).
fn deliver_signals(cx: &mut StoreContextMut<'_, Proc>) -> wasmtime::Result<()> {
    let (tid, kernel) = (cx.data().tid, cx.data().kernel.clone());
    loop {
        if !kernel.signal_pending(tid) || cx.data().in_asyncify {
            return Ok(());
        }
        let (memory, sp, sigentry) = match cx.data().ex.as_ref() {
            Some(e) => (e.memory, e.sp, e.sigentry.clone()),
            None => return Ok(()),
        };
        let old_sp = match sp {
            Some(g) => g.get(&mut *cx).i32().unwrap_or(0),
            None => 0,
        };
        let action = {
            let mut gm = WasmMemory::new(memory, cx.as_context_mut());
            kernel.check_signals(tid, &mut gm, old_sp as u32)
        };
        let d = match action {
            SignalAction::None => return Ok(()),
            SignalAction::Exit => return Err(GuestExit.into()),
            SignalAction::Deliver(d) => d,
        };
        let (Some(sp), Some(sigentry)) = (sp, sigentry) else {
            // A handler was installed but the module cannot run one.
            let signo = u8::try_from(d.signo).unwrap_or(SIGKILL);
            kernel.abort_task(tid, ExitStatus::Signaled { signo, core: false });
            return Err(GuestExit.into());
        };
        sp.set(&mut *cx, Val::I32(d.handler_sp as i32))?;
        cx.data_mut().handler_depth += 1;
        let r = sigentry.call(
            &mut *cx,
            (
                d.signo,
                d.handler as i32,
                d.siginfo_ptr as i32,
                d.ucontext_ptr as i32,
                d.sa_flags as i32,
            ),
        );
        cx.data_mut().handler_depth -= 1;
        r?;
        sp.set(&mut *cx, Val::I32(old_sp))?;
        let mut gm = WasmMemory::new(memory, cx.as_context_mut());
        kernel.signal_return(tid, &mut gm, &d);
    }
}
