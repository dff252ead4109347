//! System V shared memory (man 2 shmget, shmop, shmctl; man 7 sysvipc).
//!
//! A segment is one host [`SharedPages`] object of its size rounded up to
//! pages, made at shmget (`HostOps::new_shared_pages`). `syscall::ipc::
//! sys_shmat` maps it into the caller's memory like a shared anonymous
//! mapping whose `Vma::shm` holds a [`crate::mm::ShmRef`]: `shm_nattch`
//! counts those references, one per mapping as Linux counts its VMAs (fork
//! clones them, a split adds one, munmap/shmdt/exit/exec drop them). IPC_RMID
//! of an attached segment marks it `SHM_DEST` and makes its key private; it
//! can still be attached by id (Linux allows it) and is destroyed when the
//! last mapping goes.
//!
//! A host that cannot share memory (`ENODEV`, the kernel tests' host) still
//! has segments (shmget, shmctl work) but no pages: shmat is `ENOMEM`.
//!
//! Limits: Linux's defaults for a 32-bit kernel (SHMMAX = SHMALL =
//! ULONG_MAX - 2^24, SHMMNI 4096), and [`HOST_SHM_BYTES`] for all segments
//! together (`ENOSPC`, as SHMALL), since segments outlive their processes.
//! Lock order: the table lock is taken alone and never held while a mapping
//! (hence a `ShmRef`) is dropped or a process's `mm` is locked; `mm` → table.

use std::sync::{Arc, Mutex, Weak};

use super::{now_secs, IpcIds, IpcObject, Perm};
use crate::api::SharedPages;
use crate::cred::{Creds, MAY_READ};
use crate::error::{Errno, KResult};
use crate::mm::{page_up, ShmAttach};

use crate::task::lock;
use crate::Kernel;

/// Largest segment (Linux's SHMMAX, `ULONG_MAX - (1 << 24)` of a 32-bit kernel).
pub const SHMMAX: u64 = 0xfeff_ffff;
pub const SHMMIN: u64 = 1;
pub const SHMMNI: usize = 4096;
/// Segments one process may attach (SHMSEG; Linux does not enforce it).
pub const SHMSEG: u64 = SHMMNI as u64;
/// Pages of all segments together (Linux's SHMALL default, 32-bit).
pub const SHMALL: u64 = 0xfeff_ffff;
/// Bytes of all segments together the host holds for the guest.
pub const HOST_SHM_BYTES: u64 = 4 << 30;

pub const SHM_RDONLY: u32 = 0o10000;
pub const SHM_RND: u32 = 0o20000;
pub const SHM_REMAP: u32 = 0o40000;
pub const SHM_EXEC: u32 = 0o100000;
pub const SHM_HUGETLB: u32 = 0o4000;
pub const SHM_NORESERVE: u32 = 0o10000;
/// Mode bits Linux shows for a segment marked for removal / locked.
pub const SHM_DEST: u32 = 0o1000;
pub const SHM_LOCKED: u32 = 0o2000;
pub const SHM_LOCK: u32 = 11;
pub const SHM_UNLOCK: u32 = 12;
pub const SHM_STAT: u32 = 13;
pub const SHM_INFO: u32 = 14;
pub const SHM_STAT_ANY: u32 = 15;
/// SHMLBA of wasm32 (and of x86): attach addresses are page multiples.
pub const SHMLBA: u32 = 4096;

const PAGE: u64 = crate::mm::PAGE_SIZE as u64;

#[derive(Debug)]
pub struct ShmSeg {
    perm: Perm,
    segsz: u64,
    pages: Option<Arc<dyn SharedPages>>,
    cpid: i32,
    lpid: i32,
    atime: i64,
    dtime: i64,
    ctime: i64,
    nattch: u64,
    dest: bool,
    locked: bool,
}

impl IpcObject for ShmSeg {
    fn perm(&self) -> &Perm {
        &self.perm
    }
    fn perm_mut(&mut self) -> &mut Perm {
        &mut self.perm
    }
}

/// The segments of one kernel.
#[derive(Debug, Default)]
pub struct ShmTable {
    ids: IpcIds<ShmSeg>,
    /// Pages of all segments (SHM_INFO's shm_tot, against SHMALL).
    pages: u64,
}

impl ShmTable {
    fn destroy(&mut self, id: i32) {
        if let Ok(s) = self.ids.remove(id) {
            self.pages -= page_up(s.segsz) / PAGE;
        }
    }
}

/// What IPC_STAT/SHM_STAT report.
#[derive(Debug, Clone, Copy)]
pub struct ShmStat {
    /// Mode with SHM_DEST/SHM_LOCKED.
    pub perm: Perm,
    pub segsz: u64,
    pub cpid: i32,
    pub lpid: i32,
    pub atime: i64,
    pub dtime: i64,
    pub ctime: i64,
    pub nattch: u64,
}

fn stat_of(s: &ShmSeg) -> ShmStat {
    let mut perm = s.perm;
    perm.mode |= if s.dest { SHM_DEST } else { 0 } | if s.locked { SHM_LOCKED } else { 0 };
    ShmStat {
        perm,
        segsz: s.segsz,
        cpid: s.cpid,
        lpid: s.lpid,
        atime: s.atime,
        dtime: s.dtime,
        ctime: s.ctime,
        nattch: s.nattch,
    }
}

/// The hook a segment's mappings count through ([`ShmAttach`]).
#[derive(Debug)]
struct Attach {
    table: Weak<Mutex<ShmTable>>,
    id: i32,
    size: u64,
}

impl ShmAttach for Attach {
    fn shmid(&self) -> i32 {
        self.id
    }
    fn size(&self) -> u64 {
        self.size
    }
    fn opened(&self) {
        let Some(t) = self.table.upgrade() else { return };
        let mut t = lock(&t);
        if let Ok(s) = t.ids.get_mut(self.id) {
            s.nattch += 1;
        }
    }
    fn closed(&self) {
        let Some(t) = self.table.upgrade() else { return };
        let mut t = lock(&t);
        let Ok(s) = t.ids.get_mut(self.id) else { return };
        s.nattch = s.nattch.saturating_sub(1);
        if s.nattch == 0 && s.dest {
            t.destroy(self.id);
        }
    }
    fn touched(&self, pid: i32, now: i64, attach: bool) {
        let Some(t) = self.table.upgrade() else { return };
        let mut t = lock(&t);
        if let Ok(s) = t.ids.get_mut(self.id) {
            s.lpid = pid;
            if attach {
                s.atime = now;
            } else {
                s.dtime = now;
            }
        }
    }
}

/// shmget(2).
pub fn shmget(k: &Kernel, key: i32, size: u32, flags: u32, creds: &Creds, pid: i32) -> KResult<i32> {
    let now = now_secs(k);
    let size = u64::from(size);
    let mut t = lock(&k.ipc.shm);
    let t = &mut *t;
    let mut new_pages = 0;
    let id = super::ipcget(
        &mut t.ids,
        key,
        flags,
        creds,
        SHMMNI,
        |s| if s.segsz < size { Err(Errno::EINVAL) } else { Ok(()) },
        |perm| {
            if !(SHMMIN..=SHMMAX).contains(&size) {
                return Err(Errno::EINVAL);
            }
            let npages = page_up(size) / PAGE;
            if t.pages + npages > SHMALL || (t.pages + npages) * PAGE > HOST_SHM_BYTES {
                return Err(Errno::ENOSPC);
            }
            let pages = match k.host.new_shared_pages(npages * PAGE) {
                Ok(p) => Some(p),
                Err(e) if e == Errno::ENODEV.code() => None,
                Err(e) => return Err(Errno::from_code(e).unwrap_or(Errno::ENOMEM)),
            };
            new_pages = npages;
            Ok(ShmSeg {
                perm,
                segsz: size,
                pages,
                cpid: pid,
                lpid: 0,
                atime: 0,
                dtime: 0,
                ctime: now,
                nattch: 0,
                dest: false,
                locked: false,
            })
        },
    )?;
    t.pages += new_pages;
    Ok(id)
}

/// What [`attach`] gives shmat.
pub struct Attached {
    /// `None` when the host cannot share memory.
    pub pages: Option<Arc<dyn SharedPages>>,
    pub key: i32,
    /// The counted attach (dropping it undoes the count).
    pub r: crate::mm::ShmRef,
}

/// The first half of shmat(2): checks `may` (`MAY_READ`, `MAY_WRITE`,
/// `MAY_EXEC`) and counts one attach for the mapping the caller makes.
pub fn attach(k: &Kernel, id: i32, creds: &Creds, may: u32) -> KResult<Attached> {
    let mut t = lock(&k.ipc.shm);
    let s = t.ids.get_mut(id)?;
    if !s.perm.permits(creds, may) {
        return Err(Errno::EACCES);
    }
    s.nattch += 1;
    let a = Attach { table: Arc::downgrade(&k.ipc.shm), id, size: s.segsz };
    Ok(Attached { pages: s.pages.clone(), key: s.perm.key, r: crate::mm::ShmRef::counted(Arc::new(a)) })
}

/// IPC_STAT (read permission).
pub fn stat(k: &Kernel, id: i32, creds: &Creds) -> KResult<ShmStat> {
    let t = lock(&k.ipc.shm);
    let s = t.ids.get(id)?;
    if !s.perm.permits(creds, MAY_READ) {
        return Err(Errno::EACCES);
    }
    Ok(stat_of(s))
}

/// SHM_STAT / SHM_STAT_ANY (by index).
pub fn stat_index(k: &Kernel, idx: i32, creds: &Creds, any: bool) -> KResult<ShmStat> {
    let t = lock(&k.ipc.shm);
    t.ids.stat_at(idx, creds, any).map(stat_of)
}

/// IPC_SET: owner and permission bits (SHM_DEST/SHM_LOCKED kept).
pub fn set(k: &Kernel, id: i32, creds: &Creds, uid: u32, gid: u32, mode: u32) -> KResult<()> {
    let now = now_secs(k);
    let mut t = lock(&k.ipc.shm);
    let s = t.ids.get_mut(id)?;
    s.perm.may_change(creds)?;
    s.perm.set(uid, gid, mode);
    s.ctime = now;
    Ok(())
}

/// IPC_RMID: destroyed now when nothing is attached, else at the last
/// detach (marked SHM_DEST, the key made private).
pub fn rmid(k: &Kernel, id: i32, creds: &Creds) -> KResult<()> {
    let mut t = lock(&k.ipc.shm);
    let s = t.ids.get_mut(id)?;
    s.perm.may_change(creds)?;
    if s.nattch == 0 {
        t.destroy(id);
    } else {
        s.dest = true;
        t.ids.make_private(id);
    }
    Ok(())
}

/// SHM_LOCK / SHM_UNLOCK: only the flag (memory is never swapped). Without
/// root, the owner or creator, and SHM_LOCK needs an RLIMIT_MEMLOCK.
pub fn lock_seg(k: &Kernel, id: i32, creds: &Creds, on: bool, memlock: u64) -> KResult<()> {
    let mut t = lock(&k.ipc.shm);
    let s = t.ids.get_mut(id)?;
    if creds.euid != 0 {
        if creds.euid != s.perm.uid && creds.euid != s.perm.cuid {
            return Err(Errno::EPERM);
        }
        if on && memlock == 0 {
            return Err(Errno::EPERM);
        }
    }
    s.locked = on;
    Ok(())
}

/// IPC_INFO / SHM_INFO values.
#[derive(Debug, Clone, Copy, Default)]
pub struct ShmInfo {
    pub used_ids: i32,
    /// Pages of all segments.
    pub tot: u64,
}

/// SHM_INFO's counts and the highest index in use (both commands' result).
pub fn info(k: &Kernel) -> (ShmInfo, i32) {
    let t = lock(&k.ipc.shm);
    (ShmInfo { used_ids: t.ids.len() as i32, tot: t.pages }, t.ids.max_idx())
}

/// /proc/sysvipc/shm rows.
pub fn list(k: &Kernel) -> Vec<ShmStat> {
    lock(&k.ipc.shm).ids.iter().map(stat_of).collect()
}

/// The key a segment was created with, as the attach's mapping name shows
/// it (`/SYSV%08x (deleted)`).
pub fn map_name(key: i32) -> Vec<u8> {
    format!("/SYSV{:08x} (deleted)", key as u32).into_bytes()
}
