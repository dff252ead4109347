//! The POSIX per-process timer engine (timer_create and friends): the
//! per-process timer table ([`crate::task::ProcExtra::timers`]), arming,
//! and expiry on the kernel's timer thread ([`crate::task::timer`]).
//! Notification: SIGEV_SIGNAL (the timer id as `si_value` unless given),
//! SIGEV_NONE and SIGEV_THREAD_ID. An expiry whose previous signal is
//! still pending counts an overrun instead of queueing another signal.
//! `syscall::posix_timer` decodes the guest structs and calls in here.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use crate::api::HostClock;
use crate::error::{Errno, KResult};
use crate::signal::{SigInfo, SI_TIMER};
use crate::task::{lock, Pid, PosixTimer, Process};
use crate::Kernel;

pub const SIGEV_SIGNAL: i32 = 0;
pub const SIGEV_NONE: i32 = 1;
pub const SIGEV_THREAD: i32 = 2;
pub const SIGEV_THREAD_ID: i32 = 4;
/// Timers per process (Linux bounds them by RLIMIT_SIGPENDING).
const MAX_TIMERS: usize = 1024;

impl Process {
    /// Add timer `t` under the lowest free id (`EAGAIN` past the limit);
    /// without `value_given` its `si_value` is the id.
    pub fn posix_timer_create(&self, mut t: PosixTimer, value_given: bool) -> KResult<i32> {
        let mut ex = lock(&self.extra);
        if ex.timers.len() >= MAX_TIMERS {
            return Err(Errno::EAGAIN);
        }
        let id = (0..).find(|i| !ex.timers.contains_key(i)).unwrap_or(0);
        if !value_given {
            t.value = id as u32;
        }
        ex.timers.insert(id, t);
        Ok(id)
    }

    /// A copy of timer `id` (`EINVAL` when there is none).
    pub fn posix_timer(&self, id: i32) -> KResult<PosixTimer> {
        lock(&self.extra).timers.get(&id).copied().ok_or(Errno::EINVAL)
    }

    /// Delete timer `id` (`EINVAL` when there is none).
    pub fn posix_timer_delete(&self, id: i32) -> KResult<()> {
        lock(&self.extra).timers.remove(&id).map(|_| ()).ok_or(Errno::EINVAL)
    }
}

impl Kernel {
    /// (Re)arm timer `id` of `pid`; the generation makes stale expiries no-ops.
    pub(crate) fn posix_timer_arm(&self, pid: Pid, id: i32, deadline: Option<u64>, interval_ns: u64) {
        let Some(proc) = lock(&self.procs).procs.get(&pid).map(|e| e.proc.clone()) else { return };
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
            schedule(self, pid, id, gen, d);
        }
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
