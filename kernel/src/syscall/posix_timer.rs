//! POSIX per-process timers (man 2 timer_create, timer_settime,
//! timer_getoverrun, timer_delete) on CLOCK_REALTIME, CLOCK_MONOTONIC and
//! CLOCK_BOOTTIME, run by the kernel's timer thread (`task::timer`).
//! Notification: SIGEV_SIGNAL (default SIGALRM carrying the timer id as
//! `si_value`), SIGEV_NONE, and SIGEV_THREAD_ID naming the caller.
//! Argument decoding and the guest `itimerspec`; the timer engine is
//! `task::posix_timer`.

use super::time::{host_clock, to_monotonic_deadline, TIMER_ABSTIME};
use super::{Args, Ctx, SysResult};
use crate::api::HostClock;
use crate::error::{Errno, KResult};
use crate::mem::{KTimespec, Plain};
use crate::signal::SIGALRM;
pub use crate::task::posix_timer::{SIGEV_NONE, SIGEV_SIGNAL, SIGEV_THREAD, SIGEV_THREAD_ID};
use crate::task::PosixTimer;

/// `struct itimerspec` with time64 timespecs.
#[derive(Debug, Clone, Copy, Default)]
pub struct ItimerSpec64 {
    pub interval: KTimespec,
    pub value: KTimespec,
}

impl Plain for ItimerSpec64 {
    type Abi = crate::abi::uapi::__kernel_itimerspec;
    fn from_abi(a: Self::Abi) -> Self {
        ItimerSpec64 { interval: KTimespec::from_abi(a.it_interval), value: KTimespec::from_abi(a.it_value) }
    }
    fn to_abi(&self) -> Self::Abi {
        Self::Abi { it_interval: self.interval.to_abi(), it_value: self.value.to_abi() }
    }
}

pub fn sys_timer_create(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (clock_id, sevp, id_ptr) = (a.i32(0), a.u32(1), a.ptr::<i32>(2));
    let realtime = match clock_id {
        super::time::CLOCK_REALTIME => true,
        super::time::CLOCK_MONOTONIC | super::time::CLOCK_BOOTTIME => false,
        // Known clocks without timers (CPU-time, RAW, COARSE, ALARM, TAI).
        id if host_clock(id).is_ok() => return Err(Errno::EOPNOTSUPP),
        _ => return Err(Errno::EINVAL),
    };
    let mut t = PosixTimer { realtime, notify: SIGEV_SIGNAL, signo: SIGALRM, ..Default::default() };
    let mut value_given = false;
    if sevp != 0 {
        let ev = ctx.read(crate::mem::UserPtr::<crate::abi::uapi::sigevent>::new(sevp))?;
        t.value = ev.sigev_value;
        value_given = true;
        t.signo = ev.sigev_signo as u32;
        t.notify = ev.sigev_notify;
        t.tid = ev.sigev_notify_thread_id;
        match t.notify {
            SIGEV_NONE => {}
            SIGEV_SIGNAL | SIGEV_THREAD_ID => {
                if t.signo == 0 || t.signo > 64 {
                    return Err(Errno::EINVAL);
                }
                if t.notify == SIGEV_THREAD_ID && t.tid != ctx.tid() {
                    return Err(Errno::EINVAL);
                }
            }
            // SIGEV_THREAD is libc's business (it passes SIGEV_THREAD_ID).
            _ => return Err(Errno::EINVAL),
        }
    }
    let id = ctx.process().posix_timer_create(t, value_given)?;
    if let Err(e) = ctx.write(id_ptr, &id) {
        let _ = ctx.process().posix_timer_delete(id);
        return Err(e);
    }
    Ok(0.into())
}

fn current(now_mono: u64, t: &PosixTimer) -> ItimerSpec64 {
    ItimerSpec64 {
        interval: KTimespec::from_ns(t.interval_ns),
        value: t.deadline_ns.map(|d| KTimespec::from_ns(d.saturating_sub(now_mono).max(1))).unwrap_or_default(),
    }
}

fn get_timer(ctx: &Ctx<'_>, id: i32) -> KResult<PosixTimer> {
    ctx.process().posix_timer(id)
}

pub fn sys_timer_settime64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (id, flags, new_ptr, old_ptr) = (a.i32(0), a.u32(1), a.ptr::<ItimerSpec64>(2), a.ptr::<ItimerSpec64>(3));
    let new = ctx.read(new_ptr)?;
    let (value, interval) = (new.value.to_ns()?, new.interval.to_ns()?);
    if flags & !TIMER_ABSTIME != 0 {
        return Err(Errno::EINVAL);
    }
    let t = get_timer(ctx, id)?;
    let now = ctx.now(HostClock::Monotonic);
    old_ptr.write_opt(ctx.mem, &current(now, &t))?;
    let deadline = match value {
        0 => None,
        v if flags & TIMER_ABSTIME != 0 => {
            let clock = if t.realtime { HostClock::Realtime } else { HostClock::Monotonic };
            Some(to_monotonic_deadline(ctx.kernel, clock, v).max(now))
        }
        v => Some(now.saturating_add(v)),
    };
    ctx.kernel.posix_timer_arm(ctx.pid(), id, deadline, interval);
    Ok(0.into())
}

pub fn sys_timer_gettime64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let t = get_timer(ctx, a.i32(0))?;
    let now = ctx.now(HostClock::Monotonic);
    ctx.write(a.ptr::<ItimerSpec64>(1), &current(now, &t))?;
    Ok(0.into())
}

pub fn sys_timer_getoverrun(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    Ok(get_timer(ctx, a.i32(0))?.overrun.into())
}

pub fn sys_timer_delete(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    ctx.process().posix_timer_delete(a.i32(0))?;
    Ok(0.into())
}
