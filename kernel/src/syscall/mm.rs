//! Memory calls: brk, mmap2, munmap, mprotect, mremap, madvise, msync,
//! mincore, mlock family, fadvise64_64. The address space is the process's
//! linear memory (see `mm`); memory only grows, freed ranges are reused
//! first-fit and zeroed on reuse.

use super::{Args, Ctx, Ret, SysResult};
use crate::error::Errno;
use crate::mm::*;
use crate::task::lock;

fn aligned(addr: u32) -> bool {
    addr.is_multiple_of(PAGE_SIZE)
}

/// Pieces of mappings go away (munmap, MAP_FIXED over them, mremap, shmat
/// with SHM_REMAP): write file copies back, and unmap host shared pages; a
/// System V segment's piece is a detach (its drop counts it).
pub(crate) fn unmap_pieces(ctx: &mut Ctx<'_>, pieces: &[(u32, Vma)]) {
    write_back(ctx, pieces);
    release_shared(ctx.mem, pieces);
    if pieces.iter().any(|(_, v)| v.shm.is_some()) {
        let now = crate::ipc::now_secs(ctx.kernel);
        for r in pieces.iter().filter_map(|(_, v)| v.shm.as_ref()) {
            r.seg().touched(ctx.pid(), now, false);
        }
    }
}

/// Write the pieces of shared file mappings that are copies back to their
/// files (those on the file's own shared pages need nothing).
fn write_back(ctx: &mut Ctx<'_>, pieces: &[(u32, Vma)]) {
    for (start, v) in pieces {
        if v.pages.is_some() {
            continue; // the file's own pages: nothing to write back
        }
        if let Some(b) = &v.shared {
            if v.prot & PROT_WRITE == 0 {
                continue;
            }
            let Ok(size) = b.file.ops.stat().map(|s| s.size) else { continue };
            if b.offset >= size {
                continue;
            }
            let n = (v.len as u64).min(size - b.offset) as usize;
            if let Ok(data) = crate::mem::read_bytes(&*ctx.mem, *start, n) {
                let _ = b.file.ops.write(&data, b.offset);
            }
        }
    }
}

/// brk(addr): returns the (possibly unchanged) break; never fails.
pub fn sys_brk(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let want = a.u32(0);
    let proc = ctx.process().clone();
    let mut mm = lock(&proc.mm);
    if want < mm.brk_start || want == mm.brk {
        return Ok(Ret::addr(mm.brk));
    }
    let old = mm.brk;
    if want > old {
        let lo = page_up(old as u64);
        let hi = page_up(want as u64);
        if hi > TASK_SIZE || (hi > lo && mm.overlaps(lo, hi)) {
            return Ok(Ret::addr(old));
        }
        if ensure_size(ctx.mem, hi).is_err() {
            return Ok(Ret::addr(old));
        }
        // Pages given back by an earlier shrink must read as zero again.
        let _ = zero(ctx.mem, old, want - old);
    }
    mm.brk = want;
    Ok(Ret::addr(want))
}

const MAP_KNOWN: u32 = MAP_TYPE
    | MAP_FIXED
    | MAP_ANONYMOUS
    | MAP_NORESERVE
    | MAP_GROWSDOWN
    | MAP_DENYWRITE
    | MAP_EXECUTABLE
    | MAP_LOCKED
    | MAP_POPULATE
    | MAP_NONBLOCK
    | MAP_STACK
    | MAP_HUGETLB
    | MAP_SYNC
    | MAP_FIXED_NOREPLACE;

/// mmap2(addr, len, prot, flags, fd, pgoff) — offset in 4096-byte pages.
pub fn sys_mmap2(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (hint, len, prot, flags, fd, pgoff) = (a.u32(0), a.u32(1), a.u32(2), a.u32(3), a.fd(4), a.u32(5));
    if len == 0 || prot & !(PROT_READ | PROT_WRITE | PROT_EXEC) != 0 {
        return Err(Errno::EINVAL);
    }
    let kind = flags & MAP_TYPE;
    if !matches!(kind, MAP_SHARED | MAP_PRIVATE | MAP_SHARED_VALIDATE) {
        return Err(Errno::EINVAL);
    }
    if kind == MAP_SHARED_VALIDATE && flags & !MAP_KNOWN != 0 {
        return Err(Errno::EOPNOTSUPP);
    }
    let shared = kind != MAP_PRIVATE;
    let fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE) != 0;
    if fixed && !aligned(hint) {
        return Err(Errno::EINVAL);
    }
    let len = page_len(len)?;
    let offset = pgoff as u64 * PAGE_SIZE as u64;
    let file = if flags & MAP_ANONYMOUS == 0 {
        let f = ctx.file(fd)?;
        if !f.readable() {
            return Err(Errno::EACCES);
        }
        if shared && prot & PROT_WRITE != 0 && !f.writable() {
            return Err(Errno::EACCES);
        }
        // Files without an mmap operation (man 2 mmap: ENODEV): streams,
        // directories.
        let is_dir = crate::vfs::file::node_of(&f).is_some_and(|h| h.file_type() == crate::vfs::FileType::Directory);
        if !f.ops.seekable() || is_dir {
            return Err(Errno::ENODEV);
        }
        Some(f)
    } else {
        None
    };
    let proc = ctx.process().clone();
    let mut mm = lock(&proc.mm);
    let end_of = |addr: u32| addr as u64 + len as u64;
    let addr = if fixed {
        if hint < crate::mem::NULL_GUARD || end_of(hint) > TASK_SIZE {
            return Err(if flags & MAP_FIXED_NOREPLACE != 0 { Errno::EEXIST } else { Errno::ENOMEM });
        }
        if mm.overlaps(hint as u64, end_of(hint)) {
            if flags & MAP_FIXED == 0 {
                return Err(Errno::EEXIST);
            }
            let old = mm.remove_range(hint, len);
            unmap_pieces(ctx, &old);
        }
        hint
    } else if hint != 0
        && aligned(hint)
        && hint >= mm.mmap_base
        && end_of(hint) <= TASK_SIZE
        && !mm.overlaps(hint as u64, end_of(hint))
    {
        hint
    } else {
        mm.find_free(len).ok_or(Errno::ENOMEM)?
    };
    ensure_size(ctx.mem, end_of(addr))?;
    // MAP_SHARED|MAP_ANONYMOUS: host pages shared with every process that
    // inherits the mapping; a private copy where the host or the memory
    // cannot share (ENODEV).
    let mut pages = None;
    if shared && file.is_none() {
        if let Ok(p) = ctx.kernel.host.new_shared_pages(len as u64) {
            if ctx.mem.map_shared(addr, len, &p, 0).is_ok() {
                pages = Some(PagesBacking { pages: p, offset: 0 });
            }
        }
    }
    // MAP_SHARED of a file whose contents can live in host shared pages
    // (tmpfs, memfd): map them, coherent with read/write and other mappings.
    if let (true, Some(f)) = (shared, &file) {
        match f.ops.shared_pages(&*ctx.kernel.host, offset + len as u64) {
            Some(Ok(p)) => {
                if ctx.mem.map_shared(addr, len, &p, offset).is_ok() {
                    pages = Some(PagesBacking { pages: p, offset });
                }
            }
            // The host cannot share memory: keep a copy (below).
            Some(Err(Errno::ENODEV)) | None => {}
            Some(Err(e)) => return Err(e),
        }
    }
    if pages.is_none() {
        zero(ctx.mem, addr, len)?;
    }
    let mut name = Vec::new();
    let mut backing = None;
    if let (Some(f), Some(_)) = (&file, &pages) {
        name = f.path.clone();
    } else if let Some(f) = &file {
        name = f.path.clone();
        let mut done = 0usize;
        while done < len as usize {
            let want = (len as usize - done).min(256 * 1024);
            let mut buf = vec![0u8; want];
            let n = f.ops.read(&mut buf, offset + done as u64)?;
            if n == 0 {
                break;
            }
            crate::mem::write_bytes(ctx.mem, addr + done as u32, &buf[..n])?;
            done += n;
        }
        if shared {
            backing = Some(SharedBacking { file: f.clone(), offset });
        }
    }
    mm.insert(addr, Vma { len, prot, flags, name, shared: backing, pages, shm: None });
    Ok(Ret::addr(addr))
}

pub fn sys_munmap(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (addr, len) = (a.u32(0), a.u32(1));
    if !aligned(addr) || len == 0 || addr as u64 + len as u64 > TASK_SIZE {
        return Err(Errno::EINVAL);
    }
    let len = page_len(len)?;
    let removed = lock(&ctx.process().mm).remove_range(addr, len);
    unmap_pieces(ctx, &removed);
    Ok(0.into())
}

/// mprotect: the protection is recorded (wasm memory has no page protection).
pub fn sys_mprotect(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (addr, len, prot) = (a.u32(0), a.u32(1), a.u32(2));
    if !aligned(addr) || prot & !(PROT_READ | PROT_WRITE | PROT_EXEC | 0x0100_0000 | 0x0200_0000) != 0 {
        return Err(Errno::EINVAL);
    }
    let len = page_len(len)?;
    if addr as u64 + len as u64 > TASK_SIZE {
        return Err(Errno::ENOMEM);
    }
    let proc = ctx.process().clone();
    let mut mm = lock(&proc.mm);
    if addr >= mm.mmap_base.min(page_up(mm.brk as u64) as u32) {
        if !mm.fully_mapped(addr, len) && addr as u64 >= page_up(mm.brk as u64) {
            return Err(Errno::ENOMEM);
        }
        let pieces = mm.remove_range(addr, len);
        for (s, mut v) in pieces {
            v.prot = prot & (PROT_READ | PROT_WRITE | PROT_EXEC);
            mm.insert(s, v);
        }
    }
    Ok(0.into())
}

pub const MREMAP_MAYMOVE: u32 = 1;
pub const MREMAP_FIXED: u32 = 2;
pub const MREMAP_DONTUNMAP: u32 = 4;

/// mremap(old, old_len, new_len, flags, new_addr).
pub fn sys_mremap(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (old, old_len, new_len, flags, new_addr) = (a.u32(0), a.u32(1), a.u32(2), a.u32(3), a.u32(4));
    if !aligned(old) || flags & !(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP) != 0 || new_len == 0 {
        return Err(Errno::EINVAL);
    }
    if flags & MREMAP_FIXED != 0 && (flags & MREMAP_MAYMOVE == 0 || !aligned(new_addr)) {
        return Err(Errno::EINVAL);
    }
    if flags & MREMAP_DONTUNMAP != 0 {
        return Err(Errno::EINVAL);
    }
    let old_len = page_len(old_len)?;
    let new_len = page_len(new_len)?;
    let proc = ctx.process().clone();
    let mut mm = lock(&proc.mm);
    let Some((vs, v)) = mm.find(old) else { return Err(Errno::EFAULT) };
    let v = v.clone();
    if old as u64 + old_len as u64 > vs as u64 + v.len as u64 || old_len == 0 {
        return Err(Errno::EFAULT);
    }
    let dest = if flags & MREMAP_FIXED != 0 {
        if v.pages.is_some() {
            return Err(Errno::ENOMEM);
        }
        Some(new_addr)
    } else if new_len <= old_len {
        if new_len < old_len {
            let tail = mm.remove_range(old + new_len, old_len - new_len);
            release_shared(ctx.mem, &tail);
        }
        return Ok(Ret::addr(old));
    } else if v.pages.is_some() {
        // Host shared pages are mapped at a fixed size: a shared anonymous
        // mapping can shrink, not grow or move.
        return Err(Errno::ENOMEM);
    } else {
        // Grow in place when the following range is free.
        let end = old as u64 + new_len as u64;
        if end <= TASK_SIZE
            && !mm.overlaps(old as u64 + old_len as u64, end)
            && old as u64 + old_len as u64 == vs as u64 + v.len as u64
        {
            ensure_size(ctx.mem, end)?;
            zero(ctx.mem, old + old_len, new_len - old_len)?;
            let mut grown = mm.remove_range(vs, v.len).remove(0).1;
            grown.len = v.len + (new_len - old_len);
            mm.insert(vs, grown);
            return Ok(Ret::addr(old));
        }
        if flags & MREMAP_MAYMOVE == 0 {
            return Err(Errno::ENOMEM);
        }
        None
    };
    let data = crate::mem::read_bytes(&*ctx.mem, old, old_len.min(new_len) as usize)?;
    let pieces = mm.remove_range(old, old_len);
    let mut nv = pieces.into_iter().next().map(|p| p.1).unwrap_or(v);
    let to = match dest {
        Some(d) => {
            if d < crate::mem::NULL_GUARD || d as u64 + new_len as u64 > TASK_SIZE {
                return Err(Errno::EINVAL);
            }
            let old_there = mm.remove_range(d, new_len);
            unmap_pieces(ctx, &old_there);
            d
        }
        None => mm.find_free(new_len).ok_or(Errno::ENOMEM)?,
    };
    ensure_size(ctx.mem, to as u64 + new_len as u64)?;
    zero(ctx.mem, to, new_len)?;
    crate::mem::write_bytes(ctx.mem, to, &data)?;
    nv.len = new_len;
    mm.insert(to, nv);
    Ok(Ret::addr(to))
}

pub const MADV_DONTNEED: i32 = 4;
pub const MADV_FREE: i32 = 8;
pub const MADV_REMOVE: i32 = 9;

pub fn sys_madvise(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (addr, len, advice) = (a.u32(0), a.u32(1), a.i32(2));
    if !aligned(addr) || !matches!(advice, 0..=4 | 8..=21 | 100 | 101) {
        return Err(Errno::EINVAL);
    }
    let len = page_len(len)?;
    if addr as u64 + len as u64 > TASK_SIZE {
        return Err(Errno::EINVAL);
    }
    if matches!(advice, MADV_DONTNEED | MADV_FREE | MADV_REMOVE) {
        let mm = lock(&ctx.process().mm);
        if !mm.fully_mapped(addr, len) {
            return Err(Errno::ENOMEM);
        }
        let shared = mm.find(addr).is_some_and(|(_, v)| v.shared.is_some());
        drop(mm);
        if !shared {
            zero(ctx.mem, addr, len)?;
        }
    }
    Ok(0.into())
}

pub const MS_ASYNC: u32 = 1;
pub const MS_INVALIDATE: u32 = 2;
pub const MS_SYNC: u32 = 4;

pub fn sys_msync(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (addr, len, flags) = (a.u32(0), a.u32(1), a.u32(2));
    if !aligned(addr)
        || flags & !(MS_ASYNC | MS_INVALIDATE | MS_SYNC) != 0
        || flags & (MS_ASYNC | MS_SYNC) == (MS_ASYNC | MS_SYNC)
    {
        return Err(Errno::EINVAL);
    }
    let len = page_len(len)?;
    let pieces: Vec<(u32, Vma)> = {
        let mm = lock(&ctx.process().mm);
        if !mm.fully_mapped(addr, len) {
            return Err(Errno::ENOMEM);
        }
        let mut m2 = mm.clone();
        m2.remove_range(addr, len)
    };
    write_back(ctx, &pieces);
    Ok(0.into())
}

pub fn sys_mincore(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (addr, len, vec) = (a.u32(0), a.u32(1), a.u32(2));
    if !aligned(addr) {
        return Err(Errno::EINVAL);
    }
    let len = page_len(len)?;
    if !lock(&ctx.process().mm).fully_mapped(addr, len) {
        return Err(Errno::ENOMEM);
    }
    ctx.write_bytes(vec, &vec![1u8; (len / PAGE_SIZE) as usize])?;
    Ok(0.into())
}

/// mlock/munlock/mlock2: memory is never swapped; ranges are validated.
pub fn sys_mlock(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (addr, len) = (a.u32(0), a.u32(1));
    let start = addr & !(PAGE_SIZE - 1);
    let end = page_up(addr as u64 + len as u64);
    if end > ctx.mem.size() {
        return Err(Errno::ENOMEM);
    }
    let _ = start;
    Ok(0.into())
}

pub fn sys_munlock(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    sys_mlock(ctx, a)
}

pub fn sys_mlock2(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    if a.u32(2) & !1 != 0 {
        return Err(Errno::EINVAL);
    }
    sys_mlock(ctx, a)
}

pub fn sys_mlockall(_ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let flags = a.u32(0);
    if flags == 0 || flags & !7 != 0 || flags == 4 {
        return Err(Errno::EINVAL);
    }
    Ok(0.into())
}

pub fn sys_munlockall(_ctx: &mut Ctx<'_>, _a: Args) -> SysResult {
    Ok(0.into())
}

/// fadvise64_64(fd, offset, len, advice): advice is validated and ignored.
pub fn sys_fadvise64_64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let file = ctx.file(a.fd(0))?;
    if !file.ops.seekable() {
        return Err(Errno::ESPIPE);
    }
    if a.i64_lo_hi(3) < 0 || !(0..=5).contains(&a.i32(5)) {
        return Err(Errno::EINVAL);
    }
    Ok(0.into())
}

/// readahead(fd, offset, count): EBADF unless open for reading, EINVAL
/// for anything but a regular file; the page cache is the file system's own
/// memory, so there is nothing to read ahead (man 2 readahead).
pub fn sys_readahead(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let file = ctx.file(a.fd(0))?;
    if !file.readable() {
        return Err(Errno::EBADF);
    }
    match crate::vfs::file::node_of(&file) {
        Some(h) if h.file_type() == crate::vfs::FileType::Regular => Ok(0.into()),
        _ => Err(Errno::EINVAL),
    }
}
