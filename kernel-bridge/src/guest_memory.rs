//! Guest memory: the kernel's [`GuestMemory`] trait over one process's wasm
//! linear memory.
//!
//! This is the one place where the bridge touches linear-memory bytes on the
//! kernel's behalf. It uses only wasmtime's safe, bounds-checked API
//! (`Memory::read`/`write`/`data_mut`/`grow`), so it needs no `unsafe`. It
//! borrows the store for the duration of one kernel call and never keeps a
//! slice across calls: `grow` may move the memory.

use wasmlinux_kernel::{Errno, GuestMemory};
use wasmtime::{AsContext, AsContextMut, Memory, StoreContextMut};

const EFAULT: Errno = wasmlinux_kernel::error::Errno::EFAULT.code();
const ENOMEM: Errno = wasmlinux_kernel::error::Errno::ENOMEM.code();
const WASM_PAGE: u64 = 65536;
/// wasm32 linear memories cannot exceed 4 GiB.
const MAX_MEMORY: u64 = 1 << 32;

/// A process's linear memory plus a mutable borrow of its store.
pub struct WasmMemory<'a, T: 'static> {
    memory: Memory,
    cx: StoreContextMut<'a, T>,
}

impl<'a, T: 'static> WasmMemory<'a, T> {
    pub fn new(memory: Memory, cx: StoreContextMut<'a, T>) -> Self {
        WasmMemory { memory, cx }
    }

    /// Checked byte range `addr .. addr+len` within the current memory.
    fn range(&self, addr: u32, len: usize) -> Result<std::ops::Range<usize>, Errno> {
        let start = addr as usize;
        let end = start.checked_add(len).ok_or(EFAULT)?;
        if end > self.memory.data_size(&self.cx) {
            return Err(EFAULT);
        }
        Ok(start..end)
    }
}

impl<T: 'static> GuestMemory for WasmMemory<'_, T> {
    fn size(&self) -> u64 {
        self.memory.data_size(self.cx.as_context()) as u64
    }

    fn read(&self, addr: u32, buf: &mut [u8]) -> Result<(), Errno> {
        self.memory.read(&self.cx, addr as usize, buf).map_err(|_| EFAULT)
    }

    fn write(&mut self, addr: u32, data: &[u8]) -> Result<(), Errno> {
        self.memory.write(&mut self.cx, addr as usize, data).map_err(|_| EFAULT)
    }

    fn fill(&mut self, addr: u32, len: u32, byte: u8) -> Result<(), Errno> {
        let range = self.range(addr, len as usize)?;
        let data = self.memory.data_mut(self.cx.as_context_mut());
        data.get_mut(range).ok_or(EFAULT)?.fill(byte);
        Ok(())
    }

    fn grow(&mut self, new_size: u64) -> Result<(), Errno> {
        if new_size > MAX_MEMORY {
            return Err(ENOMEM);
        }
        let want_pages = new_size.div_ceil(WASM_PAGE);
        let have_pages = self.memory.size(&self.cx);
        if want_pages <= have_pages {
            return Ok(());
        }
        self.memory.grow(&mut self.cx, want_pages - have_pages).map(|_| ()).map_err(|_| ENOMEM)
    }
}
