//! epoll_create1, epoll_ctl, epoll_pwait, epoll_pwait2 (the 32-bit
//! asm-generic ABI has no epoll_create/epoll_wait). The instance and its
//! readiness rules are `crate::epoll`; waiting goes through
//! `poll::wait_ready`. `struct epoll_event` is 16 bytes on wasm32 (u32
//! events, 4 bytes of padding, u64 data at offset 8: not packed, unlike
//! x86-64), as the bindgen layout in `abi::uapi` asserts.

use std::sync::Arc;

use super::poll::{wait_ready, SigmaskSwap};
use super::{Args, Ctx, SysResult};
use crate::abi::uapi;
use crate::api::HostClock;
use crate::epoll::{wait_sources, Epoll, Event, EPOLLET, EPOLLEXCLUSIVE, EPOLLIN, EPOLLOUT, EPOLLWAKEUP};
use crate::error::{Errno, KResult};
use crate::file::{oflags, OpenFile};
use crate::mem::{check_range, KTimespec, UserPtr};
use crate::vfs::S_IFMT;

pub const EPOLL_CLOEXEC: u32 = oflags::O_CLOEXEC;
pub const EPOLL_CTL_ADD: i32 = 1;
pub const EPOLL_CTL_DEL: i32 = 2;
pub const EPOLL_CTL_MOD: i32 = 3;
/// `sizeof(struct epoll_event)` on wasm32.
pub const EPOLL_EVENT_SIZE: u32 = std::mem::size_of::<uapi::epoll_event>() as u32;
const EV_EVENTS: u32 = std::mem::offset_of!(uapi::epoll_event, events) as u32;
const EV_DATA: u32 = std::mem::offset_of!(uapi::epoll_event, data) as u32;
/// Largest maxevents (INT_MAX / sizeof(struct epoll_event)).
const EP_MAX_EVENTS: i32 = i32::MAX / EPOLL_EVENT_SIZE as i32;

pub fn sys_epoll_create1(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let flags = a.u32(0);
    if flags & !EPOLL_CLOEXEC != 0 {
        return Err(Errno::EINVAL);
    }
    let file = OpenFile::new(Epoll::new(), oflags::O_RDWR, b"anon_inode:[eventpoll]".to_vec());
    Ok(ctx.install_fd(file, flags & EPOLL_CLOEXEC != 0)?.into())
}

fn read_event(ctx: &Ctx<'_>, addr: u32) -> KResult<(u32, u64)> {
    let ev = ctx.read(UserPtr::<uapi::epoll_event>::new(addr))?;
    Ok((ev.events, ev.data))
}

/// epoll_ctl(epfd, op, fd, event).
pub fn sys_epoll_ctl(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (epfd, op, fd, ev_addr) = (a.fd(0), a.i32(1), a.fd(2), a.u32(3));
    let (events, data) = if op == EPOLL_CTL_DEL { (0, 0) } else { read_event(ctx, ev_addr)? };
    let ep_file = ctx.file(epfd)?;
    let target = ctx.file(fd)?;
    // Files without poll support (regular files, directories): EPERM.
    let ty = target.ops.stat().map(|s| s.mode & S_IFMT).unwrap_or(0);
    if ty == crate::vfs::S_IFREG || ty == crate::vfs::S_IFDIR || target.flags() & oflags::O_PATH != 0 {
        return Err(Errno::EPERM);
    }
    if events & EPOLLEXCLUSIVE != 0 {
        let allowed = EPOLLIN | EPOLLOUT | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE | 0x40 | 0x100;
        if op == EPOLL_CTL_MOD || (op == EPOLL_CTL_ADD && (events & !allowed != 0 || Epoll::of(&*target.ops).is_some()))
        {
            return Err(Errno::EINVAL);
        }
    }
    let ep = Epoll::of(&*ep_file.ops).ok_or(Errno::EINVAL)?;
    if Arc::ptr_eq(&ep_file, &target) {
        return Err(Errno::EINVAL);
    }
    let events = events | crate::epoll::EPOLLERR | crate::epoll::EPOLLHUP;
    match op {
        EPOLL_CTL_ADD => ep.add(fd, &target, events, data)?,
        EPOLL_CTL_MOD => ep.modify(fd, &target, events, data)?,
        EPOLL_CTL_DEL => ep.delete(fd, &target)?,
        _ => return Err(Errno::EINVAL),
    }
    Ok(0.into())
}

fn do_wait(ctx: &mut Ctx<'_>, epfd: i32, events_addr: u32, maxevents: i32, deadline: Option<u64>) -> KResult<u32> {
    if maxevents <= 0 || maxevents > EP_MAX_EVENTS {
        return Err(Errno::EINVAL);
    }
    check_range(&*ctx.mem, events_addr, maxevents as u64 * EPOLL_EVENT_SIZE as u64)?;
    let file = ctx.file(epfd)?;
    if Epoll::of(&*file.ops).is_none() {
        return Err(Errno::EINVAL);
    }
    let ep = || Epoll::of(&*file.ops).expect("checked above");
    let sources = || {
        let mut v = Vec::new();
        wait_sources(&file.ops, &mut v);
        v
    };
    let found = wait_ready(ctx, sources, deadline, || {
        let ev = ep().scan(maxevents as usize, true);
        Ok((!ev.is_empty()).then_some(ev))
    })?;
    let evs: Vec<Event> = found.unwrap_or_default();
    for (i, e) in evs.iter().enumerate() {
        // Field by field, like Linux's __put_user: the padding stays as it was.
        let addr = events_addr + i as u32 * EPOLL_EVENT_SIZE;
        ctx.write(UserPtr::<u32>::new(addr + EV_EVENTS), &e.events)?;
        ctx.write(UserPtr::<u64>::new(addr + EV_DATA), &e.data)?;
    }
    Ok(evs.len() as u32)
}

/// epoll_pwait(epfd, events, maxevents, timeout_ms, sigmask, sigsetsize).
pub fn sys_epoll_pwait(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (epfd, events, maxevents, timeout_ms) = (a.fd(0), a.u32(1), a.i32(2), a.i32(3));
    let deadline =
        (timeout_ms >= 0).then(|| ctx.now(HostClock::Monotonic).saturating_add(timeout_ms as u64 * 1_000_000));
    let swap = SigmaskSwap::install(ctx, a.u32(4), a.u32(5))?;
    let r = do_wait(ctx, epfd, events, maxevents, deadline);
    Ok(swap.finish(ctx, r)?.into())
}

/// epoll_pwait2(epfd, events, maxevents, timeout (timespec, NULL: forever), sigmask, sigsetsize).
pub fn sys_epoll_pwait2(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (epfd, events, maxevents) = (a.fd(0), a.u32(1), a.i32(2));
    let timeout = a.ptr::<KTimespec>(3).read_opt(&*ctx.mem)?.map(|t| t.to_ns()).transpose()?;
    let deadline = timeout.map(|t| ctx.now(HostClock::Monotonic).saturating_add(t));
    let swap = SigmaskSwap::install(ctx, a.u32(4), a.u32(5))?;
    let r = do_wait(ctx, epfd, events, maxevents, deadline);
    Ok(swap.finish(ctx, r)?.into())
}
