//! eventfd objects (man 2 eventfd): a 64-bit counter behind an anonymous
//! file. Reads take the counter (or 1 with `EFD_SEMAPHORE`), writes add to
//! it; both are 8 bytes (`EINVAL` below that). A write that would push the
//! counter past `0xffff_ffff_ffff_fffe` is not ready (`EAGAIN`, blocking
//! writers wait through `Ctx::block_on`).
//!
//! Neighbours: `syscall::eventfd` creates them; `syscall::io` reads and
//! writes them like any stream; poll/epoll see [`FileOps::poll`].
//! Lock order: `EventFd::count` is a leaf; wake-ups happen after unlocking.

use std::any::Any;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::error::{Errno, KResult};
use crate::file::{poll_bits::*, FileOps, Stat};
use crate::task::lock;
use crate::wait::WaitQueue;

/// Largest value the counter may hold.
pub const EVENTFD_MAX: u64 = 0xffff_ffff_ffff_fffe;

/// Inode numbers of anonymous files (eventfd, epoll, timerfd).
pub fn anon_ino() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0x10_0000);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// `st_dev` of anonymous inodes (anon_inodefs).
pub const ANON_DEV: u64 = 0xd;

/// What `fstat` shows for an anonymous-inode file.
pub fn anon_stat(ino: u64) -> Stat {
    Stat { mode: 0o600, nlink: 1, ino, blksize: 4096, dev: ANON_DEV, ..Default::default() }
}

pub struct EventFd {
    count: Mutex<u64>,
    semaphore: bool,
    pub wq: WaitQueue,
    ino: u64,
}

impl EventFd {
    pub fn new(initval: u32, semaphore: bool) -> Arc<EventFd> {
        Arc::new(EventFd { count: Mutex::new(u64::from(initval)), semaphore, wq: WaitQueue::new(), ino: anon_ino() })
    }
    pub fn value(&self) -> u64 {
        *lock(&self.count)
    }
}

impl FileOps for EventFd {
    fn read(&self, buf: &mut [u8], _offset: u64) -> KResult<usize> {
        if buf.len() < 8 {
            return Err(Errno::EINVAL);
        }
        let v = {
            let mut c = lock(&self.count);
            if *c == 0 {
                return Err(Errno::EAGAIN);
            }
            let v = if self.semaphore { 1 } else { *c };
            *c -= v;
            v
        };
        buf[..8].copy_from_slice(&v.to_le_bytes());
        self.wq.wake_all();
        Ok(8)
    }
    fn write(&self, data: &[u8], _offset: u64) -> KResult<usize> {
        let Some(bytes) = data.get(..8) else {
            return Err(Errno::EINVAL);
        };
        let mut b = [0u8; 8];
        b.copy_from_slice(bytes);
        let v = u64::from_le_bytes(b);
        if v == u64::MAX {
            return Err(Errno::EINVAL);
        }
        {
            let mut c = lock(&self.count);
            if EVENTFD_MAX - *c < v {
                return Err(Errno::EAGAIN);
            }
            *c += v;
        }
        self.wq.wake_all();
        Ok(8)
    }
    fn stat(&self) -> KResult<Stat> {
        Ok(anon_stat(self.ino))
    }
    fn poll(&self) -> u32 {
        let c = *lock(&self.count);
        let mut ev = 0;
        if c > 0 {
            ev |= POLLIN | POLLRDNORM;
        }
        if c < EVENTFD_MAX {
            ev |= POLLOUT | POLLWRNORM;
        }
        ev
    }
    fn wait_queue(&self) -> Option<&WaitQueue> {
        Some(&self.wq)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_semaphore_and_overflow() {
        let e = EventFd::new(3, true);
        let mut b = [0u8; 8];
        assert_eq!(e.read(&mut b[..4], 0), Err(Errno::EINVAL));
        assert_eq!(e.read(&mut b, 0), Ok(8));
        assert_eq!(u64::from_le_bytes(b), 1);
        assert_eq!(e.value(), 2);
        assert_eq!(e.write(&(EVENTFD_MAX - 2).to_le_bytes(), 0), Ok(8));
        assert_eq!(e.poll() & POLLOUT, 0);
        assert_eq!(e.write(&1u64.to_le_bytes(), 0), Err(Errno::EAGAIN));
        assert_eq!(e.write(&u64::MAX.to_le_bytes(), 0), Err(Errno::EINVAL));
    }
}
