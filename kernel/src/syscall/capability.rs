//! capget/capset (man 2 capget, man 7 capabilities). Capabilities follow
//! the uid rules: euid 0 has every capability effective, a process with a
//! uid, euid or saved uid of 0 has them permitted; `capset` may then drop
//! some (kept per process, inherited by fork). Permission checks elsewhere
//! still follow uid 0, not the dropped sets.

use zerocopy::IntoBytes;

use super::{Args, Ctx, SysResult};
use crate::abi::uapi;
use crate::cred::Creds;
use crate::error::{Errno, KResult};
use crate::mem::UserPtr;
use crate::task::{lock, Process};

pub const LINUX_CAPABILITY_VERSION_1: u32 = 0x1998_0330;
pub const LINUX_CAPABILITY_VERSION_2: u32 = 0x2007_1026;
pub const LINUX_CAPABILITY_VERSION_3: u32 = 0x2008_0522;
/// `CAP_LAST_CAP` (CAP_CHECKPOINT_RESTORE) and the mask of all capabilities.
pub const CAP_LAST_CAP: u32 = 40;
pub const CAP_FULL: u64 = (1 << (CAP_LAST_CAP + 1)) - 1;

/// (effective, permitted, inheritable) of a process.
pub fn caps_of(creds: &Creds, proc: &Process) -> [u64; 3] {
    let eff = if creds.euid == 0 { CAP_FULL } else { 0 };
    let perm = if creds.uid == 0 || creds.euid == 0 || creds.suid == 0 { CAP_FULL } else { 0 };
    match lock(&proc.extra).caps {
        Some([e, p, i]) => [eff & e, perm & p, i],
        None => [eff, perm, 0],
    }
}

/// Check the header's version: an unknown one is answered with the
/// preferred version written back and EINVAL. Returns the number of
/// 32-bit data sets (1 for v1, 2 for v2/v3) and the pid.
fn header(ctx: &mut Ctx<'_>, hdr: u32) -> KResult<(usize, i32)> {
    let h = ctx.read(UserPtr::<uapi::__user_cap_header_struct>::new(hdr))?;
    let pid = h.pid;
    let sets = match h.version {
        LINUX_CAPABILITY_VERSION_1 => 1,
        LINUX_CAPABILITY_VERSION_2 | LINUX_CAPABILITY_VERSION_3 => 2,
        _ => {
            ctx.write(UserPtr::<u32>::new(hdr), &LINUX_CAPABILITY_VERSION_3)?;
            return Err(Errno::EINVAL);
        }
    };
    Ok((sets, pid))
}

pub fn sys_capget(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (hdr, data) = (a.u32(0), a.u32(1));
    let (sets, pid) = match header(ctx, hdr) {
        // Probing the preferred version with a NULL data pointer succeeds.
        Err(Errno::EINVAL) if data == 0 => return Ok(0.into()),
        r => r?,
    };
    if pid < 0 {
        return Err(Errno::EINVAL);
    }
    let proc = if pid == 0 || pid == ctx.pid() {
        ctx.process().clone()
    } else {
        lock(&ctx.kernel.procs).tasks.get(&pid).map(|t| t.process.clone()).ok_or(Errno::ESRCH)?
    };
    if data == 0 {
        return Ok(0.into());
    }
    let creds = lock(&proc.creds).clone();
    let caps = caps_of(&creds, &proc);
    let [e, p, i] = caps;
    let out: Vec<uapi::__user_cap_data_struct> = (0..sets)
        .map(|s| uapi::__user_cap_data_struct {
            effective: (e >> (32 * s)) as u32,
            permitted: (p >> (32 * s)) as u32,
            inheritable: (i >> (32 * s)) as u32,
        })
        .collect();
    ctx.write_bytes(data, out.as_bytes())?;
    Ok(0.into())
}

/// capset: only the caller (pid 0 or its own), and only dropping: the new
/// permitted set within the old one, effective within the new permitted,
/// inheritable within old inheritable | permitted (EPERM otherwise).
pub fn sys_capset(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (hdr, data) = (a.u32(0), a.u32(1));
    let (sets, pid) = header(ctx, hdr)?;
    if pid != 0 && pid != ctx.pid() {
        return Err(Errno::EPERM);
    }
    let mut new = [0u64; 3];
    for s in 0..sets {
        let d = ctx.read(UserPtr::<uapi::__user_cap_data_struct>::new(data).at(s as u32)?)?;
        for (n, v) in new.iter_mut().zip([d.effective, d.permitted, d.inheritable]) {
            *n |= u64::from(v) << (32 * s);
        }
    }
    let [e, p, i] = new.map(|c| c & CAP_FULL);
    let creds = ctx.creds();
    let [_, cp, ci] = caps_of(&creds, ctx.process());
    if i & !(ci | cp) != 0 || p & !cp != 0 || e & !p != 0 {
        return Err(Errno::EPERM);
    }
    lock(&ctx.process().extra).caps = Some([e, p, i]);
    Ok(0.into())
}
