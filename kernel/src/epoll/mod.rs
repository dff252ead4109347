//! epoll instances (man 7 epoll): an interest list of (fd, open file)
//! pairs and the readiness scan `epoll_wait` performs.
//!
//! There is no callback from a file to its epoll: readiness is level
//! state polled from [`FileOps::poll`] at scan time, and edge-triggered
//! items (`EPOLLET`) remember the file's [`WaitQueue::wake_count`] at their
//! last report: an item is reported again only after its file was woken
//! since (an event happened). `EPOLLONESHOT` disables an item after one
//! report until `EPOLL_CTL_MOD`. A waiter sleeps on the queues of every
//! watched file plus the instance's own queue (woken by `epoll_ctl`), see
//! [`wait_sources`]. Items hold the open file weakly: when its last
//! descriptor closes, the item disappears (Linux's eventpoll_release).
//!
//! Lock order: `Epoll::items` is taken before any watched object's lock
//! only through nested epolls (acyclic: `epoll_ctl` refuses loops with
//! ELOOP); scans call `FileOps::poll` without holding it.

use std::any::Any;
use std::sync::{Arc, Mutex, Weak};

use crate::error::{Errno, KResult};
use crate::eventfd::{anon_ino, anon_stat};
use crate::file::{poll_bits::*, FileOps, OpenFile, Stat};
use crate::task::lock;
use crate::wait::WaitQueue;

pub const EPOLLIN: u32 = 0x001;
pub const EPOLLOUT: u32 = 0x004;
pub const EPOLLERR: u32 = 0x008;
pub const EPOLLHUP: u32 = 0x010;
pub const EPOLLRDHUP: u32 = 0x2000;
pub const EPOLLEXCLUSIVE: u32 = 1 << 28;
pub const EPOLLWAKEUP: u32 = 1 << 29;
pub const EPOLLONESHOT: u32 = 1 << 30;
pub const EPOLLET: u32 = 1 << 31;
/// Nesting limit of epoll instances (Linux's EP_MAX_NESTS).
pub const EP_MAX_NESTS: usize = 4;

struct Item {
    fd: i32,
    /// Identity of the open file description (its address; the weak
    /// reference keeps the allocation, so the address is not reused).
    key: usize,
    file: Weak<OpenFile>,
    events: u32,
    data: u64,
    /// EPOLLONESHOT item already reported.
    disabled: bool,
    /// EPOLLET: the file's wake count at the last report.
    last_wake: Option<u64>,
}

pub struct Epoll {
    items: Mutex<Vec<Item>>,
    /// Woken by epoll_ctl, so waiters re-gather the files they sleep on.
    pub wq: WaitQueue,
    ino: u64,
}

/// One reported event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    pub events: u32,
    pub data: u64,
}

pub fn file_key(f: &Arc<OpenFile>) -> usize {
    Arc::as_ptr(f) as usize
}

impl Epoll {
    pub fn new() -> Arc<Epoll> {
        Arc::new(Epoll { items: Mutex::new(Vec::new()), wq: WaitQueue::new(), ino: anon_ino() })
    }

    /// The epoll behind an open file, if it is one.
    pub fn of(ops: &dyn FileOps) -> Option<&Epoll> {
        ops.as_any().downcast_ref::<Epoll>()
    }

    fn prune(items: &mut Vec<Item>) {
        items.retain(|i| i.file.strong_count() > 0);
    }

    /// Does this instance (or one nested in it) watch `target`, or is
    /// the nesting below it deeper than `EP_MAX_NESTS`?
    fn reaches(&self, target: &Epoll, depth: usize) -> bool {
        if std::ptr::eq(self, target) || depth > EP_MAX_NESTS {
            return true;
        }
        let files: Vec<Arc<OpenFile>> = lock(&self.items).iter().filter_map(|i| i.file.upgrade()).collect();
        files.iter().any(|f| Epoll::of(&*f.ops).is_some_and(|e| e.reaches(target, depth + 1)))
    }

    /// EPOLL_CTL_ADD (the caller validated `events`).
    pub fn add(&self, fd: i32, file: &Arc<OpenFile>, events: u32, data: u64) -> KResult<()> {
        if let Some(inner) = Epoll::of(&*file.ops) {
            if inner.reaches(self, 1) {
                return Err(Errno::ELOOP);
            }
        }
        let key = file_key(file);
        {
            let mut items = lock(&self.items);
            Self::prune(&mut items);
            if items.iter().any(|i| i.fd == fd && i.key == key) {
                return Err(Errno::EEXIST);
            }
            items.push(Item { fd, key, file: Arc::downgrade(file), events, data, disabled: false, last_wake: None });
        }
        self.wq.wake_all();
        Ok(())
    }

    /// EPOLL_CTL_MOD.
    pub fn modify(&self, fd: i32, file: &Arc<OpenFile>, events: u32, data: u64) -> KResult<()> {
        let key = file_key(file);
        {
            let mut items = lock(&self.items);
            Self::prune(&mut items);
            let it = items.iter_mut().find(|i| i.fd == fd && i.key == key).ok_or(Errno::ENOENT)?;
            if it.events & EPOLLEXCLUSIVE != 0 {
                return Err(Errno::EINVAL);
            }
            it.events = events;
            it.data = data;
            it.disabled = false;
            it.last_wake = None;
        }
        self.wq.wake_all();
        Ok(())
    }

    /// EPOLL_CTL_DEL.
    pub fn delete(&self, fd: i32, file: &Arc<OpenFile>) -> KResult<()> {
        let key = file_key(file);
        {
            let mut items = lock(&self.items);
            Self::prune(&mut items);
            let pos = items.iter().position(|i| i.fd == fd && i.key == key).ok_or(Errno::ENOENT)?;
            items.remove(pos);
        }
        self.wq.wake_all();
        Ok(())
    }

    pub fn len(&self) -> usize {
        let mut items = lock(&self.items);
        Self::prune(&mut items);
        items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Collect up to `max` ready events. With `consume`, edge-triggered
    /// and one-shot state advances and reported level-triggered items
    /// rotate to the back (fairness when `max` is smaller than the ready
    /// set); without it (poll on the epoll fd) nothing changes.
    pub fn scan(&self, max: usize, consume: bool) -> Vec<Event> {
        // Snapshot, then poll without the lock.
        type Snap = (i32, usize, Arc<OpenFile>, u32, u64, bool, Option<u64>);
        let snapshot: Vec<Snap> = {
            let mut items = lock(&self.items);
            Self::prune(&mut items);
            items
                .iter()
                .filter_map(|i| i.file.upgrade().map(|f| (i.fd, i.key, f, i.events, i.data, i.disabled, i.last_wake)))
                .collect()
        };
        let mut out = Vec::new();
        let mut reported: Vec<(i32, usize, Option<u64>)> = Vec::new();
        for (fd, key, file, events, data, disabled, last_wake) in snapshot {
            if out.len() >= max {
                break;
            }
            if disabled || events & !(EPOLLET | EPOLLONESHOT | EPOLLEXCLUSIVE | EPOLLWAKEUP) == 0 {
                continue;
            }
            let wake = file.ops.wait_queue().map_or(0, |q| q.wake_count());
            if events & EPOLLET != 0 && last_wake == Some(wake) {
                continue;
            }
            let rev = file.ops.poll()
                & (events | EPOLLERR | EPOLLHUP)
                & !(EPOLLET | EPOLLONESHOT | EPOLLEXCLUSIVE | EPOLLWAKEUP);
            if rev == 0 {
                continue;
            }
            out.push(Event { events: rev, data });
            reported.push((fd, key, Some(wake)));
        }
        if consume && !reported.is_empty() {
            let mut items = lock(&self.items);
            let mut moved = Vec::new();
            for (fd, key, wake) in reported {
                if let Some(pos) = items.iter().position(|i| i.fd == fd && i.key == key) {
                    let mut it = items.remove(pos);
                    if it.events & EPOLLONESHOT != 0 {
                        it.disabled = true;
                    }
                    if it.events & EPOLLET != 0 {
                        it.last_wake = wake;
                    }
                    moved.push(it);
                }
            }
            items.extend(moved);
        }
        out
    }

    /// Every open file this instance watches (for waiting on them).
    fn watched(&self) -> Vec<Arc<OpenFile>> {
        lock(&self.items).iter().filter_map(|i| i.file.upgrade()).collect()
    }
}

impl FileOps for Epoll {
    fn stat(&self) -> KResult<Stat> {
        Ok(anon_stat(self.ino))
    }
    fn poll(&self) -> u32 {
        if self.scan(1, false).is_empty() {
            0
        } else {
            POLLIN | POLLRDNORM
        }
    }
    fn wait_queue(&self) -> Option<&WaitQueue> {
        Some(&self.wq)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The objects a task waiting on `ops` must sleep on: `ops` itself and,
/// for an epoll instance, every file it watches (recursively).
pub fn wait_sources(ops: &Arc<dyn FileOps>, out: &mut Vec<Arc<dyn FileOps>>) {
    gather(ops, out, 0);
}

fn gather(ops: &Arc<dyn FileOps>, out: &mut Vec<Arc<dyn FileOps>>, depth: usize) {
    out.push(ops.clone());
    if depth > EP_MAX_NESTS {
        return;
    }
    if let Some(ep) = Epoll::of(&**ops) {
        for f in ep.watched() {
            gather(&f.ops, out, depth + 1);
        }
    }
}
