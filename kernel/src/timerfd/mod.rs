//! timerfd objects (man 2 timerfd_create): a timer on CLOCK_REALTIME,
//! CLOCK_MONOTONIC or CLOCK_BOOTTIME whose expirations are read as an
//! 8-byte count.
//!
//! Expirations are computed from the clock whenever the object is looked
//! at (read, poll, gettime), so values are exact whatever the wake-up
//! latency. Wake-ups for blocked readers and pollers come from the
//! kernel's timer thread (`task::timer::Timers`): each arm schedules a
//! callback at the (monotonic) deadline that wakes [`TimerFd::wq`]; a
//! generation number makes callbacks of an older setting no-ops.
//!
//! Lock order: `TimerFd::st` is a leaf; callbacks and wake-ups run without it.

use std::any::Any;
use std::sync::{Arc, Mutex, Weak};

use crate::api::{HostClock, HostOps};
use crate::error::{Errno, KResult};
use crate::eventfd::{anon_ino, anon_stat};
use crate::file::{poll_bits::*, FileOps, Stat};
use crate::task::lock;
use crate::task::timer::Timers;
use crate::wait::WaitQueue;

#[derive(Debug, Default)]
struct State {
    /// Next expiry, in ns of the timer's clock; `None` when disarmed.
    next: Option<u64>,
    interval: u64,
    /// Expirations not yet read.
    ticks: u64,
    /// Bumped by every settime (stale timer callbacks compare it).
    gen: u64,
}

pub struct TimerFd {
    /// This object (timer callbacks hold it weakly).
    me: Weak<TimerFd>,
    clock: HostClock,
    host: Arc<dyn HostOps>,
    st: Mutex<State>,
    pub wq: WaitQueue,
    ino: u64,
}

impl TimerFd {
    pub fn new(clock: HostClock, host: Arc<dyn HostOps>) -> Arc<TimerFd> {
        Arc::new_cyclic(|me| TimerFd {
            me: me.clone(),
            clock,
            host,
            st: Mutex::new(State::default()),
            wq: WaitQueue::new(),
            ino: anon_ino(),
        })
    }

    fn now(&self) -> u64 {
        self.host.now_ns(self.clock)
    }

    /// Account the expirations that happened up to now.
    fn expire(&self, st: &mut State) {
        let now = self.now();
        if let Some(next) = st.next.filter(|n| *n <= now) {
            match (now - next).checked_div(st.interval) {
                Some(periods) => {
                    let n = periods + 1;
                    st.ticks = st.ticks.saturating_add(n);
                    st.next = Some(next.saturating_add(n.saturating_mul(st.interval)));
                }
                None => {
                    st.ticks = st.ticks.saturating_add(1);
                    st.next = None;
                }
            }
        }
    }

    /// (remaining ns until the next expiry or 0 when disarmed, interval).
    pub fn get(&self) -> (u64, u64) {
        let mut st = lock(&self.st);
        self.expire(&mut st);
        let now = self.now();
        (st.next.map_or(0, |n| n.saturating_sub(now).max(1)), st.interval)
    }

    /// Arm (`value_ns > 0`) or disarm the timer; `abs`: `value_ns` is a time
    /// on the timer's clock. Returns the previous setting as [`TimerFd::get`].
    pub fn set(&self, timers: &Arc<Timers>, value_ns: u64, interval_ns: u64, abs: bool) -> (u64, u64) {
        let old = self.get();
        let (next, gen) = {
            let mut st = lock(&self.st);
            st.gen = st.gen.wrapping_add(1);
            st.ticks = 0;
            st.interval = interval_ns;
            st.next = match (value_ns, abs) {
                (0, _) => None,
                (v, true) => Some(v),
                (v, false) => Some(self.now().saturating_add(v)),
            };
            (st.next, st.gen)
        };
        if let Some(next) = next {
            self.schedule(timers, next, gen);
        }
        self.wq.wake_all();
        old
    }

    /// Wake waiters at `next` (clock time) and again at each interval.
    fn schedule(&self, timers: &Arc<Timers>, next: u64, gen: u64) {
        let mono = self.host.now_ns(HostClock::Monotonic);
        let deadline = match self.clock {
            HostClock::Monotonic => next,
            _ => mono.saturating_add(next.saturating_sub(self.now())),
        };
        let weak = self.me.clone();
        let timers_weak = Arc::downgrade(timers);
        timers.add(deadline, move || {
            let Some(t) = weak.upgrade() else { return };
            let again = {
                let mut st = lock(&t.st);
                if st.gen != gen {
                    return;
                }
                t.expire(&mut st);
                st.next
            };
            t.wq.wake_all();
            if let (Some(n), Some(timers)) = (again, timers_weak.upgrade()) {
                t.schedule(&timers, n, gen);
            }
        });
    }
}

impl FileOps for TimerFd {
    fn read(&self, buf: &mut [u8], _offset: u64) -> KResult<usize> {
        if buf.len() < 8 {
            return Err(Errno::EINVAL);
        }
        let n = {
            let mut st = lock(&self.st);
            self.expire(&mut st);
            if st.ticks == 0 {
                return Err(Errno::EAGAIN);
            }
            std::mem::take(&mut st.ticks)
        };
        buf[..8].copy_from_slice(&n.to_le_bytes());
        Ok(8)
    }
    fn write(&self, _data: &[u8], _offset: u64) -> KResult<usize> {
        Err(Errno::EINVAL)
    }
    fn stat(&self) -> KResult<Stat> {
        Ok(anon_stat(self.ino))
    }
    fn poll(&self) -> u32 {
        let mut st = lock(&self.st);
        self.expire(&mut st);
        if st.ticks > 0 {
            POLLIN | POLLRDNORM
        } else {
            0
        }
    }
    fn wait_queue(&self) -> Option<&WaitQueue> {
        Some(&self.wq)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
