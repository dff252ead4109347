//! Clocks and sleeping: clock_gettime64, clock_getres_time64,
//! clock_settime64, clock_nanosleep_time64, getitimer, setitimer.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::{Args, Ctx, SysResult};
use crate::api::HostClock;
use crate::error::{Errno, KResult};
use crate::mem::{KTimespec, OldTimeval, Plain};
use crate::signal::{SigInfo, SIGALRM};
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
        CLOCK_MONOTONIC | CLOCK_MONOTONIC_RAW | CLOCK_MONOTONIC_COARSE | CLOCK_BOOTTIME | CLOCK_BOOTTIME_ALARM => HostClock::Monotonic,
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

pub fn sys_clock_gettime64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let clock = host_clock(a.i32(0))?;
    let now = ctx.now(clock);
    ctx.write(a.ptr::<KTimespec>(1), &KTimespec::from_ns(now))?;
    Ok(0.into())
}

pub fn sys_clock_getres_time64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let id = a.i32(0);
    host_clock(id)?;
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
    const SIZE: usize = 16;
    fn decode(b: &[u8]) -> Self {
        ItimerVal { interval: OldTimeval::decode(&b[0..8]), value: OldTimeval::decode(&b[8..16]) }
    }
    fn encode(&self, b: &mut [u8]) {
        self.interval.encode(&mut b[0..8]);
        self.value.encode(&mut b[8..16]);
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

pub fn sys_getitimer(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let v = match a.i32(0) {
        ITIMER_REAL => current_itimer(ctx),
        ITIMER_VIRTUAL | ITIMER_PROF => ItimerVal::default(),
        _ => return Err(Errno::EINVAL),
    };
    ctx.write(a.ptr::<ItimerVal>(1), &v)?;
    Ok(0.into())
}

/// setitimer: ITIMER_REAL delivers SIGALRM; the CPU-time timers are
/// accepted but never fire.
pub fn sys_setitimer(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let which = a.i32(0);
    if !matches!(which, ITIMER_REAL | ITIMER_VIRTUAL | ITIMER_PROF) {
        return Err(Errno::EINVAL);
    }
    let new = a.ptr::<ItimerVal>(1).read_opt(&*ctx.mem)?.unwrap_or_default();
    let (value, interval) = (tv_to_ns(new.value)?, tv_to_ns(new.interval)?);
    if which != ITIMER_REAL {
        a.ptr::<ItimerVal>(2).write_opt(ctx.mem, &ItimerVal::default())?;
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
    k.send_to_process(pid, SigInfo::kernel(SIGALRM));
    let next = (interval > 0).then(|| k.host.now_ns(HostClock::Monotonic) + interval);
    arm_itimer(k, pid, next, interval);
}
