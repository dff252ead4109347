//! Name and attribute operations: mknodat, unlinkat, renameat2, linkat,
//! symlinkat, readlinkat, faccessat(2), fchmod(at), fchown(at),
//! utimensat_time64, truncate64, ftruncate64, fallocate.

use super::open::{
    fd_node, is_o_path, resolve_at, resolve_node, start_dir, Target, AT_EACCESS, AT_EMPTY_PATH, AT_REMOVEDIR,
    AT_SYMLINK_FOLLOW, AT_SYMLINK_NOFOLLOW,
};
use super::{Args, Ctx, SysResult, AT_FDCWD};
use crate::api::HostClock;
use crate::error::{Errno, KResult};
use crate::file::Timespec;
use crate::vfs::ops::{self, Caller, TimeSpec};
use crate::vfs::{makedev, FileType, PathHandle, FALLOC_FL_KEEP_SIZE};

/// mknodat(2): `dev` in the 32-bit `new_encode_dev` form.
pub fn sys_mknodat(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (dirfd, path_addr, mode, dev) = (a.fd(0), a.u32(1), a.u32(2), a.u32(3));
    let path = ctx.read_path(path_addr)?;
    let fsx = ctx.fs()?;
    let creds = ctx.creds();
    let start = start_dir(ctx, &fsx, dirfd, &path)?;
    let (ma, mi) = (u64::from((dev & 0xfff00) >> 8), u64::from((dev & 0xff) | ((dev >> 12) & 0xfff00)));
    Caller::new(&fsx, &creds).mknod(&start, &path, mode, makedev(ma, mi))?;
    Ok(0.into())
}

/// unlinkat(2) (AT_REMOVEDIR: rmdir).
pub fn sys_unlinkat(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (dirfd, path_addr, flags) = (a.fd(0), a.u32(1), a.u32(2));
    if flags & !AT_REMOVEDIR != 0 {
        return Err(Errno::EINVAL);
    }
    let path = ctx.read_path(path_addr)?;
    let fsx = ctx.fs()?;
    let creds = ctx.creds();
    let start = start_dir(ctx, &fsx, dirfd, &path)?;
    let c = Caller::new(&fsx, &creds);
    if flags & AT_REMOVEDIR != 0 {
        c.rmdir(&start, &path)?;
    } else {
        c.unlink(&start, &path)?;
    }
    Ok(0.into())
}

/// renameat2(2): RENAME_NOREPLACE, RENAME_EXCHANGE.
pub fn sys_renameat2(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (olddirfd, old_addr, newdirfd, new_addr, flags) = (a.fd(0), a.u32(1), a.fd(2), a.u32(3), a.u32(4));
    let old = ctx.read_path(old_addr)?;
    let new = ctx.read_path(new_addr)?;
    let fsx = ctx.fs()?;
    let creds = ctx.creds();
    let os = start_dir(ctx, &fsx, olddirfd, &old)?;
    let ns = start_dir(ctx, &fsx, newdirfd, &new)?;
    Caller::new(&fsx, &creds).rename(&os, &old, &ns, &new, flags)?;
    Ok(0.into())
}

/// linkat(2): AT_SYMLINK_FOLLOW follows the source; AT_EMPTY_PATH links
/// the file behind `olddirfd` (root only, as CAP_DAC_READ_SEARCH).
pub fn sys_linkat(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (olddirfd, old_addr, newdirfd, new_addr, flags) = (a.fd(0), a.u32(1), a.fd(2), a.u32(3), a.u32(4));
    if flags & !(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH) != 0 {
        return Err(Errno::EINVAL);
    }
    let fsx = ctx.fs()?;
    let creds = ctx.creds();
    let mut at = flags & AT_EMPTY_PATH;
    if at != 0 && creds.euid != 0 {
        at = 0;
    }
    let old = resolve_node(ctx, &fsx, &creds, olddirfd, old_addr, at, flags & AT_SYMLINK_FOLLOW != 0)?;
    let new = ctx.read_path(new_addr)?;
    let ns = start_dir(ctx, &fsx, newdirfd, &new)?;
    Caller::new(&fsx, &creds).link(&old, &ns, &new)?;
    Ok(0.into())
}

/// symlinkat(2).
pub fn sys_symlinkat(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (target_addr, newdirfd, path_addr) = (a.u32(0), a.fd(1), a.u32(2));
    let target = ctx.read_path(target_addr)?;
    let path = ctx.read_path(path_addr)?;
    let fsx = ctx.fs()?;
    let creds = ctx.creds();
    let start = start_dir(ctx, &fsx, newdirfd, &path)?;
    Caller::new(&fsx, &creds).symlink(&target, &start, &path)?;
    Ok(0.into())
}

/// readlinkat(2): truncates to `buf_len`, no NUL. An empty path reads the
/// symlink `dirfd` names (O_PATH|O_NOFOLLOW).
pub fn sys_readlinkat(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (dirfd, path_addr, user_buf, buf_len) = (a.fd(0), a.u32(1), a.u32(2), a.i32(3));
    if buf_len <= 0 {
        return Err(Errno::EINVAL);
    }
    let fsx = ctx.fs()?;
    let creds = ctx.creds();
    let h = match resolve_at(ctx, &fsx, &creds, dirfd, path_addr, AT_EMPTY_PATH, false)? {
        Target::Node(h) => h,
        Target::File(_) => return Err(Errno::EINVAL),
    };
    let mut target = h.inode.readlink()?;
    target.truncate(usize::try_from(buf_len).unwrap_or(0));
    ctx.write_bytes(user_buf, &target)?;
    Ok(target.len().into())
}

fn access_common(ctx: &mut Ctx<'_>, dirfd: i32, path_addr: u32, mode: u32, flags: u32) -> SysResult {
    if flags & !(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) != 0 || mode & !7 != 0 {
        return Err(Errno::EINVAL);
    }
    let fsx = ctx.fs()?;
    let mut creds = ctx.creds();
    if flags & AT_EACCESS == 0 {
        creds.fsuid = creds.uid;
        creds.fsgid = creds.gid;
    }
    let h = resolve_node(ctx, &fsx, &creds, dirfd, path_addr, flags, flags & AT_SYMLINK_NOFOLLOW == 0)?;
    ops::access(&creds, &h, mode)?;
    Ok(0.into())
}

/// faccessat(2) (real ids).
pub fn sys_faccessat(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    access_common(ctx, a.fd(0), a.u32(1), a.u32(2), 0)
}

/// faccessat2(2): AT_EACCESS, AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH.
pub fn sys_faccessat2(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    access_common(ctx, a.fd(0), a.u32(1), a.u32(2), a.u32(3))
}

/// The node behind `fd` for attribute calls (O_PATH → EBADF; no node → EINVAL).
fn attr_node(ctx: &Ctx<'_>, fd: i32) -> KResult<PathHandle> {
    let (file, node) = fd_node(ctx, fd)?;
    if is_o_path(&file) {
        return Err(Errno::EBADF);
    }
    node.ok_or(Errno::EINVAL)
}

/// fchmod(2).
pub fn sys_fchmod(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let h = attr_node(ctx, a.fd(0))?;
    ops::chmod(&ctx.creds(), &h, a.u32(1))?;
    Ok(0.into())
}

/// fchmodat(2) (always follows, as the syscall has no flags).
pub fn sys_fchmodat(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let fsx = ctx.fs()?;
    let creds = ctx.creds();
    let h = resolve_node(ctx, &fsx, &creds, a.fd(0), a.u32(1), 0, true)?;
    ops::chmod(&creds, &h, a.u32(2))?;
    Ok(0.into())
}

fn id_arg(v: u32) -> Option<u32> {
    (v != u32::MAX).then_some(v)
}

/// fchown(2).
pub fn sys_fchown(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let h = attr_node(ctx, a.fd(0))?;
    ops::chown(&ctx.creds(), &h, id_arg(a.u32(1)), id_arg(a.u32(2)))?;
    Ok(0.into())
}

/// fchownat(2): AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH.
pub fn sys_fchownat(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (dirfd, path_addr, uid, gid, flags) = (a.fd(0), a.u32(1), a.u32(2), a.u32(3), a.u32(4));
    if flags & !(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) != 0 {
        return Err(Errno::EINVAL);
    }
    let fsx = ctx.fs()?;
    let creds = ctx.creds();
    let h = resolve_node(ctx, &fsx, &creds, dirfd, path_addr, flags, flags & AT_SYMLINK_NOFOLLOW == 0)?;
    ops::chown(&creds, &h, id_arg(uid), id_arg(gid))?;
    Ok(0.into())
}

const UTIME_NOW: i64 = (1 << 30) - 1;
const UTIME_OMIT: i64 = (1 << 30) - 2;

fn decode_time(sec: i64, nsec: i64) -> KResult<TimeSpec> {
    match nsec {
        UTIME_NOW => Ok(TimeSpec::Now),
        UTIME_OMIT => Ok(TimeSpec::Omit),
        0..=999_999_999 => Ok(TimeSpec::Set(Timespec { sec, nsec: u32::try_from(nsec).map_err(|_| Errno::EINVAL)? })),
        _ => Err(Errno::EINVAL),
    }
}

/// utimensat_time64(2): NULL times = now; UTIME_NOW/UTIME_OMIT; a NULL
/// path operates on `dirfd` itself.
pub fn sys_utimensat_time64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (dirfd, path_addr, times_addr, flags) = (a.fd(0), a.u32(1), a.u32(2), a.u32(3));
    if flags & !(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) != 0 {
        return Err(Errno::EINVAL);
    }
    let (atime, mtime) = if times_addr == 0 {
        (TimeSpec::Now, TimeSpec::Now)
    } else {
        let [at, mt] = ctx.read(crate::mem::UserPtr::<[crate::abi::uapi::__kernel_timespec; 2]>::new(times_addr))?;
        (decode_time(at.tv_sec, at.tv_nsec)?, decode_time(mt.tv_sec, mt.tv_nsec)?)
    };
    let fsx = ctx.fs()?;
    let creds = ctx.creds();
    let h = if path_addr == 0 {
        if dirfd == AT_FDCWD {
            return Err(Errno::EFAULT);
        }
        attr_node(ctx, dirfd)?
    } else {
        resolve_node(ctx, &fsx, &creds, dirfd, path_addr, flags, flags & AT_SYMLINK_NOFOLLOW == 0)?
    };
    let now = Timespec::from_ns(ctx.now(HostClock::Realtime));
    ops::utimes(&creds, &h, atime, mtime, now)?;
    Ok(0.into())
}

/// truncate64(2).
pub fn sys_truncate64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (path_addr, len) = (a.u32(0), a.i64_lo_hi(1));
    let fsx = ctx.fs()?;
    let creds = ctx.creds();
    let h = resolve_node(ctx, &fsx, &creds, AT_FDCWD, path_addr, 0, true)?;
    ops::truncate(&creds, &h, len)?;
    Ok(0.into())
}

/// ftruncate64(2): the fd must be open for writing (EINVAL otherwise).
pub fn sys_ftruncate64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (fd, len) = (a.fd(0), a.i64_lo_hi(1));
    let file = ctx.file(fd)?;
    if is_o_path(&file) {
        return Err(Errno::EBADF);
    }
    if len < 0 || !file.writable() {
        return Err(Errno::EINVAL);
    }
    let len = u64::try_from(len).map_err(|_| Errno::EINVAL)?;
    match crate::vfs::file::node_of(&file) {
        Some(h) if h.file_type() == FileType::Regular => {
            h.inode.setattr(&crate::vfs::SetAttr { size: Some(len), ..Default::default() })?
        }
        Some(_) => return Err(Errno::EINVAL),
        None => file.ops.truncate(len)?,
    }
    Ok(0.into())
}

/// fallocate(2): mode 0 and FALLOC_FL_KEEP_SIZE.
pub fn sys_fallocate(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (fd, mode, offset, len) = (a.fd(0), a.u32(1), a.i64_lo_hi(2), a.i64_lo_hi(4));
    if mode & !FALLOC_FL_KEEP_SIZE != 0 {
        return Err(Errno::EOPNOTSUPP);
    }
    if offset < 0 || len <= 0 {
        return Err(Errno::EINVAL);
    }
    let file = ctx.file(fd)?;
    if is_o_path(&file) || !file.writable() {
        return Err(Errno::EBADF);
    }
    let h = crate::vfs::file::node_of(&file).ok_or(Errno::ESPIPE)?;
    match h.file_type() {
        FileType::Regular => {}
        FileType::Directory => return Err(Errno::EISDIR),
        FileType::Fifo => return Err(Errno::ESPIPE),
        _ => return Err(Errno::ENODEV),
    }
    let (off, len) =
        (u64::try_from(offset).map_err(|_| Errno::EINVAL)?, u64::try_from(len).map_err(|_| Errno::EINVAL)?);
    if off.checked_add(len).is_none_or(|e| e > i64::MAX as u64) {
        return Err(Errno::EFBIG);
    }
    h.inode.fallocate(mode, off, len)?;
    Ok(0.into())
}
