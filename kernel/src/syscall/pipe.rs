//! pipe2. The FIFO open rules are `pipe::fifo` (used by openat for S_IFIFO).

use super::{Args, Ctx, SysResult};
use crate::error::Errno;
use crate::file::{oflags::*, OpenFile};
use crate::task::lock;

/// pipe2(fds, flags): O_CLOEXEC, O_NONBLOCK, O_DIRECT (accepted: packet
/// mode is not implemented).
pub fn sys_pipe2(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (user_fds, flags) = (a.ptr::<[u32; 2]>(0), a.u32(1));
    if flags & !(O_CLOEXEC | O_NONBLOCK | O_DIRECT) != 0 {
        return Err(Errno::EINVAL);
    }
    crate::mem::check_range(&*ctx.mem, user_fds.addr, 8)?;
    let pipe = ctx.kernel.new_pipe();
    let status = flags & O_NONBLOCK;
    let r = OpenFile::new(pipe.open_end(false, None), O_RDONLY | status, b"pipe:".to_vec());
    let w = OpenFile::new(pipe.open_end(true, None), O_WRONLY | status, b"pipe:".to_vec());
    let cloexec = flags & O_CLOEXEC != 0;
    let limit = ctx.process().nofile_limit();
    let (rfd, wfd) = {
        let mut fds = lock(&ctx.process().fds);
        let rfd = fds.install_from(0, limit, r, cloexec)?;
        match fds.install_from(0, limit, w, cloexec) {
            Ok(wfd) => (rfd, wfd),
            Err(e) => {
                let _ = fds.remove(rfd);
                return Err(e);
            }
        }
    };
    let words = [u32::from_ne_bytes(rfd.to_ne_bytes()), u32::from_ne_bytes(wfd.to_ne_bytes())];
    if let Err(e) = ctx.write(user_fds, &words) {
        let mut fds = lock(&ctx.process().fds);
        let _ = fds.remove(rfd);
        let _ = fds.remove(wfd);
        return Err(e);
    }
    Ok(0.into())
}

pub use crate::pipe::fifo::{open_fifo, pipe_of_file};
