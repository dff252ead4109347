//! Process and identity calls: exit, exit_group, getpid..., credentials,
//! process groups and sessions, rlimits, uname, clone/execve/waitid.

use super::{Args, Ctx, Ret, SysResult};
use crate::api::ExitStatus;

/// exit(2): ends the calling thread (the process with its last thread).
pub fn sys_exit(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let code = a.low_byte(0);
    ctx.kernel.exit_task(ctx.tid(), code);
    Ok(Ret::Exit)
}

/// exit_group(2): ends every thread of the process.
pub fn sys_exit_group(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let code = a.low_byte(0);
    ctx.kernel.exit_group(ctx.pid(), ExitStatus::Exited(code));
    Ok(Ret::Exit)
}
