//! The host functions a module imports: `env.wasmlinux_syscall32`,
//! `env.wasmlinux_fork` ([`sys_import`]), `env.wasmlinux_fnsig` ([`fn_signature`]),
//! `env.emscripten_longjmp` and the
//! per-module `env.invoke_*` (emscripten SjLj, [`define_invoke`]). Contract:
//! docs/ARCHITECTURE.md, "The guest ABI".

use wasmlinux_kernel::SyscallOutcome;
use wasmtime::{AsContextMut, Caller, Engine, Func, FuncType, Linker, Ref, StoreContextMut, Trap, Val, ValType};

use super::fork::begin_fork;
use super::proc::{ForkState, Proc};
use super::signals::{deliver_signals, run_trap_handler};
use super::{ExecRequest, GuestExit, Longjmp, EFAULT, ENOSYS, SYS_EXIT, SYS_EXIT_GROUP};
use crate::guest_memory::{LinearMemory, WasmMemory};

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
    linker.func_wrap("env", "wasmlinux_fnsig", |mut caller: Caller<'_, Proc>, fnptr: i32| {
        fn_signature(&mut caller, fnptr)
    })?;
    linker.func_wrap(
        "env",
        "emscripten_longjmp",
        |_: Caller<'_, Proc>, env: i32, val: i32| -> wasmtime::Result<()> { Err(Longjmp { env, val }.into()) },
    )?;
    Ok(linker)
}

/// `env.wasmlinux_fnsig(fnptr)`: the type of table entry `fnptr` as
/// `params | results << 8` when every parameter and result is an i32, else -1
/// (also for a null, out-of-range or non-function entry). libc calls a user's
/// signal handler or thread start routine with the arguments its definition
/// takes: C allows defining them without a prototype (`void handler()`), which
/// Linux calls fine but a wasm indirect call of the wrong type traps.
fn fn_signature(caller: &mut Caller<'_, Proc>, fnptr: i32) -> i32 {
    let Some(table) = caller.data().ex.as_ref().and_then(|e| e.table) else {
        return -1;
    };
    let Some(Ref::Func(Some(func))) = table.get(&mut *caller, fnptr as u32 as u64) else {
        return -1;
    };
    let ty = func.ty(&*caller);
    let count = |tys: &mut dyn Iterator<Item = ValType>| -> Option<i32> {
        let mut n = 0;
        for t in tys {
            if !matches!(t, ValType::I32) {
                return None;
            }
            n += 1;
        }
        Some(n)
    };
    let (params, results) = (count(&mut ty.params()), count(&mut ty.results()));
    match (params, results) {
        (Some(p), Some(r)) if p < 256 && r < 256 => p | r << 8,
        _ => -1,
    }
}

fn read_args(cx: &mut StoreContextMut<'_, Proc>, memory: &LinearMemory, args_ptr: u32) -> Option<[u32; 6]> {
    let mut raw = [0u8; 24];
    // Read in place (no `WasmMemory`, which would clone the memory handle).
    match memory {
        LinearMemory::Own(m) => m.read(&*cx, args_ptr as usize, &mut raw).ok()?,
        LinearMemory::Shared(m) => crate::guest_memory::shared::read(m, args_ptr, &mut raw).ok()?,
    }
    let mut args = [0u32; 6];
    for (i, a) in args.iter_mut().enumerate() {
        *a = u32::from_le_bytes([raw[4 * i], raw[4 * i + 1], raw[4 * i + 2], raw[4 * i + 3]]);
    }
    Some(args)
}

/// `env.wasmlinux_syscall32` and `env.wasmlinux_fork`.
fn sys_import(mut caller: Caller<'_, Proc>, nr: u32, args_ptr: u32, fork_import: bool) -> wasmtime::Result<i32> {
    let mut cx = caller.as_context_mut();
    let Some(memory) = cx.data().ex.as_ref().map(|e| e.memory.clone()) else {
        return Err(wasmtime::Error::msg("syscall before the instance was set up"));
    };
    // Step 3 of fork: we are being rewound into the import.
    if fork_import {
        if let ForkState::Rewinding { result } = cx.data().fork {
            let asy = cx.data().asyncify()?;
            asy.stop_rewind.call(&mut cx, ())?;
            cx.data_mut().fork = ForkState::Idle;
            return Ok(deliver_signals(&mut cx)?.unwrap_or(result));
        }
    }
    let Some(args) = read_args(&mut cx, &memory, args_ptr) else {
        return Ok(-EFAULT);
    };
    let (tid, kernel) = (cx.data().tid, cx.data().kernel.clone());
    loop {
        let outcome = {
            let mut gm = WasmMemory::new(memory.clone(), cx.as_context_mut());
            kernel.syscall(tid, nr, args, &mut gm)
        };
        match outcome {
            SyscallOutcome::Return(v) => return Ok(deliver_signals(&mut cx)?.unwrap_or(v)),
            SyscallOutcome::Restart => {
                if let Some(v) = deliver_signals(&mut cx)? {
                    return Ok(v);
                }
            }
            SyscallOutcome::Exit => {
                if nr == SYS_EXIT || nr == SYS_EXIT_GROUP {
                    cx.data_mut().exit_code = Some((args[0] & 0xff) as u8);
                }
                return Err(GuestExit.into());
            }
            SyscallOutcome::Exec(image) => return Err(ExecRequest(image).into()),
            SyscallOutcome::Fork { flags } => return begin_fork(&mut cx, memory, flags, fork_import),
            SyscallOutcome::Thread(req) => {
                let Some(rt) = cx.data().rt.upgrade() else { return Ok(-ENOSYS) };
                let r = rt.create_thread(&mut cx, &req).unwrap_or_else(|errno| -errno);
                return Ok(deliver_signals(&mut cx)?.unwrap_or(r));
            }
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
