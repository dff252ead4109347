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

use crate::error::{Errno, KResult};
use crate::eventfd::{anon_ino, anon_stat};
use crate::file::{poll_bits::*, FileOps, Stat};
use crate::signal::{SigInfo, SigSet, SIGCHLD, SIGBUS, SIGFPE, SIGILL, SIGSEGV, SI_TIMER};
use crate::task::{lock, Task};
use crate::wait::WaitQueue;
use crate::Kernel;

/// `sizeof(struct signalfd_siginfo)`.
pub const SIGNALFD_SIGINFO_SIZE: usize = 128;

pub struct SignalFd {
    mask: Mutex<SigSet>,
    kernel: Weak<Kernel>,
    /// The kernel-wide queue woken whenever a signal is generated.
    wq: Arc<WaitQueue>,
    ino: u64,
}

impl SignalFd {
    pub fn new(kernel: &Kernel, mask: SigSet) -> Arc<SignalFd> {
        Arc::new(SignalFd { mask: Mutex::new(mask.blockable()), kernel: kernel.self_ref.clone(), wq: kernel.signalfd_wq.clone(), ino: anon_ino() })
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
    let mut b = [0u8; SIGNALFD_SIGINFO_SIZE];
    let put = |b: &mut [u8; SIGNALFD_SIGINFO_SIZE], off: usize, v: u32| b[off..off + 4].copy_from_slice(&v.to_le_bytes());
    put(&mut b, 0, info.signo);
    put(&mut b, 4, info.errno as u32);
    put(&mut b, 8, info.code as u32);
    match info.signo {
        SIGSEGV | SIGBUS | SIGILL | SIGFPE => b[72..80].copy_from_slice(&u64::from(info.addr).to_le_bytes()),
        SIGCHLD => {
            put(&mut b, 12, info.pid as u32);
            put(&mut b, 16, info.uid);
            put(&mut b, 40, info.status as u32);
        }
        _ if info.code == SI_TIMER => {
            put(&mut b, 24, info.addr); // ssi_tid: the timer id
            put(&mut b, 44, info.value);
            b[48..56].copy_from_slice(&u64::from(info.value).to_le_bytes());
        }
        _ => {
            put(&mut b, 12, info.pid as u32);
            put(&mut b, 16, info.uid);
            put(&mut b, 44, info.value); // ssi_int (sigqueue's value)
            b[48..56].copy_from_slice(&u64::from(info.value).to_le_bytes()); // ssi_ptr
        }
    }
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
