//! Signal calls: kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo,
//! rt_sigaction, rt_sigprocmask, rt_sigpending, rt_sigsuspend,
//! rt_sigtimedwait_time64, sigaltstack. Handler return is
//! `Kernel::signal_return` (the bridge), so rt_sigreturn is ENOSYS.

use std::sync::Arc;

use zerocopy::IntoBytes;

use super::{Args, Ctx, SysResult};
use crate::abi::uapi;
use crate::api::HostClock;
use crate::cred::Creds;
use crate::error::{Errno, KResult};
use crate::mem::{KTimespec, Plain, UserPtr};
use crate::signal::*;
use crate::task::{lock, Pid, ProcState, Task};

/// Size of the kernel `sigset_t` (64 signals).
pub const SIGSET_SIZE: u32 = 8;

fn valid_sig(sig: u32) -> KResult<()> {
    if sig > NSIG {
        return Err(Errno::EINVAL);
    }
    Ok(())
}

/// kill_ok: root, or real/effective uid of the sender matches the real or
/// saved uid of the target (man 2 kill); SIGCONT within a session.
fn may_signal(sender: &Creds, target: &Creds, sig: u32, same_session: bool) -> bool {
    sender.euid == 0
        || sender.uid == target.uid
        || sender.uid == target.suid
        || sender.euid == target.uid
        || sender.euid == target.suid
        || (sig == SIGCONT && same_session)
}

impl Plain for SigSet {
    type Abi = uapi::sigset_t;
    fn from_abi(a: uapi::sigset_t) -> Self {
        SigSet(u64::from(a.sig[0]) | u64::from(a.sig[1]) << 32)
    }
    fn to_abi(&self) -> uapi::sigset_t {
        uapi::sigset_t { sig: [self.0 as u32, (self.0 >> 32) as u32] }
    }
}

/// Signal the processes in `targets`; ESRCH when empty, EPERM when none
/// could be signalled.
fn signal_processes(ctx: &Ctx<'_>, targets: Vec<Pid>, sig: u32) -> SysResult {
    if targets.is_empty() {
        return Err(Errno::ESRCH);
    }
    let me = ctx.creds();
    let my_sid = lock(&ctx.kernel.procs).entry(ctx.pid()).map(|e| e.sid).unwrap_or(0);
    let mut ok = 0;
    for pid in targets {
        let (creds, sid) = {
            let t = lock(&ctx.kernel.procs);
            let Some(e) = t.entry(pid) else { continue };
            let c = lock(&e.proc.creds).clone();
            (c, e.sid)
        };
        if !may_signal(&me, &creds, sig, sid == my_sid) {
            continue;
        }
        ok += 1;
        ctx.kernel.send_to_process(pid, SigInfo::user(sig, ctx.pid(), me.uid));
    }
    if ok == 0 {
        return Err(Errno::EPERM);
    }
    Ok(0.into())
}

pub fn sys_kill(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (pid, sig) = (a.i32(0), a.u32(1));
    valid_sig(sig)?;
    let targets: Vec<Pid> = {
        let t = lock(&ctx.kernel.procs);
        let me = ctx.pid();
        let my_pgid = t.entry(me).map(|e| e.pgid).unwrap_or(0);
        match pid {
            // A thread's tid names its thread group (Linux's kill of a tid).
            p if p > 0 => match t.entry(p) {
                Some(_) => vec![p],
                None => t.tasks.get(&p).map(|task| vec![task.pid()]).unwrap_or_default(),
            },
            0 => t
                .procs
                .iter()
                .filter(|(_, e)| e.pgid == my_pgid && !matches!(e.state, ProcState::Zombie(_)))
                .map(|(&p, _)| p)
                .collect(),
            -1 => t
                .procs
                .iter()
                .filter(|(&p, e)| p != 1 && p != me && !matches!(e.state, ProcState::Zombie(_)))
                .map(|(&p, _)| p)
                .collect(),
            p if p == i32::MIN => Vec::new(),
            p => t.group_members(-p),
        }
    };
    if pid == i32::MIN {
        return Err(Errno::ESRCH);
    }
    signal_processes(ctx, targets, sig)
}

fn find_task(ctx: &Ctx<'_>, tgid: Option<Pid>, tid: i32) -> KResult<Arc<Task>> {
    let t = lock(&ctx.kernel.procs);
    let task = t.tasks.get(&tid).cloned().ok_or(Errno::ESRCH)?;
    if tgid.is_some_and(|g| g != task.pid()) {
        return Err(Errno::ESRCH);
    }
    Ok(task)
}

fn signal_task(ctx: &Ctx<'_>, task: &Arc<Task>, info: SigInfo) -> SysResult {
    let them = lock(&task.process.creds).clone();
    if !may_signal(&ctx.creds(), &them, info.signo, false) {
        return Err(Errno::EPERM);
    }
    ctx.kernel.send_to_task(task, info);
    Ok(0.into())
}

pub fn sys_tkill(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (tid, sig) = (a.i32(0), a.u32(1));
    if tid <= 0 {
        return Err(Errno::EINVAL);
    }
    valid_sig(sig)?;
    let task = find_task(ctx, None, tid)?;
    let info = SigInfo { code: SI_TKILL, ..SigInfo::user(sig, ctx.pid(), ctx.creds().uid) };
    signal_task(ctx, &task, info)
}

pub fn sys_tgkill(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (tgid, tid, sig) = (a.i32(0), a.i32(1), a.u32(2));
    if tgid <= 0 || tid <= 0 {
        return Err(Errno::EINVAL);
    }
    valid_sig(sig)?;
    let task = find_task(ctx, Some(tgid), tid)?;
    let info = SigInfo { code: SI_TKILL, ..SigInfo::user(sig, ctx.pid(), ctx.creds().uid) };
    signal_task(ctx, &task, info)
}

/// The siginfo of rt_(tg)sigqueueinfo. Only the kernel may forge
/// SI_USER/SI_KERNEL-style codes (si_code ≥ 0) or SI_TKILL, except for a
/// thread signalling itself: Linux compares the target (pid for
/// rt_sigqueueinfo, tid for rt_tgsigqueueinfo) with the caller's tid.
fn read_user_info(ctx: &Ctx<'_>, addr: u32, sig: u32, target: Pid) -> KResult<SigInfo> {
    let mut info = SigInfo::from_rt(&ctx.read(UserPtr::<uapi::siginfo_rt>::new(addr))?);
    if (info.code >= 0 || info.code == SI_TKILL) && target != ctx.tid() {
        return Err(Errno::EPERM);
    }
    info.signo = sig;
    Ok(info)
}

pub fn sys_rt_sigqueueinfo(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (pid, sig) = (a.i32(0), a.u32(1));
    valid_sig(sig)?;
    let info = read_user_info(ctx, a.u32(2), sig, pid)?;
    let exists = lock(&ctx.kernel.procs).entry(pid).is_some();
    if !exists {
        return Err(Errno::ESRCH);
    }
    if sig == 0 {
        return Ok(0.into());
    }
    let them = lock(&ctx.kernel.procs).entry(pid).map(|e| lock(&e.proc.creds).clone()).ok_or(Errno::ESRCH)?;
    if !may_signal(&ctx.creds(), &them, sig, false) {
        return Err(Errno::EPERM);
    }
    ctx.kernel.send_to_process(pid, info);
    Ok(0.into())
}

pub fn sys_rt_tgsigqueueinfo(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (tgid, tid, sig) = (a.i32(0), a.i32(1), a.u32(2));
    if tgid <= 0 || tid <= 0 {
        return Err(Errno::EINVAL);
    }
    valid_sig(sig)?;
    let info = read_user_info(ctx, a.u32(3), sig, tid)?;
    let task = find_task(ctx, Some(tgid), tid)?;
    signal_task(ctx, &task, info)
}

/// `struct sigaction` of the asm-generic ABI without sa_restorer: handler,
/// flags, 64-bit mask.
impl Plain for SigAction {
    type Abi = uapi::sigaction;
    fn from_abi(a: uapi::sigaction) -> Self {
        SigAction { handler: a.sa_handler, flags: a.sa_flags, restorer: 0, mask: SigSet::from_abi(a.sa_mask) }
    }
    fn to_abi(&self) -> uapi::sigaction {
        uapi::sigaction { sa_handler: self.handler, sa_flags: self.flags, sa_mask: self.mask.to_abi() }
    }
}

pub fn sys_rt_sigaction(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (sig, act_ptr, old_ptr, size) = (a.u32(0), a.ptr::<SigAction>(1), a.ptr::<SigAction>(2), a.u32(3));
    if size != SIGSET_SIZE || sig == 0 || sig > NSIG {
        return Err(Errno::EINVAL);
    }
    let new = act_ptr.read_opt(&*ctx.mem)?;
    if new.is_some() && (sig == SIGKILL || sig == SIGSTOP) {
        return Err(Errno::EINVAL);
    }
    let old = {
        let mut ps = lock(&ctx.process().sig);
        let old = ps.actions.get(sig);
        if let Some(mut n) = new {
            n.mask = n.mask.blockable();
            n.flags &= SA_KNOWN;
            ps.actions.set(sig, n);
            // Setting a signal to be ignored discards its pending instances.
            if ps.actions.ignored(sig) {
                ps.pending.discard(SigSet::of(sig));
                drop(ps);
                let tasks: Vec<Arc<Task>> = {
                    let t = lock(&ctx.kernel.procs);
                    t.entry(ctx.pid())
                        .map(|e| e.threads.iter().filter_map(|x| t.tasks.get(x).cloned()).collect())
                        .unwrap_or_default()
                };
                for t in tasks {
                    lock(&t.sig).pending.discard(SigSet::of(sig));
                    t.recalc_pending();
                }
            }
        }
        old
    };
    old_ptr.write_opt(ctx.mem, &old)?;
    Ok(0.into())
}

pub const SIG_BLOCK: u32 = uapi::SIG_BLOCK;
pub const SIG_UNBLOCK: u32 = uapi::SIG_UNBLOCK;
pub const SIG_SETMASK: u32 = uapi::SIG_SETMASK;

pub fn sys_rt_sigprocmask(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (how, set_ptr, old_ptr, size) = (a.u32(0), a.ptr::<SigSet>(1), a.ptr::<SigSet>(2), a.u32(3));
    if size != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let set = set_ptr.read_opt(&*ctx.mem)?;
    if set.is_some() && how > SIG_SETMASK {
        return Err(Errno::EINVAL);
    }
    let old = lock(&ctx.task.sig).mask;
    old_ptr.write_opt(ctx.mem, &old)?;
    if let Some(s) = set {
        let mut ts = lock(&ctx.task.sig);
        ts.mask = match how {
            SIG_BLOCK => SigSet(ts.mask.0 | s.0),
            SIG_UNBLOCK => SigSet(ts.mask.0 & !s.0),
            _ => s,
        }
        .blockable();
        let newly = SigSet(ts.mask.0 & !old.0);
        drop(ts);
        ctx.task.recalc_pending();
        if !newly.is_empty() {
            ctx.kernel.retarget_shared_pending(&ctx.task, newly);
        }
    }
    Ok(0.into())
}

pub fn sys_rt_sigpending(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    if a.u32(1) > SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let shared = lock(&ctx.process().sig).pending.set;
    let ts = lock(&ctx.task.sig);
    let pending = SigSet((ts.pending.set.0 | shared.0) & ts.mask.0);
    drop(ts);
    let abi = pending.to_abi();
    ctx.write_bytes(a.u32(0), &abi.as_bytes()[..a.usize(1)])?;
    Ok(0.into())
}

/// rt_sigsuspend: always EINTR; the old mask comes back when the handler
/// returns (through the frame's uc_sigmask).
pub fn sys_rt_sigsuspend(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    if a.u32(1) != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let mask = ctx.read(a.ptr::<SigSet>(0))?.blockable();
    {
        let mut ts = lock(&ctx.task.sig);
        let old = ts.mask;
        ts.saved_mask = Some(old);
        ts.mask = mask;
    }
    ctx.task.recalc_pending();
    let _ = ctx.block_on(&[], None, false, || Err::<(), _>(Errno::EAGAIN));
    Err(Errno::EINTR)
}

pub fn sys_rt_sigtimedwait_time64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (set_ptr, info_ptr, ts_ptr, size) = (a.ptr::<SigSet>(0), a.u32(1), a.ptr::<KTimespec>(2), a.u32(3));
    if size != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let set = ctx.read(set_ptr)?.blockable();
    let timeout = ts_ptr.read_opt(&*ctx.mem)?.map(|t| t.to_ns()).transpose()?;
    let deadline = timeout.map(|t| ctx.now(HostClock::Monotonic).saturating_add(t));
    let task = ctx.task.clone();
    let take = || -> KResult<SigInfo> {
        let mut ps = lock(&task.process.sig);
        let mut ts = lock(&task.sig);
        let avail = SigSet((ts.pending.set.0 | ps.pending.set.0) & set.0);
        let Some(sig) = avail.first() else { return Err(Errno::EAGAIN) };
        let r = ts.pending.take_sig(sig).or_else(|| ps.pending.take_sig(sig)).ok_or(Errno::EAGAIN);
        drop(ts);
        drop(ps);
        task.recalc_pending();
        r
    };
    let old_mask = {
        let mut ts = lock(&task.sig);
        let old = ts.mask;
        ts.mask = SigSet(old.0 & !set.0);
        ts.real_blocked = old;
        old
    };
    task.recalc_pending();
    let r = if timeout == Some(0) { take() } else { ctx.block_on(&[], deadline, false, take) };
    {
        let mut ts = lock(&task.sig);
        ts.mask = old_mask;
        ts.real_blocked = SigSet::EMPTY;
    }
    task.recalc_pending();
    let info = match r {
        Ok(i) => i,
        Err(Errno::ETIMEDOUT) | Err(Errno::EAGAIN) => return Err(Errno::EAGAIN),
        Err(Errno::ERESTARTSYS) => return Err(Errno::EINTR),
        Err(e) => return Err(e),
    };
    if info_ptr != 0 {
        ctx.write_bytes(info_ptr, &info.encode())?;
    }
    Ok(info.signo.into())
}

impl Plain for AltStack {
    type Abi = uapi::stack_t;
    fn from_abi(a: uapi::stack_t) -> Self {
        AltStack { sp: a.ss_sp, flags: a.ss_flags as u32, size: a.ss_size }
    }
    fn to_abi(&self) -> uapi::stack_t {
        uapi::stack_t { ss_sp: self.sp, ss_flags: self.flags as i32, ss_size: self.size }
    }
}

/// sigaltstack(ss, old_ss). The kernel cannot see the guest stack pointer
/// during a syscall, so "on the alternate stack" (EPERM) is not detected.
pub fn sys_sigaltstack(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (new_ptr, old_ptr) = (a.ptr::<AltStack>(0), a.ptr::<AltStack>(1));
    let new = new_ptr.read_opt(&*ctx.mem)?;
    let cur = lock(&ctx.task.sig).altstack;
    let old = if cur.size == 0 && cur.sp == 0 { AltStack { sp: 0, flags: SS_DISABLE, size: 0 } } else { cur };
    if let Some(n) = new {
        let mode = n.flags & !SS_AUTODISARM;
        if !matches!(mode, 0 | SS_ONSTACK | SS_DISABLE) {
            return Err(Errno::EINVAL);
        }
        let set = if mode == SS_DISABLE {
            AltStack { sp: 0, flags: SS_DISABLE, size: 0 }
        } else {
            if n.size < MINSIGSTKSZ {
                return Err(Errno::ENOMEM);
            }
            AltStack { sp: n.sp, flags: n.flags & SS_AUTODISARM, size: n.size }
        };
        lock(&ctx.task.sig).altstack = set;
    }
    old_ptr.write_opt(ctx.mem, &old)?;
    Ok(0.into())
}
