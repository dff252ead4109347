//! signalfd4(fd, mask, sizemask, flags) (man 2 signalfd): the object is
//! `crate::signalfd`; reads go through `syscall::io` like any stream.

use super::{Args, Ctx, SysResult};
use crate::error::Errno;
use crate::file::{oflags, OpenFile};
use crate::signal::SigSet;
use crate::signalfd::SignalFd;

pub const SFD_CLOEXEC: u32 = oflags::O_CLOEXEC;
pub const SFD_NONBLOCK: u32 = oflags::O_NONBLOCK;

/// signalfd4: `fd == -1` creates a descriptor; an existing signalfd gets
/// the new mask (EINVAL when `fd` is another kind of file). SIGKILL and
/// SIGSTOP are silently dropped from the mask.
pub fn sys_signalfd4(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (fd, mask_ptr, sizemask, flags) = (a.i32(0), a.ptr::<SigSet>(1), a.u32(2), a.u32(3));
    if flags & !(SFD_CLOEXEC | SFD_NONBLOCK) != 0 || sizemask != 8 {
        return Err(Errno::EINVAL);
    }
    let mask = ctx.read(mask_ptr)?;
    if fd != -1 {
        let file = ctx.file(a.fd(0))?;
        let sfd = file.ops.as_any().downcast_ref::<SignalFd>().ok_or(Errno::EINVAL)?;
        sfd.set_mask(mask);
        return Ok(fd.into());
    }
    let ops = SignalFd::new(ctx.kernel, mask);
    let file = OpenFile::new(ops, oflags::O_RDWR | (flags & SFD_NONBLOCK), b"anon_inode:[signalfd]".to_vec());
    Ok(ctx.install_fd(file, flags & SFD_CLOEXEC != 0)?.into())
}
