//! Data transfer on descriptors: read, write, readv, writev, pread64,
//! pwrite64, preadv, pwritev, sendfile64. Offsets of seekable files are
//! kept in the `OpenFile`; streams block through `Ctx::block_on`.

use std::sync::Arc;

use super::{Args, Ctx, SysResult};
use crate::error::{Errno, KResult};
use crate::file::{oflags, OpenFile};
use crate::signal::{SigInfo, SIGPIPE};
use crate::task::lock;

/// Largest single transfer (`MAX_RW_COUNT`: INT_MAX rounded down to a page).
pub const MAX_RW_COUNT: usize = 0x7fff_f000;
/// Chunk size for copies through the kernel.
const CHUNK: usize = 256 * 1024;

/// Read up to `len` bytes from `file` (at `offset`, or the file position
/// when `None`), blocking on streams unless O_NONBLOCK.
pub(crate) fn read_file(ctx: &Ctx<'_>, file: &Arc<OpenFile>, len: usize, offset: Option<u64>) -> KResult<Vec<u8>> {
    if !file.readable() {
        return Err(Errno::EBADF);
    }
    let len = len.min(MAX_RW_COUNT);
    if file.ops.seekable() {
        let mut pos_guard = if offset.is_none() { Some(lock(&file.pos)) } else { None };
        let start = offset.unwrap_or_else(|| pos_guard.as_deref().copied().unwrap_or(0));
        let mut out = Vec::new();
        while out.len() < len {
            let want = (len - out.len()).min(CHUNK);
            let mut buf = vec![0u8; want];
            let n = file.ops.read(&mut buf, start + out.len() as u64)?;
            out.extend_from_slice(&buf[..n]);
            if n < want {
                break;
            }
        }
        if let Some(p) = pos_guard.as_deref_mut() {
            *p = start + out.len() as u64;
        }
        return Ok(out);
    }
    // Terminals: job control (SIGTTIN), canonical lines, VMIN/VTIME.
    if let Some(r) = crate::tty::read(ctx.kernel, &ctx.task, file, len) {
        return r;
    }
    let want = len.min(1 << 20);
    let queue = file.ops.wait_queue();
    let queues: Vec<_> = queue.into_iter().collect();
    let mut buf = vec![0u8; want];
    let n = ctx.block_on(&queues, None, file.nonblocking(), || file.ops.read(&mut buf, 0))?;
    buf.truncate(n);
    Ok(buf)
}

/// How many of `len` bytes at `start` RLIMIT_FSIZE lets the caller write to
/// `file`. Regular files only; at or past the limit the caller gets SIGXFSZ
/// and `EFBIG` (man 2 write, man 2 setrlimit); a write crossing it is short.
pub(crate) fn fsize_allowed(ctx: &Ctx<'_>, file: &OpenFile, start: u64, len: usize) -> KResult<usize> {
    let limit = lock(&ctx.process().rlimits)[crate::task::RLIMIT_FSIZE].cur;
    if limit == crate::task::RLIM_INFINITY || len == 0 {
        return Ok(len);
    }
    if file.ops.stat()?.mode & crate::vfs::inode::S_IFMT != crate::vfs::inode::S_IFREG {
        return Ok(len);
    }
    if start >= limit {
        ctx.kernel.send_to_task(
            &ctx.task,
            crate::signal::SigInfo::user(crate::signal::SIGXFSZ, ctx.pid(), lock(&ctx.process().creds).uid),
        );
        return Err(Errno::EFBIG);
    }
    Ok(usize::try_from(limit - start).map_or(len, |room| room.min(len)))
}

/// Write `data` to `file`. Streams: blocking writers wait until all is
/// written (partial count if interrupted after progress). EPIPE raises
/// SIGPIPE on the caller.
pub(crate) fn write_file(ctx: &Ctx<'_>, file: &Arc<OpenFile>, data: &[u8], offset: Option<u64>) -> KResult<usize> {
    if !file.writable() {
        return Err(Errno::EBADF);
    }
    // Terminals with TOSTOP: background writers get SIGTTOU.
    crate::tty::check_write(ctx.kernel, &ctx.task, file)?;
    let r = write_inner(ctx, file, data, offset);
    if r == Err(Errno::EPIPE) {
        ctx.kernel.send_to_task(&ctx.task, SigInfo::user(SIGPIPE, ctx.pid(), lock(&ctx.process().creds).uid));
    }
    r
}

fn write_inner(ctx: &Ctx<'_>, file: &Arc<OpenFile>, data: &[u8], offset: Option<u64>) -> KResult<usize> {
    if file.ops.seekable() {
        let mut pos_guard = if offset.is_none() { Some(lock(&file.pos)) } else { None };
        let mut start = match (offset, pos_guard.as_deref()) {
            (Some(o), _) => o,
            (None, Some(p)) => *p,
            (None, None) => 0,
        };
        if offset.is_none() && file.flags() & oflags::O_APPEND != 0 {
            start = file.ops.stat()?.size;
        }
        let data = &data[..fsize_allowed(ctx, file, start, data.len())?];
        let mut done = 0;
        while done < data.len() {
            let end = (done + CHUNK).min(data.len());
            let n = file.ops.write(&data[done..end], start + done as u64)?;
            done += n;
            if n < end - (done - n) {
                break;
            }
        }
        if let Some(p) = pos_guard.as_deref_mut() {
            *p = start + done as u64;
        }
        return Ok(done);
    }
    let queues: Vec<_> = file.ops.wait_queue().into_iter().collect();
    let nonblock = file.nonblocking();
    let mut done = 0;
    while done < data.len() || data.is_empty() {
        let r = ctx.block_on(&queues, None, nonblock, || file.ops.write(&data[done..], 0));
        match r {
            Ok(n) => {
                done += n;
                if data.is_empty() || nonblock {
                    break;
                }
            }
            Err(e) if done > 0 && matches!(e, Errno::EAGAIN | Errno::ERESTARTSYS | Errno::EPIPE) => break,
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

pub fn sys_read(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (fd, user_buf, len) = (a.fd(0), a.u32(1), a.usize(2));
    let file = ctx.file(fd)?;
    crate::mem::check_range(&*ctx.mem, user_buf, len as u64)?;
    let data = read_file(ctx, &file, len, None)?;
    ctx.write_bytes(user_buf, &data)?;
    Ok(data.len().into())
}

pub fn sys_write(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (fd, user_buf, len) = (a.fd(0), a.u32(1), a.usize(2));
    let file = ctx.file(fd)?;
    if !file.writable() {
        return Err(Errno::EBADF);
    }
    let data = ctx.read_bytes(user_buf, len.min(MAX_RW_COUNT))?;
    Ok(write_file(ctx, &file, &data, None)?.into())
}

/// Gather the guest buffers of an iovec array.
fn gather(ctx: &Ctx<'_>, iovs: &[crate::mem::IoVec]) -> KResult<Vec<u8>> {
    let mut data = Vec::new();
    for v in iovs {
        data.extend(ctx.read_bytes(v.base, v.len as usize)?);
    }
    Ok(data)
}

/// Scatter `data` over the iovecs.
fn scatter(ctx: &mut Ctx<'_>, iovs: &[crate::mem::IoVec], data: &[u8]) -> KResult<()> {
    let mut off = 0;
    for v in iovs {
        if off >= data.len() {
            break;
        }
        let n = (v.len as usize).min(data.len() - off);
        ctx.write_bytes(v.base, &data[off..off + n])?;
        off += n;
    }
    Ok(())
}

fn check_iovs(ctx: &Ctx<'_>, iovs: &[crate::mem::IoVec]) -> KResult<usize> {
    let mut total = 0usize;
    for v in iovs {
        crate::mem::check_range(&*ctx.mem, v.base, v.len as u64)?;
        total += v.len as usize;
    }
    Ok(total)
}

fn readv_common(ctx: &mut Ctx<'_>, fd: i32, iov: u32, cnt: u32, offset: Option<u64>) -> SysResult {
    let file = ctx.file(fd)?;
    let iovs = crate::mem::read_iovecs(&*ctx.mem, iov, cnt)?;
    let total = check_iovs(ctx, &iovs)?;
    if offset.is_some() && !file.ops.seekable() {
        return Err(Errno::ESPIPE);
    }
    let data = read_file(ctx, &file, total, offset)?;
    scatter(ctx, &iovs, &data)?;
    Ok(data.len().into())
}

fn writev_common(ctx: &mut Ctx<'_>, fd: i32, iov: u32, cnt: u32, offset: Option<u64>) -> SysResult {
    let file = ctx.file(fd)?;
    if !file.writable() {
        return Err(Errno::EBADF);
    }
    let iovs = crate::mem::read_iovecs(&*ctx.mem, iov, cnt)?;
    if offset.is_some() && !file.ops.seekable() {
        return Err(Errno::ESPIPE);
    }
    let data = gather(ctx, &iovs)?;
    Ok(write_file(ctx, &file, &data, offset)?.into())
}

/// A positional offset argument: negative → EINVAL.
fn pos_offset(v: i64) -> KResult<u64> {
    u64::try_from(v).map_err(|_| Errno::EINVAL)
}

pub fn sys_readv(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    readv_common(ctx, a.fd(0), a.u32(1), a.u32(2), None)
}

pub fn sys_writev(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    writev_common(ctx, a.fd(0), a.u32(1), a.u32(2), None)
}

pub fn sys_preadv(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let off = pos_offset(a.i64_lo_hi(3))?;
    readv_common(ctx, a.fd(0), a.u32(1), a.u32(2), Some(off))
}

pub fn sys_pwritev(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let off = pos_offset(a.i64_lo_hi(3))?;
    writev_common(ctx, a.fd(0), a.u32(1), a.u32(2), Some(off))
}

/// RWF_* flags of preadv2/pwritev2 accepted (hints only).
const RWF_HIPRI: u32 = 1;
const RWF_DSYNC: u32 = 2;
const RWF_SYNC: u32 = 4;
const RWF_NOWAIT: u32 = 8;
const RWF_APPEND: u32 = 16;

/// preadv2/pwritev2: offset −1 means the file position.
pub fn sys_preadv2(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    if a.u32(5) & !(RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND) != 0 {
        return Err(Errno::EOPNOTSUPP);
    }
    let off = a.i64_lo_hi(3);
    let off = if off == -1 { None } else { Some(pos_offset(off)?) };
    readv_common(ctx, a.fd(0), a.u32(1), a.u32(2), off)
}

pub fn sys_pwritev2(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    if a.u32(5) & !(RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND) != 0 {
        return Err(Errno::EOPNOTSUPP);
    }
    let off = a.i64_lo_hi(3);
    let off = if off == -1 { None } else { Some(pos_offset(off)?) };
    writev_common(ctx, a.fd(0), a.u32(1), a.u32(2), off)
}

/// pread64(fd, buf, count, off_lo, off_hi).
pub fn sys_pread64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (fd, user_buf, len) = (a.fd(0), a.u32(1), a.usize(2));
    let off = pos_offset(a.i64_lo_hi(3))?;
    let file = ctx.file(fd)?;
    if !file.readable() {
        return Err(Errno::EBADF);
    }
    if !file.ops.seekable() {
        return Err(Errno::ESPIPE);
    }
    crate::mem::check_range(&*ctx.mem, user_buf, len as u64)?;
    let data = read_file(ctx, &file, len, Some(off))?;
    ctx.write_bytes(user_buf, &data)?;
    Ok(data.len().into())
}

/// pwrite64(fd, buf, count, off_lo, off_hi). Like Linux, O_APPEND files
/// append regardless of the offset.
pub fn sys_pwrite64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (fd, user_buf, len) = (a.fd(0), a.u32(1), a.usize(2));
    let off = pos_offset(a.i64_lo_hi(3))?;
    let file = ctx.file(fd)?;
    if !file.writable() {
        return Err(Errno::EBADF);
    }
    if !file.ops.seekable() {
        return Err(Errno::ESPIPE);
    }
    let data = ctx.read_bytes(user_buf, len.min(MAX_RW_COUNT))?;
    let off = if file.flags() & oflags::O_APPEND != 0 { file.ops.stat()?.size } else { off };
    Ok(write_file(ctx, &file, &data, Some(off))?.into())
}

pub const SEEK_SET: u32 = 0;
pub const SEEK_CUR: u32 = 1;
pub const SEEK_END: u32 = 2;
pub const SEEK_DATA: u32 = 3;
pub const SEEK_HOLE: u32 = 4;

/// sendfile64(out_fd, in_fd, offset*, count): copies through the kernel.
pub fn sys_sendfile64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (out_fd, in_fd, off_ptr, count) = (a.fd(0), a.fd(1), a.ptr::<i64>(2), a.usize(3));
    let out = ctx.file(out_fd)?;
    let inp = ctx.file(in_fd)?;
    if !inp.readable() || !out.writable() {
        return Err(Errno::EBADF);
    }
    if out.flags() & oflags::O_APPEND != 0 {
        return Err(Errno::EINVAL);
    }
    let offset = off_ptr.read_opt(&*ctx.mem)?;
    if let Some(o) = offset {
        if o < 0 {
            return Err(Errno::EINVAL);
        }
        if !inp.ops.seekable() {
            return Err(Errno::ESPIPE);
        }
    }
    let count = count.min(MAX_RW_COUNT).min(1 << 24);
    let data = read_file(ctx, &inp, count, offset.map(|o| o as u64))?;
    let written = write_file(ctx, &out, &data, None)?;
    // Give back what was read but not written.
    if written < data.len() && offset.is_none() && inp.ops.seekable() {
        *lock(&inp.pos) -= (data.len() - written) as u64;
    }
    if let Some(o) = offset {
        ctx.write(off_ptr, &(o + written as i64))?;
    }
    Ok(written.into())
}

pub const FIONREAD: u32 = 0x541b;
pub const FIONBIO: u32 = 0x5421;
pub const FIONCLEX: u32 = 0x5450;
pub const FIOCLEX: u32 = 0x5451;
pub const FIOASYNC: u32 = 0x5452;

/// ioctl(fd, cmd, arg): generic requests here, the rest to the file
/// (ttys, devices) — `ENOTTY` by default.
pub fn sys_ioctl(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (fd, cmd, arg) = (a.fd(0), a.u32(1), a.u32(2));
    let file = ctx.file(fd)?;
    match cmd {
        FIONBIO => {
            let on = ctx.read(crate::mem::UserPtr::<u32>::new(arg))? != 0;
            let f = file.flags();
            file.set_flags(if on { f | oflags::O_NONBLOCK } else { f & !oflags::O_NONBLOCK });
            Ok(0.into())
        }
        FIOASYNC => {
            ctx.read(crate::mem::UserPtr::<u32>::new(arg))?;
            Ok(0.into())
        }
        FIOCLEX | FIONCLEX => {
            lock(&ctx.process().fds).entry_mut(fd)?.cloexec = cmd == FIOCLEX;
            Ok(0.into())
        }
        FIONREAD if file.ops.nread().is_some() => {
            let n = file.ops.nread().unwrap_or(0);
            ctx.write(crate::mem::UserPtr::<u32>::new(arg), &u32::try_from(n).unwrap_or(u32::MAX))?;
            Ok(0.into())
        }
        _ => {
            if let Some(r) = crate::tty::ioctl(ctx.kernel, &ctx.task, ctx.mem, &file, cmd, arg) {
                return Ok(r?.into());
            }
            Ok(file.ops.ioctl(cmd, arg, ctx.mem)?.into())
        }
    }
}

/// The file type bits (`S_IFMT`) of an open file.
fn file_kind(file: &OpenFile) -> KResult<u32> {
    Ok(match crate::vfs::file::node_of(file) {
        Some(h) => h.file_type().mode_bits(),
        None => file.ops.stat()?.mode & crate::vfs::S_IFMT,
    })
}

/// copy_file_range(fd_in, off_in*, fd_out, off_out*, len, flags): copies
/// between regular files through the kernel (man 2 copy_file_range: since
/// Linux 5.3 also across file systems). Same-file overlapping ranges are
/// EINVAL.
pub fn sys_copy_file_range(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (in_fd, off_in_ptr, out_fd, off_out_ptr, len, flags) =
        (a.fd(0), a.ptr::<i64>(1), a.fd(2), a.ptr::<i64>(3), a.usize(4), a.u32(5));
    if flags != 0 {
        return Err(Errno::EINVAL);
    }
    let inp = ctx.file(in_fd)?;
    let out = ctx.file(out_fd)?;
    if !inp.readable() || !out.writable() || out.flags() & oflags::O_APPEND != 0 {
        return Err(Errno::EBADF);
    }
    let (kin, kout) = (file_kind(&inp)?, file_kind(&out)?);
    if kin == crate::vfs::S_IFDIR || kout == crate::vfs::S_IFDIR {
        return Err(Errno::EISDIR);
    }
    if kin != crate::vfs::S_IFREG || kout != crate::vfs::S_IFREG {
        return Err(Errno::EINVAL);
    }
    let off_in = off_in_ptr.read_opt(&*ctx.mem)?;
    let off_out = off_out_ptr.read_opt(&*ctx.mem)?;
    if off_in.is_some_and(|o| o < 0) || off_out.is_some_and(|o| o < 0) {
        return Err(Errno::EINVAL);
    }
    let pos_in = off_in.map_or_else(|| *lock(&inp.pos), |o| o as u64);
    let pos_out = off_out.map_or_else(|| *lock(&out.pos), |o| o as u64);
    let same = match (crate::vfs::file::node_of(&inp), crate::vfs::file::node_of(&out)) {
        (Some(a), Some(b)) => a.same(&b),
        _ => false,
    };
    let len64 = len as u64;
    if same && pos_in < pos_out.saturating_add(len64) && pos_out < pos_in.saturating_add(len64) {
        return Err(Errno::EINVAL);
    }
    if len == 0 {
        return Ok(0.into());
    }
    let count = len.min(MAX_RW_COUNT).min(1 << 24);
    let data = read_file(ctx, &inp, count, Some(pos_in))?;
    if data.is_empty() {
        return Ok(0.into());
    }
    let written = write_file(ctx, &out, &data, Some(pos_out))?;
    match off_in {
        Some(o) => ctx.write(off_in_ptr, &(o + written as i64))?,
        None => *lock(&inp.pos) = pos_in + written as u64,
    }
    match off_out {
        Some(o) => ctx.write(off_out_ptr, &(o + written as i64))?,
        None => *lock(&out.pos) = pos_out + written as u64,
    }
    Ok(written.into())
}
