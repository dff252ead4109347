//! flock(2) and the record-lock half of fcntl64 ([`fcntl_lock`], called
//! by the fcntl handler for F_GETLK/F_SETLK/F_SETLKW, their 64-bit forms
//! and F_OFD_*): argument decoding; the lock tables and their ownership
//! rules are `vfs::lock`. Blocking waits go through `Ctx::block_on`.

use std::sync::Arc;

use zerocopy::{FromBytes, IntoBytes};

use super::{Args, Ctx, SysResult};
use crate::abi::uapi;
use crate::error::{Errno, KResult};
use crate::file::OpenFile;
use crate::vfs::lock::{key_of, ofd_id, LockKind, LockOwner};

const LOCK_SH: u32 = 1;
const LOCK_EX: u32 = 2;
const LOCK_NB: u32 = 4;
const LOCK_UN: u32 = 8;

pub const F_GETLK: u32 = 5;
pub const F_SETLK: u32 = 6;
pub const F_SETLKW: u32 = 7;
pub const F_GETLK64: u32 = 12;
pub const F_SETLK64: u32 = 13;
pub const F_SETLKW64: u32 = 14;
pub const F_OFD_GETLK: u32 = 36;
pub const F_OFD_SETLK: u32 = 37;
pub const F_OFD_SETLKW: u32 = 38;

const F_RDLCK: i16 = 0;
const F_WRLCK: i16 = 1;
const F_UNLCK: i16 = 2;

/// flock(2).
pub fn sys_flock(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (fd, op) = (a.fd(0), a.u32(1));
    let file = ctx.file(fd)?;
    if file.flags() & crate::file::oflags::O_PATH != 0 {
        return Err(Errno::EBADF);
    }
    let key = key_of(&file)?;
    let owner = ofd_id(&file);
    let locks = &ctx.kernel.file_locks;
    locks.track(&file);
    let exclusive = match op & !LOCK_NB {
        LOCK_SH => false,
        LOCK_EX => true,
        LOCK_UN => {
            locks.flock_unlock(key, owner);
            return Ok(0.into());
        }
        _ => return Err(Errno::EINVAL),
    };
    let nonblock = op & LOCK_NB != 0;
    ctx.block_on(&[&locks.wait], None, nonblock, || locks.try_flock(key, owner, exclusive)).map_err(|e| {
        if e == Errno::ERESTARTSYS {
            Errno::EINTR
        } else {
            e
        }
    })?;
    Ok(0.into())
}

/// The guest `struct flock` (32-bit offsets, cmds 5–7) or `flock64`.
fn read_flock(ctx: &Ctx<'_>, addr: u32, wide: bool) -> KResult<uapi::flock64> {
    if wide {
        let raw = ctx.read_bytes(addr, std::mem::size_of::<uapi::flock64>())?;
        uapi::flock64::read_from_bytes(&raw).map_err(|_| Errno::EFAULT)
    } else {
        let fl = ctx.read(crate::mem::UserPtr::<uapi::flock>::new(addr))?;
        Ok(uapi::flock64 {
            l_type: fl.l_type,
            l_whence: fl.l_whence,
            __bindgen_padding_0: [0; 4],
            l_start: i64::from(fl.l_start),
            l_len: i64::from(fl.l_len),
            l_pid: fl.l_pid,
            __bindgen_padding_1: [0; 4],
        })
    }
}

fn write_flock(ctx: &mut Ctx<'_>, addr: u32, wide: bool, fl: &uapi::flock64) -> KResult<()> {
    if wide {
        return ctx.write_bytes(addr, fl.as_bytes());
    }
    let start = i32::try_from(fl.l_start).map_err(|_| Errno::EOVERFLOW)?;
    let len = i32::try_from(fl.l_len).map_err(|_| Errno::EOVERFLOW)?;
    let narrow = uapi::flock { l_type: fl.l_type, l_whence: fl.l_whence, l_start: start, l_len: len, l_pid: fl.l_pid };
    ctx.write_bytes(addr, narrow.as_bytes())
}

/// `[start, end)` of a lock request relative to the file position/size.
fn range_of(file: &OpenFile, fl: &uapi::flock64) -> KResult<(u64, u64)> {
    let base: i64 = match fl.l_whence {
        0 => 0,
        1 => i64::try_from(*crate::task::lock(&file.pos)).map_err(|_| Errno::EOVERFLOW)?,
        2 => i64::try_from(file.ops.stat()?.size).map_err(|_| Errno::EOVERFLOW)?,
        _ => return Err(Errno::EINVAL),
    };
    let start = base.checked_add(fl.l_start).ok_or(Errno::EOVERFLOW)?;
    let (s, e) = match fl.l_len {
        0 => (start, i64::MAX),
        l if l > 0 => (start, start.checked_add(l).ok_or(Errno::EOVERFLOW)?),
        l => (start.checked_add(l).ok_or(Errno::EOVERFLOW)?, start),
    };
    if s < 0 {
        return Err(Errno::EINVAL);
    }
    let e = if e == i64::MAX { u64::MAX } else { u64::try_from(e).map_err(|_| Errno::EINVAL)? };
    Ok((u64::try_from(s).map_err(|_| Errno::EINVAL)?, e))
}

/// fcntl64 lock commands (F_GETLK/F_SETLK/F_SETLKW, the *64 forms,
/// F_OFD_*) on `file` with the guest struct at `arg`.
pub fn fcntl_lock(ctx: &mut Ctx<'_>, file: &Arc<OpenFile>, cmd: u32, arg: u32) -> SysResult {
    let file = file.clone();
    if file.flags() & crate::file::oflags::O_PATH != 0 {
        return Err(Errno::EBADF);
    }
    let wide = !matches!(cmd, F_GETLK | F_SETLK | F_SETLKW);
    let ofd = matches!(cmd, F_OFD_GETLK | F_OFD_SETLK | F_OFD_SETLKW);
    let mut fl = read_flock(ctx, arg, wide)?;
    if ofd && fl.l_pid != 0 {
        return Err(Errno::EINVAL);
    }
    let pid = ctx.pid();
    let owner = if ofd { LockOwner::File(ofd_id(&file)) } else { LockOwner::Process(pid) };
    let locks = ctx.kernel.file_locks.clone();
    if ofd {
        locks.track(&file);
    }
    let key = key_of(&file)?;
    let (start, end) = range_of(&file, &fl)?;
    let kind = match fl.l_type {
        F_RDLCK => Some(LockKind::Read),
        F_WRLCK => Some(LockKind::Write),
        F_UNLCK => None,
        _ => return Err(Errno::EINVAL),
    };
    match cmd {
        F_GETLK | F_GETLK64 | F_OFD_GETLK => {
            let k = kind.ok_or(Errno::EINVAL)?;
            match locks.test_record(key, owner, k, start, end) {
                None => fl.l_type = F_UNLCK,
                Some(l) => {
                    fl.l_type = if l.kind == LockKind::Write { F_WRLCK } else { F_RDLCK };
                    fl.l_whence = 0;
                    fl.l_start = i64::try_from(l.start).unwrap_or(i64::MAX);
                    fl.l_len = if l.end == u64::MAX { 0 } else { i64::try_from(l.end - l.start).unwrap_or(0) };
                    fl.l_pid = l.pid;
                }
            }
            write_flock(ctx, arg, wide, &fl)?;
            Ok(0.into())
        }
        _ => {
            if kind == Some(LockKind::Read) && !file.readable() || kind == Some(LockKind::Write) && !file.writable() {
                return Err(Errno::EBADF);
            }
            let lpid = if ofd { -1 } else { pid };
            let wait = matches!(cmd, F_SETLKW | F_SETLKW64 | F_OFD_SETLKW);
            ctx.block_on(&[&locks.wait], None, !wait, || locks.try_set_record(key, owner, lpid, kind, start, end))?;
            Ok(0.into())
        }
    }
}
