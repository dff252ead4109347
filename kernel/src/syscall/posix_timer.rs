//! POSIX per-process timers (man 2 timer_create, timer_settime,
//! timer_getoverrun, timer_delete) on CLOCK_REALTIME, CLOCK_MONOTONIC and
//! CLOCK_BOOTTIME, run by the kernel's timer thread (`task::timer`).
//! Notification: SIGEV_SIGNAL (default SIGALRM carrying the timer id as
//! `si_value`), SIGEV_NONE, and SIGEV_THREAD_ID naming the caller.
//! An expiry whose previous signal is still pending counts an overrun
//! instead of queueing another signal.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::time::{host_clock, to_monotonic_deadline, TIMER_ABSTIME};
use super::{Args, Ctx, SysResult};
use crate::api::HostClock;
use crate::error::{Errno, KResult};
use crate::mem::{KTimespec, Plain};
use crate::signal::{SigInfo, SIGALRM, SI_TIMER};
use crate::task::{lock, Pid, PosixTimer};
use crate::Kernel;

pub const SIGEV_SIGNAL: i32 = 0;
pub const SIGEV_NONE: i32 = 1;
pub const SIGEV_THREAD: i32 = 2;
pub const SIGEV_THREAD_ID: i32 = 4;
/// Timers per process (Linux bounds them by RLIMIT_SIGPENDING).
const MAX_TIMERS: usize = 1024;

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
    let id = {
        let mut ex = lock(&ctx.process().extra);
        if ex.timers.len() >= MAX_TIMERS {
            return Err(Errno::EAGAIN);
        }
        let id = (0..).find(|i| !ex.timers.contains_key(i)).unwrap_or(0);
        if !value_given {
            t.value = id as u32;
        }
        ex.timers.insert(id, t);
        id
    };
    if let Err(e) = ctx.write(id_ptr, &id) {
        lock(&ctx.process().extra).timers.remove(&id);
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
    lock(&ctx.process().extra).timers.get(&id).copied().ok_or(Errno::EINVAL)
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
    arm(ctx.kernel, ctx.pid(), id, deadline, interval);
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
    lock(&ctx.process().extra).timers.remove(&a.i32(0)).ok_or(Errno::EINVAL)?;
    Ok(0.into())
}

/// (Re)arm timer `id` of `pid`; the generation makes stale expiries no-ops.
fn arm(k: &Kernel, pid: Pid, id: i32, deadline: Option<u64>, interval_ns: u64) {
    let Some(proc) = lock(&k.procs).procs.get(&pid).map(|e| e.proc.clone()) else { return };
    let gen = {
        let mut ex = lock(&proc.extra);
        let Some(t) = ex.timers.get_mut(&id) else { return };
        t.deadline_ns = deadline;
        t.interval_ns = interval_ns;
        t.overrun_acc = 0;
        t.gen = t.gen.wrapping_add(1);
        t.gen
    };
    if let Some(d) = deadline {
        schedule(k, pid, id, gen, d);
    }
}

fn schedule(k: &Kernel, pid: Pid, id: i32, gen: u64, deadline: u64) {
    let weak = k.self_ref.clone();
    k.timers.add(deadline, move || {
        let Some(k) = weak.upgrade() else { return };
        fire(&k, pid, id, gen);
    });
}

fn fire(k: &Arc<Kernel>, pid: Pid, id: i32, gen: u64) {
    let Some(proc) = lock(&k.procs).procs.get(&pid).map(|e| e.proc.clone()) else { return };
    if proc.exiting.load(Ordering::Acquire) {
        return;
    }
    let now = k.host.now_ns(HostClock::Monotonic);
    let (t, next) = {
        let mut ex = lock(&proc.extra);
        let Some(t) = ex.timers.get_mut(&id).filter(|t| t.gen == gen) else { return };
        let Some(d) = t.deadline_ns else { return };
        let mut next = None;
        if let Some(missed) = now.saturating_sub(d).checked_div(t.interval_ns) {
            // Periods missed while the timer thread was late are overruns.
            t.overrun_acc = t.overrun_acc.saturating_add(i32::try_from(missed).unwrap_or(i32::MAX));
            next = Some(d + (missed + 1) * t.interval_ns);
        }
        t.deadline_ns = next;
        (*t, next)
    };
    if t.notify != SIGEV_NONE {
        let info = SigInfo { signo: t.signo, code: SI_TIMER, addr: id as u32, value: t.value, ..Default::default() };
        let still_pending = {
            let ps = lock(&proc.sig);
            ps.pending.infos.iter().any(|i| i.signo == t.signo && i.code == SI_TIMER && i.addr == id as u32)
        };
        let mut ex = lock(&proc.extra);
        if let Some(tm) = ex.timers.get_mut(&id) {
            if still_pending {
                tm.overrun_acc = tm.overrun_acc.saturating_add(1);
            } else {
                tm.overrun = tm.overrun_acc;
                tm.overrun_acc = 0;
                drop(ex);
                k.send_to_process(pid, SigInfo { status: t.overrun_acc, ..info });
            }
        }
    }
    if let Some(d) = next {
        schedule(k, pid, id, gen, d);
    }
}
