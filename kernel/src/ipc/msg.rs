//! System V message queues (man 2 msgget, msgsnd, msgrcv, msgctl).
//!
//! A queue holds messages in arrival order and a byte limit `msg_qbytes`
//! (MSGMNB by default) that bounds both its bytes and its message count.
//! Senders wait while the queue is full, receivers while nothing matches;
//! both sleep on the queue's wait queue and retry after any change.

use std::collections::VecDeque;
use std::sync::Arc;

use super::{now_secs, IpcIds, IpcObject, Perm};
use crate::cred::{Creds, MAY_READ, MAY_WRITE};
use crate::error::{Errno, KResult};
use crate::task::{lock, Task};
use crate::wait::WaitQueue;
use crate::Kernel;

pub const MSGMAX: usize = 8192;
pub const MSGMNB: u64 = 16384;
pub const MSGMNI: usize = 32000;
const MSGSSZ: i32 = 16;
const MSGPOOL: i32 = (MSGMNI as i32) * (MSGMNB as i32) / 1024;
const MSGSEG: u16 = 0xffff;

pub const MSG_NOERROR: u32 = 0o10000;
pub const MSG_EXCEPT: u32 = 0o20000;
pub const MSG_COPY: u32 = 0o40000;
pub const MSG_STAT: u32 = 11;
pub const MSG_INFO: u32 = 12;
pub const MSG_STAT_ANY: u32 = 13;

#[derive(Debug)]
struct Msg {
    mtype: i32,
    text: Vec<u8>,
}

#[derive(Debug)]
pub struct MsgQueue {
    perm: Perm,
    msgs: VecDeque<Msg>,
    cbytes: u64,
    qbytes: u64,
    lspid: i32,
    lrpid: i32,
    stime: i64,
    rtime: i64,
    ctime: i64,
    wq: Arc<WaitQueue>,
}

impl IpcObject for MsgQueue {
    fn perm(&self) -> &Perm {
        &self.perm
    }
    fn perm_mut(&mut self) -> &mut Perm {
        &mut self.perm
    }
}

/// What IPC_STAT/MSG_STAT report.
#[derive(Debug, Clone, Copy)]
pub struct MsgStat {
    pub perm: Perm,
    pub stime: i64,
    pub rtime: i64,
    pub ctime: i64,
    pub cbytes: u64,
    pub qnum: u64,
    pub qbytes: u64,
    pub lspid: i32,
    pub lrpid: i32,
}

#[derive(Debug, Default)]
pub struct MsgTable {
    ids: IpcIds<MsgQueue>,
    /// Messages and bytes queued in all queues (MSG_INFO).
    msgs: u64,
    bytes: u64,
}

/// IPC_INFO / MSG_INFO values.
#[derive(Debug, Clone, Copy, Default)]
pub struct MsgInfo {
    pub msgpool: i32,
    pub msgmap: i32,
    pub msgmax: i32,
    pub msgmnb: i32,
    pub msgmni: i32,
    pub msgssz: i32,
    pub msgtql: i32,
    pub msgseg: u16,
}

/// msgget(2).
pub fn msgget(k: &Kernel, key: i32, flags: u32, creds: &Creds) -> KResult<i32> {
    let now = now_secs(k);
    let mut t = lock(&k.ipc.msg);
    super::ipcget(
        &mut t.ids,
        key,
        flags,
        creds,
        MSGMNI,
        |_| Ok(()),
        |perm| {
            Ok(MsgQueue {
                perm,
                msgs: VecDeque::new(),
                cbytes: 0,
                qbytes: MSGMNB,
                lspid: 0,
                lrpid: 0,
                stime: 0,
                rtime: 0,
                ctime: now,
                wq: Arc::new(WaitQueue::new()),
            })
        },
    )
}

fn blocking_result<T>(r: KResult<KResult<T>>) -> KResult<T> {
    match r {
        Ok(x) => x,
        Err(Errno::ERESTARTSYS) => Err(Errno::EINTR),
        Err(e) => Err(e),
    }
}

fn queue_wq(k: &Kernel, id: i32, creds: &Creds, may: u32) -> KResult<Arc<WaitQueue>> {
    let t = lock(&k.ipc.msg);
    let q = t.ids.get(id)?;
    if !q.perm.permits(creds, may) {
        return Err(Errno::EACCES);
    }
    Ok(q.wq.clone())
}

/// msgsnd(2) of a validated message (`mtype` ≥ 1, text ≤ MSGMAX).
pub fn msgsnd(k: &Kernel, task: &Task, creds: &Creds, id: i32, mtype: i32, text: Vec<u8>, nowait: bool) -> KResult<()> {
    let wq = queue_wq(k, id, creds, MAY_WRITE)?;
    let pid = task.pid();
    let mut text = Some(text);
    let r = task.block_on(&k.host, &[&wq], None, false, || {
        let mut t = lock(&k.ipc.msg);
        let t = &mut *t;
        let q = match t.ids.get_mut(id) {
            Ok(q) if Arc::ptr_eq(&q.wq, &wq) => q,
            _ => return Ok(Err(Errno::EIDRM)),
        };
        if !q.perm.permits(creds, MAY_WRITE) {
            return Ok(Err(Errno::EACCES));
        }
        let len = text.as_ref().map(|t| t.len()).unwrap_or(0) as u64;
        if len + q.cbytes <= q.qbytes && (q.msgs.len() as u64) < q.qbytes {
            if let Err(e) = k.ipc.budget.charge(len) {
                return Ok(Err(e));
            }
            q.msgs.push_back(Msg { mtype, text: text.take().unwrap_or_default() });
            q.cbytes += len;
            q.lspid = pid;
            q.stime = now_secs(k);
            t.msgs += 1;
            t.bytes += len;
            return Ok(Ok(()));
        }
        if nowait {
            return Ok(Err(Errno::EAGAIN));
        }
        Err(Errno::EAGAIN)
    });
    let r = blocking_result(r);
    if r.is_ok() {
        wq.wake_all();
    }
    r
}

/// Which message msgrcv takes.
fn find(q: &MsgQueue, msgtyp: i32, flags: u32) -> Option<usize> {
    if flags & MSG_COPY != 0 {
        return usize::try_from(msgtyp).ok().filter(|&i| i < q.msgs.len());
    }
    if msgtyp == 0 {
        return if q.msgs.is_empty() { None } else { Some(0) };
    }
    if msgtyp > 0 {
        let except = flags & MSG_EXCEPT != 0;
        return q.msgs.iter().position(|m| (m.mtype == msgtyp) != except);
    }
    let limit = msgtyp.unsigned_abs();
    let mut best: Option<(usize, i32)> = None;
    for (i, m) in q.msgs.iter().enumerate() {
        if m.mtype as u32 <= limit && best.is_none_or(|(_, t)| m.mtype < t) {
            best = Some((i, m.mtype));
        }
    }
    best.map(|(i, _)| i)
}

/// msgrcv(2): the message's type and text (cut to `bufsz` with
/// MSG_NOERROR; `E2BIG` otherwise, the message stays queued).
pub fn msgrcv(
    k: &Kernel,
    task: &Task,
    creds: &Creds,
    id: i32,
    bufsz: usize,
    msgtyp: i32,
    flags: u32,
) -> KResult<(i32, Vec<u8>)> {
    if flags & MSG_COPY != 0 && (flags & MSG_EXCEPT != 0 || flags & super::IPC_NOWAIT == 0) {
        return Err(Errno::EINVAL);
    }
    let wq = queue_wq(k, id, creds, MAY_READ)?;
    let pid = task.pid();
    let r = task.block_on(&k.host, &[&wq], None, false, || {
        let mut t = lock(&k.ipc.msg);
        let t = &mut *t;
        let q = match t.ids.get_mut(id) {
            Ok(q) if Arc::ptr_eq(&q.wq, &wq) => q,
            _ => return Ok(Err(Errno::EIDRM)),
        };
        if !q.perm.permits(creds, MAY_READ) {
            return Ok(Err(Errno::EACCES));
        }
        let Some(i) = find(q, msgtyp, flags) else {
            if flags & super::IPC_NOWAIT != 0 {
                return Ok(Err(Errno::ENOMSG));
            }
            return Err(Errno::EAGAIN);
        };
        if q.msgs[i].text.len() > bufsz && flags & MSG_NOERROR == 0 {
            return Ok(Err(Errno::E2BIG));
        }
        if flags & MSG_COPY != 0 {
            let m = &q.msgs[i];
            return Ok(Ok((m.mtype, m.text[..m.text.len().min(bufsz)].to_vec())));
        }
        let Some(m) = q.msgs.remove(i) else { return Ok(Err(Errno::EIDRM)) };
        let len = m.text.len() as u64;
        q.cbytes -= len;
        q.lrpid = pid;
        q.rtime = now_secs(k);
        t.msgs -= 1;
        t.bytes -= len;
        k.ipc.budget.uncharge(len);
        let mut text = m.text;
        text.truncate(bufsz);
        Ok(Ok((m.mtype, text)))
    });
    let r = blocking_result(r);
    if r.is_ok() && flags & MSG_COPY == 0 {
        wq.wake_all();
    }
    r
}

fn stat_of(q: &MsgQueue) -> MsgStat {
    MsgStat {
        perm: q.perm,
        stime: q.stime,
        rtime: q.rtime,
        ctime: q.ctime,
        cbytes: q.cbytes,
        qnum: q.msgs.len() as u64,
        qbytes: q.qbytes,
        lspid: q.lspid,
        lrpid: q.lrpid,
    }
}

/// IPC_STAT (read permission).
pub fn stat(k: &Kernel, id: i32, creds: &Creds) -> KResult<MsgStat> {
    let t = lock(&k.ipc.msg);
    let q = t.ids.get(id)?;
    if !q.perm.permits(creds, MAY_READ) {
        return Err(Errno::EACCES);
    }
    Ok(stat_of(q))
}

/// MSG_STAT / MSG_STAT_ANY (by index).
pub fn stat_index(k: &Kernel, idx: i32, creds: &Creds, any: bool) -> KResult<MsgStat> {
    let t = lock(&k.ipc.msg);
    t.ids.stat_at(idx, creds, any).map(stat_of)
}

/// IPC_SET: owner, mode and `msg_qbytes` (above MSGMNB only for root).
pub fn set(k: &Kernel, id: i32, creds: &Creds, uid: u32, gid: u32, mode: u32, qbytes: u64) -> KResult<()> {
    let now = now_secs(k);
    let wq = {
        let mut t = lock(&k.ipc.msg);
        let q = t.ids.get_mut(id)?;
        q.perm.may_change(creds)?;
        if qbytes > MSGMNB && creds.euid != 0 {
            return Err(Errno::EPERM);
        }
        q.perm.set(uid, gid, mode);
        q.qbytes = qbytes;
        q.ctime = now;
        q.wq.clone()
    };
    wq.wake_all();
    Ok(())
}

/// IPC_RMID: waiters fail with EIDRM.
pub fn rmid(k: &Kernel, id: i32, creds: &Creds) -> KResult<()> {
    let wq = {
        let mut t = lock(&k.ipc.msg);
        t.ids.get(id)?.perm.may_change(creds)?;
        let q = t.ids.remove(id)?;
        t.msgs -= q.msgs.len() as u64;
        t.bytes -= q.cbytes;
        k.ipc.budget.uncharge(q.cbytes);
        q.wq
    };
    wq.wake_all();
    Ok(())
}

/// IPC_INFO (`usage` false) or MSG_INFO, and the highest index.
pub fn info(k: &Kernel, usage: bool) -> (MsgInfo, i32) {
    let t = lock(&k.ipc.msg);
    let mut i = MsgInfo {
        msgpool: MSGPOOL,
        msgmap: MSGMNB as i32,
        msgmax: MSGMAX as i32,
        msgmnb: MSGMNB as i32,
        msgmni: MSGMNI as i32,
        msgssz: MSGSSZ,
        msgtql: MSGMNB as i32,
        msgseg: MSGSEG,
    };
    if usage {
        i.msgpool = t.ids.len() as i32;
        i.msgmap = t.msgs as i32;
        i.msgtql = t.bytes as i32;
    }
    (i, t.ids.max_idx())
}

/// /proc/sysvipc/msg rows.
pub fn list(k: &Kernel) -> Vec<MsgStat> {
    lock(&k.ipc.msg).ids.iter().map(stat_of).collect()
}
