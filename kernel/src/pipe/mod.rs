//! Pipes and FIFOs: a bounded byte buffer shared by read and write ends.
//!
//! Semantics (man 7 pipe): 64 KiB default capacity (F_SETPIPE_SZ changes
//! it: a power-of-two number of pages, ≤ 1 MiB unprivileged), writes of at
//! most PIPE_BUF (4096) bytes are atomic, reading with no writer left is
//! EOF, writing with no reader left is EPIPE (the syscall layer raises
//! SIGPIPE). Operations never block; `syscall::io` blocks through
//! `Ctx::block_on` on [`Pipe::wq`].
//!
//! FIFOs: the pipe object lives in the FIFO inode's `fifo_slot`;
//! [`fifo::open_fifo`] implements the open rules (blocking until the other
//! side opens, ENXIO for a non-blocking writer without readers).
//!
//! Inode numbers of pipes come from a per-kernel counter
//! (`Kernel::pipe_ino`, [`crate::Kernel::new_pipe`]).
//!
//! Lock order: `Pipe::inner` is a leaf; wake-ups happen after unlocking.

use std::any::Any;
use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use crate::error::{Errno, KResult};
use crate::file::{poll_bits::*, FileOps, Stat};
use crate::task::lock;
use crate::vfs::PathHandle;
use crate::wait::WaitQueue;
use crate::Kernel;

pub mod fifo;

pub const PIPE_BUF: usize = 4096;
pub const PIPE_DEF_SIZE: usize = 65536;
/// `/proc/sys/fs/pipe-max-size`.
pub const PIPE_MAX_SIZE: usize = 1 << 20;

#[derive(Debug)]
struct Inner {
    buf: VecDeque<u8>,
    capacity: usize,
    readers: usize,
    writers: usize,
    /// Opens so far of each side (FIFO open waits for the other side).
    read_opens: u64,
    write_opens: u64,
}

#[derive(Debug)]
pub struct Pipe {
    inner: Mutex<Inner>,
    /// Readers, writers and FIFO openers wait here.
    pub wq: WaitQueue,
    pub ino: u64,
}

/// The first pipe inode number of a kernel.
pub const FIRST_PIPE_INO: u64 = 0x1000;

impl Kernel {
    /// A new pipe with this kernel's next pipe inode number.
    pub fn new_pipe(&self) -> Arc<Pipe> {
        Pipe::new(self.pipe_ino.fetch_add(1, Ordering::Relaxed))
    }
}

impl Pipe {
    pub fn new(ino: u64) -> Arc<Pipe> {
        Arc::new(Pipe {
            inner: Mutex::new(Inner {
                buf: VecDeque::new(),
                capacity: PIPE_DEF_SIZE,
                readers: 0,
                writers: 0,
                read_opens: 0,
                write_opens: 0,
            }),
            wq: WaitQueue::new(),
            ino,
        })
    }

    /// A new end (counted until dropped).
    pub fn open_end(self: &Arc<Self>, write: bool, node: Option<PathHandle>) -> Arc<PipeEnd> {
        self.open_end_counted(write, node).0
    }

    /// A new end, and [`Pipe::counts`] as they were the moment it was
    /// counted (taken under the same lock: a FIFO open decides from them
    /// whether the other side was there when it arrived).
    pub fn open_end_counted(
        self: &Arc<Self>,
        write: bool,
        node: Option<PathHandle>,
    ) -> (Arc<PipeEnd>, (usize, usize, u64, u64)) {
        let counts = {
            let mut i = lock(&self.inner);
            if write {
                i.writers += 1;
                i.write_opens += 1;
            } else {
                i.readers += 1;
                i.read_opens += 1;
            }
            (i.readers, i.writers, i.read_opens, i.write_opens)
        };
        self.wq.wake_all();
        (Arc::new(PipeEnd { pipe: self.clone(), write, node }), counts)
    }

    /// (readers, writers, read_opens, write_opens).
    pub fn counts(&self) -> (usize, usize, u64, u64) {
        let i = lock(&self.inner);
        (i.readers, i.writers, i.read_opens, i.write_opens)
    }

    pub fn read(&self, out: &mut [u8]) -> KResult<usize> {
        let n = {
            let mut i = lock(&self.inner);
            if i.buf.is_empty() {
                if i.writers == 0 || out.is_empty() {
                    return Ok(0);
                }
                return Err(Errno::EAGAIN);
            }
            let n = out.len().min(i.buf.len());
            // Two memcpys (the ring's contiguous halves), not a byte loop.
            let (front, back) = i.buf.as_slices();
            let a = n.min(front.len());
            out[..a].copy_from_slice(&front[..a]);
            out[a..n].copy_from_slice(&back[..n - a]);
            i.buf.drain(..n);
            n
        };
        self.wq.wake_all();
        Ok(n)
    }

    pub fn write(&self, data: &[u8]) -> KResult<usize> {
        let n = {
            let mut i = lock(&self.inner);
            if i.readers == 0 {
                return Err(Errno::EPIPE);
            }
            let free = i.capacity.saturating_sub(i.buf.len());
            if data.is_empty() {
                return Ok(0);
            }
            let n = if data.len() <= PIPE_BUF {
                if free < data.len() {
                    return Err(Errno::EAGAIN);
                }
                data.len()
            } else {
                if free == 0 {
                    return Err(Errno::EAGAIN);
                }
                free.min(data.len())
            };
            i.buf.extend(&data[..n]);
            n
        };
        self.wq.wake_all();
        Ok(n)
    }

    pub fn len(&self) -> usize {
        lock(&self.inner).buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn capacity(&self) -> usize {
        lock(&self.inner).capacity
    }

    /// F_SETPIPE_SZ: returns the size actually set.
    pub fn set_capacity(&self, want: usize, privileged: bool) -> KResult<usize> {
        let size = want.max(4096).checked_next_power_of_two().ok_or(Errno::EINVAL)?;
        if size > PIPE_MAX_SIZE && !privileged {
            return Err(Errno::EPERM);
        }
        if size > i32::MAX as usize {
            return Err(Errno::EINVAL);
        }
        let mut i = lock(&self.inner);
        if i.buf.len() > size {
            return Err(Errno::EBUSY);
        }
        i.capacity = size;
        drop(i);
        self.wq.wake_all();
        Ok(size)
    }

    fn poll(&self, write: bool) -> u32 {
        let i = lock(&self.inner);
        let mut ev = 0;
        if write {
            if i.readers == 0 {
                ev |= POLLERR;
            } else if i.capacity - i.buf.len().min(i.capacity) >= PIPE_BUF.min(i.capacity) {
                ev |= POLLOUT | POLLWRNORM;
            }
        } else {
            if !i.buf.is_empty() {
                ev |= POLLIN | POLLRDNORM;
            }
            if i.writers == 0 && i.write_opens > 0 {
                ev |= POLLHUP;
            }
        }
        ev
    }
}

/// One end of a pipe, as an open file.
pub struct PipeEnd {
    pub pipe: Arc<Pipe>,
    pub write: bool,
    /// The FIFO inode, for a named pipe.
    pub node: Option<PathHandle>,
}

impl Drop for PipeEnd {
    fn drop(&mut self) {
        {
            let mut i = lock(&self.pipe.inner);
            if self.write {
                i.writers -= 1;
            } else {
                i.readers -= 1;
            }
        }
        self.pipe.wq.wake_all();
    }
}

impl FileOps for PipeEnd {
    fn read(&self, buf: &mut [u8], _offset: u64) -> KResult<usize> {
        if self.write {
            return Err(Errno::EBADF);
        }
        self.pipe.read(buf)
    }
    fn write(&self, data: &[u8], _offset: u64) -> KResult<usize> {
        if !self.write {
            return Err(Errno::EBADF);
        }
        self.pipe.write(data)
    }
    fn stat(&self) -> KResult<Stat> {
        if let Some(h) = &self.node {
            return h.stat();
        }
        Ok(Stat { mode: 0o010600, nlink: 1, ino: self.pipe.ino, blksize: 4096, dev: 0xc, ..Default::default() })
    }
    fn poll(&self) -> u32 {
        self.pipe.poll(self.write)
    }
    fn wait_queue(&self) -> Option<&WaitQueue> {
        Some(&self.pipe.wq)
    }
    fn nread(&self) -> Option<usize> {
        Some(self.pipe.len())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The pipe behind an open file, if it is a pipe or FIFO end.
pub fn pipe_of(ops: &dyn FileOps) -> Option<Arc<Pipe>> {
    ops.as_any().downcast_ref::<PipeEnd>().map(|e| e.pipe.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_small_writes_partial_large_writes_eof_epipe() {
        let p = Pipe::new(FIRST_PIPE_INO);
        let r = p.open_end(false, None);
        let w = p.open_end(true, None);
        let big = vec![7u8; PIPE_DEF_SIZE - 100];
        assert_eq!(w.write(&big, 0), Ok(PIPE_DEF_SIZE - 100));
        assert_eq!(w.write(&[1u8; 200], 0), Err(Errno::EAGAIN), "atomic ≤ PIPE_BUF");
        assert_eq!(w.write(&[1u8; 5000], 0), Ok(100), "partial > PIPE_BUF");
        assert_eq!(p.set_capacity(4096, false), Err(Errno::EBUSY));
        let mut buf = vec![0u8; PIPE_DEF_SIZE];
        assert_eq!(r.read(&mut buf, 0), Ok(PIPE_DEF_SIZE));
        assert_eq!(r.read(&mut buf, 0), Err(Errno::EAGAIN));
        drop(w);
        assert_eq!(r.read(&mut buf, 0), Ok(0));
        assert_ne!(r.poll() & POLLHUP, 0);
        let w2 = p.open_end(true, None);
        drop(r);
        assert_eq!(w2.write(b"x", 0), Err(Errno::EPIPE));
        assert_ne!(w2.poll() & POLLERR, 0);
        assert_eq!(p.set_capacity(5000, false), Ok(8192));
        assert_eq!(p.set_capacity(2 << 20, false), Err(Errno::EPERM));
    }
}
