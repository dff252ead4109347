//! Host memory behind `MAP_SHARED` mappings ([`MemfdPages`]): a memfd per
//! mapping object, mapped into each process's shared linear memory where the
//! guest maps it (`guest_memory::shared::map_pages`), so that a parent and
//! its forked children (and all their threads) see the same bytes, and
//! atomics and futexes work across processes.
//!
//! Bounded: at most [`MAX_LIVE`] objects exist at once per host process (each
//! holds one host file descriptor); more is ENFILE for the guest's mmap. The
//! memory itself is bounded as guest memory is (4 GiB of address space per
//! process).

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use wasmlinux_kernel::{Errno, SharedPages};

/// Live objects allowed at once (one host fd each).
pub const MAX_LIVE: usize = 4096;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

const ENFILE: Errno = wasmlinux_kernel::error::Errno::ENFILE.code();
const ENOMEM: Errno = wasmlinux_kernel::error::Errno::ENOMEM.code();
const EIO: Errno = wasmlinux_kernel::error::Errno::EIO.code();

/// One shared-memory object: a memfd of `len` bytes (it only grows).
#[derive(Debug)]
pub struct MemfdPages {
    fd: OwnedFd,
    len: std::sync::Mutex<u64>,
    id: u64,
}

impl MemfdPages {
    /// A zero-filled object of `len` bytes.
    pub fn create(len: u64) -> Result<Arc<dyn SharedPages>, Errno> {
        if LIVE.fetch_add(1, Ordering::AcqRel) >= MAX_LIVE {
            LIVE.fetch_sub(1, Ordering::AcqRel);
            return Err(ENFILE);
        }
        let made = (|| {
            let fd =
                nix::sys::memfd::memfd_create("wasmlinux-shared", nix::sys::memfd::MFdFlags::MFD_CLOEXEC).map_err(
                    |e| if e == nix::errno::Errno::EMFILE || e == nix::errno::Errno::ENFILE { ENFILE } else { ENOMEM },
                )?;
            let size = i64::try_from(len).map_err(|_| ENOMEM)?;
            nix::unistd::ftruncate(&fd, size).map_err(|_| ENOMEM)?;
            Ok(fd)
        })();
        match made {
            Ok(fd) => Ok(Arc::new(MemfdPages {
                fd,
                len: std::sync::Mutex::new(len),
                id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            })),
            Err(e) => {
                LIVE.fetch_sub(1, Ordering::AcqRel);
                Err(e)
            }
        }
    }

    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl Drop for MemfdPages {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, Ordering::AcqRel);
    }
}

impl SharedPages for MemfdPages {
    fn id(&self) -> u64 {
        self.id
    }
    fn len(&self) -> u64 {
        *self.len.lock().unwrap_or_else(|e| e.into_inner())
    }
    fn grow(&self, len: u64) -> Result<(), Errno> {
        let mut cur = self.len.lock().unwrap_or_else(|e| e.into_inner());
        if len > *cur {
            let size = i64::try_from(len).map_err(|_| ENOMEM)?;
            nix::unistd::ftruncate(&self.fd, size).map_err(|_| ENOMEM)?;
            *cur = len;
        }
        Ok(())
    }
    fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<(), Errno> {
        let mut done = 0;
        while done < buf.len() {
            let off = i64::try_from(offset + done as u64).map_err(|_| EIO)?;
            match nix::sys::uio::pread(&self.fd, &mut buf[done..], off) {
                Ok(0) => break,
                Ok(n) => done += n,
                Err(nix::errno::Errno::EINTR) => {}
                Err(_) => return Err(EIO),
            }
        }
        buf[done..].fill(0);
        Ok(())
    }
    fn write_at(&self, data: &[u8], offset: u64) -> Result<(), Errno> {
        if offset.checked_add(data.len() as u64).is_none_or(|end| end > self.len()) {
            return Err(EIO);
        }
        let mut done = 0;
        while done < data.len() {
            let off = i64::try_from(offset + done as u64).map_err(|_| EIO)?;
            match nix::sys::uio::pwrite(&self.fd, &data[done..], off) {
                Ok(0) => return Err(EIO),
                Ok(n) => done += n,
                Err(nix::errno::Errno::EINTR) => {}
                Err(_) => return Err(EIO),
            }
        }
        Ok(())
    }
    fn zero(&self, offset: u64, len: u64) -> Result<(), Errno> {
        use nix::fcntl::{fallocate, FallocateFlags};
        let (off, n) = (i64::try_from(offset).map_err(|_| EIO)?, i64::try_from(len).map_err(|_| EIO)?);
        fallocate(&self.fd, FallocateFlags::FALLOC_FL_PUNCH_HOLE | FallocateFlags::FALLOC_FL_KEEP_SIZE, off, n)
            .map_err(|_| EIO)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
