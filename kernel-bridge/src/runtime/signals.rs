//! Signals and traps: delivery to guest handlers at syscall return and from
//! the epoch-deadline callback while the guest computes ([`deliver_signals`],
//! [`arm_preemption`], the engine-wide epoch ticker), handlers run for a trap
//! caught in a setjmp context ([`run_trap_handler`]), and which signal a
//! trap is ([`trap_signal`]).

use std::sync::Weak;
use std::time::Duration;

use wasmlinux_kernel::{ExitStatus, SignalAction, TrapSignal};
use wasmtime::{AsContextMut, Caller, Store, StoreContextMut, Trap, UpdateDeadline, Val};

use super::proc::Proc;
use super::{FatalSignal, GuestExit, Runtime, SIGKILL};
use crate::guest_memory::WasmMemory;

/// Preempt the guest: every epoch tick, deliver pending signals from the
/// deadline callback (wasmtime 48 passes it a `StoreContextMut`, so the
/// handler runs re-entrantly on top of the interrupted code).
pub(super) fn arm_preemption(store: &mut Store<Proc>) {
    store.set_epoch_deadline(1);
    store.epoch_deadline_callback(|mut cx| {
        let p = cx.data();
        let pending = !p.fork.in_asyncify() && p.ex.is_some() && p.kernel.signal_pending(p.tid);
        if pending {
            // No nested epoch callbacks while a handler runs from here
            // (wasmtime takes the callback out while it runs).
            cx.set_epoch_deadline(1 << 40);
            let r = deliver_signals(&mut cx).map(|_| ());
            // Re-arm even when the handler longjmp'd out (Err): the
            // guest goes on at the catching invoke_*.
            cx.set_epoch_deadline(1);
            r?;
        }
        Ok(UpdateDeadline::Continue(1))
    });
}

/// A guest trap reached an `invoke_*` (a setjmp context): if the process
/// handles the signal, queue it and run the handler from here, on the shadow
/// stack as the trap left it. Returns the error to go on with: the
/// handler's `Longjmp` (the invoke catches it like any longjmp), or
/// [`FatalSignal`] when there is no handler or it returned (Linux would
/// re-execute the faulting instruction, which would fault again), or
/// whatever else ended the handler (exit, exec).
pub(super) fn run_trap_handler(caller: &mut Caller<'_, Proc>, trap: wasmtime::Error) -> wasmtime::Error {
    let sig = trap_signal(&trap);
    let mut cx = caller.as_context_mut();
    let (tid, kernel) = (cx.data().tid, cx.data().kernel.clone());
    if cx.data().fork.in_asyncify() || !kernel.trap_to_handler(tid, sig) {
        tracing::debug!("task {tid}: {trap:?} -> {sig:?} (no handler)");
        return FatalSignal(sig).into();
    }
    tracing::debug!("task {tid}: {trap:?} -> {sig:?} handler");
    match deliver_signals(&mut cx) {
        Ok(_) => FatalSignal(sig).into(),
        Err(e) => e,
    }
}

/// Deliver every pending signal to guest handlers (or die of it).
/// `Some(v)`: a handler asked that the syscall the signals interrupted
/// return `v` instead of being restarted or returning its own result (see
/// [`SigEntry`](super::proc::SigEntry)); the remaining signals are
/// delivered at the next check.
pub(super) fn deliver_signals(cx: &mut StoreContextMut<'_, Proc>) -> wasmtime::Result<Option<i32>> {
    let (tid, kernel) = (cx.data().tid, cx.data().kernel.clone());
    loop {
        if !kernel.signal_pending(tid) || cx.data().fork.in_asyncify() {
            return Ok(None);
        }
        let (memory, sp, sigentry) = match cx.data().ex.as_ref() {
            Some(e) => (e.memory.clone(), e.sp, e.sigentry.clone()),
            None => return Ok(None),
        };
        let old_sp = match sp {
            Some(g) => g.get(&mut *cx).i32().unwrap_or(0),
            None => 0,
        };
        let action = {
            let mut gm = WasmMemory::new(memory.clone(), cx.as_context_mut());
            kernel.check_signals(tid, &mut gm, old_sp as u32)
        };
        let d = match action {
            SignalAction::None => return Ok(None),
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
            (d.signo, d.handler as i32, d.siginfo_ptr as i32, d.ucontext_ptr as i32, d.sa_flags as i32),
        );
        cx.data_mut().handler_depth -= 1;
        let abandon = r?;
        sp.set(&mut *cx, Val::I32(old_sp))?;
        let mut gm = WasmMemory::new(memory, cx.as_context_mut());
        kernel.signal_return(tid, &mut gm, &d);
        if abandon != 0 {
            return Ok(Some(abandon));
        }
    }
}

/// The signal a trap kills with (ARCHITECTURE.md, "Traps").
pub(super) fn trap_signal(e: &wasmtime::Error) -> TrapSignal {
    if let Some(&FatalSignal(sig)) = e.downcast_ref::<FatalSignal>() {
        return sig;
    }
    match e.downcast_ref::<Trap>() {
        Some(Trap::UnreachableCodeReached | Trap::BadSignature | Trap::IndirectCallToNull) => TrapSignal::Ill,
        Some(Trap::IntegerDivisionByZero | Trap::IntegerOverflow | Trap::BadConversionToInteger) => TrapSignal::Fpe,
        _ => TrapSignal::Segv,
    }
}

/// Advance the engine epoch every `tick` while the runtime lives.
pub(super) fn start_ticker(rt: Weak<Runtime>, tick: Duration) {
    let _ = std::thread::Builder::new().name("epoch".into()).stack_size(64 << 10).spawn(move || loop {
        std::thread::sleep(tick);
        match rt.upgrade() {
            Some(rt) => rt.engine.increment_epoch(),
            None => return,
        }
    });
}
