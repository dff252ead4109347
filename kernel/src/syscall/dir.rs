//! mkdirat, getdents64, getcwd, chdir, fchdir, chroot.

use super::open::{fd_node, is_o_path, start_dir};
use zerocopy::{FromZeros, IntoBytes};

use super::{Args, Ctx, SysResult};
use crate::abi::uapi;
use crate::error::Errno;
use crate::task::lock;
use crate::vfs::ops::{check_chdir, Caller};
use crate::vfs::path::path_of;

/// mkdirat(2).
pub fn sys_mkdirat(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (dirfd, path_addr, mode) = (a.fd(0), a.u32(1), a.u32(2));
    let path = ctx.read_path(path_addr)?;
    let fsx = ctx.fs()?;
    let creds = ctx.creds();
    let start = start_dir(ctx, &fsx, dirfd, &path)?;
    Caller::new(&fsx, &creds).mkdir(&start, &path, mode & 0o7777)?;
    Ok(0.into())
}

/// Size of the fixed part of `struct linux_dirent64` (before d_name).
const DIRENT64_HEADER: usize = uapi::DIRENT64_NAME_OFFSET as usize;

/// getdents64(2): entries from the file position (a readdir cookie).
pub fn sys_getdents64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (fd, user_buf, buf_len) = (a.fd(0), a.u32(1), a.usize(2));
    let file = ctx.file(fd)?;
    if is_o_path(&file) {
        return Err(Errno::EBADF);
    }
    crate::mem::check_range(&*ctx.mem, user_buf, buf_len as u64)?;
    let mut out = Vec::new();
    let mut pos = lock(&file.pos);
    while let Some((e, next)) = file.ops.readdir(*pos)? {
        let reclen = (DIRENT64_HEADER + e.name.len() + 1).div_ceil(8) * 8;
        if out.len() + reclen > buf_len {
            if out.is_empty() {
                return Err(Errno::EINVAL);
            }
            break;
        }
        let start = out.len();
        out.resize(start + reclen, 0);
        let rec = &mut out[start..];
        let head = uapi::linux_dirent64 {
            d_ino: e.ino,
            d_off: next as i64,
            d_reclen: u16::try_from(reclen).unwrap_or(u16::MAX),
            d_type: e.kind,
            ..FromZeros::new_zeroed()
        };
        rec[..DIRENT64_HEADER].copy_from_slice(&head.as_bytes()[..DIRENT64_HEADER]);
        rec[DIRENT64_HEADER..DIRENT64_HEADER + e.name.len()].copy_from_slice(&e.name);
        *pos = next;
    }
    drop(pos);
    ctx.write_bytes(user_buf, &out)?;
    Ok(out.len().into())
}

/// getcwd(2): returns the length including the NUL; ERANGE when short,
/// ENOENT when the directory was removed.
pub fn sys_getcwd(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (user_buf, size) = (a.u32(0), a.usize(1));
    let fsx = ctx.fs()?;
    let mut path = path_of(&fsx, &fsx.cwd)?;
    path.push(0);
    if path.len() > size {
        return Err(Errno::ERANGE);
    }
    ctx.write_bytes(user_buf, &path)?;
    Ok(path.len().into())
}

/// chdir(2).
pub fn sys_chdir(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let path = ctx.read_path(a.u32(0))?;
    let fsx = ctx.fs()?;
    let creds = ctx.creds();
    let h = Caller::new(&fsx, &creds).chdir_target(&fsx.cwd, &path)?;
    if let Some(f) = lock(&ctx.process().fs).as_mut() {
        f.cwd = h;
    }
    Ok(0.into())
}

/// fchdir(2).
pub fn sys_fchdir(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (_, node) = fd_node(ctx, a.fd(0))?;
    let h = node.ok_or(Errno::ENOTDIR)?;
    check_chdir(&ctx.creds(), &h)?;
    if let Some(f) = lock(&ctx.process().fs).as_mut() {
        f.cwd = h;
    }
    Ok(0.into())
}

/// chroot(2): root only (CAP_SYS_CHROOT). The cwd is left alone, as on Linux.
pub fn sys_chroot(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let path = ctx.read_path(a.u32(0))?;
    let fsx = ctx.fs()?;
    let creds = ctx.creds();
    let h = Caller::new(&fsx, &creds).chdir_target(&fsx.cwd, &path)?;
    if creds.euid != 0 {
        return Err(Errno::EPERM);
    }
    if let Some(f) = lock(&ctx.process().fs).as_mut() {
        f.root = h;
    }
    Ok(0.into())
}
