//! Scheduling calls. The host schedules the threads; the kernel reports
//! the host's CPUs (`KernelConfig::cpus`) with a per-thread affinity mask
//! it records but does not enforce, SCHED_OTHER, nice 0, and accepts what
//! Linux would accept.

use super::{Args, Ctx, SysResult};
use crate::error::{Errno, KResult};
use crate::mem::KTimespec;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use crate::task::{lock, ProcState, Process};

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

/// Size in bytes of the kernel's cpumask for the configured CPUs (whole
/// 32-bit `unsigned long`s, Linux's `cpumask_size()`).
fn cpumask_bytes(ctx: &Ctx<'_>) -> u32 {
    ctx.kernel.config().cpus.clamp(1, 1024).div_ceil(32) * 4
}

/// The task `pid` names (0 = the caller), ESRCH if none.
fn target_task(ctx: &Ctx<'_>, pid: i32) -> KResult<Arc<crate::task::Task>> {
    check_pid(ctx, pid)?;
    if pid == 0 {
        return Ok(ctx.task.clone());
    }
    lock(&ctx.kernel.procs).tasks.get(&pid).cloned().ok_or(Errno::ESRCH)
}

/// sched_getaffinity(pid, len, mask): the thread's mask over the host's
/// CPUs (`KernelConfig::cpus`); EINVAL when `len` is too small for them or
/// not a multiple of 4; returns the bytes written.
pub fn sys_sched_getaffinity(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let task = target_task(ctx, a.i32(0))?;
    let len = a.u32(1);
    let size = cpumask_bytes(ctx);
    if u64::from(len) * 8 < u64::from(ctx.kernel.config().cpus.clamp(1, 1024)) || !len.is_multiple_of(4) {
        return Err(Errno::EINVAL);
    }
    let mut mask = vec![0u8; size as usize];
    for c in ctx.kernel.thread_cpus(task.tid) {
        mask[(c / 8) as usize] |= 1 << (c % 8);
    }
    ctx.write_bytes(a.u32(2), &mask)?;
    Ok(size.into())
}

/// sched_setaffinity(pid, len, mask): recorded per thread; the mask must
/// contain at least one of the host's CPUs (EINVAL); bits beyond them are
/// ignored. The host's scheduler is not told (threads run anywhere).
pub fn sys_sched_setaffinity(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let task = target_task(ctx, a.i32(0))?;
    let size = cpumask_bytes(ctx) as usize;
    let len = a.usize(1).min(size);
    let mut mask = ctx.read_bytes(a.u32(2), len)?;
    mask.resize(size, 0);
    let n = ctx.kernel.config().cpus.clamp(1, 1024);
    for c in n..(size as u32 * 8) {
        mask[(c / 8) as usize] &= !(1 << (c % 8));
    }
    if mask.iter().all(|&b| b == 0) {
        return Err(Errno::EINVAL);
    }
    let them = lock(&task.process.creds).clone();
    let me = ctx.creds();
    if me.euid != 0 && me.euid != them.uid && me.euid != them.euid {
        return Err(Errno::EPERM);
    }
    *lock(&task.affinity) = Some(mask);
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

/// The live processes `(which, who)` names (man 2 getpriority): a pid, a
/// process group, or every process of a user (0: the caller's own).
fn prio_targets(ctx: &Ctx<'_>, which: i32, who: i32) -> KResult<Vec<Arc<Process>>> {
    if !matches!(which, PRIO_PROCESS | PRIO_PGRP | PRIO_USER) {
        return Err(Errno::EINVAL);
    }
    let me = ctx.pid();
    let my_uid = ctx.creds().uid;
    let t = lock(&ctx.kernel.procs);
    let my_pgid = t.procs.get(&me).map(|e| e.pgid).unwrap_or(me);
    let live = |e: &crate::task::ProcEntry| !matches!(e.state, ProcState::Zombie(_));
    let found: Vec<Arc<Process>> = t
        .procs
        .iter()
        .filter(|(_, e)| live(e))
        .filter(|(&pid, e)| match which {
            PRIO_PROCESS => pid == if who == 0 { me } else { who },
            PRIO_PGRP => e.pgid == if who == 0 { my_pgid } else { who },
            _ => lock(&e.proc.creds).uid == if who == 0 { my_uid } else { who as u32 },
        })
        .map(|(_, e)| e.proc.clone())
        .collect();
    if found.is_empty() {
        Err(Errno::ESRCH)
    } else {
        Ok(found)
    }
}

pub const NICE_MIN: i32 = -20;
pub const NICE_MAX: i32 = 19;

/// getpriority(2): the raw syscall returns `20 − nice` of the highest
/// priority (lowest nice) target, so it is never negative; libc undoes it.
pub fn sys_getpriority(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let targets = prio_targets(ctx, a.i32(0), a.i32(1))?;
    let nice = targets.iter().map(|p| p.nice.load(Ordering::Relaxed)).min().unwrap_or(0);
    Ok((20 - nice).into())
}

/// setpriority(2): the value is clamped to -20..=19; lowering the nice
/// value below the current one needs root (EACCES); changing another
/// user's process needs root (EPERM).
pub fn sys_setpriority(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let targets = prio_targets(ctx, a.i32(0), a.i32(1))?;
    let nice = a.i32(2).clamp(NICE_MIN, NICE_MAX);
    let creds = ctx.creds();
    let mut err = None;
    for p in targets {
        let owner = lock(&p.creds).uid;
        if creds.euid != 0 && creds.euid != owner && creds.uid != owner {
            err = Some(Errno::EPERM);
            continue;
        }
        if nice < p.nice.load(Ordering::Relaxed) && creds.euid != 0 {
            err = Some(Errno::EACCES);
            continue;
        }
        p.nice.store(nice, Ordering::Relaxed);
    }
    match err {
        Some(e) => Err(e),
        None => Ok(0.into()),
    }
}

/// `IOPRIO_CLASS_*` and the encoding `class << 13 | data` (man 2 ioprio_set).
pub const IOPRIO_CLASS_NONE: u32 = 0;
pub const IOPRIO_CLASS_RT: u32 = 1;
pub const IOPRIO_CLASS_BE: u32 = 2;
pub const IOPRIO_CLASS_IDLE: u32 = 3;
const IOPRIO_CLASS_SHIFT: u32 = 13;

/// The I/O priority `p` reports: a process that never set one (class
/// NONE) gets best-effort with data `(nice + 20) / 5` (man 2 ioprio_set).
fn effective_ioprio(p: &Process) -> u32 {
    let v = lock(&p.extra).ioprio;
    if v >> IOPRIO_CLASS_SHIFT == IOPRIO_CLASS_NONE {
        let nice = p.nice.load(Ordering::Relaxed);
        IOPRIO_CLASS_BE << IOPRIO_CLASS_SHIFT | u32::try_from((nice + 20) / 5).unwrap_or(4)
    } else {
        v
    }
}

/// ioprio_get(which, who): IOPRIO_WHO_PROCESS/PGRP/USER (1/2/3); the
/// highest priority among the targets.
pub fn sys_ioprio_get(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let targets = prio_targets(ctx, a.i32(0) - 1, a.i32(1))?;
    let best =
        targets.iter().map(|p| effective_ioprio(p)).min_by_key(|&v| (v >> IOPRIO_CLASS_SHIFT, v & 0x1fff)).unwrap_or(0);
    Ok(best.into())
}

/// ioprio_set(which, who, ioprio): recorded per process (inherited by
/// fork); the real-time class needs root (EPERM), levels are 0..=7.
pub fn sys_ioprio_set(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (which, who, prio) = (a.i32(0), a.i32(1), a.u32(2));
    let (class, data) = (prio >> IOPRIO_CLASS_SHIFT, prio & ((1 << IOPRIO_CLASS_SHIFT) - 1));
    let creds = ctx.creds();
    match class {
        IOPRIO_CLASS_RT if creds.euid != 0 => return Err(Errno::EPERM),
        IOPRIO_CLASS_RT | IOPRIO_CLASS_BE if data >= 8 => return Err(Errno::EINVAL),
        IOPRIO_CLASS_NONE if data != 0 => return Err(Errno::EINVAL),
        IOPRIO_CLASS_NONE | IOPRIO_CLASS_RT | IOPRIO_CLASS_BE | IOPRIO_CLASS_IDLE => {}
        _ => return Err(Errno::EINVAL),
    }
    let targets = prio_targets(ctx, which - 1, who)?;
    for p in targets {
        let owner = lock(&p.creds).uid;
        if creds.euid != 0 && creds.euid != owner && creds.uid != owner {
            return Err(Errno::EPERM);
        }
        lock(&p.extra).ioprio = prio;
    }
    Ok(0.into())
}
