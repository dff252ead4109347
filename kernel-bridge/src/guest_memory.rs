//! Guest memory: the kernel's [`GuestMemory`] trait over one process's wasm
//! linear memory.
//!
//! This is the one place where the bridge touches linear-memory bytes on the
//! kernel's behalf. A process's memory is one of two kinds ([`LinearMemory`]):
//!
//! - **Shared** (every module `wasmlinux-cc` builds: `-matomics`, memory
//!   imported as `env.memory`): a wasmtime [`SharedMemory`] the bridge
//!   creates per process; each thread of the process is an instance over it.
//!   wasmtime offers its bytes only as `&[UnsafeCell<u8>]`, because other
//!   threads may write them at any time, so access goes through raw
//!   pointers: the `unsafe` for it is all in the [`shared`] module below,
//!   with its invariants.
//! - **Own** (a module that defines and exports its memory, e.g. the bridge's
//!   WAT tests): wasmtime's safe, bounds-checked `Memory` API through the
//!   store, no `unsafe`. Such a process cannot have threads.

use std::sync::Arc;

use wasmlinux_kernel::{Errno, GuestMemory, SharedPages};
use wasmtime::{AsContext, AsContextMut, Memory, SharedMemory, StoreContextMut};

const EFAULT: Errno = wasmlinux_kernel::error::Errno::EFAULT.code();
const ENOMEM: Errno = wasmlinux_kernel::error::Errno::ENOMEM.code();
const ENODEV: Errno = wasmlinux_kernel::error::Errno::ENODEV.code();
const WASM_PAGE: u64 = 65536;
/// wasm32 linear memories cannot exceed 4 GiB.
const MAX_MEMORY: u64 = 1 << 32;

/// A process's linear memory.
#[derive(Clone)]
pub enum LinearMemory {
    /// Defined by the module, owned by its store (no threads).
    Own(Memory),
    /// Created by the bridge, shared by the process's threads.
    Shared(SharedMemory),
}

impl LinearMemory {
    /// Current size in bytes.
    pub fn data_size(&self, cx: impl AsContext) -> usize {
        match self {
            LinearMemory::Own(m) => m.data_size(cx),
            LinearMemory::Shared(m) => m.data_size(),
        }
    }

    /// Grow to at least `want` bytes (whole pages).
    pub fn grow_to(&self, cx: impl AsContextMut, want: usize) -> wasmtime::Result<()> {
        let have = self.data_size(cx.as_context());
        if want <= have {
            return Ok(());
        }
        let delta = ((want - have) as u64).div_ceil(WASM_PAGE);
        match self {
            LinearMemory::Own(m) => m.grow(cx, delta).map(|_| ()),
            LinearMemory::Shared(m) => m.grow(delta).map(|_| ()),
        }
    }
}

/// A process's linear memory plus a mutable borrow of its store.
pub struct WasmMemory<'a, T: 'static> {
    memory: LinearMemory,
    cx: StoreContextMut<'a, T>,
}

impl<'a, T: 'static> WasmMemory<'a, T> {
    pub fn new(memory: LinearMemory, cx: StoreContextMut<'a, T>) -> Self {
        WasmMemory { memory, cx }
    }
}

/// Checked byte range `addr .. addr+len` within a memory of `size` bytes.
fn range(addr: u32, len: usize, size: usize) -> Result<std::ops::Range<usize>, Errno> {
    let start = addr as usize;
    let end = start.checked_add(len).ok_or(EFAULT)?;
    if end > size {
        return Err(EFAULT);
    }
    Ok(start..end)
}

impl<T: 'static> GuestMemory for WasmMemory<'_, T> {
    fn size(&self) -> u64 {
        self.memory.data_size(self.cx.as_context()) as u64
    }

    fn read(&self, addr: u32, buf: &mut [u8]) -> Result<(), Errno> {
        match &self.memory {
            LinearMemory::Own(m) => m.read(&self.cx, addr as usize, buf).map_err(|_| EFAULT),
            LinearMemory::Shared(m) => shared::read(m, addr, buf),
        }
    }

    fn write(&mut self, addr: u32, data: &[u8]) -> Result<(), Errno> {
        match &self.memory {
            LinearMemory::Own(m) => m.write(&mut self.cx, addr as usize, data).map_err(|_| EFAULT),
            LinearMemory::Shared(m) => shared::write(m, addr, data),
        }
    }

    fn fill(&mut self, addr: u32, len: u32, byte: u8) -> Result<(), Errno> {
        match &self.memory {
            LinearMemory::Own(m) => {
                let r = range(addr, len as usize, m.data_size(&self.cx))?;
                m.data_mut(self.cx.as_context_mut()).get_mut(r).ok_or(EFAULT)?.fill(byte);
                Ok(())
            }
            LinearMemory::Shared(m) => shared::fill(m, addr, len as usize, byte),
        }
    }

    fn grow(&mut self, new_size: u64) -> Result<(), Errno> {
        if new_size > MAX_MEMORY {
            return Err(ENOMEM);
        }
        self.memory.grow_to(self.cx.as_context_mut(), new_size as usize).map_err(|_| ENOMEM)
    }

    fn discard(&mut self, addr: u32, len: u32) -> Result<(), Errno> {
        match &self.memory {
            LinearMemory::Shared(m) => shared::discard(m, addr, len as usize),
            LinearMemory::Own(_) => self.fill(addr, len, 0),
        }
    }

    fn map_shared(&mut self, addr: u32, len: u32, pages: &Arc<dyn SharedPages>, offset: u64) -> Result<(), Errno> {
        match &self.memory {
            LinearMemory::Shared(m) => map_pages(m, addr, len, pages, offset),
            LinearMemory::Own(_) => Err(ENODEV),
        }
    }

    fn unmap_shared(&mut self, addr: u32, len: u32) -> Result<(), Errno> {
        match &self.memory {
            LinearMemory::Shared(m) => shared::unmap(m, addr, len as usize),
            LinearMemory::Own(_) => Ok(()),
        }
    }
}

/// Map `len` bytes of `pages` (one of ours: a memfd) at `addr` of `m`.
pub fn map_pages(
    m: &SharedMemory,
    addr: u32,
    len: u32,
    pages: &Arc<dyn SharedPages>,
    offset: u64,
) -> Result<(), Errno> {
    let Some(p) = pages.as_any().downcast_ref::<crate::shared_pages::MemfdPages>() else { return Err(ENODEV) };
    if offset.checked_add(len as u64).is_none_or(|end| end > p.len()) {
        return Err(EFAULT);
    }
    shared::map_fd(m, addr, len as usize, p.fd(), offset)
}

/// Byte access to a [`SharedMemory`]: the bridge's only `unsafe` for guest
/// memory.
///
/// Invariants wasmtime gives (see `SharedMemory::data`): the base address of
/// a shared memory never changes, and the memory only grows, so a range
/// checked against `data().len()` stays valid for as long as the
/// `SharedMemory` handle (held by the caller) lives. Other guest threads may
/// read and write the same bytes concurrently — as with any kernel copying
/// from or to user memory on Linux, such a racing access sees some mix of old
/// and new bytes; no Rust reference (`&[u8]`) to guest bytes is ever formed,
/// only raw-pointer copies of checked ranges.
#[allow(unsafe_code)]
pub mod shared {
    use super::{range, Errno, SharedMemory};

    /// Raw pointer to byte `start` of `m`, after `range` checked it.
    fn ptr(m: &SharedMemory, start: usize) -> *mut u8 {
        let data = m.data();
        // `start <= data.len()`: one past the end is a valid pointer.
        std::cell::UnsafeCell::raw_get(data.as_ptr().wrapping_add(start))
    }

    pub fn read(m: &SharedMemory, addr: u32, buf: &mut [u8]) -> Result<(), Errno> {
        let r = range(addr, buf.len(), m.data_size())?;
        // SAFETY: `r` lies within the memory (checked above; the memory never
        // shrinks or moves); `buf` is a distinct host buffer.
        unsafe { std::ptr::copy_nonoverlapping(ptr(m, r.start), buf.as_mut_ptr(), buf.len()) };
        Ok(())
    }

    pub fn write(m: &SharedMemory, addr: u32, data: &[u8]) -> Result<(), Errno> {
        let r = range(addr, data.len(), m.data_size())?;
        // SAFETY: as in `read`, with the roles of the buffers swapped.
        unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), ptr(m, r.start), data.len()) };
        Ok(())
    }

    pub fn fill(m: &SharedMemory, addr: u32, len: usize, byte: u8) -> Result<(), Errno> {
        let r = range(addr, len, m.data_size())?;
        // SAFETY: `r` lies within the memory (see `read`).
        unsafe { std::ptr::write_bytes(ptr(m, r.start), byte, len) };
        Ok(())
    }

    /// Copy `len` bytes at `off` from `src` to the same offset of `dst`
    /// (fork: `dst` is the child's fresh memory, no thread runs in it yet).
    /// Both ranges must be in bounds (checked).
    pub fn copy_between(src: &SharedMemory, dst: &SharedMemory, off: usize, len: usize) -> Result<(), Errno> {
        let addr = u32::try_from(off).map_err(|_| super::EFAULT)?;
        let r = range(addr, len, src.data_size().min(dst.data_size()))?;
        // SAFETY: both ranges are within their memories (checked); two
        // distinct memories never overlap.
        unsafe { std::ptr::copy_nonoverlapping(ptr(src, r.start), ptr(dst, r.start), len) };
        Ok(())
    }

    /// Map `len` bytes of the file `fd` from `offset` over `[addr, addr+len)`
    /// of `m`, shared (`MAP_SHARED | MAP_FIXED`). The range must be page
    /// aligned and within the memory's current size: it then lies inside the
    /// address range wasmtime reserved for the memory and made accessible,
    /// and replacing those pages only changes what the guest reads there.
    /// wasmtime never unmaps or remaps accessible pages of a shared memory
    /// while it lives (it only grows), and unmaps the whole reservation,
    /// ours included, when the memory is dropped.
    pub fn map_fd(
        m: &SharedMemory,
        addr: u32,
        len: usize,
        fd: std::os::fd::BorrowedFd<'_>,
        offset: u64,
    ) -> Result<(), Errno> {
        use nix::sys::mman::{mmap, MapFlags, ProtFlags};
        let r = range(addr, len, m.data_size())?;
        let page = 4096;
        let (Some(n), true) = (std::num::NonZeroUsize::new(len), r.start % page == 0 && len.is_multiple_of(page)) else {
            return Err(super::EFAULT);
        };
        let off = i64::try_from(offset).map_err(|_| super::EFAULT)?;
        let at = std::ptr::NonNull::new(ptr(m, r.start).cast::<std::ffi::c_void>()).ok_or(super::EFAULT)?;
        // SAFETY: see above: `[at, at+len)` is page aligned and inside the
        // accessible part of the memory's own reservation (checked), so
        // MAP_FIXED replaces only guest-memory pages, never host memory.
        unsafe {
            mmap(
                Some(std::num::NonZeroUsize::new(at.as_ptr() as usize).ok_or(super::EFAULT)?),
                n,
                ProtFlags::PROT_READ | ProtFlags::PROT_WRITE,
                MapFlags::MAP_SHARED | MapFlags::MAP_FIXED,
                fd,
                off,
            )
        }
        .map(|_| ())
        .map_err(|_| super::ENOMEM)
    }

    /// Put private zero pages over `[addr, addr+len)` of `m` (a shared
    /// mapping there ended): same invariants as [`map_fd`].
    pub fn unmap(m: &SharedMemory, addr: u32, len: usize) -> Result<(), Errno> {
        use nix::sys::mman::{mmap_anonymous, MapFlags, ProtFlags};
        let r = range(addr, len, m.data_size())?;
        let page = 4096;
        let (Some(n), true) = (std::num::NonZeroUsize::new(len), r.start % page == 0 && len.is_multiple_of(page)) else {
            return Err(super::EFAULT);
        };
        let at = ptr(m, r.start) as usize;
        // SAFETY: as in `map_fd`.
        unsafe {
            mmap_anonymous(
                Some(std::num::NonZeroUsize::new(at).ok_or(super::EFAULT)?),
                n,
                ProtFlags::PROT_READ | ProtFlags::PROT_WRITE,
                MapFlags::MAP_PRIVATE | MapFlags::MAP_FIXED,
            )
        }
        .map(|_| ())
        .map_err(|_| super::ENOMEM)
    }

    /// Zero `[addr, addr+len)` of `m`: whole pages with `madvise(MADV_DONTNEED)`
    /// (the host frees them; the next access reads zeros, and pages never
    /// touched cost nothing), the partial pages at the ends by writing.
    /// Only for private pages: the kernel never discards a shared mapping.
    pub fn discard(m: &SharedMemory, addr: u32, len: usize) -> Result<(), Errno> {
        use nix::sys::mman::{madvise, MmapAdvise};
        let r = range(addr, len, m.data_size())?;
        let page = 4096;
        let (a, b) = (r.start.next_multiple_of(page), r.end / page * page);
        if a >= b {
            return fill(m, addr, len, 0);
        }
        fill(m, addr, a - r.start, 0)?;
        fill(m, b as u32, r.end - b, 0)?;
        let at = std::ptr::NonNull::new(ptr(m, a).cast::<std::ffi::c_void>()).ok_or(super::EFAULT)?;
        // SAFETY: `[at, at+(b-a))` is page aligned and inside the accessible
        // part of the memory (checked, see `map_fd`): MADV_DONTNEED only
        // makes those private guest pages read as zero again.
        unsafe { madvise(at, b - a, MmapAdvise::MADV_DONTNEED) }.map_err(|_| super::EFAULT)
    }
}
