//! POSIX message queues (man 7 mq_overview): named queues of prioritized
//! messages, opened as file descriptors ([`MqFile`]).
//!
//! Names are one path component (musl drops the leading '/'). A queue is
//! freed when it is unlinked and its last descriptor is closed. Messages
//! leave highest priority first, in arrival order within a priority. A
//! descriptor reads as Linux's one-line status text, polls readable while a
//! message is queued and writable while the queue is not full.
//! `mq_notify` (SIGEV_SIGNAL, SIGEV_NONE) fires when a message arrives in
//! an empty queue while no receiver waits, then is removed.
//!
//! Limits: `msg_max` 10, `msgsize_max` 8192 (root: 65536 and 16 MiB),
//! `queues_max` 256 (root: 1024, a host bound where Linux has none), and
//! the creator's RLIMIT_MSGQUEUE over each queue's worst-case size
//! (`EMFILE`), computed as Linux does on 64-bit hosts.

use std::any::Any;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, Weak};

use super::Budget;
use crate::cred::{Creds, MAY_READ, MAY_WRITE};
use crate::error::{Errno, KResult};
use crate::file::{poll_bits::*, FileOps, Stat};
use crate::signal::SigInfo;
use crate::task::lock;
use crate::wait::WaitQueue;
use crate::Kernel;

pub const MQ_PRIO_MAX: u32 = 32768;
pub const MSG_MAX: i32 = 10;
pub const MSGSIZE_MAX: i32 = 8192;
pub const QUEUES_MAX: usize = 256;
pub const HARD_MSGMAX: i32 = 65536;
pub const HARD_MSGSIZEMAX: i32 = 16 << 20;
pub const HARD_QUEUESMAX: usize = 1024;
const NAME_MAX: usize = 255;
/// `sizeof(struct msg_msg)` and `sizeof(struct posix_msg_tree_node)` on a
/// 64-bit Linux (RLIMIT_MSGQUEUE accounting).
const MSG_MSG_SIZE: u64 = 48;
const TREE_NODE_SIZE: u64 = 48;

pub const SIGEV_SIGNAL: i32 = 0;
pub const SIGEV_NONE: i32 = 1;
pub const SIGEV_THREAD: i32 = 2;
const SI_MESGQ: i32 = -3;

/// A registered notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Notify {
    pub pid: i32,
    pub notify: i32,
    pub signo: i32,
    pub value: u32,
}

#[derive(Debug, Default)]
struct Acct {
    queues: usize,
    bytes_by_uid: HashMap<u32, u64>,
}

/// The queue names and the accounting of one kernel.
#[derive(Debug, Default)]
pub struct MqNamespace {
    names: Mutex<HashMap<Vec<u8>, Arc<Mq>>>,
    acct: Arc<Mutex<Acct>>,
    /// Every queue still alive, named or not (an exiting process's
    /// notification registrations are dropped through it).
    all: Mutex<Vec<Weak<Mq>>>,
}

#[derive(Debug, Default)]
struct Inner {
    /// Messages by priority (highest first when taken).
    msgs: BTreeMap<u32, VecDeque<Vec<u8>>>,
    curmsgs: usize,
    qsize: u64,
    notify: Option<Notify>,
    /// Receivers blocked in mq_timedreceive.
    receivers: usize,
}

#[derive(Debug)]
pub struct Mq {
    pub maxmsg: i32,
    pub msgsize: i32,
    uid: u32,
    gid: u32,
    mode: u32,
    ino: u64,
    /// Creation time (the file's times in the mqueue file system).
    created: crate::file::Timespec,
    /// The creator's real uid and the bytes charged to it.
    acct_uid: u32,
    acct_bytes: u64,
    acct: Arc<Mutex<Acct>>,
    budget: Arc<Budget>,
    inner: Mutex<Inner>,
    pub wq: WaitQueue,
}

impl Drop for Mq {
    fn drop(&mut self) {
        let qsize = lock(&self.inner).qsize;
        self.budget.uncharge(qsize);
        let mut a = lock(&self.acct);
        a.queues = a.queues.saturating_sub(1);
        if let Some(b) = a.bytes_by_uid.get_mut(&self.acct_uid) {
            *b = b.saturating_sub(self.acct_bytes);
        }
    }
}

/// Check a queue name (without musl's leading '/').
fn check_name(name: &[u8]) -> KResult<()> {
    if name.is_empty() {
        return Err(Errno::ENOENT);
    }
    if name.len() > NAME_MAX {
        return Err(Errno::ENAMETOOLONG);
    }
    if name.contains(&b'/') || name == b"." || name == b".." {
        return Err(Errno::EACCES);
    }
    Ok(())
}

/// What mq_open asks for.
pub struct OpenReq<'a> {
    pub name: &'a [u8],
    pub oflag: u32,
    pub mode: u32,
    pub umask: u32,
    /// `mq_maxmsg`, `mq_msgsize` of the attr argument.
    pub attr: Option<(i32, i32)>,
    pub rlimit_msgqueue: u64,
}

/// mq_open(3): the queue (found or created).
pub fn open(k: &Kernel, creds: &Creds, req: &OpenReq<'_>) -> KResult<Arc<Mq>> {
    use crate::file::oflags::*;
    check_name(req.name)?;
    let ns = &k.ipc.mq;
    let mut names = lock(&ns.names);
    if let Some(q) = names.get(req.name) {
        if req.oflag & O_CREAT != 0 && req.oflag & O_EXCL != 0 {
            return Err(Errno::EEXIST);
        }
        let may = match req.oflag & O_ACCMODE {
            O_RDONLY => MAY_READ,
            O_WRONLY => MAY_WRITE,
            O_RDWR => MAY_READ | MAY_WRITE,
            _ => return Err(Errno::EINVAL),
        };
        if !creds.permits(0o100000 | q.mode, q.uid, q.gid, may) {
            return Err(Errno::EACCES);
        }
        return Ok(q.clone());
    }
    if req.oflag & O_CREAT == 0 {
        return Err(Errno::ENOENT);
    }
    let root = creds.euid == 0;
    let (maxmsg, msgsize) = match req.attr {
        Some((m, s)) => {
            if m <= 0 || s <= 0 {
                return Err(Errno::EINVAL);
            }
            let (mm, ms) = if root { (HARD_MSGMAX, HARD_MSGSIZEMAX) } else { (MSG_MAX, MSGSIZE_MAX) };
            if m > mm || s > ms {
                return Err(Errno::EINVAL);
            }
            (m, s)
        }
        None => (MSG_MAX, MSGSIZE_MAX),
    };
    let mut acct = lock(&ns.acct);
    if acct.queues >= if root { HARD_QUEUESMAX } else { QUEUES_MAX } {
        return Err(Errno::ENOSPC);
    }
    let (m, s) = (maxmsg as u64, msgsize as u64);
    let bytes = m * MSG_MSG_SIZE + m.min(u64::from(MQ_PRIO_MAX)) * TREE_NODE_SIZE + m * s;
    let used = acct.bytes_by_uid.get(&creds.uid).copied().unwrap_or(0);
    if used + bytes > req.rlimit_msgqueue {
        return Err(Errno::EMFILE);
    }
    acct.queues += 1;
    *acct.bytes_by_uid.entry(creds.uid).or_insert(0) += bytes;
    drop(acct);
    let q = Arc::new(Mq {
        maxmsg,
        msgsize,
        uid: creds.fsuid,
        gid: creds.fsgid,
        mode: req.mode & !req.umask & 0o777,
        ino: crate::eventfd::anon_ino(),
        created: crate::file::Timespec::from_ns(k.host.now_ns(crate::api::HostClock::Realtime)),
        acct_uid: creds.uid,
        acct_bytes: bytes,
        acct: ns.acct.clone(),
        budget: k.ipc.budget.clone(),
        inner: Mutex::new(Inner::default()),
        wq: WaitQueue::new(),
    });
    names.insert(req.name.to_vec(), q.clone());
    let mut all = lock(&ns.all);
    all.retain(|w| w.strong_count() > 0);
    all.push(Arc::downgrade(&q));
    Ok(q)
}

/// mq_unlink(3): the owner, or root, may remove a name (the mqueue root is
/// sticky: others get `EPERM`).
pub fn unlink(k: &Kernel, creds: &Creds, name: &[u8]) -> KResult<()> {
    check_name(name)?;
    let mut names = lock(&k.ipc.mq.names);
    let q = names.get(name).ok_or(Errno::ENOENT)?;
    if creds.fsuid != 0 && creds.fsuid != q.uid {
        return Err(Errno::EPERM);
    }
    names.remove(name);
    Ok(())
}

/// Process `pid` exits: its notification registrations end (Linux drops
/// them when the owner closes its descriptor).
pub fn exit_notify(k: &Kernel, pid: i32) {
    let queues: Vec<Arc<Mq>> = lock(&k.ipc.mq.all).iter().filter_map(Weak::upgrade).collect();
    for q in queues {
        let mut g = lock(&q.inner);
        if g.notify.is_some_and(|n| n.pid == pid) {
            g.notify = None;
        }
    }
}

/// The queue named `name`, if any.
pub fn find(k: &Kernel, name: &[u8]) -> Option<Arc<Mq>> {
    lock(&k.ipc.mq.names).get(name).cloned()
}

/// Remove a name without a permission check (the mqueue file system's
/// unlink, which the VFS has checked).
pub fn remove_name(k: &Kernel, name: &[u8]) -> KResult<()> {
    lock(&k.ipc.mq.names).remove(name).map(|_| ()).ok_or(Errno::ENOENT)
}

/// A queue with the default attributes, made by creating a file in the
/// mqueue file system (`mode` already has the umask applied).
pub fn create_default(k: &Kernel, name: &[u8], mode: u32, uid: u32, gid: u32) -> KResult<Arc<Mq>> {
    use crate::file::oflags::*;
    let creds = Creds::new(uid, gid);
    let req = OpenReq {
        name,
        oflag: O_CREAT | O_EXCL | O_RDWR,
        mode,
        umask: 0,
        attr: None,
        rlimit_msgqueue: DEFAULT_RLIMIT_MSGQUEUE,
    };
    open(k, &creds, &req)
}

/// Linux's default RLIMIT_MSGQUEUE (bytes).
pub const DEFAULT_RLIMIT_MSGQUEUE: u64 = 819200;

/// Names of existing queues (for tests and /dev/mqueue-like listings).
pub fn names(k: &Kernel) -> Vec<Vec<u8>> {
    let mut v: Vec<_> = lock(&k.ipc.mq.names).keys().cloned().collect();
    v.sort();
    v
}

impl Mq {
    pub fn ino(&self) -> u64 {
        self.ino
    }
    pub fn curmsgs(&self) -> usize {
        lock(&self.inner).curmsgs
    }

    /// Queue one message (`EAGAIN` when full); the notification to
    /// deliver, if this message fires one.
    pub fn try_send(&self, data: &[u8], prio: u32) -> KResult<Option<Notify>> {
        let fired = {
            let mut g = lock(&self.inner);
            if g.curmsgs >= self.maxmsg as usize {
                return Err(Errno::EAGAIN);
            }
            self.budget.charge(data.len() as u64)?;
            g.msgs.entry(prio).or_default().push_back(data.to_vec());
            g.curmsgs += 1;
            g.qsize += data.len() as u64;
            if g.curmsgs == 1 && g.receivers == 0 {
                g.notify.take()
            } else {
                None
            }
        };
        self.wq.wake_all();
        Ok(fired)
    }

    /// Take the highest-priority message (`EAGAIN` when empty).
    pub fn try_recv(&self) -> KResult<(Vec<u8>, u32)> {
        let got = {
            let mut g = lock(&self.inner);
            let Some((&prio, list)) = g.msgs.iter_mut().next_back() else {
                return Err(Errno::EAGAIN);
            };
            let msg = list.pop_front().unwrap_or_default();
            if list.is_empty() {
                g.msgs.remove(&prio);
            }
            g.curmsgs -= 1;
            g.qsize -= msg.len() as u64;
            self.budget.uncharge(msg.len() as u64);
            (msg, prio)
        };
        self.wq.wake_all();
        Ok(got)
    }

    /// A receiver starts (`true`) or stops waiting.
    pub fn receiver_waiting(&self, on: bool) {
        let mut g = lock(&self.inner);
        if on {
            g.receivers += 1;
        } else {
            g.receivers = g.receivers.saturating_sub(1);
        }
    }

    /// mq_notify: register (`EBUSY` if another is registered) or, with
    /// `None`, remove the caller's registration.
    pub fn set_notify(&self, pid: i32, n: Option<Notify>) -> KResult<()> {
        let mut g = lock(&self.inner);
        match n {
            None => {
                if g.notify.is_some_and(|x| x.pid == pid) {
                    g.notify = None;
                }
                Ok(())
            }
            Some(n) => {
                if g.notify.is_some() {
                    return Err(Errno::EBUSY);
                }
                g.notify = Some(n);
                Ok(())
            }
        }
    }

    /// Linux's status line (what reading the descriptor gives).
    pub fn status_text(&self) -> String {
        let g = lock(&self.inner);
        let (notify, signo, pid) = match g.notify {
            Some(n) => (n.notify, if n.notify == SIGEV_SIGNAL { n.signo } else { 0 }, n.pid),
            None => (0, 0, 0),
        };
        format!("QSIZE:{:<10} NOTIFY:{:<5} SIGNO:{:<5} NOTIFY_PID:{:<6}\n", g.qsize, notify, signo, pid)
    }
}

/// Deliver a fired notification: SIGEV_SIGNAL sends `signo` with
/// `si_code` SI_MESGQ, the sender's pid and real uid, and the value.
pub fn deliver(k: &Kernel, n: Notify, sender_pid: i32, sender_uid: u32) {
    if n.notify == SIGEV_SIGNAL && n.signo > 0 {
        let info = SigInfo {
            signo: n.signo as u32,
            code: SI_MESGQ,
            pid: sender_pid,
            uid: sender_uid,
            value: n.value,
            ..Default::default()
        };
        k.send_to_process(n.pid, info);
    }
}

/// An open message queue descriptor.
pub struct MqFile {
    pub mq: Arc<Mq>,
}

impl FileOps for MqFile {
    fn on_close(&self, pid: i32) {
        // mq_close(3): the closer's notification request goes.
        let _ = self.mq.set_notify(pid, None);
    }
    fn read(&self, buf: &mut [u8], offset: u64) -> KResult<usize> {
        let text = self.mq.status_text().into_bytes();
        let start = usize::try_from(offset).unwrap_or(usize::MAX).min(text.len());
        let n = buf.len().min(text.len() - start);
        buf[..n].copy_from_slice(&text[start..start + n]);
        Ok(n)
    }
    fn seekable(&self) -> bool {
        true
    }
    fn stat(&self) -> KResult<Stat> {
        Ok(Stat {
            mode: 0o100000 | self.mq.mode,
            nlink: 1,
            uid: self.mq.uid,
            gid: self.mq.gid,
            ino: self.mq.ino,
            size: 80,
            blksize: 4096,
            atime: self.mq.created,
            mtime: self.mq.created,
            ctime: self.mq.created,
            dev: crate::eventfd::ANON_DEV,
            ..Default::default()
        })
    }
    fn poll(&self) -> u32 {
        let n = self.mq.curmsgs();
        let mut ev = 0;
        if n > 0 {
            ev |= POLLIN | POLLRDNORM;
        }
        if n < self.mq.maxmsg as usize {
            ev |= POLLOUT | POLLWRNORM;
        }
        ev
    }
    fn wait_queue(&self) -> Option<&WaitQueue> {
        Some(&self.mq.wq)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
