//! Extended attributes (man 2 setxattr/getxattr/listxattr/removexattr,
//! man 7 xattr): the path, `l` (no symlink following) and `f` (descriptor)
//! variants. Values live in the kernel's [`XattrStore`] for tmpfs inodes;
//! other file systems (hostfs, procfs, devtmpfs, devpts) and anonymous
//! files have none: `EOPNOTSUPP` for get/set/remove, an empty list.
//!
//! Namespaces as tmpfs offers them: `user.*` (regular files and
//! directories only, Unix permissions), `trusted.*` (CAP_SYS_ADMIN: euid
//! 0; hidden from the list of others), `security.*` (no VFS check);
//! `system.*` and unknown prefixes are `EOPNOTSUPP`. The checks follow
//! Linux's `xattr_permission` order.

use std::sync::Arc;

use super::open::resolve_node;
use super::{Args, Ctx, SysResult, AT_FDCWD};
use crate::cred::{Creds, MAY_READ, MAY_WRITE};
use crate::error::{Errno, KResult};
use crate::file::OpenFile;
use crate::vfs::file::node_of;
use crate::vfs::xattr::{supported, XATTR_CREATE, XATTR_LIST_MAX, XATTR_NAME_MAX, XATTR_REPLACE, XATTR_SIZE_MAX};
use crate::vfs::{ops, PathHandle, S_IFDIR, S_IFMT, S_IFREG, S_ISVTX};

/// What an xattr call acts on: a node, or an open file without one (pipe,
/// socket, eventfd...).
enum XTarget {
    Node(PathHandle),
    Anon(Arc<OpenFile>),
}

/// How a call names its object (path, path without following, fd).
#[derive(Clone, Copy)]
enum By {
    Path,
    LPath,
    Fd,
}

fn target(ctx: &Ctx<'_>, by: By, arg: u32) -> KResult<XTarget> {
    match by {
        By::Fd => {
            let file = ctx.file(i32::from_ne_bytes(arg.to_ne_bytes()))?;
            if super::open::is_o_path(&file) {
                return Err(Errno::EBADF);
            }
            Ok(match node_of(&file) {
                Some(h) => XTarget::Node(h),
                None => XTarget::Anon(file),
            })
        }
        By::Path | By::LPath => {
            let fsx = ctx.fs()?;
            let creds = ctx.creds();
            Ok(XTarget::Node(resolve_node(ctx, &fsx, &creds, AT_FDCWD, arg, 0, matches!(by, By::Path))?))
        }
    }
}

/// The attribute name argument: 1..=255 bytes (ERANGE otherwise).
fn read_name(ctx: &Ctx<'_>, addr: u32) -> KResult<Vec<u8>> {
    let name = crate::mem::read_cstr(&*ctx.mem, addr, XATTR_NAME_MAX + 1, Errno::ERANGE)?;
    if name.is_empty() || name.len() > XATTR_NAME_MAX {
        return Err(Errno::ERANGE);
    }
    Ok(name)
}

fn has_prefix(name: &[u8], p: &str) -> bool {
    name.starts_with(p.as_bytes())
}

fn is_admin(creds: &Creds) -> bool {
    creds.euid == 0
}

/// Linux's `xattr_permission` for `may` (MAY_READ or MAY_WRITE).
fn permission(creds: &Creds, t: &XTarget, name: &[u8], may: u32) -> KResult<()> {
    let (st, read_only) = match t {
        XTarget::Node(h) => (h.stat()?, h.mnt.read_only()),
        XTarget::Anon(f) => (f.ops.stat()?, false),
    };
    if may & MAY_WRITE != 0 && read_only {
        return Err(Errno::EROFS);
    }
    if has_prefix(name, "security.") || has_prefix(name, "system.") {
        return Ok(());
    }
    let denied = if may & MAY_WRITE != 0 { Errno::EPERM } else { Errno::ENODATA };
    if has_prefix(name, "trusted.") {
        return if is_admin(creds) { Ok(()) } else { Err(denied) };
    }
    if has_prefix(name, "user.") {
        let kind = st.mode & S_IFMT;
        if kind != S_IFREG && kind != S_IFDIR {
            return Err(denied);
        }
        if kind == S_IFDIR
            && st.mode & S_ISVTX != 0
            && may & MAY_WRITE != 0
            && !(creds.fsuid == st.uid || is_admin(creds))
        {
            return Err(Errno::EPERM);
        }
    }
    match t {
        XTarget::Node(h) => ops::permission(creds, h, may),
        XTarget::Anon(_) => {
            if creds.permits(st.mode, st.uid, st.gid, may) {
                Ok(())
            } else {
                Err(Errno::EACCES)
            }
        }
    }
}

/// The node whose attributes are stored (EOPNOTSUPP when the file system
/// keeps none, or the name's namespace is not one tmpfs offers).
fn store_node<'t>(t: &'t XTarget, name: &[u8]) -> KResult<&'t PathHandle> {
    match t {
        XTarget::Node(h) if supported(h) && ["user.", "trusted.", "security."].iter().any(|p| has_prefix(name, p)) => {
            Ok(h)
        }
        _ => Err(Errno::EOPNOTSUPP),
    }
}

fn do_set(ctx: &mut Ctx<'_>, a: Args, by: By) -> SysResult {
    let (obj, name_addr, value_addr, size, flags) = (a.u32(0), a.u32(1), a.u32(2), a.usize(3), a.u32(4));
    if flags & !(XATTR_CREATE | XATTR_REPLACE) != 0 {
        return Err(Errno::EINVAL);
    }
    let name = read_name(ctx, name_addr)?;
    if size > XATTR_SIZE_MAX {
        return Err(Errno::E2BIG);
    }
    let value = if size == 0 { Vec::new() } else { ctx.read_bytes(value_addr, size)? };
    let t = target(ctx, by, obj)?;
    let creds = ctx.creds();
    permission(&creds, &t, &name, MAY_WRITE)?;
    let h = store_node(&t, &name)?;
    ctx.kernel.xattrs.set(h, &name, &value, flags)?;
    Ok(0.into())
}

fn do_get(ctx: &mut Ctx<'_>, a: Args, by: By) -> SysResult {
    let (obj, name_addr, user_buf, size) = (a.u32(0), a.u32(1), a.u32(2), a.usize(3));
    let t = target(ctx, by, obj)?;
    let name = read_name(ctx, name_addr)?;
    let creds = ctx.creds();
    permission(&creds, &t, &name, MAY_READ)?;
    let h = store_node(&t, &name)?;
    let value = ctx.kernel.xattrs.get(h, &name)?;
    let size = size.min(XATTR_SIZE_MAX);
    if size == 0 {
        return Ok(value.len().into());
    }
    if value.len() > size {
        return Err(Errno::ERANGE);
    }
    ctx.write_bytes(user_buf, &value)?;
    Ok(value.len().into())
}

fn do_list(ctx: &mut Ctx<'_>, a: Args, by: By) -> SysResult {
    let (obj, user_buf, size) = (a.u32(0), a.u32(1), a.usize(2));
    let t = target(ctx, by, obj)?;
    let creds = ctx.creds();
    let mut list = Vec::new();
    // File systems without xattrs list nothing (no LSM names either).
    if let XTarget::Node(h) = &t {
        if supported(h) {
            for n in ctx.kernel.xattrs.list(h) {
                if has_prefix(&n, "trusted.") && !is_admin(&creds) {
                    continue;
                }
                list.extend_from_slice(&n);
                list.push(0);
            }
        }
    }
    let size = size.min(XATTR_LIST_MAX);
    if size == 0 {
        return Ok(list.len().into());
    }
    if list.len() > size {
        return Err(Errno::ERANGE);
    }
    ctx.write_bytes(user_buf, &list)?;
    Ok(list.len().into())
}

fn do_remove(ctx: &mut Ctx<'_>, a: Args, by: By) -> SysResult {
    let (obj, name_addr) = (a.u32(0), a.u32(1));
    let name = read_name(ctx, name_addr)?;
    let t = target(ctx, by, obj)?;
    let creds = ctx.creds();
    permission(&creds, &t, &name, MAY_WRITE)?;
    let h = store_node(&t, &name)?;
    ctx.kernel.xattrs.remove(h, &name)?;
    Ok(0.into())
}

pub fn sys_setxattr(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    do_set(ctx, a, By::Path)
}
pub fn sys_lsetxattr(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    do_set(ctx, a, By::LPath)
}
pub fn sys_fsetxattr(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    do_set(ctx, a, By::Fd)
}
pub fn sys_getxattr(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    do_get(ctx, a, By::Path)
}
pub fn sys_lgetxattr(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    do_get(ctx, a, By::LPath)
}
pub fn sys_fgetxattr(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    do_get(ctx, a, By::Fd)
}
pub fn sys_listxattr(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    do_list(ctx, a, By::Path)
}
pub fn sys_llistxattr(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    do_list(ctx, a, By::LPath)
}
pub fn sys_flistxattr(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    do_list(ctx, a, By::Fd)
}
pub fn sys_removexattr(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    do_remove(ctx, a, By::Path)
}
pub fn sys_lremovexattr(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    do_remove(ctx, a, By::LPath)
}
pub fn sys_fremovexattr(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    do_remove(ctx, a, By::Fd)
}
