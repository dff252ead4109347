//! sync, fsync, fdatasync, _llseek.

use super::open::is_o_path;
use super::{Args, Ctx, SysResult};
use crate::error::Errno;
use crate::task::lock;

/// sync(2): every mounted file system.
pub fn sys_sync(ctx: &mut Ctx<'_>, _a: Args) -> SysResult {
    if let Ok(fsx) = ctx.fs() {
        for m in fsx.ns.mounts() {
            let _ = m.fs.sync();
        }
    }
    Ok(0.into())
}

/// fsync(2).
pub fn sys_fsync(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let file = ctx.file(a.fd(0))?;
    if is_o_path(&file) {
        return Err(Errno::EBADF);
    }
    file.ops.sync()?;
    Ok(0.into())
}

/// fdatasync(2): same as fsync here.
pub fn sys_fdatasync(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    sys_fsync(ctx, a)
}

const SEEK_SET: u32 = 0;
const SEEK_CUR: u32 = 1;
const SEEK_END: u32 = 2;
const SEEK_DATA: u32 = 3;
const SEEK_HOLE: u32 = 4;

/// _llseek(2): offset high word first; result stored as a 64-bit value.
pub fn sys_llseek(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (fd, offset, result_ptr, whence) = (a.fd(0), a.i64_hi_lo(1), a.ptr::<i64>(3), a.u32(4));
    let file = ctx.file(fd)?;
    if is_o_path(&file) {
        return Err(Errno::EBADF);
    }
    if !file.ops.seekable() {
        return Err(Errno::ESPIPE);
    }
    if let Some(fixed) = file.ops.fixed_seek() {
        *lock(&file.pos) = fixed;
        ctx.write(result_ptr, &i64::try_from(fixed).unwrap_or(i64::MAX))?;
        return Ok(0.into());
    }
    let is_dir = crate::vfs::file::node_of(&file).is_some_and(|h| h.file_type() == crate::vfs::FileType::Directory);
    let new = {
        let mut pos = lock(&file.pos);
        let cur = i64::try_from(*pos).unwrap_or(i64::MAX);
        let size = || file.ops.stat().map(|s| i64::try_from(s.size).unwrap_or(i64::MAX));
        let target = match whence {
            SEEK_SET => Some(offset),
            SEEK_CUR => cur.checked_add(offset),
            SEEK_END if !is_dir => size()?.checked_add(offset),
            SEEK_DATA if !is_dir => {
                let s = size()?;
                if offset >= s || offset < 0 {
                    return Err(Errno::ENXIO);
                }
                Some(offset)
            }
            SEEK_HOLE if !is_dir => {
                let s = size()?;
                if offset >= s || offset < 0 {
                    return Err(Errno::ENXIO);
                }
                Some(s)
            }
            _ => return Err(Errno::EINVAL),
        };
        let t = target.ok_or(Errno::EOVERFLOW)?;
        if t < 0 {
            return Err(Errno::EINVAL);
        }
        *pos = u64::try_from(t).map_err(|_| Errno::EINVAL)?;
        t
    };
    ctx.write(result_ptr, &new)?;
    Ok(0.into())
}

/// syncfs(2): the file system behind `fd`.
pub fn sys_syncfs(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let file = ctx.file(a.fd(0))?;
    if let Some(h) = crate::vfs::file::node_of(&file) {
        h.mnt.fs.sync()?;
    }
    Ok(0.into())
}

/// `SYNC_FILE_RANGE_*` flags.
const SYNC_FILE_RANGE_VALID: u32 = 1 | 2 | 4;

/// sync_file_range(fd, offset, nbytes, flags): arguments are validated as
/// Linux does (flags, negative or overflowing ranges: EINVAL; then EBADF;
/// ESPIPE for pipes, sockets and devices); writeback itself has nothing to
/// do (tmpfs is memory, hostfs writes through).
pub fn sys_sync_file_range(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (fd, offset, nbytes, flags) = (a.fd(0), a.i64_lo_hi(1), a.i64_lo_hi(3), a.u32(5));
    if flags & !SYNC_FILE_RANGE_VALID != 0 || offset < 0 || nbytes < 0 || offset.checked_add(nbytes).is_none() {
        return Err(Errno::EINVAL);
    }
    let file = ctx.file(fd)?;
    if is_o_path(&file) {
        return Err(Errno::EBADF);
    }
    let kind = match crate::vfs::file::node_of(&file) {
        Some(h) => h.file_type(),
        None => return Err(Errno::ESPIPE),
    };
    use crate::vfs::FileType::*;
    if !matches!(kind, Regular | BlockDev | Directory | Symlink) {
        return Err(Errno::ESPIPE);
    }
    Ok(0.into())
}
