//! futex_time64: WAIT, WAKE, REQUEUE, CMP_REQUEUE, WAIT_BITSET,
//! WAKE_BITSET (PRIVATE and CLOCK_REALTIME flags). Every process has its
//! own linear memory, so a futex is keyed by (pid, address) whether or not
//! FUTEX_PRIVATE_FLAG is given.
//!
//! Lock order: the futex table lock is a leaf; the 4-byte compare of WAIT
//! and CMP_REQUEUE is done under it (so no wake-up is lost between the
//! compare and the enqueue), nothing else.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::{Args, Ctx, SysResult};
use crate::api::{HostClock, Tid};
use crate::error::{Errno, KResult};
use crate::mem::{KTimespec, UserPtr};
use crate::task::{lock, Pid};
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
    /// Wake up to `n` waiters of (`pid`, `addr`) whose bitset meets `bitset`.
    fn futex_wake_inner(&self, pid: Pid, addr: u32, n: u32, bitset: u32) -> u32 {
        let mut woken = Vec::new();
        {
            let mut t = lock(&self.futexes);
            if let Some(q) = t.queues.get_mut(&(pid, addr)) {
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
                    t.queues.remove(&(pid, addr));
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
        self.futex_wake_inner(pid, addr, n, FUTEX_BITSET_MATCH_ANY)
    }
}

fn check_addr(addr: u32) -> KResult<()> {
    if !addr.is_multiple_of(4) {
        return Err(Errno::EINVAL);
    }
    Ok(())
}

/// futex_time64(uaddr, op, val, timeout|val2, uaddr2, val3).
pub fn sys_futex_time64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (uaddr, op, val) = (a.u32(0), a.u32(1), a.u32(2));
    let cmd = op & FUTEX_CMD_MASK;
    let realtime = op & FUTEX_CLOCK_REALTIME != 0;
    if realtime && !matches!(cmd, FUTEX_WAIT | FUTEX_WAIT_BITSET) {
        return Err(Errno::ENOSYS);
    }
    match cmd {
        FUTEX_WAIT => futex_wait(ctx, uaddr, val, a.u32(3), FUTEX_BITSET_MATCH_ANY, false, realtime),
        FUTEX_WAIT_BITSET => {
            if a.u32(5) == 0 {
                return Err(Errno::EINVAL);
            }
            futex_wait(ctx, uaddr, val, a.u32(3), a.u32(5), true, realtime)
        }
        FUTEX_WAKE | FUTEX_WAKE_BITSET => {
            let bitset = if cmd == FUTEX_WAKE { FUTEX_BITSET_MATCH_ANY } else { a.u32(5) };
            if bitset == 0 {
                return Err(Errno::EINVAL);
            }
            check_addr(uaddr)?;
            let n = ctx.kernel.futex_wake_inner(ctx.pid(), uaddr, val.min(i32::MAX as u32), bitset);
            Ok(n.into())
        }
        FUTEX_REQUEUE | FUTEX_CMP_REQUEUE => {
            let (nr_requeue, uaddr2) = (a.u32(3), a.u32(4));
            if a.i32(2) < 0 || a.i32(3) < 0 {
                return Err(Errno::EINVAL);
            }
            check_addr(uaddr)?;
            check_addr(uaddr2)?;
            futex_requeue(ctx, uaddr, val, nr_requeue, uaddr2, (cmd == FUTEX_CMP_REQUEUE).then(|| a.u32(5)))
        }
        _ => Err(Errno::ENOSYS),
    }
}

fn futex_wait(ctx: &mut Ctx<'_>, uaddr: u32, val: u32, timeout_ptr: u32, bitset: u32, absolute: bool, realtime: bool) -> SysResult {
    check_addr(uaddr)?;
    let timeout = UserPtr::<KTimespec>::new(timeout_ptr).read_opt(&*ctx.mem)?;
    let deadline = match timeout {
        None => None,
        Some(ts) => {
            let ns = ts.to_ns()?;
            let mono = ctx.now(HostClock::Monotonic);
            Some(if !absolute {
                mono.saturating_add(ns)
            } else if realtime {
                mono.saturating_add(ns.saturating_sub(ctx.now(HostClock::Realtime)))
            } else {
                ns
            })
        }
    };
    let pid = ctx.pid();
    let woken = Arc::new(AtomicBool::new(false));
    {
        let mut t = lock(&ctx.kernel.futexes);
        let cur = ctx.read(UserPtr::<u32>::new(uaddr))?;
        if cur != val {
            return Err(Errno::EAGAIN);
        }
        t.queues.entry((pid, uaddr)).or_default().push(Waiter { tid: ctx.tid(), bitset, woken: woken.clone() });
    }
    let r = ctx.block_on(&[], deadline, false, || if woken.load(Ordering::Acquire) { Ok(()) } else { Err(Errno::EAGAIN) });
    if r.is_err() {
        // Dequeue; a wake that raced with the timeout/signal still counts.
        let mut t = lock(&ctx.kernel.futexes);
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
            return Ok(0.into());
        }
    }
    match r {
        Ok(()) => Ok(0.into()),
        Err(Errno::ERESTARTSYS) if deadline.is_some() => Err(Errno::EINTR),
        Err(e) => Err(e),
    }
}

fn futex_requeue(ctx: &mut Ctx<'_>, uaddr: u32, nr_wake: u32, nr_requeue: u32, uaddr2: u32, cmp: Option<u32>) -> SysResult {
    let pid = ctx.pid();
    let mut woken = Vec::new();
    let mut moved = 0u32;
    {
        let mut t = lock(&ctx.kernel.futexes);
        if let Some(expected) = cmp {
            if ctx.read(UserPtr::<u32>::new(uaddr))? != expected {
                return Err(Errno::EAGAIN);
            }
        }
        let mut q = t.queues.remove(&(pid, uaddr)).unwrap_or_default();
        while !q.is_empty() && (woken.len() as u32) < nr_wake {
            let w = q.remove(0);
            w.woken.store(true, Ordering::Release);
            woken.push(w.tid);
        }
        let mut rest = Vec::new();
        for w in q {
            if moved < nr_requeue && uaddr2 != uaddr {
                t.queues.entry((pid, uaddr2)).or_default().push(w);
                moved += 1;
            } else {
                rest.push(w);
            }
        }
        if !rest.is_empty() {
            t.queues.insert((pid, uaddr), rest);
        }
    }
    for tid in &woken {
        ctx.kernel.host.unpark(*tid);
    }
    Ok((woken.len() as u32 + moved).into())
}

/// `sizeof(struct robust_list_head)` on wasm32.
const ROBUST_LIST_HEAD_SIZE: u32 = 12;

/// set_robust_list(head, len): recorded for get_robust_list. Tasks never
/// share memory, so the list is not walked at exit.
pub fn sys_set_robust_list(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    if a.u32(1) != ROBUST_LIST_HEAD_SIZE {
        return Err(Errno::EINVAL);
    }
    lock(&ctx.process().extra).robust_list = (a.u32(0), a.u32(1));
    Ok(0.into())
}

/// get_robust_list(pid, head_ptr*, len_ptr*): 0 = the caller; another
/// user's process needs root (EPERM, ptrace read access).
pub fn sys_get_robust_list(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let pid = a.i32(0);
    let proc = if pid == 0 {
        ctx.process().clone()
    } else {
        let t = lock(&ctx.kernel.procs);
        let task = t.tasks.get(&pid).ok_or(Errno::ESRCH)?;
        task.process.clone()
    };
    let creds = ctx.creds();
    let owner = lock(&proc.creds).clone();
    if creds.euid != 0 && !(creds.uid == owner.uid && creds.uid == owner.euid && creds.uid == owner.suid) {
        return Err(Errno::EPERM);
    }
    let (head, len) = lock(&proc.extra).robust_list;
    ctx.write(a.ptr::<u32>(1), &head)?;
    ctx.write(a.ptr::<u32>(2), &len)?;
    Ok(0.into())
}
