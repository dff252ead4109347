//! Kernel timers: one host thread that runs callbacks at monotonic
//! deadlines (ITIMER_REAL → SIGALRM, timerfd wake-ups). Callbacks run
//! without the timer lock held and must be short (queue a signal, wake a
//! queue).

use std::collections::BTreeMap;
use std::sync::{Arc, Condvar, Mutex, Weak};
use std::time::Duration;

use crate::api::{HostClock, HostOps};
use crate::task::lock;

type Callback = Box<dyn FnOnce() + Send>;

#[derive(Default)]
struct Inner {
    /// (deadline, id) → callback.
    due: BTreeMap<(u64, u64), Callback>,
    next_id: u64,
    started: bool,
    shutdown: bool,
}

pub struct Timers {
    inner: Mutex<Inner>,
    cv: Condvar,
    host: Arc<dyn HostOps>,
}

/// A registered timer, for [`Timers::cancel`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimerId(u64, u64);

impl Timers {
    pub fn new(host: Arc<dyn HostOps>) -> Arc<Timers> {
        Arc::new(Timers { inner: Mutex::new(Inner::default()), cv: Condvar::new(), host })
    }

    /// Run `f` once the monotonic clock reaches `deadline_ns`.
    pub fn add(self: &Arc<Self>, deadline_ns: u64, f: impl FnOnce() + Send + 'static) -> TimerId {
        let mut i = lock(&self.inner);
        i.next_id += 1;
        let id = i.next_id;
        i.due.insert((deadline_ns, id), Box::new(f));
        if !i.started {
            i.started = true;
            let weak = Arc::downgrade(self);
            let _ = std::thread::Builder::new().name("wasmlinux-timers".into()).spawn(move || run(weak));
        }
        drop(i);
        self.cv.notify_all();
        TimerId(deadline_ns, id)
    }

    pub fn cancel(&self, id: TimerId) {
        lock(&self.inner).due.remove(&(id.0, id.1));
    }

    pub fn shutdown(&self) {
        let mut i = lock(&self.inner);
        i.shutdown = true;
        i.due.clear();
        drop(i);
        self.cv.notify_all();
    }
}

fn run(weak: Weak<Timers>) {
    loop {
        let Some(t) = weak.upgrade() else { return };
        let mut i = lock(&t.inner);
        if i.shutdown {
            return;
        }
        let now = t.host.now_ns(HostClock::Monotonic);
        let first = i.due.keys().next().copied();
        match first {
            Some(k) if k.0 <= now => {
                let f = i.due.remove(&k);
                drop(i);
                if let Some(f) = f {
                    f();
                }
            }
            Some(k) => {
                let wait = Duration::from_nanos((k.0 - now).min(1_000_000_000));
                let _ = t.cv.wait_timeout(i, wait);
            }
            None => {
                let _ = t.cv.wait_timeout(i, Duration::from_millis(500));
            }
        }
    }
}
