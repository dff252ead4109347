//! futex_time64: WAIT, WAKE, REQUEUE, CMP_REQUEUE, WAKE_OP, WAIT_BITSET,
//! WAKE_BITSET, LOCK_PI/LOCK_PI2/TRYLOCK_PI/UNLOCK_PI (no priority
//! inheritance; the requeue-PI operations are ENOSYS), PRIVATE and
//! CLOCK_REALTIME flags: argument decoding and checks; the wait table and
//! its operations are the `futex` subsystem.

use super::{Args, Ctx, SysResult};
use crate::api::HostClock;
use crate::error::{Errno, KResult};
pub use crate::futex::*;
use crate::mem::{KTimespec, UserPtr};
use crate::task::lock;

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
    let shared = op & FUTEX_PRIVATE_FLAG == 0;
    let key = |ctx: &Ctx<'_>, addr: u32| ctx.kernel.futex_key(ctx.process(), addr, shared);
    // FUTEX_CLOCK_REALTIME only with the waits (FUTEX_WAIT since Linux 4.5).
    if realtime && !matches!(cmd, FUTEX_WAIT | FUTEX_WAIT_BITSET | FUTEX_WAIT_REQUEUE_PI | FUTEX_LOCK_PI2) {
        return Err(Errno::ENOSYS);
    }
    match cmd {
        FUTEX_WAIT => futex_wait(ctx, shared, uaddr, val, a.u32(3), FUTEX_BITSET_MATCH_ANY, false, realtime),
        FUTEX_WAIT_BITSET => {
            if a.u32(5) == 0 {
                return Err(Errno::EINVAL);
            }
            futex_wait(ctx, shared, uaddr, val, a.u32(3), a.u32(5), true, realtime)
        }
        FUTEX_WAKE | FUTEX_WAKE_BITSET => {
            let bitset = if cmd == FUTEX_WAKE { FUTEX_BITSET_MATCH_ANY } else { a.u32(5) };
            if bitset == 0 {
                return Err(Errno::EINVAL);
            }
            check_addr(uaddr)?;
            let n = ctx.kernel.futex_wake(key(ctx, uaddr), wake_count(val), bitset);
            Ok(n.into())
        }
        FUTEX_WAKE_OP => {
            let (nr_wake2, uaddr2, encoded) = (a.u32(3), a.u32(4), a.u32(5));
            check_addr(uaddr)?;
            check_addr(uaddr2)?;
            let keys = (key(ctx, uaddr), key(ctx, uaddr2));
            let n = ctx.kernel.futex_wake_op(keys, ctx.mem, val, nr_wake2, uaddr2, encoded)?;
            Ok(n.into())
        }
        FUTEX_REQUEUE | FUTEX_CMP_REQUEUE => {
            let (nr_requeue, uaddr2) = (a.u32(3), a.u32(4));
            if a.i32(2) < 0 || a.i32(3) < 0 {
                return Err(Errno::EINVAL);
            }
            check_addr(uaddr)?;
            check_addr(uaddr2)?;
            let keys = (key(ctx, uaddr), key(ctx, uaddr2));
            let cmp = (cmd == FUTEX_CMP_REQUEUE).then(|| a.u32(5));
            Ok(ctx.kernel.futex_requeue(keys, &*ctx.mem, uaddr, val, nr_requeue, cmp)?.into())
        }
        FUTEX_LOCK_PI | FUTEX_LOCK_PI2 | FUTEX_TRYLOCK_PI => {
            check_addr(uaddr)?;
            let timeout = UserPtr::<KTimespec>::new(a.u32(3)).read_opt(&*ctx.mem)?;
            // Absolute: FUTEX_LOCK_PI always on CLOCK_REALTIME, LOCK_PI2 on
            // CLOCK_MONOTONIC unless FUTEX_CLOCK_REALTIME.
            let deadline = match timeout {
                Some(ts) if cmd != FUTEX_TRYLOCK_PI => {
                    let ns = ts.to_ns()?;
                    Some(if cmd == FUTEX_LOCK_PI || realtime {
                        ctx.now(HostClock::Monotonic).saturating_add(ns.saturating_sub(ctx.now(HostClock::Realtime)))
                    } else {
                        ns
                    })
                }
                _ => None,
            };
            let (task, k) = (ctx.task.clone(), key(ctx, uaddr));
            ctx.kernel.futex_lock_pi(&task, ctx.mem, k, uaddr, deadline, cmd == FUTEX_TRYLOCK_PI)?;
            Ok(0.into())
        }
        FUTEX_UNLOCK_PI => {
            check_addr(uaddr)?;
            let (task, k) = (ctx.task.clone(), key(ctx, uaddr));
            ctx.kernel.futex_unlock_pi(&task, ctx.mem, k, uaddr)?;
            Ok(0.into())
        }
        _ => Err(Errno::ENOSYS),
    }
}

#[allow(clippy::too_many_arguments)]
fn futex_wait(
    ctx: &mut Ctx<'_>,
    shared: bool,
    uaddr: u32,
    val: u32,
    timeout_ptr: u32,
    bitset: u32,
    absolute: bool,
    realtime: bool,
) -> SysResult {
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
    let key = ctx.kernel.futex_key(ctx.process(), uaddr, shared);
    ctx.kernel.futex_wait(&ctx.task, &*ctx.mem, key, uaddr, val, bitset, deadline)?;
    Ok(0.into())
}

/// `sizeof(struct robust_list_head)` on wasm32.
const ROBUST_LIST_HEAD_SIZE: u32 = 12;

/// set_robust_list(head, len): per thread; walked when the thread exits,
/// is killed or execs (`futex::exit_robust_list`).
pub fn sys_set_robust_list(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    if a.u32(1) != ROBUST_LIST_HEAD_SIZE {
        return Err(Errno::EINVAL);
    }
    *lock(&ctx.task.robust_list) = (a.u32(0), a.u32(1));
    Ok(0.into())
}

/// get_robust_list(pid, head_ptr*, len_ptr*): 0 = the caller; another
/// user's process needs root (EPERM, ptrace read access).
pub fn sys_get_robust_list(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let pid = a.i32(0);
    let task = if pid == 0 {
        ctx.task.clone()
    } else {
        let t = lock(&ctx.kernel.procs);
        t.tasks.get(&pid).ok_or(Errno::ESRCH)?.clone()
    };
    let proc = task.process.clone();
    let creds = ctx.creds();
    let owner = lock(&proc.creds).clone();
    if creds.euid != 0 && !(creds.uid == owner.uid && creds.uid == owner.euid && creds.uid == owner.suid) {
        return Err(Errno::EPERM);
    }
    let (head, len) = *lock(&task.robust_list);
    ctx.write(a.ptr::<u32>(1), &head)?;
    ctx.write(a.ptr::<u32>(2), &len)?;
    Ok(0.into())
}
