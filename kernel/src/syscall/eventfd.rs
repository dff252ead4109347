//! eventfd2(initval, flags): the object is `crate::eventfd`; reads and
//! writes go through `syscall::io` like any stream (blocking in
//! `Ctx::block_on` unless O_NONBLOCK).

use super::{Args, Ctx, SysResult};
use crate::error::Errno;
use crate::eventfd::EventFd;
use crate::file::{oflags, OpenFile};

pub const EFD_SEMAPHORE: u32 = 1;
pub const EFD_CLOEXEC: u32 = oflags::O_CLOEXEC;
pub const EFD_NONBLOCK: u32 = oflags::O_NONBLOCK;

pub fn sys_eventfd2(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (initval, flags) = (a.u32(0), a.u32(1));
    if flags & !(EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK) != 0 {
        return Err(Errno::EINVAL);
    }
    let ops = EventFd::new(initval, flags & EFD_SEMAPHORE != 0);
    let file = OpenFile::new(ops, oflags::O_RDWR | (flags & EFD_NONBLOCK), b"anon_inode:[eventfd]".to_vec());
    Ok(ctx.install_fd(file, flags & EFD_CLOEXEC != 0)?.into())
}
