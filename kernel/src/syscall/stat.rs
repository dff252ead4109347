//! fstatat64, fstat64, statx, statfs64, fstatfs64.

use zerocopy::IntoBytes;

use super::open::{resolve_at, Target, AT_EMPTY_PATH, AT_NO_AUTOMOUNT, AT_STATX_SYNC_TYPE, AT_SYMLINK_NOFOLLOW};
use super::{Args, Ctx, SysResult};
use crate::abi::uapi;
use crate::error::{Errno, KResult};
use crate::file::Stat;
use crate::vfs::file::node_of;
use crate::vfs::{major, minor, ops, StatFs};

fn clamp_i32(v: i64) -> i32 {
    i32::try_from(v).unwrap_or(if v < 0 { i32::MIN } else { i32::MAX })
}

/// `struct stat64` of the asm-generic 32-bit ABI (32-bit times).
pub fn to_stat64(st: &Stat) -> uapi::stat64 {
    uapi::stat64 {
        st_dev: st.dev,
        st_ino: st.ino,
        st_mode: st.mode,
        st_nlink: st.nlink,
        st_uid: st.uid,
        st_gid: st.gid,
        st_rdev: st.rdev,
        __pad1: 0,
        st_size: i64::try_from(st.size).unwrap_or(i64::MAX),
        st_blksize: i32::try_from(st.blksize).unwrap_or(4096),
        __pad2: 0,
        st_blocks: i64::try_from(st.blocks).unwrap_or(i64::MAX),
        st_atime: clamp_i32(st.atime.sec),
        st_atime_nsec: st.atime.nsec,
        st_mtime: clamp_i32(st.mtime.sec),
        st_mtime_nsec: st.mtime.nsec,
        st_ctime: clamp_i32(st.ctime.sec),
        st_ctime_nsec: st.ctime.nsec,
        __unused4: 0,
        __unused5: 0,
    }
}

fn stat_target(t: &Target) -> KResult<Stat> {
    match t {
        Target::Node(h) => h.stat(),
        Target::File(f) => f.ops.stat(),
    }
}

/// fstatat64(2).
pub fn sys_fstatat64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (dirfd, path_addr, user_buf, flags) = (a.fd(0), a.u32(1), a.u32(2), a.u32(3));
    if flags & !(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH) != 0 {
        return Err(Errno::EINVAL);
    }
    let fsx = ctx.fs()?;
    let creds = ctx.creds();
    let t = resolve_at(ctx, &fsx, &creds, dirfd, path_addr, flags, flags & AT_SYMLINK_NOFOLLOW == 0)?;
    let st = to_stat64(&stat_target(&t)?);
    ctx.write_bytes(user_buf, st.as_bytes())?;
    Ok(0.into())
}

/// fstat64(2).
pub fn sys_fstat64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (fd, user_buf) = (a.fd(0), a.u32(1));
    let file = ctx.file(fd)?;
    let st = match node_of(&file) {
        Some(h) => h.stat()?,
        None => file.ops.stat()?,
    };
    ctx.write_bytes(user_buf, to_stat64(&st).as_bytes())?;
    Ok(0.into())
}

const STATX_BASIC_STATS: u32 = 0x7ff;
const STATX_BTIME: u32 = 0x800;
const STATX_MNT_ID: u32 = 0x1000;
const STATX_RESERVED: u32 = 0x8000_0000;

fn sx_time(t: crate::file::Timespec) -> uapi::statx_timestamp {
    uapi::statx_timestamp { tv_sec: t.sec, tv_nsec: t.nsec, __reserved: 0 }
}

/// statx(2).
pub fn sys_statx(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (dirfd, path_addr, flags, mask, user_buf) = (a.fd(0), a.u32(1), a.u32(2), a.u32(3), a.u32(4));
    if flags & !(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE) != 0
        || flags & AT_STATX_SYNC_TYPE == AT_STATX_SYNC_TYPE
        || mask & STATX_RESERVED != 0
    {
        return Err(Errno::EINVAL);
    }
    let fsx = ctx.fs()?;
    let creds = ctx.creds();
    let t = resolve_at(ctx, &fsx, &creds, dirfd, path_addr, flags, flags & AT_SYMLINK_NOFOLLOW == 0)?;
    let st = stat_target(&t)?;
    let mnt_id = match &t {
        Target::Node(h) => h.mnt.id,
        Target::File(_) => 0,
    };
    let has_btime = st.btime != crate::file::Timespec::default();
    let mut sx = uapi::statx {
        stx_mask: STATX_BASIC_STATS | STATX_MNT_ID | if has_btime { STATX_BTIME } else { 0 },
        stx_blksize: st.blksize,
        stx_attributes: 0,
        stx_nlink: st.nlink,
        stx_uid: st.uid,
        stx_gid: st.gid,
        stx_mode: u16::try_from(st.mode & 0xffff).unwrap_or(0),
        __spare0: [0],
        stx_ino: st.ino,
        stx_size: st.size,
        stx_blocks: st.blocks,
        stx_attributes_mask: 0,
        stx_atime: sx_time(st.atime),
        stx_btime: sx_time(st.btime),
        stx_ctime: sx_time(st.ctime),
        stx_mtime: sx_time(st.mtime),
        stx_rdev_major: u32::try_from(major(st.rdev)).unwrap_or(0),
        stx_rdev_minor: u32::try_from(minor(st.rdev)).unwrap_or(0),
        stx_dev_major: u32::try_from(major(st.dev)).unwrap_or(0),
        stx_dev_minor: u32::try_from(minor(st.dev)).unwrap_or(0),
        stx_mnt_id: mnt_id,
        stx_dio_mem_align: 0,
        stx_dio_offset_align: 0,
        __spare3: [0; 12],
    };
    if !has_btime {
        sx.stx_btime = sx_time(Default::default());
    }
    ctx.write_bytes(user_buf, sx.as_bytes())?;
    Ok(0.into())
}

fn to_statfs64(s: &StatFs) -> uapi::statfs64 {
    let fsid = uapi::__kernel_fsid_t { val: [s.fsid as i32, (s.fsid >> 32) as i32] };
    uapi::statfs64 {
        f_type: s.fs_type,
        f_bsize: s.bsize,
        f_blocks: s.blocks,
        f_bfree: s.bfree,
        f_bavail: s.bavail,
        f_files: s.files,
        f_ffree: s.ffree,
        f_fsid: fsid,
        f_namelen: s.namelen,
        f_frsize: s.frsize,
        f_flags: s.flags,
        f_spare: [0; 4],
        __bindgen_padding_0: [0; 4],
    }
}

/// statfs64(2): `size` must be sizeof(struct statfs64).
pub fn sys_statfs64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (path_addr, size, user_buf) = (a.u32(0), a.usize(1), a.u32(2));
    if size != std::mem::size_of::<uapi::statfs64>() {
        return Err(Errno::EINVAL);
    }
    let fsx = ctx.fs()?;
    let creds = ctx.creds();
    let path = ctx.read_path(path_addr)?;
    let h = crate::vfs::ops::Caller::new(&fsx, &creds).lookup(&fsx.cwd, &path, true)?;
    let s = to_statfs64(&ops::statfs(&h)?);
    ctx.write_bytes(user_buf, s.as_bytes())?;
    Ok(0.into())
}

/// fstatfs64(2).
pub fn sys_fstatfs64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (fd, size, user_buf) = (a.fd(0), a.usize(1), a.u32(2));
    if size != std::mem::size_of::<uapi::statfs64>() {
        return Err(Errno::EINVAL);
    }
    let file = ctx.file(fd)?;
    let s = match node_of(&file) {
        Some(h) => ops::statfs(&h)?,
        // pipefs/sockfs/anon inodes.
        None => {
            StatFs { fs_type: 0x5049_5045, bsize: 4096, namelen: 255, frsize: 4096, flags: 0x20, ..Default::default() }
        }
    };
    ctx.write_bytes(user_buf, to_statfs64(&s).as_bytes())?;
    Ok(0.into())
}
