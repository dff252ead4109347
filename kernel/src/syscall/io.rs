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
    if let Some(r) = crate::tty::read(ctx, file, len) {
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

/// Write `data` to `file`. Streams: blocking writers wait until all is
/// written (partial count if interrupted after progress). EPIPE raises
/// SIGPIPE on the caller.
pub(crate) fn write_file(ctx: &Ctx<'_>, file: &Arc<OpenFile>, data: &[u8], offset: Option<u64>) -> KResult<usize> {
    if !file.writable() {
        return Err(Errno::EBADF);
    }
    // Terminals with TOSTOP: background writers get SIGTTOU.
    crate::tty::check_write(ctx, file)?;
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
