//! mount, umount2 (one mount namespace; tmpfs, devtmpfs, proc, bind
//! mounts, remount; propagation flags are accepted as no-ops since there
//! is nothing to propagate to).

use super::{Args, Ctx, SysResult};
use crate::api::HostClock;
use crate::error::{Errno, KResult};
use crate::file::Timespec;
use crate::fs::tmpfs::TmpFs;
use crate::vfs::ops::Caller;
use crate::vfs::*;

const MS_MOVE: u32 = 8192;
const MS_SILENT: u32 = 32768;
/// MS_UNBINDABLE | MS_PRIVATE | MS_SLAVE | MS_SHARED.
const MS_PROPAGATION: u32 = (1 << 17) | (1 << 18) | (1 << 19) | (1 << 20);
const MS_MGC_MASK: u32 = 0xffff_0000;
const MS_MGC_VAL: u32 = 0xc0ed_0000;
/// Per-mount flags a remount may change.
const MS_PER_MOUNT: u32 = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;

const MNT_FORCE: u32 = 1;
const MNT_DETACH: u32 = 2;
const MNT_EXPIRE: u32 = 4;
const UMOUNT_NOFOLLOW: u32 = 8;

/// `mode=` from tmpfs options (octal).
fn tmpfs_mode(data: &[u8]) -> KResult<u32> {
    let mut mode = 0o1777;
    for opt in data.split(|&b| b == b',') {
        if let Some(v) = opt.strip_prefix(b"mode=") {
            let s = std::str::from_utf8(v).map_err(|_| Errno::EINVAL)?;
            mode = u32::from_str_radix(s, 8).map_err(|_| Errno::EINVAL)?;
        }
    }
    Ok(mode & 0o7777)
}

/// mount(2).
pub fn sys_mount(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (source_addr, target_addr, type_addr, mut flags, data_addr) =
        (a.u32(0), a.u32(1), a.u32(2), a.u32(3), a.u32(4));
    if flags & MS_MGC_MASK == MS_MGC_VAL {
        flags &= !MS_MGC_MASK;
    }
    let creds = ctx.creds();
    if creds.euid != 0 {
        return Err(Errno::EPERM);
    }
    let fsx = ctx.fs()?;
    let target = ctx.read_path(target_addr)?;
    let c = Caller::new(&fsx, &creds);
    let at = c.lookup(&fsx.cwd, &target, true)?;
    if flags & MS_REMOUNT != 0 {
        if !at.is_mount_root() {
            return Err(Errno::EINVAL);
        }
        let keep = at.mnt.flags() & !MS_PER_MOUNT;
        at.mnt.set_flags(keep | (flags & MS_PER_MOUNT));
        return Ok(0.into());
    }
    if flags & MS_PROPAGATION != 0 {
        return Ok(0.into());
    }
    if flags & MS_MOVE != 0 {
        return Err(Errno::EINVAL);
    }
    if at.file_type() != FileType::Directory {
        return Err(Errno::ENOTDIR);
    }
    let mnt_flags = flags & MS_PER_MOUNT;
    if flags & MS_BIND != 0 {
        let source = ctx.read_path(source_addr)?;
        let src = c.lookup(&fsx.cwd, &source, true)?;
        if src.file_type() != FileType::Directory {
            return Err(Errno::ENOTDIR);
        }
        fsx.ns.attach(&at, src.mnt.fs.clone(), src.inode.clone(), mnt_flags, &String::from_utf8_lossy(&source))?;
        return Ok(0.into());
    }
    let fstype = ctx.read_cstr(type_addr, 256)?;
    let data = if data_addr == 0 { Vec::new() } else { ctx.read_cstr(data_addr, 4096)? };
    let source = if source_addr == 0 { fstype.clone() } else { ctx.read_path(source_addr).unwrap_or_default() };
    let host = ctx.kernel.host.clone();
    let clock: crate::fs::tmpfs::Clock =
        std::sync::Arc::new(move || Timespec::from_ns(host.now_ns(HostClock::Realtime)));
    let fs: std::sync::Arc<dyn FileSystem> = match fstype.as_slice() {
        b"tmpfs" => TmpFs::new(clock, tmpfs_mode(&data)?, crate::fs::boot::TMPFS_MAX_BYTES),
        b"devtmpfs" => crate::fs::devfs::new_devfs(clock),
        b"mqueue" => crate::ipc::mqueue_fs::new(ctx.kernel),
        b"proc" => {
            let p = crate::fs::procfs::ProcFs::new();
            p.set_kernel(ctx.kernel.self_ref.clone());
            p
        }
        _ => return Err(Errno::ENODEV),
    };
    let _ = MS_SILENT;
    let root = fs.root();
    fsx.ns.attach(&at, fs, root, mnt_flags, &String::from_utf8_lossy(&source))?;
    Ok(0.into())
}

/// umount2(2): MNT_DETACH (lazy), MNT_FORCE (ignored), UMOUNT_NOFOLLOW.
pub fn sys_umount2(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (target_addr, flags) = (a.u32(0), a.u32(1));
    if flags & !(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW) != 0
        || (flags & MNT_EXPIRE != 0 && flags & (MNT_FORCE | MNT_DETACH) != 0)
    {
        return Err(Errno::EINVAL);
    }
    let creds = ctx.creds();
    if creds.euid != 0 {
        return Err(Errno::EPERM);
    }
    let fsx = ctx.fs()?;
    let target = ctx.read_path(target_addr)?;
    let at = Caller::new(&fsx, &creds).lookup(&fsx.cwd, &target, flags & UMOUNT_NOFOLLOW == 0)?;
    if !at.is_mount_root() {
        return Err(Errno::EINVAL);
    }
    if flags & MNT_EXPIRE != 0 {
        return Err(Errno::EAGAIN);
    }
    let busy = fsx.cwd.mnt.id == at.mnt.id || fsx.root.mnt.id == at.mnt.id;
    fsx.ns.detach(&at.mnt, busy, flags & MNT_DETACH != 0)?;
    Ok(0.into())
}
