//! System information and odds and ends: uname, sethostname,
//! setdomainname, sysinfo, getrandom, personality, prctl, getcpu,
//! membarrier, capget/capset.

use std::sync::atomic::Ordering;

use super::{Args, Ctx, SysResult};
use crate::abi::uapi;
use crate::api::HostClock;
use crate::error::Errno;
use crate::task::lock;

/// `__NEW_UTS_LEN + 1`.
pub const UTS_FIELD: usize = 65;
pub use crate::task::snapshot::{UTS_MACHINE, UTS_RELEASE, UTS_VERSION};

pub fn sys_uname(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let host = lock(&ctx.kernel.hostname).clone();
    let dom = lock(&ctx.kernel.domainname).clone();
    let mut buf = vec![0u8; UTS_FIELD * 6];
    for (i, f) in
        [b"Linux".as_slice(), &host, UTS_RELEASE.as_bytes(), UTS_VERSION.as_bytes(), UTS_MACHINE.as_bytes(), &dom]
            .iter()
            .enumerate()
    {
        let n = f.len().min(UTS_FIELD - 1);
        buf[i * UTS_FIELD..i * UTS_FIELD + n].copy_from_slice(&f[..n]);
    }
    ctx.write_bytes(a.u32(0), &buf)?;
    Ok(0.into())
}

fn set_uts(ctx: &mut Ctx<'_>, a: Args, which: &std::sync::Mutex<Vec<u8>>) -> SysResult {
    let len = a.i32(1);
    if !(0..UTS_FIELD as i32).contains(&len) {
        return Err(Errno::EINVAL);
    }
    if ctx.creds().euid != 0 {
        return Err(Errno::EPERM);
    }
    let name = ctx.read_bytes(a.u32(0), a.usize(1))?;
    let end = name.iter().position(|&c| c == 0).unwrap_or(name.len());
    *lock(which) = name[..end].to_vec();
    Ok(0.into())
}

pub fn sys_sethostname(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let k = ctx.kernel;
    set_uts(ctx, a, &k.hostname)
}

pub fn sys_setdomainname(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let k = ctx.kernel;
    set_uts(ctx, a, &k.domainname)
}

/// Memory the guest is told about (the 4 GiB wasm32 address space).
const TOTAL_RAM: u32 = 0xffff_f000;

/// sysinfo(2), 32-bit layout (64 bytes).
pub fn sys_sysinfo(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let up = ctx.now(HostClock::Monotonic).saturating_sub(ctx.kernel.boot_ns) / 1_000_000_000;
    let procs = lock(&ctx.kernel.procs).tasks.len();
    let info = uapi::sysinfo {
        uptime: u32::try_from(up).unwrap_or(u32::MAX) as i32,
        totalram: TOTAL_RAM,
        freeram: TOTAL_RAM / 2,
        procs: u16::try_from(procs).unwrap_or(u16::MAX),
        mem_unit: 1,
        ..zerocopy::FromZeros::new_zeroed()
    };
    ctx.write_bytes(a.u32(0), zerocopy::IntoBytes::as_bytes(&info))?;
    Ok(0.into())
}

pub const GRND_NONBLOCK: u32 = 1;
pub const GRND_RANDOM: u32 = 2;
pub const GRND_INSECURE: u32 = 4;

/// getrandom(2): at most 32 MiB − 1 per call, like Linux.
pub fn sys_getrandom(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (user_buf, len, flags) = (a.u32(0), a.usize(1), a.u32(2));
    if flags & !(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE) != 0
        || flags & (GRND_RANDOM | GRND_INSECURE) == (GRND_RANDOM | GRND_INSECURE)
    {
        return Err(Errno::EINVAL);
    }
    let len = len.min((32 << 20) - 1);
    crate::mem::check_range(&*ctx.mem, user_buf, len as u64)?;
    let mut buf = vec![0u8; len];
    ctx.kernel.host.random(&mut buf);
    ctx.write_bytes(user_buf, &buf)?;
    Ok(len.into())
}

/// personality(2): 0xffffffff queries; PER_LINUX (0) and flag bits are stored.
pub fn sys_personality(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let p = &ctx.process().personality;
    let old = p.load(Ordering::Relaxed);
    if a.u32(0) != u32::MAX {
        if a.u32(0) & 0xff != 0 {
            return Err(Errno::EINVAL);
        }
        p.store(a.u32(0), Ordering::Relaxed);
    }
    Ok(crate::syscall::Ret::addr(old))
}

pub const PR_SET_PDEATHSIG: i32 = 1;
pub const PR_GET_PDEATHSIG: i32 = 2;
pub const PR_GET_DUMPABLE: i32 = 3;
pub const PR_SET_DUMPABLE: i32 = 4;
pub const PR_SET_NAME: i32 = 15;
pub const PR_GET_NAME: i32 = 16;
pub const PR_SET_CHILD_SUBREAPER: i32 = 36;
pub const PR_GET_CHILD_SUBREAPER: i32 = 37;
pub const PR_SET_NO_NEW_PRIVS: i32 = 38;
pub const PR_GET_NO_NEW_PRIVS: i32 = 39;

/// prctl(2): names, dumpable, no_new_privs, pdeathsig (recorded).
pub fn sys_prctl(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    match a.i32(0) {
        // The calling thread's name (the leader's is /proc/<pid>/comm).
        PR_SET_NAME => {
            let raw = ctx.read_bytes(a.u32(1), 16).or_else(|_| ctx.read_cstr(a.u32(1), 16))?;
            let end = raw.iter().position(|&c| c == 0).unwrap_or(raw.len()).min(15);
            ctx.task.set_comm(&raw[..end]);
            Ok(0.into())
        }
        PR_GET_NAME => {
            let mut b = [0u8; 16];
            let c = ctx.task.comm();
            b[..c.len().min(15)].copy_from_slice(&c[..c.len().min(15)]);
            ctx.write_bytes(a.u32(1), &b)?;
            Ok(0.into())
        }
        PR_SET_PDEATHSIG => {
            if a.u32(1) > crate::signal::NSIG {
                return Err(Errno::EINVAL);
            }
            Ok(0.into())
        }
        PR_GET_PDEATHSIG => {
            ctx.write(a.ptr::<u32>(1), &0)?;
            Ok(0.into())
        }
        PR_GET_DUMPABLE => Ok(1.into()),
        PR_SET_DUMPABLE => {
            if a.u32(1) > 1 {
                return Err(Errno::EINVAL);
            }
            Ok(0.into())
        }
        PR_SET_NO_NEW_PRIVS => {
            if a.u32(1) != 1 || a.u32(2) != 0 || a.u32(3) != 0 || a.u32(4) != 0 {
                return Err(Errno::EINVAL);
            }
            Ok(0.into())
        }
        PR_GET_NO_NEW_PRIVS => Ok(0.into()),
        PR_SET_CHILD_SUBREAPER => {
            ctx.process().child_subreaper.store(a.u32(1) != 0, Ordering::Release);
            Ok(0.into())
        }
        PR_GET_CHILD_SUBREAPER => {
            let v = u32::from(ctx.process().child_subreaper.load(Ordering::Acquire));
            ctx.write(a.ptr::<u32>(1), &v)?;
            Ok(0.into())
        }
        _ => Err(Errno::EINVAL),
    }
}

/// getcpu(2): a CPU the thread's affinity mask allows (the host does not
/// say where a thread runs; threads are spread by tid), node 0.
pub fn sys_getcpu(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let cpus = ctx.kernel.thread_cpus(ctx.tid());
    let cpu = cpus.get(ctx.tid().unsigned_abs() as usize % cpus.len().max(1)).copied().unwrap_or(0);
    ctx.write(a.ptr::<u32>(0), &cpu).or_else(|e| if a.u32(0) == 0 { Ok(()) } else { Err(e) })?;
    ctx.write(a.ptr::<u32>(1), &0).or_else(|e| if a.u32(1) == 0 { Ok(()) } else { Err(e) })?;
    Ok(0.into())
}

pub const MEMBARRIER_CMD_QUERY: i32 = 0;
pub const MEMBARRIER_CMD_GLOBAL: i32 = 1;
pub const MEMBARRIER_CMD_PRIVATE_EXPEDITED: i32 = 8;
pub const MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED: i32 = 16;

/// membarrier(2): the host threads of a process share one memory through
/// the bridge, whose atomics are sequentially consistent: every barrier
/// command is accepted and needs no action here.
pub fn sys_membarrier(_ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let supported =
        MEMBARRIER_CMD_GLOBAL | MEMBARRIER_CMD_PRIVATE_EXPEDITED | MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED;
    if a.u32(1) != 0 {
        return Err(Errno::EINVAL);
    }
    match a.i32(0) {
        MEMBARRIER_CMD_QUERY => Ok(supported.into()),
        MEMBARRIER_CMD_GLOBAL | MEMBARRIER_CMD_PRIVATE_EXPEDITED | MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED => {
            Ok(0.into())
        }
        _ => Err(Errno::EINVAL),
    }
}

/// vhangup(2): root only (EPERM); hangs up the caller's controlling
/// terminal (SIGHUP to its session), nothing without one.
pub fn sys_vhangup(ctx: &mut Ctx<'_>, _a: Args) -> SysResult {
    if ctx.creds().euid != 0 {
        return Err(Errno::EPERM);
    }
    if let Some(tty) = crate::tty::job::ctty_of(ctx.kernel, ctx.pid()) {
        tty.hangup();
    }
    Ok(0.into())
}

/// Size of the kernel log buffer `syslog` reports (`SYSLOG_ACTION_SIZE_BUFFER`).
const LOG_BUF_LEN: u32 = 1 << 17;

/// syslog(2) (musl's `klogctl`): the kernel log, which is empty here.
/// Actions (man 2 syslog): 0 close, 1 open, 2 read, 3 read all, 4 read and
/// clear, 5 clear, 6/7/8 console off/on/level, 9 unread size, 10 buffer
/// size; others EINVAL. As with `kernel.dmesg_restrict = 0`, actions 3 and
/// 10 are open to everyone, the rest need root (CAP_SYSLOG) or fail with
/// EPERM. Reads check `buf`/`len` (EINVAL for NULL or a negative length)
/// and copy nothing; 2 returns 0 rather than wait for a message that will
/// never come. Level 8 takes 1..=8.
pub fn sys_syslog(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (action, buf, len) = (a.i32(0), a.u32(1), a.i32(2));
    if !matches!(action, 0..=10) {
        return Err(Errno::EINVAL);
    }
    if !matches!(action, 3 | 10) && ctx.creds().euid != 0 {
        return Err(Errno::EPERM);
    }
    match action {
        2..=4 => {
            if buf == 0 || len < 0 {
                return Err(Errno::EINVAL);
            }
            Ok(0.into())
        }
        8 if !(1..=8).contains(&len) => Err(Errno::EINVAL),
        10 => Ok(LOG_BUF_LEN.into()),
        _ => Ok(0.into()),
    }
}
