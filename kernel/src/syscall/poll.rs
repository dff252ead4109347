//! Waiting for readiness on many files: ppoll_time64 and pselect6_time64
//! (the 32-bit asm-generic ABI has no plain poll/select), plus the shared
//! helpers epoll uses: [`wait_ready`] (sleep on many queues with a
//! deadline, through `Ctx::block_on`) and the temporary signal mask of
//! ppoll/pselect/epoll_pwait ([`SigmaskSwap`]).
//!
//! Linux rules kept here: a negative fd is skipped (revents 0), a bad fd
//! reports POLLNVAL in poll but fails select with EBADF, POLLERR/POLLHUP
//! are always reported, the remaining timeout is written back, and a
//! signal ends the wait with EINTR — these calls are never restarted
//! after a handler (man 7 signal).

use std::sync::Arc;

use super::{Args, Ctx, SysResult};
use crate::abi::uapi;
use crate::api::HostClock;
use crate::epoll::wait_sources;
use crate::error::{Errno, KResult};
use crate::file::{oflags::O_PATH, poll_bits::*, FileOps, OpenFile};
use crate::mem::{KTimespec, UserPtr};
use crate::signal::SigSet;
use crate::task::lock;
use crate::wait::WaitQueue;

/// The kernel's sigset size (`_NSIG / 8`).
pub const SIGSET_SIZE: u32 = 8;

/// Sleep until `scan` finds something (`Some`), the monotonic
/// `deadline_ns` passes (`Ok(None)`) or a signal arrives (`EINTR`).
/// `sources` lists the objects to sleep on; it is re-evaluated after every
/// wake-up (an epoll's interest list may change). A deadline in the past
/// means one non-blocking scan.
pub(crate) fn wait_ready<T>(
    ctx: &Ctx<'_>,
    sources: impl Fn() -> Vec<Arc<dyn FileOps>>,
    deadline_ns: Option<u64>,
    mut scan: impl FnMut() -> KResult<Option<T>>,
) -> KResult<Option<T>> {
    let nonblock = deadline_ns.is_some_and(|d| d <= ctx.now(HostClock::Monotonic));
    let ids =
        |objs: &[Arc<dyn FileOps>]| -> Vec<*const ()> { objs.iter().map(|o| Arc::as_ptr(o) as *const ()).collect() };
    loop {
        let objs = sources();
        let queues: Vec<&WaitQueue> = objs.iter().filter_map(|o| o.wait_queue()).collect();
        let mut changed = false;
        let r = ctx.block_on(&queues, deadline_ns, nonblock, || {
            if let Some(v) = scan()? {
                return Ok(v);
            }
            // An epoll's interest list changed: sleep on the new set.
            if ids(&sources()) != ids(&objs) {
                changed = true;
                return Err(Errno::ECANCELED);
            }
            Err(Errno::EAGAIN)
        });
        match r {
            Ok(v) => return Ok(Some(v)),
            Err(Errno::ECANCELED) if changed => continue,
            Err(Errno::EAGAIN) if nonblock => return Ok(None),
            Err(Errno::ETIMEDOUT) => return Ok(None),
            Err(Errno::ERESTARTSYS) => return Err(Errno::EINTR),
            Err(e) => return Err(e),
        }
    }
}

/// The temporary signal mask of ppoll/pselect6/epoll_pwait: installed
/// for the wait; on EINTR the old mask is kept in `saved_mask` so it comes
/// back after the handler ran (like rt_sigsuspend), otherwise restored now.
pub(crate) struct SigmaskSwap {
    old: Option<SigSet>,
}

impl SigmaskSwap {
    /// Read the mask at `user_mask` (NULL: no change; `size` must be 8).
    pub fn install(ctx: &Ctx<'_>, user_mask: u32, size: u32) -> KResult<SigmaskSwap> {
        if user_mask == 0 {
            return Ok(SigmaskSwap { old: None });
        }
        if size != SIGSET_SIZE {
            return Err(Errno::EINVAL);
        }
        let mask = ctx.read(UserPtr::<SigSet>::new(user_mask))?.blockable();
        let old = {
            let mut ts = lock(&ctx.task.sig);
            std::mem::replace(&mut ts.mask, mask)
        };
        ctx.task.recalc_pending();
        Ok(SigmaskSwap { old: Some(old) })
    }

    /// End of the call with result `r`.
    pub fn finish<T>(self, ctx: &Ctx<'_>, r: KResult<T>) -> KResult<T> {
        if let Some(old) = self.old {
            {
                let mut ts = lock(&ctx.task.sig);
                if r.as_ref().err() == Some(&Errno::EINTR) && ctx.task.signal_pending() {
                    ts.saved_mask = Some(old);
                } else {
                    ts.mask = old;
                }
            }
            ctx.task.recalc_pending();
        }
        r
    }
}

/// A relative timeout argument as a monotonic deadline.
fn deadline_after(ctx: &Ctx<'_>, timeout_ns: Option<u64>) -> Option<u64> {
    timeout_ns.map(|t| ctx.now(HostClock::Monotonic).saturating_add(t))
}

/// Write the time left until `deadline` back to a timespec argument
/// (errors ignored, like Linux's poll_select_finish).
fn write_remaining(ctx: &mut Ctx<'_>, ts: UserPtr<KTimespec>, deadline: Option<u64>) {
    if let (false, Some(d)) = (ts.is_null(), deadline) {
        let left = d.saturating_sub(ctx.now(HostClock::Monotonic));
        let _ = ctx.write(ts, &KTimespec::from_ns(left));
    }
}

/// Readiness of one file restricted to `events` (+ POLLERR/POLLHUP).
fn file_revents(file: &OpenFile, events: u32) -> u32 {
    file.ops.poll() & (events | POLLERR | POLLHUP)
}

/// Where `revents` is in a guest `struct pollfd`.
const POLLFD_REVENTS: u32 = std::mem::offset_of!(uapi::pollfd, revents) as u32;

/// ppoll_time64(fds, nfds, tmo_p, sigmask, sigsetsize).
pub fn sys_ppoll_time64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (fds_addr, nfds, tmo, mask, mask_size) = (a.u32(0), a.u32(1), a.ptr::<KTimespec>(2), a.u32(3), a.u32(4));
    let timeout = tmo.read_opt(&*ctx.mem)?.map(|t| t.to_ns()).transpose()?;
    if nfds > ctx.process().nofile_limit() {
        return Err(Errno::EINVAL);
    }
    let deadline = deadline_after(ctx, timeout);
    let swap = SigmaskSwap::install(ctx, mask, mask_size)?;
    let r = do_poll(ctx, fds_addr, nfds, deadline);
    let r = swap.finish(ctx, r);
    write_remaining(ctx, tmo, deadline);
    Ok(r?.into())
}

fn do_poll(ctx: &mut Ctx<'_>, fds_addr: u32, nfds: u32, deadline: Option<u64>) -> KResult<u32> {
    // (fd, events) of each entry; the files are looked up once.
    let mut entries = Vec::with_capacity(nfds as usize);
    for i in 0..nfds {
        let pfd = ctx.read(UserPtr::<uapi::pollfd>::new(fds_addr).at(i)?)?;
        let (fd, events) = (pfd.fd, pfd.events as u16);
        let file = if fd < 0 { None } else { ctx.file(fd).ok().filter(|f| f.flags() & O_PATH == 0) };
        entries.push((fd, u32::from(events), file));
    }
    let scan = |entries: &[(i32, u32, Option<Arc<OpenFile>>)]| -> Vec<u32> {
        entries
            .iter()
            .map(|(fd, events, file)| match (fd, file) {
                (fd, _) if *fd < 0 => 0,
                (_, None) => POLLNVAL,
                (_, Some(f)) => file_revents(f, *events),
            })
            .collect()
    };
    let sources = || {
        let mut v = Vec::new();
        for (_, _, f) in &entries {
            if let Some(f) = f {
                wait_sources(&f.ops, &mut v);
            }
        }
        v
    };
    let found = wait_ready(ctx, sources, deadline, || {
        let rev = scan(&entries);
        Ok(rev.iter().any(|r| *r != 0).then_some(rev))
    })?;
    let revents = found.unwrap_or_else(|| vec![0; entries.len()]);
    for (i, r) in revents.iter().enumerate() {
        let addr = UserPtr::<uapi::pollfd>::new(fds_addr).at(i as u32)?.addr + POLLFD_REVENTS;
        ctx.write(UserPtr::<u16>::new(addr), &(*r as u16))?;
    }
    Ok(revents.iter().filter(|r| **r != 0).count() as u32)
}

const POLLIN_SET: u32 = POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR;
const POLLOUT_SET: u32 = POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR;
const POLLEX_SET: u32 = POLLPRI;

/// pselect6_time64(n, inp, outp, exp, tsp, sig): `sig` points at
/// `{ const sigset_t *ss; size_t ss_len; }`.
pub fn sys_pselect6_time64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (n, sets, tsp, sig) = (a.i32(0), [a.u32(1), a.u32(2), a.u32(3)], a.ptr::<KTimespec>(4), a.u32(5));
    if n < 0 {
        return Err(Errno::EINVAL);
    }
    let timeout = tsp.read_opt(&*ctx.mem)?.map(|t| t.to_ns()).transpose()?;
    let (mask, mask_size) = if sig == 0 {
        (0, 0)
    } else {
        let pack = ctx.read(UserPtr::<uapi::sigset_argpack>::new(sig))?;
        (pack.ss, pack.ss_len)
    };
    let n = (n as u32).min(ctx.process().nofile_limit());
    let deadline = deadline_after(ctx, timeout);
    let swap = SigmaskSwap::install(ctx, mask, mask_size)?;
    let r = do_select(ctx, n, sets, deadline);
    let r = swap.finish(ctx, r);
    write_remaining(ctx, tsp, deadline);
    Ok(r?.into())
}

fn read_fdset(ctx: &Ctx<'_>, addr: u32, n: u32) -> KResult<Vec<u32>> {
    let words = n.div_ceil(32);
    if addr == 0 {
        return Ok(vec![0; words as usize]);
    }
    (0..words).map(|i| ctx.read(UserPtr::<u32>::new(addr).at(i)?)).collect()
}

fn do_select(ctx: &mut Ctx<'_>, n: u32, addrs: [u32; 3], deadline: Option<u64>) -> KResult<u32> {
    let ins: Vec<Vec<u32>> = addrs.iter().map(|a| read_fdset(ctx, *a, n)).collect::<KResult<_>>()?;
    let mut files: Vec<(u32, Arc<OpenFile>)> = Vec::new();
    for fd in 0..n {
        let (w, b) = ((fd / 32) as usize, 1u32 << (fd % 32));
        if ins.iter().any(|s| s[w] & b != 0) {
            files.push((fd, ctx.file(fd as i32).map_err(|_| Errno::EBADF)?));
        }
    }
    let scan = || -> KResult<Option<(Vec<Vec<u32>>, u32)>> {
        let mut out = vec![vec![0u32; n.div_ceil(32) as usize]; 3];
        let mut count = 0;
        for (fd, f) in &files {
            let (w, b) = ((fd / 32) as usize, 1u32 << (fd % 32));
            let mask = f.ops.poll();
            for (k, want) in [POLLIN_SET, POLLOUT_SET, POLLEX_SET].into_iter().enumerate() {
                if ins[k][w] & b != 0 && mask & want != 0 {
                    out[k][w] |= b;
                    count += 1;
                }
            }
        }
        Ok((count > 0).then_some((out, count)))
    };
    let sources = || {
        let mut v = Vec::new();
        for (_, f) in &files {
            wait_sources(&f.ops, &mut v);
        }
        v
    };
    let (out, count) =
        wait_ready(ctx, sources, deadline, scan)?.unwrap_or_else(|| (vec![vec![0u32; n.div_ceil(32) as usize]; 3], 0));
    for (k, addr) in addrs.iter().enumerate() {
        if *addr != 0 {
            for (i, word) in out[k].iter().enumerate() {
                ctx.write(UserPtr::<u32>::new(*addr).at(i as u32)?, word)?;
            }
        }
    }
    Ok(count)
}
