//! System V semaphore sets (man 2 semget, semop, semctl).
//!
//! A set's operations (`semop`) are all-or-nothing: they are applied in
//! order to a copy of the values and committed only if none would block.
//! A blocked caller records which semaphore it waits on (GETNCNT/GETZCNT
//! count the operation that blocked, as Linux does) and sleeps on the
//! set's wait queue; any change to the set wakes every waiter, which
//! retries its whole operation. SEM_UNDO adjustments are kept per
//! (process, set) and applied when the process exits ([`exit_undo`]); a
//! forked child starts without them.

use std::collections::HashMap;
use std::sync::Arc;

use super::{now_secs, IpcIds, IpcObject, Perm, IPC_NOWAIT};
use crate::api::Tid;
use crate::cred::{Creds, MAY_READ, MAY_WRITE};
use crate::error::{Errno, KResult};
use crate::task::{lock, Task};
use crate::wait::WaitQueue;
use crate::Kernel;

pub const SEMMSL: usize = 32000;
pub const SEMMNS: u64 = 1_024_000_000;
pub const SEMOPM: usize = 500;
pub const SEMMNI: usize = 32000;
pub const SEMVMX: i32 = 32767;
pub const SEMAEM: i32 = SEMVMX;
const SEMUSZ: i32 = 20;
pub const SEM_UNDO: i16 = 0x1000;

pub const GETPID: u32 = 11;
pub const GETVAL: u32 = 12;
pub const GETALL: u32 = 13;
pub const GETNCNT: u32 = 14;
pub const GETZCNT: u32 = 15;
pub const SETVAL: u32 = 16;
pub const SETALL: u32 = 17;
pub const SEM_STAT: u32 = 18;
pub const SEM_INFO: u32 = 19;
pub const SEM_STAT_ANY: u32 = 20;

#[derive(Debug, Clone, Copy, Default)]
struct Sem {
    val: i32,
    pid: i32,
}

/// One blocked semop: which semaphore, and whether it waits for zero.
#[derive(Debug, Clone, Copy)]
struct Waiting {
    tid: Tid,
    num: usize,
    zero: bool,
}

#[derive(Debug)]
pub struct SemSet {
    perm: Perm,
    sems: Vec<Sem>,
    otime: i64,
    ctime: i64,
    wq: Arc<WaitQueue>,
    waiting: Vec<Waiting>,
}

impl IpcObject for SemSet {
    fn perm(&self) -> &Perm {
        &self.perm
    }
    fn perm_mut(&mut self) -> &mut Perm {
        &mut self.perm
    }
}

/// What IPC_STAT/SEM_STAT report.
#[derive(Debug, Clone, Copy)]
pub struct SemStat {
    pub perm: Perm,
    pub otime: i64,
    pub ctime: i64,
    pub nsems: usize,
}

#[derive(Debug, Default)]
pub struct SemTable {
    ids: IpcIds<SemSet>,
    used_sems: u64,
    /// semadj values by (process, set id).
    undo: HashMap<(i32, i32), Vec<i32>>,
}

/// One `struct sembuf`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SemOp {
    pub num: u16,
    pub op: i16,
    pub flg: i16,
}

/// The system-wide values of IPC_INFO / SEM_INFO.
#[derive(Debug, Clone, Copy, Default)]
pub struct SemInfo {
    pub semmap: i32,
    pub semmni: i32,
    pub semmns: i32,
    pub semmnu: i32,
    pub semmsl: i32,
    pub semopm: i32,
    pub semume: i32,
    pub semusz: i32,
    pub semvmx: i32,
    pub semaem: i32,
}

/// semget(2).
pub fn semget(k: &Kernel, key: i32, nsems: i32, flags: u32, creds: &Creds) -> KResult<i32> {
    if nsems < 0 || nsems as usize > SEMMSL {
        return Err(Errno::EINVAL);
    }
    let nsems = nsems as usize;
    let now = now_secs(k);
    let mut t = lock(&k.ipc.sem);
    let used = t.used_sems;
    let before = t.ids.len();
    let id = super::ipcget(
        &mut t.ids,
        key,
        flags,
        creds,
        SEMMNI,
        |s| if nsems > s.sems.len() { Err(Errno::EINVAL) } else { Ok(()) },
        |perm| {
            if nsems == 0 {
                return Err(Errno::EINVAL);
            }
            if used + nsems as u64 > SEMMNS.min(super::HOST_SEMS) {
                return Err(Errno::ENOSPC);
            }
            Ok(SemSet {
                perm,
                sems: vec![Sem::default(); nsems],
                otime: 0,
                ctime: now,
                wq: Arc::new(WaitQueue::new()),
                waiting: Vec::new(),
            })
        },
    )?;
    if t.ids.len() > before {
        t.used_sems += nsems as u64;
    }
    Ok(id)
}

fn recount(t: &mut SemTable) {
    t.used_sems = t.ids.iter().map(|s| s.sems.len() as u64).sum();
}

/// The result of trying a semop once.
enum Attempt {
    Done,
    Block { num: usize, zero: bool, nowait: bool },
}

/// Apply `sops` in order to a copy of the values; `ERANGE` past SEMVMX
/// or the undo range.
fn attempt(set: &SemSet, sops: &[SemOp], adj: Option<&Vec<i32>>) -> KResult<(Attempt, Vec<i32>)> {
    let mut vals: Vec<i32> = set.sems.iter().map(|s| s.val).collect();
    let mut adj: Vec<i32> = adj.cloned().unwrap_or_else(|| vec![0; vals.len()]);
    for s in sops {
        let n = usize::from(s.num);
        let cur = vals[n];
        let op = i32::from(s.op);
        let block = || Attempt::Block { num: n, zero: op == 0, nowait: s.flg & (IPC_NOWAIT as i16) != 0 };
        if op == 0 && cur != 0 {
            return Ok((block(), vals));
        }
        let r = cur + op;
        if r < 0 {
            return Ok((block(), vals));
        }
        if r > SEMVMX {
            return Err(Errno::ERANGE);
        }
        if s.flg & SEM_UNDO != 0 {
            let u = adj[n] - op;
            if !(-SEMAEM - 1..=SEMAEM).contains(&u) {
                return Err(Errno::ERANGE);
            }
            adj[n] = u;
        }
        vals[n] = r;
    }
    Ok((Attempt::Done, vals))
}

/// semop/semtimedop: `deadline_ns` is monotonic. A wait that times out is
/// `EAGAIN`, one a signal ends is `EINTR` (never restarted), one whose set
/// is removed is `EIDRM`.
pub fn semop(
    k: &Kernel,
    task: &Task,
    creds: &Creds,
    semid: i32,
    sops: &[SemOp],
    deadline_ns: Option<u64>,
) -> KResult<()> {
    let pid = task.pid();
    let tid = task.tid;
    let alter = sops.iter().any(|s| s.op != 0);
    let undo = sops.iter().any(|s| s.flg & SEM_UNDO != 0);
    let wq = {
        let t = lock(&k.ipc.sem);
        let set = t.ids.get(semid)?;
        let max = sops.iter().map(|s| usize::from(s.num)).max().unwrap_or(0);
        if max >= set.sems.len() {
            return Err(Errno::EFBIG);
        }
        if !set.perm.permits(creds, if alter { MAY_WRITE } else { MAY_READ }) {
            return Err(Errno::EACCES);
        }
        set.wq.clone()
    };
    let r = task.block_on(&k.host, &[&wq], deadline_ns, false, || {
        let mut t = lock(&k.ipc.sem);
        let t = &mut *t;
        let set = match t.ids.get_mut(semid) {
            Ok(s) if Arc::ptr_eq(&s.wq, &wq) => s,
            _ => return Ok(Err(Errno::EIDRM)),
        };
        set.waiting.retain(|w| w.tid != tid);
        let (outcome, vals) = match attempt(set, sops, t.undo.get(&(pid, semid))) {
            Ok(x) => x,
            Err(e) => return Ok(Err(e)),
        };
        match outcome {
            Attempt::Block { nowait: true, .. } => Ok(Err(Errno::EAGAIN)),
            Attempt::Block { num, zero, nowait: false } => {
                set.waiting.push(Waiting { tid, num, zero });
                Err(Errno::EAGAIN)
            }
            Attempt::Done => {
                for (s, v) in set.sems.iter_mut().zip(&vals) {
                    s.val = *v;
                }
                for s in sops {
                    set.sems[usize::from(s.num)].pid = pid;
                }
                set.otime = now_secs(k);
                let nsems = set.sems.len();
                if undo {
                    let adj = t.undo.entry((pid, semid)).or_insert_with(|| vec![0; nsems]);
                    for s in sops.iter().filter(|s| s.flg & SEM_UNDO != 0) {
                        adj[usize::from(s.num)] -= i32::from(s.op);
                    }
                }
                Ok(Ok(()))
            }
        }
    });
    {
        let mut t = lock(&k.ipc.sem);
        if let Ok(set) = t.ids.get_mut(semid) {
            set.waiting.retain(|w| w.tid != tid);
        }
    }
    match r {
        Ok(Ok(())) => {
            if alter {
                wq.wake_all();
            }
            Ok(())
        }
        Ok(Err(e)) => Err(e),
        Err(Errno::ETIMEDOUT) => Err(Errno::EAGAIN),
        Err(Errno::ERESTARTSYS) => Err(Errno::EINTR),
        Err(e) => Err(e),
    }
}

fn checked<'a>(t: &'a SemTable, id: i32, creds: &Creds, may: u32) -> KResult<&'a SemSet> {
    let s = t.ids.get(id)?;
    if !s.perm.permits(creds, may) {
        return Err(Errno::EACCES);
    }
    Ok(s)
}

fn stat_of(s: &SemSet) -> SemStat {
    SemStat { perm: s.perm, otime: s.otime, ctime: s.ctime, nsems: s.sems.len() }
}

/// IPC_STAT (by id, read permission).
pub fn stat(k: &Kernel, id: i32, creds: &Creds) -> KResult<SemStat> {
    let t = lock(&k.ipc.sem);
    checked(&t, id, creds, MAY_READ).map(stat_of)
}

/// SEM_STAT / SEM_STAT_ANY (by index; the result carries the id).
pub fn stat_index(k: &Kernel, idx: i32, creds: &Creds, any: bool) -> KResult<SemStat> {
    let t = lock(&k.ipc.sem);
    t.ids.stat_at(idx, creds, any).map(stat_of)
}

/// IPC_SET.
pub fn set(k: &Kernel, id: i32, creds: &Creds, uid: u32, gid: u32, mode: u32) -> KResult<()> {
    let now = now_secs(k);
    let mut t = lock(&k.ipc.sem);
    let s = t.ids.get_mut(id)?;
    s.perm.may_change(creds)?;
    s.perm.set(uid, gid, mode);
    s.ctime = now;
    Ok(())
}

/// IPC_RMID: waiters fail with EIDRM; undo entries of the set go.
pub fn rmid(k: &Kernel, id: i32, creds: &Creds) -> KResult<()> {
    let wq = {
        let mut t = lock(&k.ipc.sem);
        t.ids.get(id)?.perm.may_change(creds)?;
        let s = t.ids.remove(id)?;
        t.undo.retain(|&(_, sid), _| sid != id);
        recount(&mut t);
        s.wq
    };
    wq.wake_all();
    Ok(())
}

/// IPC_INFO (`usage` false) or SEM_INFO (`usage` true), and the highest index.
pub fn info(k: &Kernel, usage: bool) -> (SemInfo, i32) {
    let t = lock(&k.ipc.sem);
    let semmns = SEMMNS as i32;
    let mut i = SemInfo {
        semmap: semmns,
        semmni: SEMMNI as i32,
        semmns,
        semmnu: semmns,
        semmsl: SEMMSL as i32,
        semopm: SEMOPM as i32,
        semume: SEMOPM as i32,
        semusz: SEMUSZ,
        semvmx: SEMVMX,
        semaem: SEMAEM,
    };
    if usage {
        i.semusz = t.ids.len() as i32;
        i.semaem = t.used_sems as i32;
    }
    (i, t.ids.max_idx())
}

/// GETVAL, GETPID, GETNCNT, GETZCNT (read permission; EINVAL for a bad semnum).
pub fn get_one(k: &Kernel, id: i32, num: i32, cmd: u32, creds: &Creds) -> KResult<i32> {
    let t = lock(&k.ipc.sem);
    let s = checked(&t, id, creds, MAY_READ)?;
    let n = usize::try_from(num).ok().filter(|&n| n < s.sems.len()).ok_or(Errno::EINVAL)?;
    Ok(match cmd {
        GETVAL => s.sems[n].val,
        GETPID => s.sems[n].pid,
        GETNCNT => s.waiting.iter().filter(|w| w.num == n && !w.zero).count() as i32,
        GETZCNT => s.waiting.iter().filter(|w| w.num == n && w.zero).count() as i32,
        _ => return Err(Errno::EINVAL),
    })
}

/// The number of semaphores of a set (GETALL/SETALL sizes), with the
/// permission `may`.
pub fn nsems(k: &Kernel, id: i32, creds: &Creds, may: u32) -> KResult<usize> {
    let t = lock(&k.ipc.sem);
    checked(&t, id, creds, may).map(|s| s.sems.len())
}

/// GETALL.
pub fn get_all(k: &Kernel, id: i32, creds: &Creds) -> KResult<Vec<u16>> {
    let t = lock(&k.ipc.sem);
    checked(&t, id, creds, MAY_READ).map(|s| s.sems.iter().map(|x| x.val as u16).collect())
}

/// SETVAL (`num` Some) or SETALL: ERANGE above SEMVMX; clears the
/// matching undo adjustments of every process.
pub fn set_vals(k: &Kernel, id: i32, num: Option<i32>, vals: &[i32], pid: i32, creds: &Creds) -> KResult<()> {
    let now = now_secs(k);
    let wq = {
        let mut t = lock(&k.ipc.sem);
        let s = checked(&t, id, creds, MAY_WRITE)?;
        let n = s.sems.len();
        let idx = match num {
            Some(num) => Some(usize::try_from(num).ok().filter(|&i| i < n).ok_or(Errno::EINVAL)?),
            None => None,
        };
        if vals.iter().any(|&v| !(0..=SEMVMX).contains(&v)) {
            return Err(Errno::ERANGE);
        }
        let s = t.ids.get_mut(id)?;
        match idx {
            Some(i) => {
                s.sems[i] = Sem { val: vals[0], pid };
            }
            None => {
                for (x, &v) in s.sems.iter_mut().zip(vals) {
                    *x = Sem { val: v, pid };
                }
            }
        }
        s.ctime = now;
        let wq = s.wq.clone();
        for ((_, sid), adj) in t.undo.iter_mut() {
            if *sid == id {
                match idx {
                    Some(i) => adj[i] = 0,
                    None => adj.iter_mut().for_each(|a| *a = 0),
                }
            }
        }
        wq
    };
    wq.wake_all();
    Ok(())
}

/// /proc/sysvipc/sem rows: (perm, nsems, otime, ctime).
pub fn list(k: &Kernel) -> Vec<SemStat> {
    lock(&k.ipc.sem).ids.iter().map(stat_of).collect()
}

/// Process `pid` exits: add its adjustments (clamped to 0..=SEMVMX).
pub fn exit_undo(k: &Kernel, pid: i32) {
    let mut woken = Vec::new();
    {
        let mut t = lock(&k.ipc.sem);
        let mine: Vec<(i32, Vec<i32>)> = {
            let keys: Vec<(i32, i32)> = t.undo.keys().filter(|(p, _)| *p == pid).copied().collect();
            keys.into_iter().filter_map(|key| t.undo.remove(&key).map(|adj| (key.1, adj))).collect()
        };
        for (semid, adj) in mine {
            let Ok(s) = t.ids.get_mut(semid) else { continue };
            for (x, a) in s.sems.iter_mut().zip(adj) {
                if a != 0 {
                    x.val = (x.val + a).clamp(0, SEMVMX);
                    x.pid = pid;
                }
            }
            woken.push(s.wq.clone());
        }
    }
    for wq in woken {
        wq.wake_all();
    }
}
