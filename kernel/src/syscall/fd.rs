//! Descriptor-table calls: close, dup, dup3, fcntl64, close_range.

use super::{Args, Ctx, SysResult};
use crate::task::lock;

/// close(2): the slot is freed even if releasing the object fails.
pub fn sys_close(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let fd = a.fd(0);
    let entry = lock(&ctx.process().fds).remove(fd)?;
    drop(entry);
    Ok(0.into())
}
