//! Inter-process communication: System V semaphores ([`sem`]), message
//! queues ([`msg`]) and shared memory ([`shm`]) (man 7 sysvipc), and POSIX
//! message queues ([`mqueue`], man 7 mq_overview; [`mqueue_fs`] is the file
//! system `mount -t mqueue` attaches).
//!
//! All state is on `Kernel::ipc` ([`Ipc`]). System V objects live in an
//! [`IpcIds`] table per kind: ids are `seq * 32768 + index` with a per-kind
//! sequence number and cyclic index allocation, as Linux makes them, so a
//! removed id is not handed out again at once. Blocking operations wait on
//! the object's `WaitQueue` through `Task::block_on`; every change wakes the
//! queue and each waiter re-checks its whole operation.
//!
//! Limits (Linux's defaults, read-only here): they bound what a guest can
//! make the host hold. Besides them, [`HOST_MSG_BYTES`] caps the bytes of
//! all queued System V and POSIX messages together (a send past it is
//! `ENOMEM`), and [`HOST_SEMS`] the semaphores of all sets (`ENOSPC`),
//! because Linux's SEMMNS (1,024,000,000) or a root-raised `msg_qbytes`
//! would let one guest take the host's memory.
//!
//! Neighbours: `syscall::ipc` decodes the calls and copies data (and maps
//! shm segments); procfs shows `/proc/sysvipc/{sem,msg,shm}` and the sysctl
//! values; the exit path calls [`Kernel::ipc_exit`] (SEM_UNDO adjustments);
//! shm attaches are counted by the mappings that hold them (`mm::ShmRef`).
//! Lock order: `Ipc::sem`, `Ipc::msg`, `Ipc::shm`, a queue's `Mq::inner`
//! are taken alone (never two at once; a process's `mm` may be held before
//! `Ipc::shm`); wait queues are woken after unlocking.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::api::HostClock;
use crate::cred::Creds;
use crate::error::{Errno, KResult};
use crate::Kernel;

pub mod mqueue;
pub mod mqueue_fs;
pub mod msg;
pub mod sem;
pub mod shm;

// ---- constants (asm-generic / Linux uapi values) ----
pub const IPC_PRIVATE: i32 = 0;
pub const IPC_CREAT: u32 = 0o1000;
pub const IPC_EXCL: u32 = 0o2000;
pub const IPC_NOWAIT: u32 = 0o4000;
pub const IPC_RMID: u32 = 0;
pub const IPC_SET: u32 = 1;
pub const IPC_STAT: u32 = 2;
pub const IPC_INFO: u32 = 3;
/// Linux's `IPC_64` flag (musl for wasm32 never sets it; ignored).
pub const IPC_64: u32 = 0x100;

/// Index space of one kind (IPCMNI): ids are `seq << 15 | index`.
pub const IPCMNI: u32 = 32768;
const SEQ_SHIFT: u32 = 15;
/// Largest sequence number before it wraps (INT_MAX >> 15).
const SEQ_MAX: u32 = (i32::MAX as u32) >> SEQ_SHIFT;

/// Bytes of queued messages (System V and POSIX together) the host holds
/// at most for the guest.
pub const HOST_MSG_BYTES: u64 = 64 << 20;
/// Semaphores of all sets together.
pub const HOST_SEMS: u64 = 1 << 20;

/// The `ipc_perm` of a System V object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Perm {
    pub key: i32,
    pub id: i32,
    pub uid: u32,
    pub gid: u32,
    pub cuid: u32,
    pub cgid: u32,
    /// The low 9 bits (S_IRWXUGO).
    pub mode: u32,
    pub seq: u32,
}

impl Perm {
    fn new(key: i32, flags: u32, creds: &Creds) -> Perm {
        Perm {
            key,
            id: 0,
            uid: creds.euid,
            gid: creds.egid,
            cuid: creds.euid,
            cgid: creds.egid,
            mode: flags & 0o777,
            seq: 0,
        }
    }
    /// `ipcperms`: may `creds` access with the `MAY_*` bits `may`
    /// (4 read, 2 write)? Owner or creator uses the owner bits, the group
    /// or creator group the group bits. Root (CAP_IPC_OWNER) may do all.
    pub fn permits(&self, creds: &Creds, may: u32) -> bool {
        if creds.euid == 0 {
            return true;
        }
        let granted = if creds.euid == self.cuid || creds.euid == self.uid {
            self.mode >> 6
        } else if creds.in_group(self.cgid) || creds.in_group(self.gid) {
            self.mode >> 3
        } else {
            self.mode
        };
        may & !granted & 7 == 0
    }
    /// IPC_SET and IPC_RMID: the owner, the creator or root (`EPERM`).
    pub fn may_change(&self, creds: &Creds) -> KResult<()> {
        if creds.euid == 0 || creds.euid == self.uid || creds.euid == self.cuid {
            Ok(())
        } else {
            Err(Errno::EPERM)
        }
    }
    /// IPC_SET: new owner and permission bits.
    pub fn set(&mut self, uid: u32, gid: u32, mode: u32) {
        self.uid = uid;
        self.gid = gid;
        self.mode = mode & 0o777;
    }
    pub fn to_abi(&self) -> crate::abi::uapi::ipc64_perm {
        crate::abi::uapi::ipc64_perm {
            key: self.key,
            uid: self.uid,
            gid: self.gid,
            cuid: self.cuid,
            cgid: self.cgid,
            mode: self.mode,
            seq: self.seq as u16,
            __pad2: 0,
            __unused1: 0,
            __unused2: 0,
        }
    }
}

/// The objects of one System V kind, by index, with their keys.
#[derive(Debug)]
pub struct IpcIds<T> {
    objs: BTreeMap<u32, T>,
    keys: HashMap<i32, u32>,
    /// Where the next cyclic index search starts.
    next_idx: u32,
    seq: u32,
}

impl<T> Default for IpcIds<T> {
    fn default() -> Self {
        IpcIds { objs: BTreeMap::new(), keys: HashMap::new(), next_idx: 0, seq: 0 }
    }
}

/// Something an [`IpcIds`] table holds.
pub trait IpcObject {
    fn perm(&self) -> &Perm;
    fn perm_mut(&mut self) -> &mut Perm;
}

impl<T: IpcObject> IpcIds<T> {
    pub fn len(&self) -> usize {
        self.objs.len()
    }
    pub fn is_empty(&self) -> bool {
        self.objs.is_empty()
    }
    /// The highest index in use (IPC_INFO's result), 0 when empty.
    pub fn max_idx(&self) -> i32 {
        self.objs.keys().next_back().map(|&i| i as i32).unwrap_or(0)
    }
    pub fn find_key(&self, key: i32) -> Option<i32> {
        let idx = self.keys.get(&key)?;
        self.objs.get(idx).map(|o| o.perm().id)
    }
    /// Insert `obj` (its perm's key, mode and owners set), giving it an id;
    /// `ENOSPC` past `max` objects.
    pub fn add(&mut self, mut obj: T, max: usize) -> KResult<i32> {
        if self.objs.len() >= max.min(IPCMNI as usize) {
            return Err(Errno::ENOSPC);
        }
        let mut idx = self.next_idx % IPCMNI;
        while self.objs.contains_key(&idx) {
            idx = (idx + 1) % IPCMNI;
        }
        self.next_idx = (idx + 1) % IPCMNI;
        let seq = self.seq;
        self.seq = if self.seq >= SEQ_MAX { 0 } else { self.seq + 1 };
        let id = ((seq << SEQ_SHIFT) + idx) as i32;
        let p = obj.perm_mut();
        p.seq = seq;
        p.id = id;
        let key = p.key;
        if key != IPC_PRIVATE {
            self.keys.insert(key, idx);
        }
        self.objs.insert(idx, obj);
        Ok(id)
    }
    /// The object with this id (`EINVAL` for a bad or stale id).
    pub fn get(&self, id: i32) -> KResult<&T> {
        if id < 0 {
            return Err(Errno::EINVAL);
        }
        let idx = id as u32 % IPCMNI;
        self.objs.get(&idx).filter(|o| o.perm().id == id).ok_or(Errno::EINVAL)
    }
    pub fn get_mut(&mut self, id: i32) -> KResult<&mut T> {
        if id < 0 {
            return Err(Errno::EINVAL);
        }
        let idx = id as u32 % IPCMNI;
        self.objs.get_mut(&idx).filter(|o| o.perm().id == id).ok_or(Errno::EINVAL)
    }
    /// The object at an index (SEM_STAT, MSG_STAT); `EINVAL` if none.
    pub fn at_index(&self, idx: i32) -> KResult<&T> {
        u32::try_from(idx).ok().and_then(|i| self.objs.get(&i)).ok_or(Errno::EINVAL)
    }
    /// The object at table index `idx` for SEM_STAT/MSG_STAT/SHM_STAT:
    /// read permission needed unless `any` (the `*_STAT_ANY` commands).
    pub fn stat_at(&self, idx: i32, creds: &crate::cred::Creds, any: bool) -> KResult<&T> {
        let o = self.at_index(idx)?;
        if !any && !o.perm().permits(creds, crate::cred::MAY_READ) {
            return Err(Errno::EACCES);
        }
        Ok(o)
    }
    pub fn remove(&mut self, id: i32) -> KResult<T> {
        self.get(id)?;
        let idx = id as u32 % IPCMNI;
        let obj = self.objs.remove(&idx).ok_or(Errno::EINVAL)?;
        let key = obj.perm().key;
        if key != IPC_PRIVATE && self.keys.get(&key) == Some(&idx) {
            self.keys.remove(&key);
        }
        Ok(obj)
    }
    /// IPC_RMID of a shm segment still attached: its key no longer finds
    /// it, and it shows key IPC_PRIVATE.
    pub fn make_private(&mut self, id: i32) {
        let Ok(obj) = self.get_mut(id) else { return };
        let key = std::mem::replace(&mut obj.perm_mut().key, IPC_PRIVATE);
        let idx = id as u32 % IPCMNI;
        if key != IPC_PRIVATE && self.keys.get(&key) == Some(&idx) {
            self.keys.remove(&key);
        }
    }
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.objs.values()
    }
}

/// The common part of semget/msgget: look `key` up or create with `make`.
/// Returns the id. `more_checks` runs on an existing object before the
/// permission check (semget's nsems).
pub fn ipcget<T: IpcObject>(
    ids: &mut IpcIds<T>,
    key: i32,
    flags: u32,
    creds: &Creds,
    max: usize,
    more_checks: impl FnOnce(&T) -> KResult<()>,
    make: impl FnOnce(Perm) -> KResult<T>,
) -> KResult<i32> {
    let existing = if key == IPC_PRIVATE { None } else { ids.find_key(key) };
    match existing {
        None => {
            if key != IPC_PRIVATE && flags & IPC_CREAT == 0 {
                return Err(Errno::ENOENT);
            }
            if ids.len() >= max {
                return Err(Errno::ENOSPC);
            }
            let obj = make(Perm::new(key, flags, creds))?;
            ids.add(obj, max)
        }
        Some(id) => {
            if flags & IPC_CREAT != 0 && flags & IPC_EXCL != 0 {
                return Err(Errno::EEXIST);
            }
            let obj = ids.get(id)?;
            more_checks(obj)?;
            // Requested access: the rwx bits of the flags, any class.
            let req = (flags >> 6 | flags >> 3 | flags) & 7;
            if !obj.perm().permits(creds, req) {
                return Err(Errno::EACCES);
            }
            Ok(id)
        }
    }
}

/// All IPC state of one kernel.
#[derive(Debug, Default)]
pub struct Ipc {
    pub sem: Mutex<sem::SemTable>,
    pub msg: Mutex<msg::MsgTable>,
    /// Shared memory segments (in an `Arc`: attaches hold a weak reference).
    pub shm: Arc<Mutex<shm::ShmTable>>,
    pub mq: mqueue::MqNamespace,
    /// Bytes of queued messages (System V and POSIX), against [`HOST_MSG_BYTES`].
    pub budget: Arc<Budget>,
}

/// The host's message-byte budget ([`HOST_MSG_BYTES`]).
#[derive(Debug, Default)]
pub struct Budget(AtomicU64);

impl Budget {
    /// Take `n` bytes (`ENOMEM` when spent).
    pub fn charge(&self, n: u64) -> KResult<()> {
        self.0
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                used.checked_add(n).filter(|&t| t <= HOST_MSG_BYTES)
            })
            .map(|_| ())
            .map_err(|_| Errno::ENOMEM)
    }
    pub fn uncharge(&self, n: u64) {
        let _ = self.0.fetch_update(Ordering::AcqRel, Ordering::Acquire, |u| Some(u.saturating_sub(n)));
    }
}

/// Seconds of the realtime clock (IPC times).
pub fn now_secs(k: &Kernel) -> i64 {
    (k.host.now_ns(HostClock::Realtime) / 1_000_000_000) as i64
}

/// `/proc/sysvipc/sem` (Linux 6.1's header and columns).
pub fn proc_sysvipc_sem(k: &Kernel) -> String {
    let mut o = String::from("       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n");
    for s in sem::list(k) {
        let p = s.perm;
        o.push_str(&format!(
            "{:>10} {:>10}  {:>4o} {:>10} {:>5} {:>5} {:>5} {:>5} {:>10} {:>10}\n",
            p.key, p.id, p.mode, s.nsems, p.uid, p.gid, p.cuid, p.cgid, s.otime, s.ctime
        ));
    }
    o
}

/// `/proc/sysvipc/msg` (Linux 6.1's header and columns).
pub fn proc_sysvipc_msg(k: &Kernel) -> String {
    let mut o = String::from(
        "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime\n",
    );
    for m in msg::list(k) {
        let p = m.perm;
        o.push_str(&format!(
            "{:>10} {:>10}  {:>4o}  {:>10} {:>10} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5} {:>10} {:>10} {:>10}\n",
            p.key,
            p.id,
            p.mode,
            m.cbytes,
            m.qnum,
            m.lspid,
            m.lrpid,
            p.uid,
            p.gid,
            p.cuid,
            p.cgid,
            m.stime,
            m.rtime,
            m.ctime
        ));
    }
    o
}

/// `/proc/sysvipc/shm`: Linux 6.1's header and columns for a 32-bit kernel
/// (`BITS_PER_LONG <= 32`: size, rss and swap 10 wide). rss and swap are 0
/// (the host's residency of the pages is not known).
pub fn proc_sysvipc_shm(k: &Kernel) -> String {
    let mut o = String::from(
        "       key      shmid perms       size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime        rss       swap\n",
    );
    for s in shm::list(k) {
        let p = s.perm;
        o.push_str(&format!(
            "{:>10} {:>10}  {:>4o} {:>10} {:>5} {:>5}  {:>5} {:>5} {:>5} {:>5} {:>5} {:>10} {:>10} {:>10} {:>10} {:>10}\n",
            p.key, p.id, p.mode, s.segsz, s.cpid, s.lpid, s.nattch, p.uid, p.gid, p.cuid, p.cgid, s.atime, s.dtime, s.ctime, 0, 0
        ));
    }
    o
}

impl Kernel {
    /// Process `pid` is exiting: apply and drop its SEM_UNDO adjustments,
    /// end its mq_notify registrations.
    pub(crate) fn ipc_exit(&self, pid: crate::api::Tid) {
        sem::exit_undo(self, pid);
        mqueue::exit_notify(self, pid);
    }
}
