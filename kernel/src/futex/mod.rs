//! Futexes: the wait table and its operations (wait, wake, requeue).
//! A futex is keyed by (pid, address) — the threads of a process share its
//! memory — unless the address lies in a `MAP_SHARED` mapping backed by
//! host shared pages, which other processes may map too: then by (pages,
//! offset in them), encoded as (-pages id, offset) ([`Kernel::futex_key`]),
//! whether or not FUTEX_PRIVATE_FLAG is given.
//! `syscall::futex` decodes futex_time64's arguments and calls in here;
//! `task::lifecycle` wakes CLONE_CHILD_CLEARTID waiters.
//!
//! Lock order: the futex table lock is a leaf; the 4-byte compare of WAIT
//! and CMP_REQUEUE is done under it (so no wake-up is lost between the
//! compare and the enqueue), nothing else.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::api::{GuestMemory, Tid};
use crate::error::{Errno, KResult};
use crate::mem::UserPtr;
use crate::task::{lock, Pid, Task};
use crate::Kernel;

pub const FUTEX_WAIT: u32 = 0;
pub const FUTEX_WAKE: u32 = 1;
pub const FUTEX_FD: u32 = 2;
pub const FUTEX_REQUEUE: u32 = 3;
pub const FUTEX_CMP_REQUEUE: u32 = 4;
pub const FUTEX_WAKE_OP: u32 = 5;
pub const FUTEX_WAIT_BITSET: u32 = 9;
pub const FUTEX_WAKE_BITSET: u32 = 10;
pub const FUTEX_PRIVATE_FLAG: u32 = 128;
pub const FUTEX_CLOCK_REALTIME: u32 = 256;
pub const FUTEX_CMD_MASK: u32 = !(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
pub const FUTEX_BITSET_MATCH_ANY: u32 = u32::MAX;

#[derive(Debug)]
struct Waiter {
    tid: Tid,
    bitset: u32,
    woken: Arc<AtomicBool>,
}

/// Waiters by (pid, address).
#[derive(Debug, Default)]
pub struct FutexTable {
    queues: HashMap<(Pid, u32), Vec<Waiter>>,
}

impl Kernel {
    /// The wait-table key of `addr` in process `pid` (see the module doc).
    pub(crate) fn futex_key(&self, pid: Pid, addr: u32) -> (Pid, u32) {
        let proc = lock(&self.procs).procs.get(&pid).map(|e| e.proc.clone());
        let Some(proc) = proc else { return (pid, addr) };
        let mm = lock(&proc.mm);
        match mm.find(addr) {
            Some((start, v)) => match &v.pages {
                Some(p) => {
                    let off = p.offset + (addr - start) as u64;
                    match (i32::try_from(p.pages.id()), u32::try_from(off)) {
                        (Ok(id), Ok(off)) => (-id, off),
                        _ => (pid, addr),
                    }
                }
                None => (pid, addr),
            },
            None => (pid, addr),
        }
    }

    /// Wake up to `n` waiters of (`pid`, `addr`) whose bitset meets `bitset`.
    pub(crate) fn futex_wake(&self, pid: Pid, addr: u32, n: u32, bitset: u32) -> u32 {
        let key = self.futex_key(pid, addr);
        let mut woken = Vec::new();
        {
            let mut t = lock(&self.futexes);
            if let Some(q) = t.queues.get_mut(&key) {
                let mut i = 0;
                while i < q.len() && (woken.len() as u32) < n {
                    if q[i].bitset & bitset != 0 {
                        let w = q.remove(i);
                        w.woken.store(true, Ordering::Release);
                        woken.push(w.tid);
                    } else {
                        i += 1;
                    }
                }
                if q.is_empty() {
                    t.queues.remove(&key);
                }
            }
        }
        for tid in &woken {
            self.host.unpark(*tid);
        }
        woken.len() as u32
    }

    /// FUTEX_WAKE for kernel-internal users (CLONE_CHILD_CLEARTID).
    pub(crate) fn futex_wake_addr(&self, pid: Pid, addr: u32, n: u32) -> u32 {
        self.futex_wake(pid, addr, n, FUTEX_BITSET_MATCH_ANY)
    }

    /// FUTEX_WAIT(_BITSET) for `task`: `EAGAIN` unless the word at `uaddr`
    /// in `mem` is `val`, else sleep until woken (bitset `bitset`), a signal
    /// (`ERESTARTSYS`; `EINTR` when there is a deadline) or the monotonic
    /// `deadline` (`ETIMEDOUT`).
    pub(crate) fn futex_wait(
        &self,
        task: &Task,
        mem: &dyn GuestMemory,
        uaddr: u32,
        val: u32,
        bitset: u32,
        deadline: Option<u64>,
    ) -> KResult<()> {
        let key = self.futex_key(task.pid(), uaddr);
        let woken = Arc::new(AtomicBool::new(false));
        {
            let mut t = lock(&self.futexes);
            let cur = UserPtr::<u32>::new(uaddr).read(mem)?;
            if cur != val {
                return Err(Errno::EAGAIN);
            }
            t.queues.entry(key).or_default().push(Waiter { tid: task.tid, bitset, woken: woken.clone() });
        }
        let r = task.block_on(&self.host, &[], deadline, false, || {
            if woken.load(Ordering::Acquire) {
                Ok(())
            } else {
                Err(Errno::EAGAIN)
            }
        });
        if r.is_err() {
            // Dequeue; a wake that raced with the timeout/signal still counts.
            let mut t = lock(&self.futexes);
            let mut found_key = None;
            for (k, q) in t.queues.iter_mut() {
                if let Some(i) = q.iter().position(|w| Arc::ptr_eq(&w.woken, &woken)) {
                    q.remove(i);
                    found_key = Some(*k);
                    break;
                }
            }
            if let Some(k) = found_key {
                if t.queues.get(&k).is_some_and(|q| q.is_empty()) {
                    t.queues.remove(&k);
                }
            }
            if woken.load(Ordering::Acquire) {
                return Ok(());
            }
        }
        match r {
            Ok(()) => Ok(()),
            Err(Errno::ERESTARTSYS) if deadline.is_some() => Err(Errno::EINTR),
            Err(e) => Err(e),
        }
    }

    /// FUTEX_(CMP_)REQUEUE in process `pid`: wake `nr_wake` waiters of
    /// `uaddr`, move up to `nr_requeue` others to `uaddr2`; with `cmp`,
    /// `EAGAIN` unless the word at `uaddr` is `cmp`. Returns woken + moved.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn futex_requeue(
        &self,
        pid: Pid,
        mem: &dyn GuestMemory,
        uaddr: u32,
        nr_wake: u32,
        nr_requeue: u32,
        uaddr2: u32,
        cmp: Option<u32>,
    ) -> KResult<u32> {
        let (key, key2) = (self.futex_key(pid, uaddr), self.futex_key(pid, uaddr2));
        let mut woken = Vec::new();
        let mut moved = 0u32;
        {
            let mut t = lock(&self.futexes);
            if let Some(expected) = cmp {
                if UserPtr::<u32>::new(uaddr).read(mem)? != expected {
                    return Err(Errno::EAGAIN);
                }
            }
            let mut q = t.queues.remove(&key).unwrap_or_default();
            while !q.is_empty() && (woken.len() as u32) < nr_wake {
                let w = q.remove(0);
                w.woken.store(true, Ordering::Release);
                woken.push(w.tid);
            }
            let mut rest = Vec::new();
            for w in q {
                if moved < nr_requeue && key2 != key {
                    t.queues.entry(key2).or_default().push(w);
                    moved += 1;
                } else {
                    rest.push(w);
                }
            }
            if !rest.is_empty() {
                t.queues.insert(key, rest);
            }
        }
        for tid in &woken {
            self.host.unpark(*tid);
        }
        Ok(woken.len() as u32 + moved)
    }
}
