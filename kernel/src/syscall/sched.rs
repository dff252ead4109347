//! Scheduling calls. The host schedules the threads; the kernel reports a
//! single CPU, SCHED_OTHER, nice 0 and accepts what Linux would accept.

use super::{Args, Ctx, SysResult};
use crate::error::{Errno, KResult};
use crate::mem::KTimespec;
use crate::task::{lock, ProcState};

pub const SCHED_OTHER: i32 = 0;
pub const SCHED_FIFO: i32 = 1;
pub const SCHED_RR: i32 = 2;
pub const SCHED_BATCH: i32 = 3;
pub const SCHED_IDLE: i32 = 5;

/// The pid must name a live task (0 = caller).
fn check_pid(ctx: &Ctx<'_>, pid: i32) -> KResult<()> {
    if pid < 0 {
        return Err(Errno::EINVAL);
    }
    if pid == 0 {
        return Ok(());
    }
    let t = lock(&ctx.kernel.procs);
    if t.tasks.contains_key(&pid) {
        Ok(())
    } else {
        Err(Errno::ESRCH)
    }
}

pub fn sys_sched_yield(_ctx: &mut Ctx<'_>, _a: Args) -> SysResult {
    std::thread::yield_now();
    Ok(0.into())
}

/// Size of the kernel cpumask (one 32-bit word: one CPU).
const CPUMASK_BYTES: u32 = 4;

pub fn sys_sched_getaffinity(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    check_pid(ctx, a.i32(0))?;
    let len = a.u32(1);
    if len < CPUMASK_BYTES || !len.is_multiple_of(4) {
        return Err(Errno::EINVAL);
    }
    ctx.write_bytes(a.u32(2), &1u32.to_le_bytes())?;
    Ok(CPUMASK_BYTES.into())
}

pub fn sys_sched_setaffinity(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    check_pid(ctx, a.i32(0))?;
    let len = a.usize(1).min(128);
    let mask = ctx.read_bytes(a.u32(2), len)?;
    if mask.first().is_none_or(|b| b & 1 == 0) {
        return Err(Errno::EINVAL);
    }
    Ok(0.into())
}

pub fn sys_sched_getscheduler(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    check_pid(ctx, a.i32(0))?;
    Ok(SCHED_OTHER.into())
}

pub fn sys_sched_getparam(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    check_pid(ctx, a.i32(0))?;
    ctx.write(a.ptr::<u32>(1), &0)?;
    Ok(0.into())
}

pub fn sys_sched_setparam(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    check_pid(ctx, a.i32(0))?;
    let prio = ctx.read(a.ptr::<i32>(1))?;
    if prio != 0 {
        return Err(Errno::EINVAL);
    }
    Ok(0.into())
}

/// Only the non-real-time policies are accepted (real-time needs privileges
/// the kernel does not model: EPERM).
pub fn sys_sched_setscheduler(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    check_pid(ctx, a.i32(0))?;
    let prio = ctx.read(a.ptr::<i32>(2))?;
    match a.i32(1) & !0x4000_0000 {
        SCHED_OTHER | SCHED_BATCH | SCHED_IDLE if prio == 0 => Ok(0.into()),
        SCHED_FIFO | SCHED_RR if (1..=99).contains(&prio) => Err(Errno::EPERM),
        _ => Err(Errno::EINVAL),
    }
}

pub fn sys_sched_get_priority_max(_ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    match a.i32(0) {
        SCHED_FIFO | SCHED_RR => Ok(99.into()),
        SCHED_OTHER | SCHED_BATCH | SCHED_IDLE => Ok(0.into()),
        _ => Err(Errno::EINVAL),
    }
}

pub fn sys_sched_get_priority_min(_ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    match a.i32(0) {
        SCHED_FIFO | SCHED_RR => Ok(1.into()),
        SCHED_OTHER | SCHED_BATCH | SCHED_IDLE => Ok(0.into()),
        _ => Err(Errno::EINVAL),
    }
}

pub fn sys_sched_rr_get_interval_time64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    check_pid(ctx, a.i32(0))?;
    ctx.write(a.ptr::<KTimespec>(1), &KTimespec { sec: 0, nsec: 100_000_000 })?;
    Ok(0.into())
}

pub const PRIO_PROCESS: i32 = 0;
pub const PRIO_PGRP: i32 = 1;
pub const PRIO_USER: i32 = 2;

fn prio_target_exists(ctx: &Ctx<'_>, which: i32, who: i32) -> KResult<()> {
    let t = lock(&ctx.kernel.procs);
    let live = |e: &crate::task::ProcEntry| !matches!(e.state, ProcState::Zombie(_));
    let found = match which {
        PRIO_PROCESS => who == 0 || t.procs.get(&who).is_some_and(live),
        PRIO_PGRP => who == 0 || t.procs.values().any(|e| e.pgid == who && live(e)),
        PRIO_USER => true,
        _ => return Err(Errno::EINVAL),
    };
    if found {
        Ok(())
    } else {
        Err(Errno::ESRCH)
    }
}

/// getpriority(2): the raw syscall returns 20 − nice (nice is always 0).
pub fn sys_getpriority(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    prio_target_exists(ctx, a.i32(0), a.i32(1))?;
    Ok(20.into())
}

/// setpriority(2): lowering nice (raising priority) needs root.
pub fn sys_setpriority(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    prio_target_exists(ctx, a.i32(0), a.i32(1))?;
    if a.i32(2) < 0 && ctx.creds().euid != 0 {
        return Err(Errno::EACCES);
    }
    Ok(0.into())
}
