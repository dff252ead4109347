//! openat, openat2 and the helpers every VFS family shares: turning a
//! (dirfd, path, AT_* flags) triple into a path handle, opening devices,
//! installing an opened file.

use std::sync::Arc;

use zerocopy::FromBytes;

use super::{Args, Ctx, SysResult, AT_FDCWD};
use crate::abi::uapi;
use crate::cred::Creds;
use crate::error::{Errno, KResult};
use crate::file::{oflags::*, FileOps, OpenFile};
use crate::vfs::file::node_of;
use crate::vfs::ops::{Caller, Opened};
use crate::vfs::path::path_of;
use crate::vfs::{FileType, FsContext, PathHandle};

pub const AT_SYMLINK_NOFOLLOW: u32 = 0x100;
pub const AT_REMOVEDIR: u32 = 0x200;
pub const AT_EACCESS: u32 = 0x200;
pub const AT_SYMLINK_FOLLOW: u32 = 0x400;
pub const AT_NO_AUTOMOUNT: u32 = 0x800;
pub use crate::vfs::AT_EMPTY_PATH;
pub const AT_STATX_SYNC_TYPE: u32 = 0x6000;

/// What a (dirfd, path) names: a node, or (AT_EMPTY_PATH on a pipe,
/// socket...) an open file that has no node.
pub enum Target {
    Node(PathHandle),
    File(Arc<OpenFile>),
}

/// The start directory for a relative `path` at `dirfd`.
pub fn start_dir(ctx: &Ctx<'_>, fsx: &FsContext, dirfd: i32, path: &[u8]) -> KResult<PathHandle> {
    if path.first() == Some(&b'/') {
        return Ok(fsx.root.clone());
    }
    if dirfd == AT_FDCWD {
        return Ok(fsx.cwd.clone());
    }
    let file = ctx.file(dirfd)?;
    let h = node_of(&file).ok_or(Errno::ENOTDIR)?;
    if !path.is_empty() && h.file_type() != FileType::Directory {
        return Err(Errno::ENOTDIR);
    }
    Ok(h)
}

/// Resolve `(dirfd, path_addr)` honouring AT_EMPTY_PATH and
/// AT_SYMLINK_NOFOLLOW (or AT_SYMLINK_FOLLOW for `linkat`, with
/// `follow_default`).
pub fn resolve_at(
    ctx: &Ctx<'_>,
    fsx: &FsContext,
    creds: &Creds,
    dirfd: i32,
    path_addr: u32,
    at_flags: u32,
    follow: bool,
) -> KResult<Target> {
    let path = ctx.read_path(path_addr)?;
    if path.is_empty() {
        if at_flags & AT_EMPTY_PATH == 0 {
            return Err(Errno::ENOENT);
        }
        if dirfd == AT_FDCWD {
            return Ok(Target::Node(fsx.cwd.clone()));
        }
        let file = ctx.file(dirfd)?;
        return Ok(match node_of(&file) {
            Some(h) => Target::Node(h),
            None => Target::File(file),
        });
    }
    let start = start_dir(ctx, fsx, dirfd, &path)?;
    Ok(Target::Node(Caller::new(fsx, creds).lookup(&start, &path, follow)?))
}

/// Like [`resolve_at`] but requires a node (EBADF-free paths for chmod...).
pub fn resolve_node(
    ctx: &Ctx<'_>,
    fsx: &FsContext,
    creds: &Creds,
    dirfd: i32,
    path_addr: u32,
    at_flags: u32,
    follow: bool,
) -> KResult<PathHandle> {
    match resolve_at(ctx, fsx, creds, dirfd, path_addr, at_flags, follow)? {
        Target::Node(h) => Ok(h),
        Target::File(_) => Err(Errno::EINVAL),
    }
}

/// The node behind `fd` (EBADF for a bad fd; `EINVAL` for files with no node).
pub fn fd_node(ctx: &Ctx<'_>, fd: i32) -> KResult<(Arc<OpenFile>, Option<PathHandle>)> {
    let file = ctx.file(fd)?;
    let node = node_of(&file);
    Ok((file, node))
}

/// Is `file` an O_PATH file (most fd operations → EBADF)?
pub fn is_o_path(file: &OpenFile) -> bool {
    file.flags() & O_PATH != 0
}

/// Guest path recorded in the open file (for /proc/<pid>/fd).
fn abs_path(fsx: &FsContext, start: &PathHandle, path: &[u8]) -> Vec<u8> {
    if path.first() == Some(&b'/') {
        return path.to_vec();
    }
    let mut p = path_of(fsx, start).unwrap_or_else(|_| b"/".to_vec());
    if p != b"/" {
        p.push(b'/');
    } else {
        p.clear();
        p.push(b'/');
    }
    p.extend_from_slice(path);
    p
}

/// Open memory devices by number.
pub fn dev_opener(ctx: &Ctx<'_>) -> impl Fn(u64) -> Option<KResult<Arc<dyn FileOps>>> {
    let host = ctx.kernel.host.clone();
    move |rdev| crate::fs::devfs::open_chrdev(&host, rdev)
}

/// The common open path of openat/openat2: returns the new fd.
pub fn do_open(ctx: &mut Ctx<'_>, dirfd: i32, path: &[u8], flags: u32, mode: u32) -> KResult<i32> {
    let fsx = ctx.fs()?;
    do_open_in(ctx, &fsx, dirfd, path, flags, mode)
}

/// [`do_open`] with an explicit fs context (openat2 RESOLVE_IN_ROOT).
fn do_open_in(ctx: &mut Ctx<'_>, fsx: &FsContext, dirfd: i32, path: &[u8], flags: u32, mode: u32) -> KResult<i32> {
    let fsx = fsx.clone();
    let creds = ctx.creds();
    let start = start_dir(ctx, &fsx, dirfd, path)?;
    let devs = dev_opener(ctx);
    let (h, opened) = Caller::new(&fsx, &creds).open(&start, path, flags, mode, &devs)?;
    let ops: Arc<dyn FileOps> = match opened {
        Opened::File(f) => f,
        Opened::Tty(rdev) => crate::tty::open(ctx.kernel, &ctx.task, rdev, flags)?,
        // The pipe shared through the inode's fifo_slot (man 7 fifo rules).
        Opened::Fifo(node) => super::pipe::open_fifo(ctx.kernel, &ctx.task, &node, flags)?,
    };
    let _ = h;
    let status = flags & !(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC);
    let file = OpenFile::new(ops, status, abs_path(&fsx, &start, path));
    ctx.install_fd(file, flags & O_CLOEXEC != 0)
}

/// openat(2).
pub fn sys_openat(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (dirfd, path_addr, flags, mode) = (a.fd(0), a.u32(1), a.u32(2), a.u32(3));
    let path = ctx.read_path(path_addr)?;
    Ok(do_open(ctx, dirfd, &path, flags, mode & 0o7777)?.into())
}

const RESOLVE_IN_ROOT: u64 = 0x10;

/// openat2(2): `struct open_how`. RESOLVE_IN_ROOT is supported; the
/// other RESOLVE_* restrictions are refused with EINVAL.
pub fn sys_openat2(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (dirfd, path_addr, how_addr, size) = (a.fd(0), a.u32(1), a.u32(2), a.usize(3));
    if size < std::mem::size_of::<uapi::open_how>() || size > 4096 {
        return Err(Errno::EINVAL);
    }
    let raw = ctx.read_bytes(how_addr, size)?;
    if raw[24..].iter().any(|&b| b != 0) {
        return Err(Errno::E2BIG);
    }
    let how = uapi::open_how::read_from_bytes(&raw[..24]).map_err(|_| Errno::EINVAL)?;
    let flags = u32::try_from(how.flags).map_err(|_| Errno::EINVAL)?;
    let known = O_ACCMODE
        | O_CREAT
        | O_EXCL
        | O_NOCTTY
        | O_TRUNC
        | O_APPEND
        | O_NONBLOCK
        | O_DSYNC
        | FASYNC
        | O_DIRECT
        | O_LARGEFILE
        | O_DIRECTORY
        | O_NOFOLLOW
        | O_NOATIME
        | O_CLOEXEC
        | O_SYNC
        | O_PATH
        | O_TMPFILE;
    if flags & !known != 0
        || how.mode & !0o7777 != 0
        || (how.mode != 0 && flags & O_CREAT == 0 && flags & O_TMPFILE != O_TMPFILE)
    {
        return Err(Errno::EINVAL);
    }
    if how.resolve & !RESOLVE_IN_ROOT != 0 {
        return Err(Errno::EINVAL);
    }
    let path = ctx.read_path(path_addr)?;
    if how.resolve & RESOLVE_IN_ROOT != 0 {
        // Resolve with the start directory as the root.
        let mut fsx = ctx.fs()?;
        let start = start_dir(ctx, &fsx, dirfd, b"x")?;
        fsx.root = start.clone();
        fsx.cwd = start;
        let rel: Vec<u8> = path.iter().copied().skip_while(|&b| b == b'/').collect();
        let rel = if rel.is_empty() { b".".to_vec() } else { rel };
        return Ok(do_open_in(ctx, &fsx, AT_FDCWD, &rel, flags, how.mode as u32)?.into());
    }
    Ok(do_open(ctx, dirfd, &path, flags, how.mode as u32)?.into())
}
