//! Descriptor-table calls: close, close_range, dup, dup3, fcntl64.

use super::{Args, Ctx, SysResult};
use crate::error::Errno;
use crate::file::oflags::*;
use crate::task::lock;

/// close(2): the slot is freed even if releasing the object fails.
pub fn sys_close(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let fd = a.fd(0);
    let entry = lock(&ctx.process().fds).remove(fd)?;
    crate::task::release_fds(&ctx.kernel.file_locks, ctx.pid(), vec![entry]);
    Ok(0.into())
}

pub const CLOSE_RANGE_UNSHARE: u32 = 2;
pub const CLOSE_RANGE_CLOEXEC: u32 = 4;

/// close_range(first, last, flags).
pub fn sys_close_range(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (first, last, flags) = (a.u32(0), a.u32(1), a.u32(2));
    if flags & !(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC) != 0 || first > last {
        return Err(Errno::EINVAL);
    }
    let mut closed = Vec::new();
    {
        let mut fds = lock(&ctx.process().fds);
        let hi = (last as u64).min(fds.high_water() as u64) as u32;
        let mut fd = first;
        while fd < hi.saturating_add(1) && (fd as usize) < fds.high_water() {
            let n = i32::try_from(fd).unwrap_or(i32::MAX);
            if flags & CLOSE_RANGE_CLOEXEC != 0 {
                if let Ok(e) = fds.entry_mut(n) {
                    e.cloexec = true;
                }
            } else if let Ok(e) = fds.remove(n) {
                closed.push(e);
            }
            fd += 1;
        }
    }
    crate::task::release_fds(&ctx.kernel.file_locks, ctx.pid(), closed);
    Ok(0.into())
}

pub fn sys_dup(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let file = ctx.file(a.fd(0))?;
    Ok(ctx.install_fd(file, false)?.into())
}

/// dup3(old, new, flags): EINVAL when old == new or flags ≠ O_CLOEXEC.
pub fn sys_dup3(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (old, new, flags) = (a.fd(0), a.fd(1), a.u32(2));
    if flags & !O_CLOEXEC != 0 {
        return Err(Errno::EINVAL);
    }
    if old == new {
        return Err(Errno::EINVAL);
    }
    let limit = ctx.process().nofile_limit();
    let replaced = {
        let mut fds = lock(&ctx.process().fds);
        let file = fds.get(old)?;
        fds.install_at(new, limit, file, flags & O_CLOEXEC != 0)?
    };
    crate::task::release_fds(&ctx.kernel.file_locks, ctx.pid(), replaced.into_iter().collect());
    Ok(new.into())
}

pub const F_DUPFD: u32 = 0;
pub const F_GETFD: u32 = 1;
pub const F_SETFD: u32 = 2;
pub const F_GETFL: u32 = 3;
pub const F_SETFL: u32 = 4;
pub const F_GETLK: u32 = 5;
pub const F_SETLK: u32 = 6;
pub const F_SETLKW: u32 = 7;
pub const F_SETOWN: u32 = 8;
pub const F_GETOWN: u32 = 9;
pub const F_SETSIG: u32 = 10;
pub const F_GETSIG: u32 = 11;
pub const F_GETLK64: u32 = 12;
pub const F_SETLK64: u32 = 13;
pub const F_SETLKW64: u32 = 14;
pub const F_SETOWN_EX: u32 = 15;
pub const F_GETOWN_EX: u32 = 16;
pub const F_OFD_GETLK: u32 = 36;
pub const F_OFD_SETLK: u32 = 37;
pub const F_OFD_SETLKW: u32 = 38;
pub const F_SETLEASE: u32 = 1024;
pub const F_GETLEASE: u32 = 1025;
pub const F_NOTIFY: u32 = 1026;
pub const F_DUPFD_CLOEXEC: u32 = 1030;
pub const F_SETPIPE_SZ: u32 = 1031;
pub const F_GETPIPE_SZ: u32 = 1032;
pub const F_ADD_SEALS: u32 = 1033;
pub const F_GET_SEALS: u32 = 1034;
pub const FD_CLOEXEC: u32 = 1;

/// fcntl64(fd, cmd, arg). Record/OFD locks are the VFS's (`lock.rs`).
pub fn sys_fcntl64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (fd, cmd, arg) = (a.fd(0), a.u32(1), a.u32(2));
    let file = ctx.file(fd)?;
    match cmd {
        F_DUPFD | F_DUPFD_CLOEXEC => {
            let limit = ctx.process().nofile_limit();
            if arg >= limit {
                return Err(Errno::EINVAL);
            }
            let nfd = lock(&ctx.process().fds).install_from(arg, limit, file, cmd == F_DUPFD_CLOEXEC)?;
            Ok(nfd.into())
        }
        F_GETFD => {
            let fds = lock(&ctx.process().fds);
            Ok(if fds.entry(fd)?.cloexec { 1.into() } else { 0.into() })
        }
        F_SETFD => {
            lock(&ctx.process().fds).entry_mut(fd)?.cloexec = arg & FD_CLOEXEC != 0;
            Ok(0.into())
        }
        F_GETFL => Ok(file.flags().into()),
        F_SETFL => {
            let new = (file.flags() & !SETFL_MASK) | (arg & SETFL_MASK);
            file.set_flags(new);
            Ok(0.into())
        }
        F_GETLK | F_SETLK | F_SETLKW | F_GETLK64 | F_SETLK64 | F_SETLKW64 | F_OFD_GETLK | F_OFD_SETLK
        | F_OFD_SETLKW => super::lock_cmd(ctx, &file, cmd, arg),
        F_GETOWN => Ok(0.into()),
        F_SETOWN => Ok(0.into()),
        F_GETSIG => Ok(0.into()),
        F_SETSIG => {
            if arg > crate::signal::NSIG {
                return Err(Errno::EINVAL);
            }
            Ok(0.into())
        }
        F_GETPIPE_SZ => {
            let p = super::pipe::pipe_of_file(&file).ok_or(Errno::EBADF)?;
            Ok(p.capacity().into())
        }
        F_SETPIPE_SZ => {
            let p = super::pipe::pipe_of_file(&file).ok_or(Errno::EBADF)?;
            let privileged = ctx.creds().euid == 0;
            Ok(p.set_capacity(a.usize(2), privileged)?.into())
        }
        F_GETLEASE => Ok(2.into()),
        F_GET_SEALS | F_ADD_SEALS => Err(Errno::EINVAL),
        _ => Err(Errno::EINVAL),
    }
}
