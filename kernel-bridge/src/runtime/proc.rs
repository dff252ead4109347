//! The store record of one process ([`Proc`]), the fork protocol's state
//! ([`ForkState`]) and the instance exports the runtime calls ([`Exports`]).

use std::sync::{Arc, Weak};

use wasmlinux_kernel::Tid;
use wasmtime::{Global, Store, Table, TypedFunc};

use super::{Program, Runtime};
use crate::guest_memory::LinearMemory;
use crate::sys::Sys;

/// The four functions binaryen's asyncify pass exports.
#[derive(Clone)]
pub(super) struct Asyncify {
    pub start_unwind: TypedFunc<i32, ()>,
    pub stop_unwind: TypedFunc<(), ()>,
    pub start_rewind: TypedFunc<i32, ()>,
    pub stop_rewind: TypedFunc<(), ()>,
}

/// `__wasmlinux_sigentry(signo, handler, siginfo, ucontext, sa_flags)`:
/// returns 0, or the value the interrupted syscall returns instead of being
/// restarted (a thread cancelled in a masked cancellation point:
/// -ECANCELED). Modules built before threads return nothing.
#[derive(Clone)]
pub(super) enum SigEntry {
    Ret(TypedFunc<(i32, i32, i32, i32, i32), i32>),
    Void(TypedFunc<(i32, i32, i32, i32, i32), ()>),
}

impl SigEntry {
    fn lookup(store: &mut Store<Proc>, inst: &wasmtime::Instance) -> Option<SigEntry> {
        const NAME: &str = "__wasmlinux_sigentry";
        if let Ok(f) = inst.get_typed_func(&mut *store, NAME) {
            return Some(SigEntry::Ret(f));
        }
        inst.get_typed_func(&mut *store, NAME).ok().map(SigEntry::Void)
    }

    pub fn call(
        &self,
        cx: impl wasmtime::AsContextMut<Data = Proc>,
        args: (i32, i32, i32, i32, i32),
    ) -> wasmtime::Result<i32> {
        match self {
            SigEntry::Ret(f) => f.call(cx, args),
            SigEntry::Void(f) => f.call(cx, args).map(|()| 0),
        }
    }
}

/// `__wasmlinux_thread_start(stack, tls)`: a new thread's entry.
pub(super) type ThreadStart = TypedFunc<(i32, i32), ()>;

/// What the runtime needs from an instance, looked up once.
pub(super) struct Exports {
    pub memory: LinearMemory,
    pub start: TypedFunc<i32, ()>,
    pub thread_start: Option<ThreadStart>,
    pub sp: Option<Global>,
    pub sigentry: Option<SigEntry>,
    pub set_threw: Option<TypedFunc<(i32, i32), ()>>,
    pub table: Option<Table>,
    pub asyncify: Option<Asyncify>,
    /// Exported mutable globals (copied on fork).
    pub globals: Vec<(String, Global)>,
}

impl Exports {
    pub fn collect(
        store: &mut Store<Proc>,
        inst: &wasmtime::Instance,
        global_names: &[String],
        shared: Option<wasmtime::SharedMemory>,
    ) -> wasmtime::Result<Exports> {
        let memory = match shared {
            Some(m) => LinearMemory::Shared(m),
            None => LinearMemory::Own(
                inst.get_memory(&mut *store, "memory").ok_or_else(|| wasmtime::Error::msg("no memory"))?,
            ),
        };
        let start = inst.get_typed_func::<i32, ()>(&mut *store, "_start")?;
        let thread_start = inst.get_typed_func(&mut *store, "__wasmlinux_thread_start").ok();
        let sp = inst.get_global(&mut *store, "__stack_pointer");
        let sigentry = SigEntry::lookup(store, inst);
        let set_threw = inst.get_typed_func(&mut *store, "setThrew").ok();
        let table = inst.get_table(&mut *store, "__indirect_function_table");
        let asyncify = (|| -> Option<Asyncify> {
            Some(Asyncify {
                start_unwind: inst.get_typed_func(&mut *store, "asyncify_start_unwind").ok()?,
                stop_unwind: inst.get_typed_func(&mut *store, "asyncify_stop_unwind").ok()?,
                start_rewind: inst.get_typed_func(&mut *store, "asyncify_start_rewind").ok()?,
                stop_rewind: inst.get_typed_func(&mut *store, "asyncify_stop_rewind").ok()?,
            })
        })();
        let mut globals = Vec::new();
        for name in global_names {
            if let Some(g) = inst.get_global(&mut *store, name) {
                globals.push((name.clone(), g));
            }
        }
        Ok(Exports { memory, start, thread_start, sp, sigentry, set_threw, table, asyncify, globals })
    }
}

/// Where a process is in the asyncify fork protocol (ARCHITECTURE.md, fork).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ForkState {
    /// Running normally.
    Idle,
    /// The fork import started an unwind with these clone flags; `_start`
    /// will return to the runtime, which completes the fork.
    Unwinding { flags: u32 },
    /// Being rewound into the fork import, which returns `result` (child
    /// tid in the parent, 0 in the child, or -errno).
    Rewinding { result: i32 },
}

impl ForkState {
    /// An asyncify unwind/rewind is in progress: no guest calls (signal
    /// handlers) may run now.
    pub fn in_asyncify(self) -> bool {
        self != ForkState::Idle
    }
}

/// Where a task enters its instance (called again to rewind after a fork).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Entry {
    /// `_start(arg)`: the process's first thread (arg: the start block).
    Start(i32),
    /// `__wasmlinux_thread_start(stack, tls)`: a thread made by clone.
    Thread { stack: i32, tls: i32 },
}

/// Store data of one task: a process's first thread, or another thread
/// (its own instance over the process's shared memory).
pub struct Proc {
    pub(super) tid: Tid,
    pub(super) kernel: Arc<dyn Sys>,
    /// The runtime, for creating threads from the syscall import.
    pub(super) rt: Weak<Runtime>,
    pub(super) program: Option<Arc<Program>>,
    pub(super) ex: Option<Exports>,
    pub(super) entry: Entry,
    /// Guest address of the asyncify buffer (mapped on first fork).
    pub(super) async_buf: Option<u32>,
    pub(super) fork: ForkState,
    /// The code passed to exit/exit_group.
    pub(super) exit_code: Option<u8>,
    /// Signal handlers currently running from a host call (nested wasm).
    pub(super) handler_depth: u32,
}

impl Proc {
    pub(super) fn new(tid: Tid, kernel: Arc<dyn Sys>) -> Proc {
        Proc {
            tid,
            kernel,
            rt: Weak::new(),
            program: None,
            ex: None,
            entry: Entry::Start(0),
            async_buf: None,
            fork: ForkState::Idle,
            exit_code: None,
            handler_depth: 0,
        }
    }

    pub(super) fn memory(&self) -> LinearMemory {
        self.ex.as_ref().map(|e| e.memory.clone()).expect("instance exports collected before any guest code runs")
    }

    pub(super) fn asyncify(&self) -> wasmtime::Result<Asyncify> {
        self.ex
            .as_ref()
            .and_then(|e| e.asyncify.clone())
            .ok_or_else(|| wasmtime::Error::msg("module has no asyncify exports"))
    }
}
