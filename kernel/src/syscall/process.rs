//! Process and identity calls: exit, exit_group, waitid, clone, execve,
//! execveat, ids, credentials, process groups and sessions, umask,
//! prlimit64, getrusage, times, set_tid_address.

use super::{Args, Ctx, Ret, SysResult, AT_FDCWD};
use zerocopy::{FromZeros, IntoBytes};

use crate::abi::uapi;
use crate::api::{ExitStatus, HostClock};
use crate::cred::Creds;
use crate::error::{Errno, KResult};
use crate::mem::{self, UserPtr};
use crate::task::lifecycle::{WaitOptions, WaitTarget};
use crate::task::{lock, ProcState, Rlimit, RLIMIT_NOFILE, RLIM_NLIMITS};

/// exit(2): ends the calling thread (the process with its last thread).
pub fn sys_exit(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let code = a.low_byte(0);
    ctx.kernel.exit_robust_list(&ctx.task, ctx.mem);
    clear_child_tid(ctx);
    ctx.kernel.exit_task(ctx.tid(), code);
    Ok(Ret::Exit)
}

/// exit_group(2): ends every thread of the process.
pub fn sys_exit_group(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let code = a.low_byte(0);
    ctx.kernel.exit_robust_list(&ctx.task, ctx.mem);
    clear_child_tid(ctx);
    ctx.kernel.exit_group(ctx.pid(), ExitStatus::Exited(code));
    // Every other thread's robust list, with this (shared) memory.
    let proc = ctx.process().clone();
    ctx.kernel.reap_dying(&proc, ctx.mem);
    Ok(Ret::Exit)
}

/// CLONE_CHILD_CLEARTID / set_tid_address: zero the word and wake a futex waiter.
fn clear_child_tid(ctx: &mut Ctx<'_>) {
    let addr = ctx.task.clear_child_tid.swap(0, std::sync::atomic::Ordering::AcqRel);
    if addr != 0 && ctx.write(UserPtr::<u32>::new(addr), &0).is_ok() {
        let proc = ctx.process().clone();
        ctx.kernel.futex_wake_addr(&proc, addr, 1);
    }
}

pub fn sys_set_tid_address(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    ctx.task.clear_child_tid.store(a.u32(0), std::sync::atomic::Ordering::Release);
    Ok(ctx.tid().into())
}

pub fn sys_getpid(ctx: &mut Ctx<'_>, _a: Args) -> SysResult {
    Ok(ctx.pid().into())
}

pub fn sys_gettid(ctx: &mut Ctx<'_>, _a: Args) -> SysResult {
    Ok(ctx.tid().into())
}

pub fn sys_getppid(ctx: &mut Ctx<'_>, _a: Args) -> SysResult {
    let t = lock(&ctx.kernel.procs);
    Ok(t.entry(ctx.pid()).map(|e| e.ppid).unwrap_or(0).into())
}

/// getpgid(2): pid 0 is the caller.
pub fn sys_getpgid(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let pid = if a.i32(0) == 0 { ctx.pid() } else { a.i32(0) };
    let t = lock(&ctx.kernel.procs);
    t.entry(pid)
        .filter(|e| !matches!(e.state, ProcState::Zombie(_)) || pid == ctx.pid())
        .map(|e| e.pgid.into())
        .ok_or(Errno::ESRCH)
}

pub fn sys_getsid(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let pid = if a.i32(0) == 0 { ctx.pid() } else { a.i32(0) };
    let t = lock(&ctx.kernel.procs);
    t.entry(pid).map(|e| e.sid.into()).ok_or(Errno::ESRCH)
}

/// setpgid(2) with its rules: the target is the caller or a child that has
/// not exec'd (EACCES), in the caller's session (EPERM), not a session
/// leader (EPERM); an existing target group must be in the same session.
pub fn sys_setpgid(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let me = ctx.pid();
    let pid = if a.i32(0) == 0 { me } else { a.i32(0) };
    if a.i32(1) < 0 {
        return Err(Errno::EINVAL);
    }
    let pgid = if a.i32(1) == 0 { pid } else { a.i32(1) };
    let mut t = lock(&ctx.kernel.procs);
    let my_sid = t.entry(me).ok_or(Errno::ESRCH)?.sid;
    let target = t.entry(pid).ok_or(Errno::ESRCH)?;
    if pid != me {
        if target.ppid != me || matches!(target.state, ProcState::Zombie(_)) {
            return Err(Errno::ESRCH);
        }
        if target.sid != my_sid {
            return Err(Errno::EPERM);
        }
        if target.did_exec {
            return Err(Errno::EACCES);
        }
    }
    if target.sid == pid {
        return Err(Errno::EPERM);
    }
    // A zombie stays a member of its process group until it is reaped
    // (Linux detaches it in release_task): a pipeline's first command may
    // have exited before the next one joins its group.
    if pgid != pid && !t.procs.values().any(|e| e.pgid == pgid && e.sid == my_sid) {
        return Err(Errno::EPERM);
    }
    if let Some(e) = t.procs.get_mut(&pid) {
        e.pgid = pgid;
    }
    Ok(0.into())
}

/// setsid(2): EPERM for a process-group leader.
pub fn sys_setsid(ctx: &mut Ctx<'_>, _a: Args) -> SysResult {
    let me = ctx.pid();
    let mut t = lock(&ctx.kernel.procs);
    if t.procs.values().any(|e| e.pgid == me) {
        return Err(Errno::EPERM);
    }
    let e = t.procs.get_mut(&me).ok_or(Errno::ESRCH)?;
    e.sid = me;
    e.pgid = me;
    Ok(me.into())
}

// ---- credentials (man 2 setresuid: -1 leaves an id unchanged) ----

const KEEP: u32 = u32::MAX;

fn id_arg(a: Args, i: usize) -> Option<u32> {
    Some(a.u32(i)).filter(|&v| v != KEEP)
}

pub fn sys_getuid(ctx: &mut Ctx<'_>, _a: Args) -> SysResult {
    Ok(Ret::addr(ctx.creds().uid))
}
pub fn sys_geteuid(ctx: &mut Ctx<'_>, _a: Args) -> SysResult {
    Ok(Ret::addr(ctx.creds().euid))
}
pub fn sys_getgid(ctx: &mut Ctx<'_>, _a: Args) -> SysResult {
    Ok(Ret::addr(ctx.creds().gid))
}
pub fn sys_getegid(ctx: &mut Ctx<'_>, _a: Args) -> SysResult {
    Ok(Ret::addr(ctx.creds().egid))
}

fn with_creds(ctx: &Ctx<'_>, f: impl FnOnce(&mut Creds) -> KResult<()>) -> SysResult {
    let mut c = lock(&ctx.process().creds);
    let mut new = c.clone();
    f(&mut new)?;
    *c = new;
    Ok(0.into())
}

/// Which of (real, effective, saved, fs) the uid or gid calls touch.
#[derive(Clone, Copy)]
enum Ids {
    User,
    Group,
}

fn ids(c: &mut Creds, which: Ids) -> (&mut u32, &mut u32, &mut u32, &mut u32) {
    match which {
        Ids::User => (&mut c.uid, &mut c.euid, &mut c.suid, &mut c.fsuid),
        Ids::Group => (&mut c.gid, &mut c.egid, &mut c.sgid, &mut c.fsgid),
    }
}

fn do_setid(ctx: &Ctx<'_>, which: Ids, id: u32) -> SysResult {
    if id == KEEP {
        return Err(Errno::EINVAL);
    }
    with_creds(ctx, |c| {
        let privileged = c.euid == 0;
        let (r, e, s, f) = ids(c, which);
        if privileged {
            (*r, *e, *s, *f) = (id, id, id, id);
        } else if id == *r || id == *s {
            (*e, *f) = (id, id);
        } else {
            return Err(Errno::EPERM);
        }
        Ok(())
    })
}

fn do_setreid(ctx: &Ctx<'_>, which: Ids, new_r: Option<u32>, new_e: Option<u32>) -> SysResult {
    with_creds(ctx, |c| {
        let privileged = c.euid == 0;
        let (r, e, s, f) = ids(c, which);
        let (or, oe, os) = (*r, *e, *s);
        if !privileged
            && (new_r.is_some_and(|x| x != or && x != oe) || new_e.is_some_and(|x| x != or && x != oe && x != os))
        {
            return Err(Errno::EPERM);
        }
        if let Some(x) = new_r {
            *r = x;
        }
        if let Some(x) = new_e {
            *e = x;
        }
        if new_r.is_some() || new_e.is_some_and(|x| x != or) {
            *s = *e;
        }
        *f = *e;
        Ok(())
    })
}

fn do_setresid(ctx: &Ctx<'_>, which: Ids, nr_: Option<u32>, ne: Option<u32>, ns: Option<u32>) -> SysResult {
    with_creds(ctx, |c| {
        let privileged = c.euid == 0;
        let (r, e, s, f) = ids(c, which);
        let allowed = [*r, *e, *s];
        if !privileged && [nr_, ne, ns].iter().flatten().any(|x| !allowed.contains(x)) {
            return Err(Errno::EPERM);
        }
        if let Some(x) = nr_ {
            *r = x;
        }
        if let Some(x) = ne {
            *e = x;
        }
        if let Some(x) = ns {
            *s = x;
        }
        *f = *e;
        Ok(())
    })
}

/// setfsuid/setfsgid return the previous value whether or not they succeed.
fn do_setfsid(ctx: &Ctx<'_>, which: Ids, id: u32) -> SysResult {
    let mut c = lock(&ctx.process().creds);
    let privileged = c.euid == 0;
    let (r, e, s, f) = ids(&mut c, which);
    let old = *f;
    if id != KEEP && (privileged || [*r, *e, *s, *f].contains(&id)) {
        *f = id;
    }
    Ok(Ret::addr(old))
}

pub fn sys_setuid(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    do_setid(ctx, Ids::User, a.u32(0))
}
pub fn sys_setgid(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    do_setid(ctx, Ids::Group, a.u32(0))
}
pub fn sys_setreuid(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    do_setreid(ctx, Ids::User, id_arg(a, 0), id_arg(a, 1))
}
pub fn sys_setregid(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    do_setreid(ctx, Ids::Group, id_arg(a, 0), id_arg(a, 1))
}
pub fn sys_setresuid(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    do_setresid(ctx, Ids::User, id_arg(a, 0), id_arg(a, 1), id_arg(a, 2))
}
pub fn sys_setresgid(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    do_setresid(ctx, Ids::Group, id_arg(a, 0), id_arg(a, 1), id_arg(a, 2))
}
pub fn sys_setfsuid(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    do_setfsid(ctx, Ids::User, a.u32(0))
}
pub fn sys_setfsgid(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    do_setfsid(ctx, Ids::Group, a.u32(0))
}

fn getres(ctx: &mut Ctx<'_>, a: Args, v: [u32; 3]) -> SysResult {
    for (i, id) in v.iter().enumerate() {
        ctx.write(a.ptr::<u32>(i), id)?;
    }
    Ok(0.into())
}
pub fn sys_getresuid(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let c = ctx.creds();
    getres(ctx, a, [c.uid, c.euid, c.suid])
}
pub fn sys_getresgid(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let c = ctx.creds();
    getres(ctx, a, [c.gid, c.egid, c.sgid])
}

/// `NGROUPS_MAX`.
pub const NGROUPS_MAX: u32 = 65536;

pub fn sys_getgroups(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let size = a.i32(0);
    let groups = ctx.creds().groups;
    if size < 0 {
        return Err(Errno::EINVAL);
    }
    if size == 0 {
        return Ok(groups.len().into());
    }
    if (size as usize) < groups.len() {
        return Err(Errno::EINVAL);
    }
    let bytes: Vec<u8> = groups.iter().flat_map(|g| g.to_le_bytes()).collect();
    ctx.write_bytes(a.u32(1), &bytes)?;
    Ok(groups.len().into())
}

pub fn sys_setgroups(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let size = a.u32(0);
    if size > NGROUPS_MAX {
        return Err(Errno::EINVAL);
    }
    if ctx.creds().euid != 0 {
        return Err(Errno::EPERM);
    }
    let raw = ctx.read_bytes(a.u32(1), size as usize * 4)?;
    let mut groups: Vec<u32> = raw.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
    groups.sort_unstable();
    with_creds(ctx, |c| {
        c.groups = groups;
        Ok(())
    })
}

/// umask(2): returns the previous mask.
pub fn sys_umask(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let mut fs = lock(&ctx.process().fs);
    let fs = fs.as_mut().ok_or(Errno::ENOSYS)?;
    let old = fs.umask;
    fs.umask = a.u32(0) & 0o777;
    Ok(old.into())
}

// ---- resource limits and usage ----

/// `struct rlimit64`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rlimit64 {
    pub cur: u64,
    pub max: u64,
}
impl mem::Plain for Rlimit64 {
    type Abi = uapi::rlimit64;
    fn from_abi(a: uapi::rlimit64) -> Self {
        Rlimit64 { cur: a.rlim_cur, max: a.rlim_max }
    }
    fn to_abi(&self) -> uapi::rlimit64 {
        uapi::rlimit64 { rlim_cur: self.cur, rlim_max: self.max }
    }
}

/// prlimit64(pid, resource, new, old): raising a hard limit needs root.
pub fn sys_prlimit64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (pid, resource) = (a.i32(0), a.usize(1));
    let (new_ptr, old_ptr) = (a.ptr::<Rlimit64>(2), a.ptr::<Rlimit64>(3));
    if resource >= RLIM_NLIMITS {
        return Err(Errno::EINVAL);
    }
    let new = new_ptr.read_opt(&*ctx.mem)?;
    let proc = if pid == 0 || pid == ctx.pid() {
        ctx.process().clone()
    } else {
        let t = lock(&ctx.kernel.procs);
        t.entry(pid).filter(|e| !matches!(e.state, ProcState::Zombie(_))).map(|e| e.proc.clone()).ok_or(Errno::ESRCH)?
    };
    let me = ctx.creds();
    if pid != 0 && pid != ctx.pid() {
        let them = lock(&proc.creds).clone();
        if me.euid != 0 && (me.uid != them.uid || me.uid != them.euid || me.uid != them.suid) {
            return Err(Errno::EPERM);
        }
    }
    let old = {
        let mut lim = lock(&proc.rlimits);
        let old = lim[resource];
        if let Some(n) = new {
            if n.cur > n.max {
                return Err(Errno::EINVAL);
            }
            if n.max > old.max && me.euid != 0 {
                return Err(Errno::EPERM);
            }
            if resource == RLIMIT_NOFILE && n.max > crate::task::fd::NR_OPEN as u64 {
                return Err(Errno::EPERM);
            }
            lim[resource] = Rlimit { cur: n.cur, max: n.max };
        }
        old
    };
    old_ptr.write_opt(ctx.mem, &Rlimit64 { cur: old.cur, max: old.max })?;
    Ok(0.into())
}

/// A guest `struct rusage` (uapi: old 32-bit timevals, 32-bit longs,
/// `ru_maxrss` in KiB); the other counters are 0.
fn rusage(utime_ns: u64, stime_ns: u64, maxrss_kb: u64) -> uapi::rusage {
    let tv = |ns: u64| uapi::__kernel_old_timeval {
        tv_sec: i32::try_from(ns / 1_000_000_000).unwrap_or(i32::MAX),
        tv_usec: i32::try_from((ns % 1_000_000_000) / 1000).unwrap_or(0),
    };
    uapi::rusage {
        ru_utime: tv(utime_ns),
        ru_stime: tv(stime_ns),
        ru_maxrss: u32::try_from(maxrss_kb).unwrap_or(u32::MAX) as i32,
        ..FromZeros::new_zeroed()
    }
}

pub const RUSAGE_SELF: i32 = 0;
pub const RUSAGE_THREAD: i32 = 1;
pub const RUSAGE_CHILDREN: i32 = -1;

/// (user ns, system ns, maxrss KiB) of the caller's process or of its
/// waited-for children. CPU time is the kernel's syscall-boundary
/// accounting (see `task::CpuUsage`).
fn usage_of(ctx: &Ctx<'_>, children: bool) -> (u64, u64, u64) {
    use std::sync::atomic::Ordering::Relaxed;
    let p = ctx.process();
    if children {
        let c = &p.child_usage;
        (c.utime_ns.load(Relaxed), c.stime_ns.load(Relaxed), c.maxrss_kb.load(Relaxed))
    } else {
        let (u, s) = ctx.kernel.process_cpu(p);
        (u, s, p.usage.maxrss_kb.load(Relaxed).max(ctx.mem.size() / 1024))
    }
}

/// getrusage(2): user/system time and maxrss; the other counters are 0.
pub fn sys_getrusage(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (u, s, rss) = match a.i32(0) {
        RUSAGE_SELF => usage_of(ctx, false),
        RUSAGE_THREAD => {
            let (u, s) = ctx.kernel.thread_cpu(&ctx.task);
            (u, s, usage_of(ctx, false).2)
        }
        RUSAGE_CHILDREN => usage_of(ctx, true),
        _ => return Err(Errno::EINVAL),
    };
    ctx.write_bytes(a.u32(1), rusage(u, s, rss).as_bytes())?;
    Ok(0.into())
}

/// Clock ticks per second (`USER_HZ`).
pub const USER_HZ: u64 = 100;

/// times(2): fills `struct tms` (four 32-bit clock_t in USER_HZ ticks:
/// utime, stime, cutime, cstime) and returns ticks since boot.
pub fn sys_times(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let ticks = |ns: u64| u32::try_from((ns / (1_000_000_000 / USER_HZ)) & 0x7fff_ffff).unwrap_or(0);
    if a.u32(0) != 0 {
        let (u, s, _) = usage_of(ctx, false);
        let (cu, cs, _) = usage_of(ctx, true);
        let tms = uapi::tms {
            tms_utime: ticks(u) as i32,
            tms_stime: ticks(s) as i32,
            tms_cutime: ticks(cu) as i32,
            tms_cstime: ticks(cs) as i32,
        };
        ctx.write_bytes(a.u32(0), tms.as_bytes())?;
    }
    let up = ctx.now(HostClock::Monotonic).saturating_sub(ctx.kernel.boot_ns);
    Ok(Ret::Val(i32::try_from(ticks(up)).unwrap_or(i32::MAX)))
}

// ---- waitid, clone, execve ----

pub const P_ALL: u32 = 0;
pub const P_PID: u32 = 1;
pub const P_PGID: u32 = 2;
pub const P_PIDFD: u32 = 3;

/// waitid(idtype, id, infop, options, rusage).
pub fn sys_waitid(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (idtype, id) = (a.u32(0), a.i32(1));
    let target = match idtype {
        P_ALL => WaitTarget::Any,
        P_PID if id > 0 => WaitTarget::Pid(id),
        P_PGID if id >= 0 => WaitTarget::Pgid(if id == 0 {
            lock(&ctx.kernel.procs).entry(ctx.pid()).map(|e| e.pgid).unwrap_or(0)
        } else {
            id
        }),
        _ => return Err(Errno::EINVAL),
    };
    let opts = WaitOptions::from_bits(a.u32(3))?;
    if !opts.exited && !opts.stopped && !opts.continued {
        return Err(Errno::EINVAL);
    }
    let found = ctx.kernel.do_wait(&ctx.task, target, opts)?;
    let mut info = [0u8; 128];
    if let Some(w) = found {
        info = w.info.encode();
    }
    if a.u32(2) != 0 {
        ctx.write_bytes(a.u32(2), &info)?;
    }
    if a.u32(4) != 0 {
        ctx.write_bytes(a.u32(4), rusage(0, 0, 0).as_bytes())?;
    }
    Ok(0.into())
}

pub use crate::task::clone::*;

/// clone(flags, newsp, parent_tid, tls, child_tid) (asm-generic 32-bit
/// order). Flags are checked as Linux does (`task::clone::check_clone_flags`).
/// A new process is `Ret::Fork`: each process has its own linear memory, so
/// CLONE_VM|CLONE_VFORK (vfork, posix_spawn) is a plain fork. A thread
/// (CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD) is
/// `Ret::Thread` with the raw arguments; the stack must be given (EINVAL:
/// the bridge cannot share the caller's shadow stack). The task limits
/// (RLIMIT_NPROC counts threads) are checked here and again when the thread
/// is created.
pub fn sys_clone(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let flags = a.u32(0);
    let kind = check_clone_flags(flags)?;
    if kind == CloneKind::Thread && a.u32(1) == 0 {
        return Err(Errno::EINVAL);
    }
    ctx.kernel.check_fork_allowed(ctx.pid())?;
    match kind {
        CloneKind::Process => Ok(Ret::Fork { flags }),
        CloneKind::Thread => Ok(Ret::Thread(crate::api::ThreadRequest {
            flags,
            stack: a.u32(1),
            parent_tid: a.u32(2),
            tls: a.u32(3),
            child_tid: a.u32(4),
        })),
    }
}

/// Largest argv+envp (strings and pointers), like Linux's 2 MiB default.
pub const ARG_MAX: usize = 2 << 20;

pub fn sys_execve(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    exec_common(ctx, AT_FDCWD, a.u32(0), a.u32(1), a.u32(2), 0)
}

/// AT_EMPTY_PATH / AT_SYMLINK_NOFOLLOW for execveat.
pub const AT_SYMLINK_NOFOLLOW: u32 = 0x100;
pub use crate::vfs::AT_EMPTY_PATH;

pub fn sys_execveat(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let flags = a.u32(4);
    if flags & !(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) != 0 {
        return Err(Errno::EINVAL);
    }
    exec_common(ctx, a.fd(0), a.u32(1), a.u32(2), a.u32(3), flags)
}

fn exec_common(ctx: &mut Ctx<'_>, dirfd: i32, path_ptr: u32, argv_ptr: u32, envp_ptr: u32, flags: u32) -> SysResult {
    let path = ctx.read_path(path_ptr)?;
    let argv = mem::read_str_array(&*ctx.mem, argv_ptr, ARG_MAX)?;
    let envp = mem::read_str_array(&*ctx.mem, envp_ptr, ARG_MAX)?;
    if argv.iter().chain(envp.iter()).map(|s| s.len() + 5).sum::<usize>() > ARG_MAX {
        return Err(Errno::E2BIG);
    }
    let mut image = ctx.kernel.resolve_image(&ctx.task, dirfd, &path, argv, envp, flags)?;
    // Point of no return: the other threads go (de_thread), then the
    // robust futexes of all of them and of the caller are released.
    let leader = match ctx.kernel.de_thread(&ctx.task) {
        Ok(l) => l,
        Err(_) => return Ok(Ret::Exit),
    };
    let proc = ctx.process().clone();
    ctx.kernel.reap_dying(&proc, ctx.mem);
    let task = leader.clone().unwrap_or_else(|| ctx.task.clone());
    ctx.kernel.exit_robust_list(&task, ctx.mem);
    image.new_tid = leader.map(|l| l.tid);
    ctx.kernel.exec_commit(&task, &image);
    Ok(Ret::Exec(Box::new(image)))
}
