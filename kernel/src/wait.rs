//! Wait queues: how a blocked task learns that an object became ready.
//!
//! Objects (pipes, ttys, sockets, futexes, child lists...) own a `WaitQueue`.
//! A task that must block registers a [`Waiter`] on every queue it waits on,
//! re-checks its condition, parks through `HostOps::park`, and unregisters.
//! `wake_all` unparks every registered task; park permits make the
//! register → check → park sequence free of lost wake-ups. Signal senders
//! unpark their target directly, so a parked task also wakes for signals.
//!
//! Lock order: a queue's internal mutex is a leaf lock; never call back into
//! objects while holding it.

use std::sync::{Arc, Mutex};

use crate::api::{HostOps, Tid};

/// A task that can be woken.
#[derive(Clone)]
pub struct Waiter {
    pub tid: Tid,
    pub host: Arc<dyn HostOps>,
}

impl Waiter {
    pub fn wake(&self) {
        self.host.unpark(self.tid);
    }
}

impl std::fmt::Debug for Waiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Waiter({})", self.tid)
    }
}

/// Identifies one registration, for [`WaitQueue::unregister`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitKey(u64);

#[derive(Default, Debug)]
pub struct WaitQueue {
    inner: Mutex<WaitQueueInner>,
}

#[derive(Default, Debug)]
struct WaitQueueInner {
    next: u64,
    waiters: Vec<(u64, Waiter)>,
    /// Number of `wake_all` calls so far (edge detection for EPOLLET).
    wakes: u64,
}

impl WaitQueue {
    pub fn new() -> WaitQueue {
        WaitQueue::default()
    }

    pub fn register(&self, waiter: Waiter) -> WaitKey {
        let mut q = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        q.next += 1;
        let key = q.next;
        q.waiters.push((key, waiter));
        WaitKey(key)
    }

    pub fn unregister(&self, key: WaitKey) {
        let mut q = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        q.waiters.retain(|(k, _)| *k != key.0);
    }

    /// Wake every registered task (they re-check their conditions).
    pub fn wake_all(&self) {
        let waiters: Vec<Waiter> = {
            let mut q = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            q.wakes = q.wakes.wrapping_add(1);
            q.waiters.iter().map(|(_, w)| w.clone()).collect()
        };
        for w in waiters {
            w.wake();
        }
    }

    /// How many times the queue was woken: an object whose count moved
    /// had an event since (epoll's edge-triggered mode compares counts).
    pub fn wake_count(&self) -> u64 {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).wakes
    }

    pub fn is_empty(&self) -> bool {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).waiters.is_empty()
    }
}
