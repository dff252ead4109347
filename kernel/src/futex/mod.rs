//! Futexes: the wait table and its operations (wait, wake, requeue,
//! wake_op, the PI lock/unlock without priority inheritance) and the
//! robust-list walk at thread exit. The threads of a process share its
//! linear memory, so a private futex is keyed by (pid, address); a shared
//! one (no FUTEX_PRIVATE_FLAG) in a MAP_SHARED mapping by what is mapped:
//! the host shared pages and the offset in them (anonymous, tmpfs, memfd,
//! shm_open), or for a file mapping kept as a copy the (file, offset), so
//! processes mapping the same memory meet ([`FutexKey`]); elsewhere per
//! process too.
//! `syscall::futex` decodes futex_time64's arguments and calls in here;
//! `syscall::process` wakes CLONE_CHILD_CLEARTID waiters and walks robust
//! lists at exit, exit_group and exec, `Kernel::syscall` for killed threads.
//!
//! Lock order: the futex table lock is a leaf; the 4-byte compare of WAIT
//! and CMP_REQUEUE and the read-modify-writes of WAKE_OP, the PI
//! operations and the robust walk are done under it (so no wake-up is lost
//! between the compare and the enqueue), nothing else. Keys are computed
//! before it is taken (they read the process's memory map).

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
pub const FUTEX_LOCK_PI: u32 = 6;
pub const FUTEX_UNLOCK_PI: u32 = 7;
pub const FUTEX_TRYLOCK_PI: u32 = 8;
pub const FUTEX_WAIT_BITSET: u32 = 9;
pub const FUTEX_WAKE_BITSET: u32 = 10;
pub const FUTEX_WAIT_REQUEUE_PI: u32 = 11;
pub const FUTEX_CMP_REQUEUE_PI: u32 = 12;
pub const FUTEX_LOCK_PI2: u32 = 13;
pub const FUTEX_PRIVATE_FLAG: u32 = 128;
pub const FUTEX_CLOCK_REALTIME: u32 = 256;
pub const FUTEX_CMD_MASK: u32 = !(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
pub const FUTEX_BITSET_MATCH_ANY: u32 = u32::MAX;

/// FUTEX_WAKE_OP operations and comparisons (`linux/futex.h`).
pub const FUTEX_OP_SET: u32 = 0;
pub const FUTEX_OP_ADD: u32 = 1;
pub const FUTEX_OP_OR: u32 = 2;
pub const FUTEX_OP_ANDN: u32 = 3;
pub const FUTEX_OP_XOR: u32 = 4;
pub const FUTEX_OP_CMP_EQ: u32 = 0;
pub const FUTEX_OP_CMP_NE: u32 = 1;
pub const FUTEX_OP_CMP_LT: u32 = 2;
pub const FUTEX_OP_CMP_LE: u32 = 3;
pub const FUTEX_OP_CMP_GT: u32 = 4;
pub const FUTEX_OP_CMP_GE: u32 = 5;

/// How many waiters a wake count wakes: Linux's loop stops after
/// `++woken >= nr_wake` with a signed count, so 0 and negative counts
/// wake one.
pub fn wake_count(val: u32) -> u32 {
    if (val as i32) <= 0 {
        1
    } else {
        val
    }
}

#[derive(Debug)]
struct Waiter {
    tid: Tid,
    bitset: u32,
    woken: Arc<AtomicBool>,
}

/// What identifies a futex (Linux's `futex_key`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FutexKey {
    /// A word in one process's memory (FUTEX_PRIVATE_FLAG, or a shared
    /// futex in memory no other process maps): its threads share it.
    Private { pid: Pid, addr: u32 },
    /// A shared futex in a MAP_SHARED file mapping: the file and offset, so
    /// that processes mapping the same file meet whatever their addresses.
    Shared { dev: u64, ino: u64, offset: u64 },
    /// A shared futex in host shared pages (`mm::PagesBacking`): the pages'
    /// id and the offset in them.
    Pages { id: u64, offset: u64 },
}

/// Waiters by key.
#[derive(Debug, Default)]
pub struct FutexTable {
    queues: HashMap<FutexKey, Vec<Waiter>>,
}

impl Kernel {
    /// The key of the futex word at `addr` of `proc` (Linux's
    /// `get_futex_key`): with `shared` (no FUTEX_PRIVATE_FLAG) and the word
    /// in a MAP_SHARED mapping, the host shared pages and offset, or the
    /// file and offset; otherwise (process, address).
    pub(crate) fn futex_key(&self, proc: &crate::task::Process, addr: u32, shared: bool) -> FutexKey {
        if shared {
            let backing = {
                let mm = lock(&proc.mm);
                let found = mm
                    .vmas
                    .range(..=addr)
                    .next_back()
                    .filter(|(&start, v)| u64::from(addr) < u64::from(start) + u64::from(v.len));
                if let Some((&start, p)) = found.and_then(|(s, v)| v.pages.as_ref().map(|p| (s, p))) {
                    return FutexKey::Pages { id: p.pages.id(), offset: p.offset + u64::from(addr - start) };
                }
                found.and_then(|(&start, v)| {
                    let b = v.shared.as_ref()?;
                    Some((b.file.clone(), b.offset + u64::from(addr - start)))
                })
            };
            if let Some((file, offset)) = backing {
                if let Ok(st) = file.ops.stat() {
                    return FutexKey::Shared { dev: st.dev, ino: st.ino, offset };
                }
            }
        }
        FutexKey::Private { pid: proc.pid, addr }
    }

    /// Wake up to `n` waiters of `key` whose bitset meets `bitset`.
    pub(crate) fn futex_wake(&self, key: FutexKey, n: u32, bitset: u32) -> u32 {
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

    /// FUTEX_WAKE of the word at `addr` of `proc` for kernel-internal users
    /// (CLONE_CHILD_CLEARTID, robust lists), with a shared key as Linux.
    pub(crate) fn futex_wake_addr(&self, proc: &crate::task::Process, addr: u32, n: u32) -> u32 {
        self.futex_wake(self.futex_key(proc, addr, true), n, FUTEX_BITSET_MATCH_ANY)
    }

    /// FUTEX_WAIT(_BITSET) for `task`: `EAGAIN` unless the word at `uaddr`
    /// in `mem` is `val`, else sleep until woken (bitset `bitset`), a signal
    /// (`ERESTARTSYS`; `EINTR` when there is a deadline) or the monotonic
    /// `deadline` (`ETIMEDOUT`).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn futex_wait(
        &self,
        task: &Task,
        mem: &dyn GuestMemory,
        key: FutexKey,
        uaddr: u32,
        val: u32,
        bitset: u32,
        deadline: Option<u64>,
    ) -> KResult<()> {
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

    /// FUTEX_WAKE_OP: atomically (under the table lock) apply `encoded`'s
    /// operation to the word at `uaddr2`, wake up to `nr_wake` waiters of
    /// `keys.0`, and if the old value passes the comparison, up to
    /// `nr_wake2` of `keys.1` (the key of `uaddr2`). EFAULT for an unreadable
    /// word, ENOSYS for an unknown operation or comparison (the operation
    /// is applied before the comparison is decoded, as on Linux).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn futex_wake_op(
        &self,
        keys: (FutexKey, FutexKey),
        mem: &mut dyn GuestMemory,
        nr_wake: u32,
        nr_wake2: u32,
        uaddr2: u32,
        encoded: u32,
    ) -> KResult<u32> {
        let op = (encoded >> 28) & 7;
        let shift = encoded >> 28 & 8 != 0;
        let cmp = (encoded >> 24) & 15;
        let sext12 = |v: u32| ((v << 20) as i32) >> 20;
        let mut oparg = sext12((encoded >> 12) & 0xfff);
        let cmparg = sext12(encoded & 0xfff);
        if shift {
            // Linux warns and masks an out-of-range shift.
            oparg = 1i32 << (oparg & 31);
        }
        let old = {
            let _t = lock(&self.futexes);
            let p = UserPtr::<u32>::new(uaddr2);
            let old = p.read(mem)? as i32;
            let new = match op {
                FUTEX_OP_SET => oparg,
                FUTEX_OP_ADD => old.wrapping_add(oparg),
                FUTEX_OP_OR => old | oparg,
                FUTEX_OP_ANDN => old & !oparg,
                FUTEX_OP_XOR => old ^ oparg,
                _ => return Err(Errno::ENOSYS),
            };
            p.write(mem, &(new as u32))?;
            old
        };
        let pass = match cmp {
            FUTEX_OP_CMP_EQ => old == cmparg,
            FUTEX_OP_CMP_NE => old != cmparg,
            FUTEX_OP_CMP_LT => old < cmparg,
            FUTEX_OP_CMP_LE => old <= cmparg,
            FUTEX_OP_CMP_GT => old > cmparg,
            FUTEX_OP_CMP_GE => old >= cmparg,
            _ => return Err(Errno::ENOSYS),
        };
        let mut n = self.futex_wake(keys.0, wake_count(nr_wake), FUTEX_BITSET_MATCH_ANY);
        if pass {
            n += self.futex_wake(keys.1, wake_count(nr_wake2), FUTEX_BITSET_MATCH_ANY);
        }
        Ok(n)
    }

    /// FUTEX_(CMP_)REQUEUE: wake `nr_wake` waiters of `keys.0` (the word
    /// at `uaddr`), move up to `nr_requeue` others to `keys.1`; with `cmp`,
    /// `EAGAIN` unless the word at `uaddr` is `cmp`. Returns woken + moved.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn futex_requeue(
        &self,
        keys: (FutexKey, FutexKey),
        mem: &dyn GuestMemory,
        uaddr: u32,
        nr_wake: u32,
        nr_requeue: u32,
        cmp: Option<u32>,
    ) -> KResult<u32> {
        let (key, key2) = keys;
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

/// Robust futex word bits (`linux/futex.h`).
pub const FUTEX_WAITERS: u32 = 0x8000_0000;
pub const FUTEX_OWNER_DIED: u32 = 0x4000_0000;
pub const FUTEX_TID_MASK: u32 = 0x3fff_ffff;
/// Most robust-list entries walked at exit (`ROBUST_LIST_LIMIT`).
pub const ROBUST_LIST_LIMIT: u32 = 2048;

impl Kernel {
    /// Linux's `exit_robust_list` for `task` (exit, exec, killed): every
    /// lock word on its `set_robust_list` list (and the `list_op_pending`
    /// one) still owned by the task's tid gets FUTEX_OWNER_DIED, keeps
    /// FUTEX_WAITERS, loses the tid, and one waiter is woken if there were
    /// waiters. At most [`ROBUST_LIST_LIMIT`] entries; a bad pointer ends
    /// the walk. The list is forgotten afterwards (walked once).
    pub(crate) fn exit_robust_list(&self, task: &Task, mem: &mut dyn GuestMemory) {
        let (head, _) = std::mem::take(&mut *lock(&task.robust_list));
        self.walk_robust_list(&task.process, task.tid, head, mem);
    }

    /// The walk of [`Kernel::exit_robust_list`] for thread `tid` of process
    /// `pid` whose list head is `head` (0: none).
    fn walk_robust_list(&self, proc: &crate::task::Process, tid: Tid, head: u32, mem: &mut dyn GuestMemory) {
        if head == 0 {
            return;
        }
        let word = |mem: &dyn GuestMemory, a: u32| UserPtr::<u32>::new(a).read(mem).ok();
        // struct robust_list_head { next; long futex_offset; list_op_pending; }
        let (Some(first), Some(offset), Some(pending)) =
            (word(mem, head), word(mem, head.wrapping_add(4)), word(mem, head.wrapping_add(8)))
        else {
            return;
        };
        let (pending, pending_pi) = (pending & !1, pending & 1 != 0);
        let mut entry = first & !1;
        let mut pi = first & 1 != 0;
        let mut limit = ROBUST_LIST_LIMIT;
        while entry != head {
            let Some(next) = word(mem, entry) else { return };
            if entry != pending {
                self.handle_futex_death(proc, tid, mem, entry.wrapping_add(offset), pi, false);
            }
            entry = next & !1;
            pi = next & 1 != 0;
            limit -= 1;
            if limit == 0 {
                break;
            }
        }
        if pending != 0 {
            self.handle_futex_death(proc, tid, mem, pending.wrapping_add(offset), pending_pi, true);
        }
    }

    /// One lock word of a dying task (Linux's `handle_futex_death`).
    fn handle_futex_death(
        &self,
        proc: &crate::task::Process,
        tid: Tid,
        mem: &mut dyn GuestMemory,
        uaddr: u32,
        pi: bool,
        pending_op: bool,
    ) {
        if !uaddr.is_multiple_of(4) {
            return;
        }
        let wake = {
            // The futex table lock orders this read-modify-write with the
            // compare of FUTEX_WAIT (guest atomics are the bridge's).
            let _t = lock(&self.futexes);
            let Ok(uval) = UserPtr::<u32>::new(uaddr).read(mem) else { return };
            let owner = uval & FUTEX_TID_MASK;
            if pending_op && !pi && owner == 0 {
                true
            } else if owner != tid as u32 {
                false
            } else {
                let mval = (uval & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
                if UserPtr::<u32>::new(uaddr).write(mem, &mval).is_err() {
                    return;
                }
                // A PI lock's sleepers retake the free word themselves
                // (the first one woken takes it with FUTEX_OWNER_DIED).
                mval & FUTEX_WAITERS != 0
            }
        };
        if wake {
            self.futex_wake_addr(proc, uaddr, if pi { u32::MAX } else { 1 });
        }
    }

    /// Walk the robust lists of `proc`'s killed threads not walked yet
    /// (`Process::dying`), with `mem`, the process's memory.
    pub(crate) fn reap_dying(&self, proc: &crate::task::Process, mem: &mut dyn GuestMemory) {
        let dying = std::mem::take(&mut *lock(&proc.dying));
        for (tid, head) in dying {
            self.walk_robust_list(proc, tid, head, mem);
        }
    }
}

impl Kernel {
    /// FUTEX_LOCK_PI / FUTEX_LOCK_PI2 / FUTEX_TRYLOCK_PI for `task` on the
    /// lock word at `uaddr` (owner tid | FUTEX_WAITERS | FUTEX_OWNER_DIED).
    /// A free word (tid 0, FUTEX_OWNER_DIED kept) is taken; the caller's own
    /// tid is EDEADLK; a tid that is no live task is ESRCH; otherwise
    /// FUTEX_WAITERS is set and the task sleeps until FUTEX_UNLOCK_PI hands
    /// it the lock, the owner dies (robust list) or the monotonic
    /// `deadline` passes (ETIMEDOUT); `trylock` gives EAGAIN instead. No
    /// priority inheritance: the host schedules the threads.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn futex_lock_pi(
        &self,
        task: &Task,
        mem: &mut dyn GuestMemory,
        key: FutexKey,
        uaddr: u32,
        deadline: Option<u64>,
        trylock: bool,
    ) -> KResult<()> {
        let me = task.tid as u32;
        let p = UserPtr::<u32>::new(uaddr);
        let mut first = true;
        loop {
            let woken = Arc::new(AtomicBool::new(false));
            // Does the owner exist? (Asked before the futex table lock,
            // which is a leaf.)
            let owner_alive = {
                let owner = p.read(mem)? & FUTEX_TID_MASK;
                owner == 0 || lock(&self.procs).tasks.contains_key(&(owner as Tid))
            };
            {
                let mut t = lock(&self.futexes);
                let word = p.read(mem)?;
                let owner = word & FUTEX_TID_MASK;
                if owner == me && !first {
                    // Handed over by FUTEX_UNLOCK_PI.
                    return Ok(());
                }
                if owner == 0 {
                    let others = t.queues.get(&key).is_some_and(|q| !q.is_empty());
                    let new = me | (word & FUTEX_OWNER_DIED) | if others { FUTEX_WAITERS } else { 0 };
                    p.write(mem, &new)?;
                    return Ok(());
                }
                if owner == me {
                    return Err(Errno::EDEADLK);
                }
                if first && !owner_alive {
                    return Err(Errno::ESRCH);
                }
                if trylock {
                    return Err(Errno::EAGAIN);
                }
                if word & FUTEX_WAITERS == 0 {
                    p.write(mem, &(word | FUTEX_WAITERS))?;
                }
                t.queues.entry(key).or_default().push(Waiter {
                    tid: task.tid,
                    bitset: FUTEX_BITSET_MATCH_ANY,
                    woken: woken.clone(),
                });
            }
            first = false;
            let r = task.block_on(&self.host, &[], deadline, false, || {
                if woken.load(Ordering::Acquire) {
                    Ok(())
                } else {
                    Err(Errno::EAGAIN)
                }
            });
            if let Err(e) = r {
                let mut t = lock(&self.futexes);
                if let Some(q) = t.queues.get_mut(&key) {
                    q.retain(|w| !Arc::ptr_eq(&w.woken, &woken));
                    if q.is_empty() {
                        t.queues.remove(&key);
                    }
                }
                // A hand-over that raced with the timeout or signal wins.
                if p.read(mem)? & FUTEX_TID_MASK == me {
                    return Ok(());
                }
                return Err(e);
            }
        }
    }

    /// FUTEX_UNLOCK_PI: the word must hold the caller's tid (EPERM); the
    /// lock goes to the first waiter (its tid, FUTEX_WAITERS if more wait),
    /// or the word becomes 0.
    pub(crate) fn futex_unlock_pi(
        &self,
        task: &Task,
        mem: &mut dyn GuestMemory,
        key: FutexKey,
        uaddr: u32,
    ) -> KResult<()> {
        let p = UserPtr::<u32>::new(uaddr);
        let next = {
            let mut t = lock(&self.futexes);
            let word = p.read(mem)?;
            if word & FUTEX_TID_MASK != task.tid as u32 {
                return Err(Errno::EPERM);
            }
            let next = t.queues.get_mut(&key).and_then(|q| (!q.is_empty()).then(|| q.remove(0)));
            let more = t.queues.get(&key).is_some_and(|q| !q.is_empty());
            if !more {
                t.queues.remove(&key);
            }
            let new = match &next {
                Some(w) => w.tid as u32 | if more { FUTEX_WAITERS } else { 0 },
                None => 0,
            };
            p.write(mem, &new)?;
            if let Some(w) = &next {
                w.woken.store(true, Ordering::Release);
            }
            next.map(|w| w.tid)
        };
        if let Some(tid) = next {
            self.host.unpark(tid);
        }
        Ok(())
    }
}
