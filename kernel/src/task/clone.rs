//! clone(2) flags and thread creation on the kernel side.
//!
//! `syscall::process::sys_clone` validates the flags ([`check_clone_flags`])
//! and returns `Ret::Fork` (a new process: the bridge copies the memory and
//! calls `Kernel::fork`) or `Ret::Thread` (a new thread of the caller's
//! process: the bridge reserves its host thread and instance over the shared
//! memory, then calls `Kernel::clone_thread` → [`Kernel::do_clone_thread`]).
//! A thread is a [`Task`] in the caller's [`Process`](crate::task::Process):
//! fd table, fs context, memory map, signal actions and credentials are
//! per process here, so CLONE_FS and CLONE_FILES are required with
//! CLONE_THREAD (they cannot be unshared).

use std::sync::atomic::Ordering;
use std::sync::Arc;

use crate::api::{GuestMemory, HostClock, ThreadRequest, Tid};
use crate::error::{Errno, KResult};
use crate::mem::UserPtr;
use crate::task::{lock, ProcState, Task};
use crate::Kernel;

pub const CLONE_VM: u32 = 0x0000_0100;
pub const CLONE_FS: u32 = 0x0000_0200;
pub const CLONE_FILES: u32 = 0x0000_0400;
pub const CLONE_SIGHAND: u32 = 0x0000_0800;
pub const CLONE_PIDFD: u32 = 0x0000_1000;
pub const CLONE_PTRACE: u32 = 0x0000_2000;
pub const CLONE_VFORK: u32 = 0x0000_4000;
pub const CLONE_PARENT: u32 = 0x0000_8000;
pub const CLONE_THREAD: u32 = 0x0001_0000;
pub const CLONE_NEWNS: u32 = 0x0002_0000;
pub const CLONE_SYSVSEM: u32 = 0x0004_0000;
pub const CLONE_SETTLS: u32 = 0x0008_0000;
pub const CLONE_PARENT_SETTID: u32 = 0x0010_0000;
pub const CLONE_CHILD_CLEARTID: u32 = 0x0020_0000;
pub const CLONE_DETACHED: u32 = 0x0040_0000;
pub const CLONE_UNTRACED: u32 = 0x0080_0000;
pub const CLONE_CHILD_SETTID: u32 = 0x0100_0000;
pub const CLONE_NEWCGROUP: u32 = 0x0200_0000;
pub const CLONE_NEWUTS: u32 = 0x0400_0000;
pub const CLONE_NEWIPC: u32 = 0x0800_0000;
pub const CLONE_NEWUSER: u32 = 0x1000_0000;
pub const CLONE_NEWPID: u32 = 0x2000_0000;
pub const CLONE_NEWNET: u32 = 0x4000_0000;
pub const CLONE_IO: u32 = 0x8000_0000;
pub const CSIGNAL: u32 = 0xff;

/// The namespace flags (none is offered).
pub const CLONE_NEWANY: u32 =
    CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET;

/// What a clone creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloneKind {
    Process,
    Thread,
}

/// Check clone's flags as Linux's `copy_process` does, then what is
/// offered here: EINVAL for combinations Linux rejects (CLONE_THREAD
/// without CLONE_SIGHAND, CLONE_SIGHAND without CLONE_VM, CLONE_FS with
/// CLONE_NEWNS/NEWUSER, namespaces or CLONE_PIDFD with CLONE_THREAD,
/// CLONE_PIDFD with CLONE_DETACHED or CLONE_PARENT_SETTID, a bad exit
/// signal); then ENOSYS for a separate process sharing memory or signal
/// handlers, EINVAL for namespaces and shared tables of a new process, and
/// EINVAL for a thread without CLONE_FS|CLONE_FILES (tables are per process).
pub fn check_clone_flags(flags: u32) -> KResult<CloneKind> {
    let has = |f: u32| flags & f != 0;
    if has(CLONE_NEWNS | CLONE_NEWUSER) && has(CLONE_FS) {
        return Err(Errno::EINVAL);
    }
    if has(CLONE_THREAD) && !has(CLONE_SIGHAND) {
        return Err(Errno::EINVAL);
    }
    if has(CLONE_SIGHAND) && !has(CLONE_VM) {
        return Err(Errno::EINVAL);
    }
    if has(CLONE_THREAD) && has(CLONE_NEWUSER | CLONE_NEWPID | CLONE_PIDFD) {
        return Err(Errno::EINVAL);
    }
    if has(CLONE_PIDFD) && has(CLONE_DETACHED | CLONE_PARENT_SETTID) {
        return Err(Errno::EINVAL);
    }
    if !has(CLONE_THREAD) && (flags & CSIGNAL) > crate::signal::NSIG {
        return Err(Errno::EINVAL);
    }
    if has(CLONE_THREAD) {
        if has(CLONE_NEWANY) {
            return Err(Errno::EINVAL);
        }
        if !has(CLONE_FS) || !has(CLONE_FILES) {
            return Err(Errno::EINVAL);
        }
        if has(CLONE_VFORK) {
            return Err(Errno::ENOSYS);
        }
        return Ok(CloneKind::Thread);
    }
    if has(CLONE_VM) && !has(CLONE_VFORK) {
        // A separate process sharing the caller's memory is not offered.
        return Err(Errno::ENOSYS);
    }
    if has(CLONE_SIGHAND) {
        return Err(Errno::ENOSYS);
    }
    if has(CLONE_NEWANY | CLONE_FS | CLONE_FILES | CLONE_PIDFD | CLONE_PARENT) {
        return Err(Errno::EINVAL);
    }
    Ok(CloneKind::Process)
}

/// A guest word that must be writable (below 4096 is EFAULT, like Linux's
/// NULL page).
fn check_word(mem: &dyn GuestMemory, addr: u32) -> KResult<()> {
    UserPtr::<u32>::new(addr).read(mem).map(|_| ())
}

impl Kernel {
    /// Create a thread of `parent`'s process for `req` (see
    /// `Kernel::clone_thread`).
    pub(crate) fn do_clone_thread(&self, parent: Tid, req: &ThreadRequest, mem: &mut dyn GuestMemory) -> KResult<Tid> {
        if check_clone_flags(req.flags)? != CloneKind::Thread || req.stack == 0 {
            return Err(Errno::EINVAL);
        }
        let caller = self.task(parent).ok_or(Errno::ESRCH)?;
        if caller.dead.load(Ordering::Acquire) {
            return Err(Errno::EAGAIN);
        }
        self.check_fork_allowed(caller.pid())?;
        // Pointers first, so that EFAULT fails the call before the task exists.
        if req.flags & CLONE_PARENT_SETTID != 0 {
            check_word(mem, req.parent_tid)?;
        }
        if req.flags & CLONE_CHILD_SETTID != 0 {
            check_word(mem, req.child_tid)?;
        }
        let proc = caller.process.clone();
        let now = self.host.now_ns(HostClock::Monotonic);
        let tid = {
            let mut table = lock(&self.procs);
            let pid = proc.pid;
            let live = table.procs.get(&pid).is_some_and(|e| !matches!(e.state, ProcState::Zombie(_)));
            if !live || proc.exiting.load(Ordering::Acquire) {
                return Err(Errno::EAGAIN);
            }
            let tid = table.alloc_id().ok_or(Errno::EAGAIN)?;
            let task = Arc::new(Task::new(tid, proc.clone(), now));
            {
                let ps = lock(&caller.sig);
                lock(&task.sig).mask = ps.mask;
            }
            *lock(&task.comm) = caller.comm();
            *lock(&task.affinity) = lock(&caller.affinity).clone();
            if req.flags & CLONE_CHILD_CLEARTID != 0 {
                task.clear_child_tid.store(req.child_tid, Ordering::Release);
            }
            table.tasks.insert(tid, task.clone());
            if let Some(e) = table.procs.get_mut(&pid) {
                e.threads.push(tid);
            }
            // A group stop in effect stops the new thread at its first check.
            task.recalc_pending();
            tid
        };
        let mut wr = |addr: u32| UserPtr::<u32>::new(addr).write(mem, &(tid as u32));
        let written = (req.flags & CLONE_PARENT_SETTID == 0 || wr(req.parent_tid).is_ok())
            && (req.flags & CLONE_CHILD_SETTID == 0 || wr(req.child_tid).is_ok());
        if !written {
            self.remove_thread(tid);
            return Err(Errno::EFAULT);
        }
        Ok(tid)
    }

    /// Remove thread `tid` without any exit processing (the bridge could
    /// not start it). If it was the last thread, the process ends (status 0,
    /// or the leader's exit code).
    pub(crate) fn remove_thread(&self, tid: Tid) {
        let (pid, last) = {
            let mut table = lock(&self.procs);
            let Some(t) = table.tasks.remove(&tid) else { return };
            t.dead.store(true, Ordering::Release);
            let pid = t.pid();
            let last = match table.procs.get_mut(&pid) {
                Some(e) => {
                    e.threads.retain(|&x| x != tid);
                    e.threads.is_empty() && !matches!(e.state, ProcState::Zombie(_))
                }
                None => false,
            };
            (pid, last.then_some(t))
        };
        if let Some(t) = last {
            let code = t.process.leader_exit_code.load(Ordering::Acquire);
            let code = if code == u32::MAX { 0 } else { code as u8 };
            self.exit_group(pid, crate::api::ExitStatus::Exited(code));
        }
    }
}
