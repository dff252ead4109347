//! Clocks and sleeping: clock_gettime64, clock_getres_time64,
//! clock_settime64, clock_nanosleep_time64, getitimer, setitimer.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::{Args, Ctx, SysResult};
use crate::abi::uapi;
use crate::api::HostClock;
use crate::error::{Errno, KResult};
use crate::mem::{KTimespec, OldTimeval, Plain};
use crate::signal::{SigInfo, SIGALRM, SIGPROF, SIGVTALRM};
use crate::task::{lock, Pid};
use crate::Kernel;

pub const CLOCK_REALTIME: i32 = 0;
pub const CLOCK_MONOTONIC: i32 = 1;
pub const CLOCK_PROCESS_CPUTIME_ID: i32 = 2;
pub const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
pub const CLOCK_MONOTONIC_RAW: i32 = 4;
pub const CLOCK_REALTIME_COARSE: i32 = 5;
pub const CLOCK_MONOTONIC_COARSE: i32 = 6;
pub const CLOCK_BOOTTIME: i32 = 7;
pub const CLOCK_REALTIME_ALARM: i32 = 8;
pub const CLOCK_BOOTTIME_ALARM: i32 = 9;
pub const CLOCK_TAI: i32 = 11;
pub const TIMER_ABSTIME: u32 = 1;

/// The host clock behind a guest clock id (EINVAL for unknown ids and
/// per-process CPU clocks of other processes).
pub fn host_clock(id: i32) -> KResult<HostClock> {
    Ok(match id {
        CLOCK_REALTIME | CLOCK_REALTIME_COARSE | CLOCK_REALTIME_ALARM | CLOCK_TAI => HostClock::Realtime,
        CLOCK_MONOTONIC | CLOCK_MONOTONIC_RAW | CLOCK_MONOTONIC_COARSE | CLOCK_BOOTTIME | CLOCK_BOOTTIME_ALARM => {
            HostClock::Monotonic
        }
        CLOCK_PROCESS_CPUTIME_ID | CLOCK_THREAD_CPUTIME_ID => HostClock::ProcessCpu,
        _ => return Err(Errno::EINVAL),
    })
}

/// Convert an absolute time on `clock` to a monotonic deadline.
pub fn to_monotonic_deadline(k: &Kernel, clock: HostClock, abs_ns: u64) -> u64 {
    let mono = k.host.now_ns(HostClock::Monotonic);
    match clock {
        HostClock::Monotonic => abs_ns,
        other => mono.saturating_add(abs_ns.saturating_sub(k.host.now_ns(other))),
    }
}

/// A CPU-time clock id made by `clock_getcpuclockid`/`pthread_getcpuclockid`
/// (negative: `~pid << 3 | which`, bit 2 = one thread): the CPU time of
/// that process or thread (a thread of the caller's process only, EINVAL
/// otherwise, as Linux), ESRCH for a process that does not exist.
fn cpu_clock_ns(ctx: &Ctx<'_>, id: i32) -> KResult<u64> {
    if id & 3 == 3 {
        return Err(Errno::EINVAL);
    }
    let who = !(id >> 3);
    let t = lock(&ctx.kernel.procs);
    if id & 4 != 0 {
        let task = if who == 0 { Some(ctx.task.clone()) } else { t.tasks.get(&who).cloned() };
        drop(t);
        let task = task.filter(|x| x.pid() == ctx.pid()).ok_or(Errno::EINVAL)?;
        let (u, s) = ctx.kernel.thread_cpu(&task);
        Ok(u + s)
    } else {
        let proc = if who == 0 { Some(ctx.process().clone()) } else { t.procs.get(&who).map(|e| e.proc.clone()) };
        drop(t);
        let proc = proc.ok_or(Errno::ESRCH)?;
        let (u, s) = ctx.kernel.process_cpu(&proc);
        Ok(u + s)
    }
}

pub fn sys_clock_gettime64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let id = a.i32(0);
    let now = if id < 0 {
        cpu_clock_ns(ctx, id)?
    } else if id == CLOCK_THREAD_CPUTIME_ID {
        let (u, s) = ctx.kernel.thread_cpu(&ctx.task);
        u + s
    } else if id == CLOCK_PROCESS_CPUTIME_ID {
        // The process's own CPU time (syscall-boundary accounting), not
        // the host's, which sums every guest process.
        let (u, s) = ctx.kernel.process_cpu(ctx.process());
        u + s
    } else {
        ctx.now(host_clock(id)?)
    };
    ctx.write(a.ptr::<KTimespec>(1), &KTimespec::from_ns(now))?;
    Ok(0.into())
}

pub fn sys_clock_getres_time64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let id = a.i32(0);
    if id < 0 {
        cpu_clock_ns(ctx, id)?;
    } else {
        host_clock(id)?;
    }
    let res = if matches!(id, CLOCK_REALTIME_COARSE | CLOCK_MONOTONIC_COARSE) { 4_000_000 } else { 1 };
    a.ptr::<KTimespec>(1).write_opt(ctx.mem, &KTimespec::from_ns(res))?;
    Ok(0.into())
}

/// clock_settime64: the host owns the clocks.
pub fn sys_clock_settime64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let id = a.i32(0);
    host_clock(id)?;
    let ts = ctx.read(a.ptr::<KTimespec>(1))?;
    ts.to_ns()?;
    if id != CLOCK_REALTIME {
        return Err(Errno::EINVAL);
    }
    Err(Errno::EPERM)
}

/// clock_nanosleep_time64(clock, flags, req, rem). Interrupted sleeps
/// return EINTR and the remaining time (relative sleeps).
pub fn sys_clock_nanosleep_time64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (id, flags, req, rem) = (a.i32(0), a.u32(1), a.ptr::<KTimespec>(2), a.ptr::<KTimespec>(3));
    if id == CLOCK_THREAD_CPUTIME_ID {
        return Err(Errno::EINVAL);
    }
    let clock = host_clock(id)?;
    if flags & !TIMER_ABSTIME != 0 {
        return Err(Errno::EINVAL);
    }
    let ns = ctx.read(req)?.to_ns()?;
    let deadline = if flags & TIMER_ABSTIME != 0 {
        to_monotonic_deadline(ctx.kernel, clock, ns)
    } else {
        ctx.now(HostClock::Monotonic).saturating_add(ns)
    };
    let k = ctx.kernel;
    let r = ctx.block_on(&[], Some(deadline), false, || Err::<(), _>(Errno::EAGAIN));
    match r {
        Err(Errno::ETIMEDOUT) | Ok(()) => Ok(0.into()),
        Err(Errno::ERESTARTSYS) => {
            if flags & TIMER_ABSTIME == 0 {
                let left = deadline.saturating_sub(k.host.now_ns(HostClock::Monotonic));
                rem.write_opt(ctx.mem, &KTimespec::from_ns(left))?;
            }
            Err(Errno::EINTR)
        }
        Err(e) => Err(e),
    }
}

/// `struct itimerval` with 32-bit timevals.
#[derive(Debug, Clone, Copy, Default)]
pub struct ItimerVal {
    pub interval: OldTimeval,
    pub value: OldTimeval,
}

impl Plain for ItimerVal {
    type Abi = uapi::itimerval;
    fn from_abi(a: uapi::itimerval) -> Self {
        let tv = |t: uapi::timeval| OldTimeval { sec: t.tv_sec, usec: t.tv_usec };
        ItimerVal { interval: tv(a.it_interval), value: tv(a.it_value) }
    }
    fn to_abi(&self) -> uapi::itimerval {
        let tv = |t: OldTimeval| uapi::timeval { tv_sec: t.sec, tv_usec: t.usec };
        uapi::itimerval { it_interval: tv(self.interval), it_value: tv(self.value) }
    }
}

fn tv_to_ns(tv: OldTimeval) -> KResult<u64> {
    if tv.sec < 0 || !(0..1_000_000).contains(&tv.usec) {
        return Err(Errno::EINVAL);
    }
    Ok(tv.sec as u64 * 1_000_000_000 + tv.usec as u64 * 1000)
}

fn ns_to_tv(ns: u64) -> OldTimeval {
    // Round up so that a pending timer never reads as zero.
    let us = ns.div_ceil(1000);
    OldTimeval { sec: i32::try_from(us / 1_000_000).unwrap_or(i32::MAX), usec: (us % 1_000_000) as i32 }
}

pub const ITIMER_REAL: i32 = 0;
pub const ITIMER_VIRTUAL: i32 = 1;
pub const ITIMER_PROF: i32 = 2;

fn current_itimer(ctx: &Ctx<'_>) -> ItimerVal {
    let it = *lock(&ctx.process().itimer);
    let now = ctx.now(HostClock::Monotonic);
    ItimerVal {
        interval: ns_to_tv(it.interval_ns),
        value: it.deadline_ns.map(|d| ns_to_tv(d.saturating_sub(now).max(1))).unwrap_or_default(),
    }
}

/// Process CPU time the `ITIMER_VIRTUAL` (user) or `ITIMER_PROF` (user +
/// system) timer counts, from the kernel's accounting.
fn itimer_cpu(k: &Kernel, proc: &crate::task::Process, which: i32) -> u64 {
    let (u, s) = k.process_cpu(proc);
    if which == ITIMER_VIRTUAL {
        u
    } else {
        u + s
    }
}

fn current_cpu_itimer(ctx: &Ctx<'_>, which: i32) -> ItimerVal {
    let idx = usize::try_from(which - 1).unwrap_or(0);
    let t = lock(&ctx.process().cpu_itimers)[idx];
    let cpu = itimer_cpu(ctx.kernel, ctx.process(), which);
    ItimerVal {
        interval: ns_to_tv(t.interval_ns),
        value: t.expires_ns.map(|e| ns_to_tv(e.saturating_sub(cpu).max(1))).unwrap_or_default(),
    }
}

pub fn sys_getitimer(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let v = match a.i32(0) {
        ITIMER_REAL => current_itimer(ctx),
        w @ (ITIMER_VIRTUAL | ITIMER_PROF) => current_cpu_itimer(ctx, w),
        _ => return Err(Errno::EINVAL),
    };
    ctx.write(a.ptr::<ItimerVal>(1), &v)?;
    Ok(0.into())
}

/// setitimer(2): ITIMER_REAL delivers SIGALRM at a monotonic deadline;
/// ITIMER_VIRTUAL (SIGVTALRM) and ITIMER_PROF (SIGPROF) count the process
/// CPU time of the kernel's accounting (time outside syscalls, plus
/// non-blocked time inside them for PROF).
pub fn sys_setitimer(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let which = a.i32(0);
    if !matches!(which, ITIMER_REAL | ITIMER_VIRTUAL | ITIMER_PROF) {
        return Err(Errno::EINVAL);
    }
    let new = a.ptr::<ItimerVal>(1).read_opt(&*ctx.mem)?.unwrap_or_default();
    let (value, interval) = (tv_to_ns(new.value)?, tv_to_ns(new.interval)?);
    if which != ITIMER_REAL {
        let old = current_cpu_itimer(ctx, which);
        a.ptr::<ItimerVal>(2).write_opt(ctx.mem, &old)?;
        let cpu = itimer_cpu(ctx.kernel, ctx.process(), which);
        arm_cpu_itimer(ctx.kernel, ctx.pid(), which, (value > 0).then(|| cpu + value), interval);
        return Ok(0.into());
    }
    let old = current_itimer(ctx);
    a.ptr::<ItimerVal>(2).write_opt(ctx.mem, &old)?;
    let pid = ctx.pid();
    let deadline = (value > 0).then(|| ctx.now(HostClock::Monotonic) + value);
    arm_itimer(ctx.kernel, pid, deadline, interval);
    Ok(0.into())
}

/// (Re)arm the ITIMER_REAL of `pid`; the generation makes stale expiries no-ops.
pub(crate) fn arm_itimer(k: &Kernel, pid: Pid, deadline: Option<u64>, interval_ns: u64) {
    let Some(proc) = lock(&k.procs).entry(pid).map(|e| e.proc.clone()) else { return };
    let gen = {
        let mut it = lock(&proc.itimer);
        it.deadline_ns = deadline;
        it.interval_ns = interval_ns;
        it.gen = it.gen.wrapping_add(1);
        it.gen
    };
    if let Some(d) = deadline {
        let weak = k.self_ref.clone();
        k.timers.add(d, move || {
            let Some(k) = weak.upgrade() else { return };
            itimer_fire(&k, pid, gen);
        });
    }
}

fn itimer_fire(k: &Arc<Kernel>, pid: Pid, gen: u64) {
    let Some(proc) = lock(&k.procs).entry(pid).map(|e| e.proc.clone()) else { return };
    if proc.exiting.load(Ordering::Acquire) {
        return;
    }
    let (interval, still) = {
        let it = lock(&proc.itimer);
        (it.interval_ns, it.gen == gen)
    };
    if !still {
        return;
    }
    // Re-arm (or disarm a one-shot timer) before the signal wakes anyone:
    // a woken task's getitimer must already see the new state.
    let next = (interval > 0).then(|| k.host.now_ns(HostClock::Monotonic) + interval);
    arm_itimer(k, pid, next, interval);
    k.send_to_process(pid, SigInfo::kernel(SIGALRM));
}

/// (Re)arm ITIMER_VIRTUAL/ITIMER_PROF of `pid` to expire at process CPU
/// time `expires_ns`. CPU time never runs faster than the monotonic clock,
/// so the check is scheduled after the remaining CPU time has passed on the
/// wall clock, and re-scheduled for what is still missing.
pub(crate) fn arm_cpu_itimer(k: &Kernel, pid: Pid, which: i32, expires_ns: Option<u64>, interval_ns: u64) {
    let Some(proc) = lock(&k.procs).entry(pid).map(|e| e.proc.clone()) else { return };
    let idx = usize::try_from(which - 1).unwrap_or(0);
    let gen = {
        let mut ts = lock(&proc.cpu_itimers);
        let t = &mut ts[idx];
        t.expires_ns = expires_ns;
        t.interval_ns = interval_ns;
        t.gen = t.gen.wrapping_add(1);
        t.gen
    };
    if let Some(e) = expires_ns {
        let left = e.saturating_sub(itimer_cpu(k, &proc, which));
        schedule_cpu_check(k, pid, which, gen, left);
    }
}

fn schedule_cpu_check(k: &Kernel, pid: Pid, which: i32, gen: u64, left_ns: u64) {
    let weak = k.self_ref.clone();
    // At least 1 ms between checks of a process that is not running.
    let at = k.host.now_ns(HostClock::Monotonic) + left_ns.max(1_000_000);
    k.timers.add(at, move || {
        let Some(k) = weak.upgrade() else { return };
        cpu_itimer_check(&k, pid, which, gen);
    });
}

fn cpu_itimer_check(k: &Arc<Kernel>, pid: Pid, which: i32, gen: u64) {
    let Some(proc) = lock(&k.procs).entry(pid).map(|e| e.proc.clone()) else { return };
    if proc.exiting.load(Ordering::Acquire) {
        return;
    }
    let idx = usize::try_from(which - 1).unwrap_or(0);
    let cpu = itimer_cpu(k, &proc, which);
    let (fire, left) = {
        let mut ts = lock(&proc.cpu_itimers);
        let t = &mut ts[idx];
        let Some(e) = t.expires_ns.filter(|_| t.gen == gen) else { return };
        if cpu < e {
            (false, e - cpu)
        } else if t.interval_ns > 0 {
            // Periodic: the next period starts at the expiry (not at now).
            let mut next = e + t.interval_ns;
            if next <= cpu {
                next = cpu + t.interval_ns;
            }
            t.expires_ns = Some(next);
            (true, next - cpu)
        } else {
            t.expires_ns = None;
            (true, 0)
        }
    };
    if fire {
        let sig = if which == ITIMER_VIRTUAL { SIGVTALRM } else { SIGPROF };
        k.send_to_process(pid, SigInfo::kernel(sig));
    }
    if !fire || left > 0 {
        schedule_cpu_check(k, pid, which, gen, left);
    }
}
