//! The single blocking loop: how a task waits for an object.
//! `syscall::Ctx::block_on` is a thin wrapper over [`Task::block_on`];
//! subsystems below the syscall layer (FIFO open, wait, futexes, ttys) call
//! it directly with the task and the kernel's host.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use crate::api::{HostClock, HostOps};
use crate::error::{Errno, KResult};
use crate::task::Task;
use crate::wait::{WaitQueue, Waiter};

impl Task {
    /// Call `try_op` until it returns something other than `EAGAIN`,
    /// parking this task (through `host`) between attempts on `queues`.
    /// Returns `ERESTARTSYS` when a signal becomes pending (the dispatcher
    /// turns it into a restart or EINTR) and `ETIMEDOUT` when the monotonic
    /// `deadline_ns` passes. With `nonblock` it tries once. `try_op` must
    /// not hold locks across its return.
    pub fn block_on<T>(
        &self,
        host: &Arc<dyn HostOps>,
        queues: &[&WaitQueue],
        deadline_ns: Option<u64>,
        nonblock: bool,
        mut try_op: impl FnMut() -> KResult<T>,
    ) -> KResult<T> {
        if nonblock {
            return try_op();
        }
        let waiter = Waiter { tid: self.tid, host: host.clone() };
        loop {
            let keys: Vec<_> = queues.iter().map(|q| q.register(waiter.clone())).collect();
            let r = try_op();
            let outcome = match r {
                Err(Errno::EAGAIN) => {
                    // A flag set for a process-directed signal another
                    // thread has taken since is stale: recompute first.
                    if self.signal_pending() && !self.dead.load(Ordering::Acquire) {
                        self.recalc_pending();
                    }
                    if self.signal_pending() {
                        Some(Err(Errno::ERESTARTSYS))
                    } else if deadline_ns.is_some_and(|d| host.now_ns(HostClock::Monotonic) >= d) {
                        Some(Err(Errno::ETIMEDOUT))
                    } else {
                        None
                    }
                }
                r => Some(r),
            };
            if let Some(out) = outcome {
                for (q, k) in queues.iter().zip(keys) {
                    q.unregister(k);
                }
                return out;
            }
            let parked = host.now_ns(HostClock::Monotonic);
            host.park(self.tid, deadline_ns);
            let woke = host.now_ns(HostClock::Monotonic);
            self.blocked_ns.fetch_add(woke.saturating_sub(parked), Ordering::Relaxed);
            for (q, k) in queues.iter().zip(keys) {
                q.unregister(k);
            }
        }
    }
}
