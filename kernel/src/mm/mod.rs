//! A process's address space: its wasm linear memory, described by the
//! program break and a list of mappings (`struct mm_struct` + VMAs).
//!
//! Layout (guest memory only grows upward, so allocation is lowest-first):
//!
//! ```text
//! 0 .. image_end          module data, bss, shadow stack (the wasm image)
//! brk_start .. brk        heap (brk); may grow up to `mmap_base` and beyond
//!                         while no mapping is in the way
//! mmap_base ..            mappings, first-fit, reused after munmap
//! ```
//!
//! The kernel never keeps slices of guest memory; contents are zeroed or
//! copied through `GuestMemory` by the syscall layer.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::Arc;

use crate::api::GuestMemory;
use crate::error::{Errno, KResult};
use crate::file::OpenFile;

pub const PAGE_SIZE: u32 = 4096;
/// Address space reserved for brk growth before mappings start.
pub const BRK_RESERVE: u32 = 64 << 20;
/// Largest guest address + 1 (4 GiB linear memory).
pub const TASK_SIZE: u64 = 1 << 32;

pub fn page_up(x: u64) -> u64 {
    x.div_ceil(PAGE_SIZE as u64) * PAGE_SIZE as u64
}

/// `PROT_*`.
pub const PROT_READ: u32 = 1;
pub const PROT_WRITE: u32 = 2;
pub const PROT_EXEC: u32 = 4;
/// `MAP_*`.
pub const MAP_SHARED: u32 = 0x01;
pub const MAP_PRIVATE: u32 = 0x02;
pub const MAP_SHARED_VALIDATE: u32 = 0x03;
pub const MAP_TYPE: u32 = 0x0f;
pub const MAP_FIXED: u32 = 0x10;
pub const MAP_ANONYMOUS: u32 = 0x20;
pub const MAP_NORESERVE: u32 = 0x4000;
pub const MAP_GROWSDOWN: u32 = 0x0100;
pub const MAP_DENYWRITE: u32 = 0x0800;
pub const MAP_EXECUTABLE: u32 = 0x1000;
pub const MAP_LOCKED: u32 = 0x2000;
pub const MAP_POPULATE: u32 = 0x8000;
pub const MAP_NONBLOCK: u32 = 0x10000;
pub const MAP_STACK: u32 = 0x20000;
pub const MAP_HUGETLB: u32 = 0x40000;
pub const MAP_SYNC: u32 = 0x80000;
pub const MAP_FIXED_NOREPLACE: u32 = 0x100000;

/// File backing of a shared mapping (written back on msync/munmap).
#[derive(Clone)]
pub struct SharedBacking {
    pub file: Arc<OpenFile>,
    /// File offset of the mapping's first byte.
    pub offset: u64,
}

impl std::fmt::Debug for SharedBacking {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}@{}", self.file, self.offset)
    }
}

/// Host shared pages behind a `MAP_SHARED` mapping that is really shared
/// (`HostOps::new_shared_pages`, mapped with `GuestMemory::map_shared`):
/// inherited by fork, where the bridge maps the same pages into the child.
#[derive(Debug, Clone)]
pub struct PagesBacking {
    pub pages: Arc<dyn crate::api::SharedPages>,
    /// Offset in `pages` of the mapping's first byte.
    pub offset: u64,
}

/// A System V shared memory segment as its attaches see it (`ipc::shm`
/// implements it). Linux counts `shm_nattch` per mapping (`vm_ops->open`
/// and `close`): a split by mprotect or a partial munmap counts twice, a
/// fork counts the child's mappings. [`ShmRef`] does the same by counting
/// on clone and drop.
pub trait ShmAttach: Send + Sync + std::fmt::Debug {
    /// The segment's id.
    fn shmid(&self) -> i32;
    /// Its size in bytes (`shm_segsz`).
    fn size(&self) -> u64;
    /// Another mapping of it exists: `shm_nattch` + 1.
    fn opened(&self);
    /// A mapping of it is gone: `shm_nattch` - 1; a segment marked for
    /// removal (IPC_RMID) is destroyed at 0.
    fn closed(&self);
    /// An attach (shmat, fork: `attach` true) or a detach (shmdt, munmap,
    /// exit, exec) by process `pid` at `now` (seconds): Linux's
    /// `shm_atime`/`shm_dtime` and `shm_lpid`.
    fn touched(&self, pid: i32, now: i64, attach: bool);
}

/// One counted attach of a System V segment, held by its mapping (see
/// [`ShmAttach`]): a clone counts one more, a drop one less.
pub struct ShmRef(Arc<dyn ShmAttach>);

impl ShmRef {
    /// Take over one count the caller already made.
    pub fn counted(a: Arc<dyn ShmAttach>) -> ShmRef {
        ShmRef(a)
    }
    pub fn seg(&self) -> &dyn ShmAttach {
        &*self.0
    }
}

impl Clone for ShmRef {
    fn clone(&self) -> ShmRef {
        self.0.opened();
        ShmRef(self.0.clone())
    }
}

impl Drop for ShmRef {
    fn drop(&mut self) {
        self.0.closed();
    }
}

impl std::fmt::Debug for ShmRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "shm {}", self.0.shmid())
    }
}

/// One mapping.
#[derive(Debug, Clone)]
pub struct Vma {
    pub len: u32,
    pub prot: u32,
    pub flags: u32,
    /// Path shown in /proc/<pid>/maps.
    pub name: Vec<u8>,
    pub shared: Option<SharedBacking>,
    pub pages: Option<PagesBacking>,
    /// A System V shared memory attach (with `pages`, the segment's).
    pub shm: Option<ShmRef>,
}

/// The address-space map of one process. Cloned on fork.
#[derive(Debug, Clone, Default)]
pub struct Mm {
    /// End of the wasm image = initial brk.
    pub brk_start: u32,
    pub brk: u32,
    /// Lowest address mappings are placed at.
    pub mmap_base: u32,
    /// Mappings by start address (page aligned, never overlapping).
    pub vmas: BTreeMap<u32, Vma>,
}

impl Mm {
    /// A fresh map for an image whose initial memory is `image_size` bytes.
    pub fn new(image_size: u64) -> Mm {
        let start = page_up(image_size).min(TASK_SIZE - PAGE_SIZE as u64) as u32;
        let base = (start as u64 + BRK_RESERVE as u64).min(TASK_SIZE - PAGE_SIZE as u64) as u32;
        Mm { brk_start: start, brk: start, mmap_base: base, vmas: BTreeMap::new() }
    }

    /// Does `[start, end)` overlap a mapping?
    pub fn overlaps(&self, start: u64, end: u64) -> bool {
        self.vmas.range(starts_below(end)).next_back().is_some_and(|(&s, v)| s as u64 + v.len as u64 > start)
            || (end > TASK_SIZE)
    }

    /// Lowest free page-aligned range of `len` bytes at or above
    /// `max(mmap_base, brk)` (first fit).
    pub fn find_free(&self, len: u32) -> Option<u32> {
        let len = len as u64;
        let mut cand = (self.mmap_base as u64).max(page_up(self.brk as u64)).max(crate::mem::NULL_GUARD as u64);
        for (&s, v) in self.vmas.range(..) {
            let (s, e) = (s as u64, s as u64 + v.len as u64);
            if e <= cand {
                continue;
            }
            if s >= cand + len {
                break;
            }
            cand = e;
        }
        if cand + len <= TASK_SIZE {
            Some(cand as u32)
        } else {
            None
        }
    }

    /// Insert a mapping (caller made room).
    pub fn insert(&mut self, start: u32, vma: Vma) {
        self.vmas.insert(start, vma);
    }

    /// Remove `[start, start+len)` from the map, splitting mappings at the
    /// edges. Returns the removed pieces (start, vma) for write-back.
    pub fn remove_range(&mut self, start: u32, len: u32) -> Vec<(u32, Vma)> {
        let (s, e) = (start as u64, start as u64 + len as u64);
        let hits: Vec<u32> = self
            .vmas
            .range(starts_below(e))
            .filter(|(&vs, v)| vs as u64 + v.len as u64 > s)
            .map(|(&vs, _)| vs)
            .collect();
        let mut removed = Vec::new();
        for vs in hits {
            let v = self.vmas.remove(&vs).expect("vma present");
            let ve = vs as u64 + v.len as u64;
            if (vs as u64) < s {
                let mut left = v.clone();
                left.len = (s - vs as u64) as u32;
                self.vmas.insert(vs, left);
            }
            if ve > e {
                let mut right = v.clone();
                right.len = (ve - e) as u32;
                if let Some(b) = right.shared.as_mut() {
                    b.offset += e - vs as u64;
                }
                if let Some(b) = right.pages.as_mut() {
                    b.offset += e - vs as u64;
                }
                self.vmas.insert(e as u32, right);
            }
            let cs = (vs as u64).max(s);
            let ce = ve.min(e);
            let mut mid = v;
            if let Some(b) = mid.shared.as_mut() {
                b.offset += cs - vs as u64;
            }
            if let Some(b) = mid.pages.as_mut() {
                b.offset += cs - vs as u64;
            }
            mid.len = (ce - cs) as u32;
            removed.push((cs as u32, mid));
        }
        removed
    }

    /// The mapping containing `addr`.
    pub fn find(&self, addr: u32) -> Option<(u32, &Vma)> {
        self.vmas
            .range(..=addr)
            .next_back()
            .filter(|(&s, v)| (addr as u64) < s as u64 + v.len as u64)
            .map(|(&s, v)| (s, v))
    }

    /// Remove every System V shared memory attach (exit, exec): each is a
    /// detach by `pid` at `now`. Returns them; the caller unmaps them from
    /// the memory if it goes on, and their drop counts the detaches.
    pub fn take_shm(&mut self, pid: i32, now: i64) -> Vec<(u32, Vma)> {
        let starts: Vec<u32> = self.vmas.iter().filter(|(_, v)| v.shm.is_some()).map(|(&s, _)| s).collect();
        let mut out = Vec::with_capacity(starts.len());
        for s in starts {
            if let Some(v) = self.vmas.remove(&s) {
                if let Some(r) = &v.shm {
                    r.seg().touched(pid, now, false);
                }
                out.push((s, v));
            }
        }
        out
    }

    /// Is every page of `[start, start+len)` mapped?
    pub fn fully_mapped(&self, start: u32, len: u32) -> bool {
        let mut a = start as u64;
        let e = start as u64 + len as u64;
        while a < e {
            match self.find(a as u32) {
                Some((s, v)) => a = s as u64 + v.len as u64,
                None => return false,
            }
        }
        true
    }
}

/// The keys (mapping starts) below `end`, for any `end` up to and past 4 GiB.
/// (`..end as u32` would wrap 4 GiB to 0 and see no mapping at all: that let
/// `brk` near the top of memory zero-fill live mappings.)
fn starts_below(end: u64) -> (Bound<u32>, Bound<u32>) {
    match u32::try_from(end) {
        Ok(e) => (Bound::Unbounded, Bound::Excluded(e)),
        Err(_) => (Bound::Unbounded, Bound::Unbounded),
    }
}

/// Page-rounded length (ENOMEM past the address space).
pub(crate) fn page_len(len: u32) -> KResult<u32> {
    let l = page_up(len as u64);
    u32::try_from(l).map_err(|_| Errno::ENOMEM)
}

/// Grow guest memory to cover `end`.
pub(crate) fn ensure_size(mem: &mut dyn GuestMemory, end: u64) -> KResult<()> {
    if end > mem.size() {
        mem.grow(end).map_err(|_| Errno::ENOMEM)?;
    }
    Ok(())
}

pub(crate) fn zero(mem: &mut dyn GuestMemory, addr: u32, len: u32) -> KResult<()> {
    if len == 0 {
        return Ok(());
    }
    mem.discard(addr, len).map_err(|_| Errno::EFAULT)
}

/// Pieces of mappings that were removed stop being shared: their host pages
/// are unmapped from this memory (private zero pages take their place).
pub(crate) fn release_shared(mem: &mut dyn GuestMemory, pieces: &[(u32, Vma)]) {
    for (start, v) in pieces {
        if v.pages.is_some() {
            let _ = mem.unmap_shared(*start, v.len);
        }
    }
}

/// Allocate a mapping of `len` (page-rounded) bytes for the kernel/bridge.
pub(crate) fn map_anon(mm: &mut Mm, mem: &mut dyn GuestMemory, len: u32, name: &[u8]) -> KResult<u32> {
    if len == 0 {
        return Err(Errno::EINVAL);
    }
    let len = page_len(len)?;
    let addr = mm.find_free(len).ok_or(Errno::ENOMEM)?;
    ensure_size(mem, addr as u64 + len as u64)?;
    zero(mem, addr, len)?;
    mm.insert(
        addr,
        Vma {
            len,
            prot: PROT_READ | PROT_WRITE,
            flags: MAP_PRIVATE | MAP_ANONYMOUS,
            name: name.to_vec(),
            shared: None,
            pages: None,
            shm: None,
        },
    );
    Ok(addr)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anon(len: u32) -> Vma {
        Vma { len, prot: 3, flags: MAP_PRIVATE | MAP_ANONYMOUS, name: Vec::new(), shared: None, pages: None, shm: None }
    }

    #[test]
    fn ranges_ending_at_4gib_see_the_top_mapping() {
        let mut mm = Mm::new(65536);
        mm.insert(0xffff_0000, anon(0x1_0000));
        assert!(mm.overlaps(0x1000_0000, TASK_SIZE));
        assert!(mm.overlaps(0xffff_f000, TASK_SIZE));
        assert!(!mm.overlaps(0x1000_0000, 0xffff_0000));
        let removed = mm.remove_range(0xffff_8000, 0x8000);
        assert_eq!(removed.len(), 1);
        assert_eq!(removed[0].0, 0xffff_8000);
        assert_eq!(removed[0].1.len, 0x8000);
        assert_eq!(mm.find(0xffff_0000).map(|(s, v)| (s, v.len)), Some((0xffff_0000, 0x8000)));
        assert!(mm.find(0xffff_8000).is_none());
    }

    #[test]
    fn first_fit_reuses_and_splits() {
        let mut mm = Mm::new(65536);
        let a = mm.find_free(8192).unwrap();
        assert_eq!(a, mm.mmap_base);
        mm.insert(a, anon(8192));
        let b = mm.find_free(4096).unwrap();
        assert_eq!(b, a + 8192);
        mm.insert(b, anon(4096));
        mm.remove_range(a, 4096);
        assert_eq!(mm.find_free(4096), Some(a));
        assert_eq!(mm.find_free(8192), Some(b + 4096));
        assert!(mm.overlaps(a as u64 + 4096, a as u64 + 4097));
        assert!(!mm.overlaps(a as u64, a as u64 + 4096));
        mm.insert(a, anon(4096));
        let removed = mm.remove_range(a + 2048 - 2048 + 4096, 4096);
        assert_eq!(removed.len(), 1);
        assert!(mm.fully_mapped(a, 4096));
        assert!(!mm.fully_mapped(a, 8192));
    }
}
