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

/// One shared-memory object: a memfd of `len` bytes.
#[derive(Debug)]
pub struct MemfdPages {
    fd: OwnedFd,
    len: u64,
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
            let fd = nix::sys::memfd::memfd_create("wasmlinux-shared", nix::sys::memfd::MFdFlags::MFD_CLOEXEC)
                .map_err(|e| if e == nix::errno::Errno::EMFILE || e == nix::errno::Errno::ENFILE { ENFILE } else { ENOMEM })?;
            let size = i64::try_from(len).map_err(|_| ENOMEM)?;
            nix::unistd::ftruncate(&fd, size).map_err(|_| ENOMEM)?;
            Ok(fd)
        })();
        match made {
            Ok(fd) => Ok(Arc::new(MemfdPages { fd, len, id: NEXT_ID.fetch_add(1, Ordering::Relaxed) })),
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
        self.len
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
