//! The host functions a module imports: `env.wasmlinux_syscall32`,
//! `env.wasmlinux_fork` ([`sys_import`]), `env.emscripten_longjmp` and the
//! per-module `env.invoke_*` (emscripten SjLj, [`define_invoke`]). Contract:
//! docs/ARCHITECTURE.md, "The guest ABI".

use wasmlinux_kernel::SyscallOutcome;
use wasmtime::{AsContextMut, Caller, Engine, Func, FuncType, Linker, Memory, Ref, StoreContextMut, Trap, Val};

use super::fork::begin_fork;
use super::proc::{ForkState, Proc};
use super::signals::{deliver_signals, run_trap_handler};
use super::{ExecRequest, GuestExit, Longjmp, EFAULT, SYS_EXIT, SYS_EXIT_GROUP};
use crate::guest_memory::WasmMemory;

/// The linker every program starts from: the imports that do not depend on
/// the module (`invoke_*` are added per module by [`define_invoke`]).
pub(super) fn base_linker(engine: &Engine) -> wasmtime::Result<Linker<Proc>> {
    let mut linker = Linker::new(engine);
    linker.func_wrap("env", "wasmlinux_syscall32", |caller: Caller<'_, Proc>, nr: i32, args_ptr: i32| {
        sys_import(caller, nr as u32, args_ptr as u32, false)
    })?;
    linker.func_wrap("env", "wasmlinux_fork", |caller: Caller<'_, Proc>, nr: i32, args_ptr: i32| {
        sys_import(caller, nr as u32, args_ptr as u32, true)
    })?;
    linker.func_wrap(
        "env",
        "emscripten_longjmp",
        |_: Caller<'_, Proc>, env: i32, val: i32| -> wasmtime::Result<()> { Err(Longjmp { env, val }.into()) },
    )?;
    Ok(linker)
}

fn read_args(cx: &mut StoreContextMut<'_, Proc>, memory: Memory, args_ptr: u32) -> Option<[u32; 6]> {
    let mut raw = [0u8; 24];
    memory.read(&*cx, args_ptr as usize, &mut raw).ok()?;
    let mut args = [0u32; 6];
    for (i, a) in args.iter_mut().enumerate() {
        *a = u32::from_le_bytes([raw[4 * i], raw[4 * i + 1], raw[4 * i + 2], raw[4 * i + 3]]);
    }
    Some(args)
}

/// `env.wasmlinux_syscall32` and `env.wasmlinux_fork`.
fn sys_import(mut caller: Caller<'_, Proc>, nr: u32, args_ptr: u32, fork_import: bool) -> wasmtime::Result<i32> {
    let mut cx = caller.as_context_mut();
    let Some(memory) = cx.data().ex.as_ref().map(|e| e.memory) else {
        return Err(wasmtime::Error::msg("syscall before the instance was set up"));
    };
    // Step 3 of fork: we are being rewound into the import.
    if fork_import {
        if let ForkState::Rewinding { result } = cx.data().fork {
            let asy = cx.data().asyncify()?;
            asy.stop_rewind.call(&mut cx, ())?;
            cx.data_mut().fork = ForkState::Idle;
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
            SyscallOutcome::Fork { flags } => return begin_fork(&mut cx, memory, flags, fork_import),
            // Threads are not started by the bridge yet (issue 15).
            SyscallOutcome::Thread(_) => return Ok(-38),
        }
    }
}

/// `env.invoke_<sig>(fnidx, args...)`: call table entry `fnidx`, catching a
/// longjmp (see ARCHITECTURE.md, SjLj).
pub(super) fn define_invoke(linker: &mut Linker<Proc>, name: &str, ty: FuncType) -> wasmtime::Result<()> {
    let results: Vec<Val> = ty.results().map(|t| Val::default_for_ty(&t).unwrap_or(Val::I32(0))).collect();
    linker.func_new("env", name, ty, move |mut caller, params, out| {
        let Some(Val::I32(fnidx)) = params.first().cloned() else {
            return Err(Trap::BadSignature.into());
        };
        let (table, sp, set_threw) = {
            let ex = caller.data().ex.as_ref().ok_or_else(|| wasmtime::Error::msg("no instance"))?;
            (ex.table, ex.sp, ex.set_threw.clone())
        };
        let table =
            table.ok_or_else(|| wasmtime::Error::msg("invoke_* needs an exported __indirect_function_table"))?;
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
                let e = if e.is::<Trap>() { run_trap_handler(&mut caller, e) } else { e };
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
