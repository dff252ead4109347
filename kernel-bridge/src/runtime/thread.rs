//! Threads (ARCHITECTURE.md, "Threads"): `clone(CLONE_THREAD…)` arrives in
//! `env.wasmlinux_syscall32` as `SyscallOutcome::Thread`. A thread is a new
//! instance of the process's module over the process's shared memory, in its
//! own store, on its own host thread; its entry is the module's
//! `__wasmlinux_thread_start(stack, tls)`, called with `__stack_pointer =
//! stack`. No stack is captured: the caller returns the new tid at once.
//!
//! As for fork, every host resource comes before the kernel sees the thread,
//! so running out of one fails `clone` (pthread_create's EAGAIN) and the
//! caller goes on: (1) a task slot (admission); (2) the host thread, which
//! sets up its per-thread state and reports ready; meanwhile (3) the instance
//! (instantiation runs the module's start function, which finds the memory
//! already initialized and leaves it alone); (4) `Kernel::clone_thread`
//! creates the task (and writes the tid words); the store goes to the thread.

use std::sync::{mpsc, Arc};

use wasmlinux_kernel::{ThreadRequest, Tid};
use wasmtime::{AsContextMut, Store, StoreContextMut, Val};

use super::proc::{Entry, Proc};
use super::{Runtime, TaskEnd, TaskStart, EAGAIN, ENOMEM, ENOSYS};
use crate::guest_memory::{LinearMemory, WasmMemory};

/// A thread's store, built by the creating thread.
pub struct NewThread {
    pub(super) store: Store<Proc>,
}

impl Runtime {
    /// Create the thread `req` asks for; the new tid, or -errno's errno.
    pub(super) fn create_thread(
        self: &Arc<Self>,
        cx: &mut StoreContextMut<'_, Proc>,
        req: &ThreadRequest,
    ) -> Result<Tid, i32> {
        let parent = cx.data().tid;
        let program = cx.data().program.clone().ok_or(ENOSYS)?;
        let shared = match cx.data().ex.as_ref().map(|e| e.memory.clone()) {
            Some(LinearMemory::Shared(m)) => m,
            // A module with its own (unshared) memory cannot have threads.
            _ => return Err(ENOSYS),
        };
        let slot = self.admission.reserve().map_err(|msg| {
            self.admission.warn(&msg);
            EAGAIN
        })?;
        let (ready_tx, ready_rx) = mpsc::sync_channel::<Result<(), String>>(1);
        let (to_thread, from_creator) = mpsc::sync_channel::<(Tid, Box<NewThread>)>(1);
        let rt = self.clone();
        let started = self.start_thread(format!("task-thread-{parent}"), slot, move || {
            let ready = super::panics::contain(wasmtime::Engine::tls_eager_initialize);
            let ok = ready.is_ok();
            let _ = ready_tx.send(ready);
            match from_creator.recv() {
                Ok((tid, t)) if ok => rt.run_task(tid, TaskStart::Thread(t)),
                _ => TaskEnd::Exited(None),
            }
        });
        if let Err(e) = started {
            self.admission.warn(&format!(
                "clone: EAGAIN: cannot start a host thread: {e} (limits: ulimit -u, kernel.threads-max)"
            ));
            return Err(EAGAIN);
        }
        // From here on, an early return drops `to_thread`: the thread ends.
        let (mut store, instance) = match self.new_instance(parent, &program, Some(shared)) {
            Ok(x) => x,
            Err(e) => {
                self.admission.warn(&format!("clone: ENOMEM: cannot create an instance: {e:#}"));
                return Err(ENOMEM);
            }
        };
        let (Some(sp), Some(_)) = (
            instance.get_global(&mut store, "__stack_pointer"),
            store.data().ex.as_ref().and_then(|e| e.thread_start.clone()),
        ) else {
            return Err(ENOSYS);
        };
        if sp.set(&mut store, Val::I32(req.stack as i32)).is_err() {
            return Err(ENOSYS);
        }
        store.data_mut().entry = Entry::Thread { stack: req.stack as i32, tls: req.tls as i32 };
        match ready_rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(msg)) => {
                self.admission.warn(&format!("clone: EAGAIN: cannot set up a host thread: {}", super::one_line(&msg)));
                return Err(EAGAIN);
            }
            Err(_) => return Err(EAGAIN),
        }
        let tid = {
            let memory = cx.data().memory();
            let mut gm = WasmMemory::new(memory, cx.as_context_mut());
            self.kernel.clone_thread(parent, req, &mut gm)?
        };
        store.data_mut().tid = tid;
        if to_thread.send((tid, Box::new(NewThread { store }))).is_err() {
            self.kernel.thread_start_failed(tid);
            return Err(EAGAIN);
        }
        Ok(tid)
    }
}
