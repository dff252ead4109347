//! timerfd_create, timerfd_settime64, timerfd_gettime64. The object is
//! `crate::timerfd`; reads go through `syscall::io`. `struct itimerspec`
//! (time64) is two `__kernel_timespec`: interval at 0, value at 16.

use super::time::host_clock;
use super::time::{CLOCK_BOOTTIME, CLOCK_BOOTTIME_ALARM, CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_REALTIME_ALARM};
use super::{Args, Ctx, SysResult};
use crate::error::{Errno, KResult};
use crate::file::{oflags, OpenFile};
use crate::mem::{KTimespec, Plain};
use crate::timerfd::TimerFd;

pub const TFD_CLOEXEC: u32 = oflags::O_CLOEXEC;
pub const TFD_NONBLOCK: u32 = oflags::O_NONBLOCK;
pub const TFD_TIMER_ABSTIME: u32 = 1;
pub const TFD_TIMER_CANCEL_ON_SET: u32 = 2;

/// `struct itimerspec` with 64-bit times.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ITimerSpec {
    pub interval: KTimespec,
    pub value: KTimespec,
}

impl Plain for ITimerSpec {
    type Abi = crate::abi::uapi::__kernel_itimerspec;
    fn from_abi(a: Self::Abi) -> Self {
        ITimerSpec { interval: KTimespec::from_abi(a.it_interval), value: KTimespec::from_abi(a.it_value) }
    }
    fn to_abi(&self) -> Self::Abi {
        Self::Abi { it_interval: self.interval.to_abi(), it_value: self.value.to_abi() }
    }
}

pub fn sys_timerfd_create(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (clock_id, flags) = (a.i32(0), a.u32(1));
    if !matches!(
        clock_id,
        CLOCK_REALTIME | CLOCK_MONOTONIC | CLOCK_BOOTTIME | CLOCK_REALTIME_ALARM | CLOCK_BOOTTIME_ALARM
    ) {
        return Err(Errno::EINVAL);
    }
    if flags & !(TFD_CLOEXEC | TFD_NONBLOCK) != 0 {
        return Err(Errno::EINVAL);
    }
    if matches!(clock_id, CLOCK_REALTIME_ALARM | CLOCK_BOOTTIME_ALARM) && ctx.creds().euid != 0 {
        return Err(Errno::EPERM);
    }
    let ops = TimerFd::new(host_clock(clock_id)?, ctx.kernel.host.clone());
    let file = OpenFile::new(ops, oflags::O_RDWR | (flags & TFD_NONBLOCK), b"anon_inode:[timerfd]".to_vec());
    Ok(ctx.install_fd(file, flags & TFD_CLOEXEC != 0)?.into())
}

fn timerfd_of(ctx: &Ctx<'_>, fd: i32) -> KResult<std::sync::Arc<OpenFile>> {
    let file = ctx.file(fd)?;
    if file.ops.as_any().downcast_ref::<TimerFd>().is_none() {
        return Err(Errno::EINVAL);
    }
    Ok(file)
}

fn spec(value_ns: u64, interval_ns: u64) -> ITimerSpec {
    ITimerSpec { interval: KTimespec::from_ns(interval_ns), value: KTimespec::from_ns(value_ns) }
}

/// timerfd_settime64(fd, flags, new_value, old_value).
pub fn sys_timerfd_settime64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (fd, flags, new_ptr, old_ptr) = (a.fd(0), a.u32(1), a.ptr::<ITimerSpec>(2), a.ptr::<ITimerSpec>(3));
    if flags & !(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET) != 0 {
        return Err(Errno::EINVAL);
    }
    let new = ctx.read(new_ptr)?;
    let (value, interval) = (new.value.to_ns()?, new.interval.to_ns()?);
    let file = timerfd_of(ctx, fd)?;
    let tfd = file.ops.as_any().downcast_ref::<TimerFd>().ok_or(Errno::EINVAL)?;
    let (old_value, old_interval) = tfd.set(&ctx.kernel.timers, value, interval, flags & TFD_TIMER_ABSTIME != 0);
    old_ptr.write_opt(ctx.mem, &spec(old_value, old_interval))?;
    Ok(0.into())
}

/// timerfd_gettime64(fd, curr_value).
pub fn sys_timerfd_gettime64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let file = timerfd_of(ctx, a.fd(0))?;
    let tfd = file.ops.as_any().downcast_ref::<TimerFd>().ok_or(Errno::EINVAL)?;
    let (value, interval) = tfd.get();
    ctx.write(a.ptr::<ITimerSpec>(1), &spec(value, interval))?;
    Ok(0.into())
}
