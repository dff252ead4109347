//! signalfd objects (man 2 signalfd): a file from which the reading task
//! dequeues its pending signals that are in the file's mask, as 128-byte
//! `struct signalfd_siginfo` records.
//!
//! Like Linux, the signals are those of the task that reads or polls
//! ("current", `task::snapshot::current_tid`), not of the creator: a
//! signalfd inherited across fork reads the child's signals. Readiness
//! changes come from signal generation, which wakes the kernel-wide
//! [`SignalFd::wq`] (`Kernel::signalfd_wq`); readers re-check their own
//! pending sets.
//!
//! Neighbours: `syscall::signalfd` creates and updates them; reads go
//! through `syscall::io` like any stream (blocking in `Ctx::block_on`).
//! Lock order: `SignalFd::mask` is a leaf; dequeuing takes
//! `Process::sig` then `Task::sig` (the signal module's order).

use std::any::Any;
use std::sync::{Arc, Mutex, Weak};

use zerocopy::{FromZeros, IntoBytes};

use crate::abi::uapi;
use crate::error::{Errno, KResult};
use crate::eventfd::{anon_ino, anon_stat};
use crate::file::{poll_bits::*, FileOps, Stat};
use crate::signal::{SigInfo, SigSet, SIGBUS, SIGCHLD, SIGFPE, SIGILL, SIGSEGV, SI_TIMER};
use crate::task::{lock, Task};
use crate::wait::WaitQueue;
use crate::Kernel;

/// `sizeof(struct signalfd_siginfo)`.
pub const SIGNALFD_SIGINFO_SIZE: usize = std::mem::size_of::<uapi::signalfd_siginfo>();

pub struct SignalFd {
    mask: Mutex<SigSet>,
    kernel: Weak<Kernel>,
    /// The kernel-wide queue woken whenever a signal is generated.
    wq: Arc<WaitQueue>,
    ino: u64,
}

impl SignalFd {
    pub fn new(kernel: &Kernel, mask: SigSet) -> Arc<SignalFd> {
        Arc::new(SignalFd {
            mask: Mutex::new(mask.blockable()),
            kernel: kernel.self_ref.clone(),
            wq: kernel.signalfd_wq.clone(),
            ino: anon_ino(),
        })
    }
    pub fn mask(&self) -> SigSet {
        *lock(&self.mask)
    }
    /// signalfd4 on an existing descriptor: replace the mask.
    pub fn set_mask(&self, mask: SigSet) {
        *lock(&self.mask) = mask.blockable();
        self.wq.wake_all();
    }

    fn current(&self) -> Option<Arc<Task>> {
        let k = self.kernel.upgrade()?;
        k.task(crate::task::snapshot::current_tid()?)
    }

    /// Pending signals of `task` (thread and process sets) in the mask.
    fn ready(&self, task: &Task) -> SigSet {
        let shared = lock(&task.process.sig).pending.set;
        let own = lock(&task.sig).pending.set;
        SigSet((shared.0 | own.0) & self.mask().0)
    }

    /// Dequeue the lowest pending signal of `task` in the mask (thread
    /// queue first, then the process queue, as dequeue_signal does).
    fn dequeue(&self, task: &Task) -> Option<SigInfo> {
        let mask = self.mask();
        let info = {
            let mut ps = lock(&task.process.sig);
            let mut ts = lock(&task.sig);
            let sig = SigSet((ts.pending.set.0 | ps.pending.set.0) & mask.0).first()?;
            ts.pending.take_sig(sig).or_else(|| ps.pending.take_sig(sig))
        };
        task.recalc_pending();
        info
    }
}

/// The guest `struct signalfd_siginfo` for `info` (fields as Linux's
/// signalfd_copyinfo fills them for each kind of signal).
pub fn encode_siginfo(info: &SigInfo) -> [u8; SIGNALFD_SIGINFO_SIZE] {
    let mut s = uapi::signalfd_siginfo::new_zeroed();
    s.ssi_signo = info.signo;
    s.ssi_errno = info.errno;
    s.ssi_code = info.code;
    match info.signo {
        SIGSEGV | SIGBUS | SIGILL | SIGFPE => s.ssi_addr = u64::from(info.addr),
        SIGCHLD => {
            s.ssi_pid = info.pid as u32;
            s.ssi_uid = info.uid;
            s.ssi_status = info.status;
        }
        _ if info.code == SI_TIMER => {
            s.ssi_tid = info.addr; // the timer id
            s.ssi_int = info.value as i32;
            s.ssi_ptr = u64::from(info.value);
        }
        _ => {
            s.ssi_pid = info.pid as u32;
            s.ssi_uid = info.uid;
            s.ssi_int = info.value as i32; // sigqueue's value
            s.ssi_ptr = u64::from(info.value);
        }
    }
    let mut b = [0u8; SIGNALFD_SIGINFO_SIZE];
    b.copy_from_slice(s.as_bytes());
    b
}

impl FileOps for SignalFd {
    /// As many records as fit (at least one: `EINVAL` below 128 bytes);
    /// `EAGAIN` when none of the mask's signals is pending.
    fn read(&self, buf: &mut [u8], _offset: u64) -> KResult<usize> {
        if buf.len() < SIGNALFD_SIGINFO_SIZE {
            return Err(Errno::EINVAL);
        }
        let task = self.current().ok_or(Errno::EAGAIN)?;
        let mut n = 0;
        while n + SIGNALFD_SIGINFO_SIZE <= buf.len() {
            let Some(info) = self.dequeue(&task) else { break };
            buf[n..n + SIGNALFD_SIGINFO_SIZE].copy_from_slice(&encode_siginfo(&info));
            n += SIGNALFD_SIGINFO_SIZE;
        }
        if n == 0 {
            Err(Errno::EAGAIN)
        } else {
            Ok(n)
        }
    }
    fn stat(&self) -> KResult<Stat> {
        Ok(anon_stat(self.ino))
    }
    fn poll(&self) -> u32 {
        match self.current() {
            Some(t) if !self.ready(&t).is_empty() => POLLIN | POLLRDNORM,
            _ => 0,
        }
    }
    fn wait_queue(&self) -> Option<&WaitQueue> {
        Some(&self.wq)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
