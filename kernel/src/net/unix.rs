//! AF_UNIX sockets (man 7 unix): stream, datagram and seqpacket, socket
//! pairs, bound paths and the abstract namespace, SCM_RIGHTS and
//! SCM_CREDENTIALS payloads.
//!
//! A [`Sock`] is the protocol object; a [`SocketFile`] is what an open
//! file holds, and dropping it releases the socket (close semantics: the
//! peer sees EOF/HUP, pending connections of a listener are reset, a bound
//! name stops resolving). Connected sockets point at each other weakly.
//! Stream connect completes at once (as on Linux): the connector gets a
//! peer "embryo" socket queued on the listener, returned by accept.
//!
//! Operations never block; the syscall layer waits through
//! `Ctx::block_on` on [`Sock::wq`] of the socket and of its target. Every
//! change wakes the queues of both ends (the reader's, and the writer's
//! waiting for room).
//!
//! Lock order: at most one `Sock::st` at a time (peers are locked one
//! after the other, never nested); the abstract-namespace registry is
//! taken without any socket lock; wake-ups happen after unlocking.

use std::any::Any;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, Weak};

use super::*;
use crate::error::{Errno, KResult};
use crate::eventfd::anon_ino;
use crate::file::{poll_bits::*, FileOps, OpenFile, Stat};
use crate::task::lock;
use crate::vfs::PathHandle;
use crate::wait::WaitQueue;

/// Default SO_SNDBUF / SO_RCVBUF (`net.core.wmem_default`).
pub const DEFAULT_BUF: u32 = 212_992;
/// Smallest buffer SO_SNDBUF/SO_RCVBUF set (after doubling).
const MIN_BUF: u32 = 4608;
/// Queue limit of an unconnected datagram receiver (`net.unix.max_dgram_qlen`).
pub const MAX_DGRAM_QLEN: usize = 10;
/// `sizeof(sun_path)`.
pub const UNIX_PATH_MAX: usize = 108;

/// A socket address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum UnixAddr {
    #[default]
    Unnamed,
    /// A file system path (no NUL).
    Path(Vec<u8>),
    /// An abstract name (the bytes after the leading NUL).
    Abstract(Vec<u8>),
}

impl UnixAddr {
    /// Parse a `sockaddr_un` of `bytes.len()` (= addrlen) bytes (EINVAL).
    /// `Unnamed` stands for an address of just the family (autobind).
    pub fn parse(bytes: &[u8]) -> KResult<UnixAddr> {
        if bytes.len() < 2 || bytes.len() > 2 + UNIX_PATH_MAX {
            return Err(Errno::EINVAL);
        }
        if u32::from(u16::from_le_bytes([bytes[0], bytes[1]])) != AF_UNIX {
            return Err(Errno::EINVAL);
        }
        let path = &bytes[2..];
        Ok(match path.first() {
            None => UnixAddr::Unnamed,
            Some(0) => UnixAddr::Abstract(path[1..].to_vec()),
            Some(_) => UnixAddr::Path(path.iter().take_while(|b| **b != 0).copied().collect()),
        })
    }

    /// The `sockaddr_un` bytes (its length is the addrlen Linux reports:
    /// path sockets include the terminating NUL).
    pub fn encode(&self) -> Vec<u8> {
        let mut v = (AF_UNIX as u16).to_le_bytes().to_vec();
        match self {
            UnixAddr::Unnamed => {}
            UnixAddr::Path(p) => {
                v.extend_from_slice(p);
                v.push(0);
            }
            UnixAddr::Abstract(n) => {
                v.push(0);
                v.extend_from_slice(n);
            }
        }
        v
    }
}

/// Credentials as SO_PEERCRED / SCM_CREDENTIALS carry them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ucred {
    pub pid: i32,
    pub uid: u32,
    pub gid: u32,
}

/// One queued message (or stream chunk).
struct Packet {
    data: Vec<u8>,
    /// Bytes already consumed (streams).
    off: usize,
    from: UnixAddr,
    sender: Weak<Sock>,
    fds: Vec<Arc<OpenFile>>,
    cred: Ucred,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Unconnected,
    Listening,
    Connected,
}

struct State {
    phase: Phase,
    /// Connected peer (streams, seqpacket), or a datagram socket's
    /// default destination.
    peer: Option<Weak<Sock>>,
    addr: UnixAddr,
    peer_addr: UnixAddr,
    rx: VecDeque<Packet>,
    rx_bytes: usize,
    /// Pending connections (listening sockets).
    pending: VecDeque<Arc<Sock>>,
    backlog: usize,
    /// `RCV_SHUTDOWN` / `SEND_SHUTDOWN`.
    shut_rd: bool,
    shut_wr: bool,
    /// SO_ERROR (ECONNRESET when the peer closed with unread data).
    err: Option<Errno>,
    peer_cred: Option<Ucred>,
    sndbuf: u32,
    rcvbuf: u32,
    pub passcred: bool,
    /// Options stored and reported back (SO_REUSEADDR, SO_KEEPALIVE, ...).
    flags: HashMap<i32, Vec<u8>>,
    released: bool,
}

pub struct Sock {
    pub ty: u32,
    st: Mutex<State>,
    pub wq: WaitQueue,
    /// Creator's credentials (what the peer's SO_PEERCRED shows).
    pub cred: Mutex<Ucred>,
    ino: u64,
}

/// What a receive produced.
#[derive(Default)]
pub struct Received {
    /// Bytes copied into the buffer.
    pub n: usize,
    /// Length of the message (datagrams; > n when truncated).
    pub full: usize,
    pub from: UnixAddr,
    pub fds: Vec<Arc<OpenFile>>,
    pub cred: Option<Ucred>,
}

fn wake(s: &Option<Arc<Sock>>) {
    if let Some(s) = s {
        s.wq.wake_all();
    }
}

impl Sock {
    pub fn new(ty: u32, cred: Ucred) -> Arc<Sock> {
        Arc::new(Sock {
            ty,
            st: Mutex::new(State {
                phase: Phase::Unconnected,
                peer: None,
                addr: UnixAddr::Unnamed,
                peer_addr: UnixAddr::Unnamed,
                rx: VecDeque::new(),
                rx_bytes: 0,
                pending: VecDeque::new(),
                backlog: 0,
                shut_rd: false,
                shut_wr: false,
                err: None,
                peer_cred: None,
                sndbuf: DEFAULT_BUF,
                rcvbuf: DEFAULT_BUF,
                passcred: false,
                flags: HashMap::new(),
                released: false,
            }),
            wq: WaitQueue::new(),
            cred: Mutex::new(cred),
            ino: anon_ino(),
        })
    }

    fn connected_to(a: &Arc<Sock>, b: &Arc<Sock>) {
        let (ca, cb) = (*lock(&a.cred), *lock(&b.cred));
        let bb = lock(&b.st).addr.clone();
        {
            let mut s = lock(&a.st);
            s.phase = Phase::Connected;
            s.peer = Some(Arc::downgrade(b));
            s.peer_cred = Some(cb);
            s.peer_addr = bb;
        }
        let aa = lock(&a.st).addr.clone();
        let mut s = lock(&b.st);
        s.phase = Phase::Connected;
        s.peer = Some(Arc::downgrade(a));
        s.peer_cred = Some(ca);
        s.peer_addr = aa;
    }

    /// socketpair(2).
    pub fn pair(ty: u32, cred: Ucred) -> (Arc<Sock>, Arc<Sock>) {
        let (a, b) = (Sock::new(ty, cred), Sock::new(ty, cred));
        Sock::connected_to(&a, &b);
        (a, b)
    }

    pub fn is_connection_oriented(&self) -> bool {
        self.ty != SOCK_DGRAM
    }

    pub fn peer(&self) -> Option<Arc<Sock>> {
        lock(&self.st).peer.as_ref().and_then(|w| w.upgrade())
    }
    pub fn local_addr(&self) -> UnixAddr {
        lock(&self.st).addr.clone()
    }
    pub fn is_bound(&self) -> bool {
        lock(&self.st).addr != UnixAddr::Unnamed
    }
    /// getpeername: ENOTCONN without a peer.
    pub fn peer_addr(&self) -> KResult<UnixAddr> {
        let st = lock(&self.st);
        match (&st.peer, st.phase) {
            (Some(_), _) => Ok(st.peer_addr.clone()),
            _ => Err(Errno::ENOTCONN),
        }
    }
    pub fn peer_cred(&self) -> Option<Ucred> {
        lock(&self.st).peer_cred
    }
    pub fn is_listening(&self) -> bool {
        lock(&self.st).phase == Phase::Listening
    }
    pub fn take_error(&self) -> Option<Errno> {
        lock(&self.st).err.take()
    }
    pub fn bufs(&self) -> (u32, u32) {
        let st = lock(&self.st);
        (st.sndbuf, st.rcvbuf)
    }
    /// SO_SNDBUF/SO_RCVBUF: Linux doubles the value (bookkeeping overhead).
    pub fn set_buf(&self, send: bool, val: u32) {
        let v = val.min(i32::MAX as u32 / 2).saturating_mul(2).max(MIN_BUF);
        let mut st = lock(&self.st);
        if send {
            st.sndbuf = v;
        } else {
            st.rcvbuf = v;
        }
    }
    pub fn set_passcred(&self, on: bool) {
        lock(&self.st).passcred = on;
    }
    pub fn passcred(&self) -> bool {
        lock(&self.st).passcred
    }
    /// Options recorded verbatim (reported back by getsockopt).
    pub fn set_opt(&self, name: i32, val: Vec<u8>) {
        lock(&self.st).flags.insert(name, val);
    }
    pub fn opt(&self, name: i32) -> Option<Vec<u8>> {
        lock(&self.st).flags.get(&name).cloned()
    }

    /// Record the bound address (the caller created the name): EINVAL
    /// when already bound.
    pub fn set_addr(&self, addr: UnixAddr) -> KResult<()> {
        let mut st = lock(&self.st);
        if st.addr != UnixAddr::Unnamed {
            return Err(Errno::EINVAL);
        }
        st.addr = addr;
        Ok(())
    }

    /// listen(2).
    pub fn listen(&self, backlog: i32) -> KResult<()> {
        if self.ty == SOCK_DGRAM {
            return Err(Errno::EOPNOTSUPP);
        }
        let mut st = lock(&self.st);
        if st.addr == UnixAddr::Unnamed || st.phase == Phase::Connected {
            return Err(Errno::EINVAL);
        }
        st.phase = Phase::Listening;
        st.backlog = (backlog.max(0) as u32).min(SOMAXCONN) as usize;
        drop(st);
        self.wq.wake_all();
        Ok(())
    }

    /// Stream/seqpacket connect to `listener` (EAGAIN: backlog full).
    pub fn try_connect(self: &Arc<Sock>, listener: &Arc<Sock>) -> KResult<()> {
        {
            let st = lock(&self.st);
            match st.phase {
                Phase::Connected => return Err(Errno::EISCONN),
                Phase::Listening => return Err(Errno::EINVAL),
                Phase::Unconnected => {}
            }
        }
        if listener.ty != self.ty {
            return Err(Errno::EPROTOTYPE);
        }
        let embryo = Sock::new(self.ty, *lock(&listener.cred));
        {
            let mut ls = lock(&listener.st);
            if ls.phase != Phase::Listening || ls.released {
                return Err(Errno::ECONNREFUSED);
            }
            if ls.pending.len() > ls.backlog {
                return Err(Errno::EAGAIN);
            }
            let laddr = ls.addr.clone();
            lock(&embryo.st).addr = laddr;
            ls.pending.push_back(embryo.clone());
        }
        Sock::connected_to(self, &embryo);
        listener.wq.wake_all();
        self.wq.wake_all();
        Ok(())
    }

    /// Datagram connect (`None`: AF_UNSPEC dissolves the association).
    pub fn dgram_connect(self: &Arc<Sock>, target: Option<&Arc<Sock>>) -> KResult<()> {
        let mut st = lock(&self.st);
        match target {
            None => {
                st.peer = None;
                st.peer_cred = None;
                st.peer_addr = UnixAddr::Unnamed;
                st.phase = Phase::Unconnected;
            }
            Some(t) => {
                if t.ty != self.ty {
                    return Err(Errno::EPROTOTYPE);
                }
                drop(st);
                let (cred, addr) = (*lock(&t.cred), t.local_addr());
                st = lock(&self.st);
                st.peer = Some(Arc::downgrade(t));
                st.peer_cred = Some(cred);
                st.peer_addr = addr;
                st.phase = Phase::Connected;
            }
        }
        Ok(())
    }

    /// Take a pending connection (EAGAIN when none, EINVAL when not listening).
    pub fn try_accept(&self) -> KResult<Arc<Sock>> {
        let s = {
            let mut st = lock(&self.st);
            if st.phase != Phase::Listening {
                return Err(Errno::EINVAL);
            }
            st.pending.pop_front().ok_or(Errno::EAGAIN)?
        };
        self.wq.wake_all();
        Ok(s)
    }

    /// Send `data` (+ `fds`) to the connected peer or to `target`.
    /// Streams may write part of `data`; datagrams go whole (EMSGSIZE).
    pub fn try_send(
        self: &Arc<Sock>,
        data: &[u8],
        fds: &[Arc<OpenFile>],
        cred: Ucred,
        target: Option<Arc<Sock>>,
    ) -> KResult<usize> {
        let (peer, from) = {
            let st = lock(&self.st);
            if st.shut_wr {
                return Err(Errno::EPIPE);
            }
            let from = st.addr.clone();
            match self.ty {
                SOCK_STREAM => {
                    if target.is_some() {
                        return Err(if st.phase == Phase::Connected { Errno::EISCONN } else { Errno::EOPNOTSUPP });
                    }
                    if st.phase != Phase::Connected {
                        return Err(Errno::ENOTCONN);
                    }
                    (st.peer.as_ref().and_then(|w| w.upgrade()).ok_or(Errno::EPIPE)?, from)
                }
                SOCK_SEQPACKET => {
                    if st.phase != Phase::Connected {
                        return Err(Errno::ENOTCONN);
                    }
                    (st.peer.as_ref().and_then(|w| w.upgrade()).ok_or(Errno::EPIPE)?, from)
                }
                _ => match target {
                    Some(t) => (t, from),
                    None => match &st.peer {
                        None => return Err(Errno::ENOTCONN),
                        Some(w) => (w.upgrade().ok_or(Errno::ECONNREFUSED)?, from),
                    },
                },
            }
        };
        if self.ty != SOCK_STREAM && data.len() > (self.bufs().0 as usize).saturating_sub(32) {
            return Err(Errno::EMSGSIZE);
        }
        let n = {
            let mut ps = lock(&peer.st);
            if ps.released {
                return Err(if self.ty == SOCK_DGRAM { Errno::ECONNREFUSED } else { Errno::EPIPE });
            }
            if self.ty == SOCK_DGRAM {
                if peer.ty != SOCK_DGRAM {
                    return Err(Errno::EPROTOTYPE);
                }
                if let Some(pp) = ps.peer.as_ref() {
                    if !std::ptr::eq(pp.as_ptr(), Arc::as_ptr(self)) && pp.strong_count() > 0 {
                        return Err(Errno::EPERM);
                    }
                }
            }
            if ps.shut_rd {
                return Err(Errno::EPIPE);
            }
            let room = (ps.rcvbuf as usize).saturating_sub(ps.rx_bytes);
            let n = if self.ty == SOCK_STREAM {
                if room == 0 && !data.is_empty() {
                    return Err(Errno::EAGAIN);
                }
                data.len().min(room)
            } else {
                let unconnected_target = ps.peer.as_ref().is_none_or(|p| !std::ptr::eq(p.as_ptr(), Arc::as_ptr(self)));
                if (!ps.rx.is_empty() && data.len() > room) || (unconnected_target && ps.rx.len() > MAX_DGRAM_QLEN) {
                    return Err(Errno::EAGAIN);
                }
                data.len()
            };
            if n == 0 && self.ty == SOCK_STREAM && fds.is_empty() {
                return Ok(0);
            }
            ps.rx_bytes += n;
            ps.rx.push_back(Packet {
                data: data[..n].to_vec(),
                off: 0,
                from,
                sender: Arc::downgrade(self),
                fds: fds.to_vec(),
                cred,
            });
            n
        };
        peer.wq.wake_all();
        Ok(n)
    }

    /// Receive into `buf`. Streams gather across chunks (stopping at a
    /// chunk that carries descriptors); datagrams take one message.
    /// `peek` leaves the data queued.
    pub fn try_recv(&self, buf: &mut [u8], peek: bool) -> KResult<Received> {
        let mut out = Received::default();
        let mut senders: Vec<Option<Arc<Sock>>> = Vec::new();
        {
            let mut st = lock(&self.st);
            if st.phase == Phase::Listening {
                return Err(Errno::EINVAL);
            }
            if self.ty == SOCK_STREAM && st.phase != Phase::Connected {
                return Err(Errno::EINVAL);
            }
            if self.ty == SOCK_SEQPACKET && st.phase != Phase::Connected {
                return Err(Errno::ENOTCONN);
            }
            if st.rx.is_empty() {
                if let Some(e) = st.err.take() {
                    return Err(e);
                }
                if st.shut_rd || buf.is_empty() {
                    return Ok(out);
                }
                return Err(Errno::EAGAIN);
            }
            if self.ty == SOCK_STREAM {
                let mut idx = 0;
                while out.n < buf.len() && idx < st.rx.len() {
                    let p = &st.rx[idx];
                    if !p.fds.is_empty() && out.n > 0 {
                        break;
                    }
                    let avail = &p.data[p.off..];
                    let k = avail.len().min(buf.len() - out.n);
                    buf[out.n..out.n + k].copy_from_slice(&avail[..k]);
                    out.n += k;
                    if idx == 0 {
                        out.from = p.from.clone();
                        out.cred = Some(p.cred);
                    }
                    let has_fds = !p.fds.is_empty();
                    if !peek {
                        let p = &mut st.rx[idx];
                        out.fds.append(&mut p.fds);
                        p.off += k;
                        senders.push(p.sender.upgrade());
                    } else if has_fds {
                        out.fds.extend(p.fds.iter().cloned());
                    }
                    idx += 1;
                    if has_fds {
                        break;
                    }
                }
                if !peek {
                    st.rx_bytes -= out.n;
                    while st.rx.front().is_some_and(|p| p.off >= p.data.len()) {
                        st.rx.pop_front();
                    }
                }
                out.full = out.n;
            } else {
                let p = if peek { None } else { st.rx.pop_front() };
                let p = match &p {
                    Some(p) => p,
                    None => st.rx.front().expect("non-empty"),
                };
                let k = p.data.len().min(buf.len());
                buf[..k].copy_from_slice(&p.data[..k]);
                out.n = k;
                out.full = p.data.len();
                out.from = p.from.clone();
                out.cred = Some(p.cred);
                out.fds = p.fds.clone();
                senders.push(p.sender.upgrade());
                if !peek {
                    st.rx_bytes -= p.data.len();
                }
            }
        }
        if !peek {
            self.wq.wake_all();
            wake(&self.peer());
            for s in &senders {
                wake(s);
            }
        }
        Ok(out)
    }

    /// shutdown(2): `how` is SHUT_RD/SHUT_WR/SHUT_RDWR. For connected
    /// streams/seqpackets the peer sees the mirror image.
    pub fn shutdown(&self, how: u32) -> KResult<()> {
        if how > SHUT_RDWR {
            return Err(Errno::EINVAL);
        }
        let (rd, wr) = (how != SHUT_WR, how != SHUT_RD);
        let peer = {
            let mut st = lock(&self.st);
            st.shut_rd |= rd;
            st.shut_wr |= wr;
            if self.ty != SOCK_DGRAM {
                st.peer.as_ref().and_then(|w| w.upgrade())
            } else {
                None
            }
        };
        if let Some(p) = &peer {
            let mut ps = lock(&p.st);
            ps.shut_rd |= wr;
            ps.shut_wr |= rd;
        }
        self.wq.wake_all();
        wake(&peer);
        Ok(())
    }

    /// Readiness (Linux's unix_poll / unix_dgram_poll).
    pub fn poll(&self) -> u32 {
        let peer = self.peer();
        let st = lock(&self.st);
        let mut m = 0;
        if st.err.is_some() {
            m |= POLLERR;
        }
        if st.shut_rd && st.shut_wr {
            m |= POLLHUP;
        }
        if st.shut_rd {
            m |= POLLRDHUP | POLLIN | POLLRDNORM;
        }
        if !st.rx.is_empty() || (st.phase == Phase::Listening && !st.pending.is_empty()) {
            m |= POLLIN | POLLRDNORM;
        }
        if self.ty != SOCK_DGRAM && st.phase == Phase::Unconnected {
            m |= POLLHUP;
        }
        let listening = st.phase == Phase::Listening;
        let shut_wr = st.shut_wr;
        drop(st);
        if !listening {
            let writable = match (&peer, self.ty) {
                (Some(p), _) => {
                    let ps = lock(&p.st);
                    let room = (ps.rcvbuf as usize).saturating_sub(ps.rx_bytes);
                    room > 0 && (self.ty != SOCK_DGRAM || ps.rx.len() <= MAX_DGRAM_QLEN || ps.peer.is_some())
                }
                (None, _) => !shut_wr || self.ty == SOCK_DGRAM,
            };
            if writable {
                m |= POLLOUT | POLLWRNORM | POLLWRBAND;
            }
        }
        m
    }

    /// The last descriptor closed.
    fn release(self: &Arc<Sock>) {
        let (peer, pending, had_data) = {
            let mut st = lock(&self.st);
            st.released = true;
            st.shut_rd = true;
            st.shut_wr = true;
            let had_data = !st.rx.is_empty();
            st.rx.clear();
            st.rx_bytes = 0;
            let pending: Vec<Arc<Sock>> = st.pending.drain(..).collect();
            (st.peer.take().and_then(|w| w.upgrade()), pending, had_data)
        };
        if let Some(p) = &peer {
            if self.ty != SOCK_DGRAM {
                let mut ps = lock(&p.st);
                ps.shut_rd = true;
                ps.shut_wr = true;
                if had_data {
                    ps.err = Some(Errno::ECONNRESET);
                }
            }
        }
        for e in pending {
            e.release();
        }
        self.wq.wake_all();
        wake(&peer);
    }
}

/// The open-file face of a socket.
pub struct SocketFile {
    pub sock: Arc<Sock>,
}

impl SocketFile {
    pub fn new(sock: Arc<Sock>) -> Arc<SocketFile> {
        Arc::new(SocketFile { sock })
    }
}

impl Drop for SocketFile {
    fn drop(&mut self) {
        self.sock.release();
    }
}

/// The socket behind an open file (ENOTSOCK).
pub fn sock_of(file: &OpenFile) -> KResult<Arc<Sock>> {
    file.ops.as_any().downcast_ref::<SocketFile>().map(|f| f.sock.clone()).ok_or(Errno::ENOTSOCK)
}

impl FileOps for SocketFile {
    /// read(2) = recv without flags; passed descriptors are discarded.
    fn read(&self, buf: &mut [u8], _offset: u64) -> KResult<usize> {
        self.sock.try_recv(buf, false).map(|r| r.n)
    }
    fn write(&self, data: &[u8], _offset: u64) -> KResult<usize> {
        let cred = *lock(&self.sock.cred);
        self.sock.try_send(data, &[], cred, None)
    }
    fn stat(&self) -> KResult<Stat> {
        Ok(Stat {
            mode: crate::vfs::S_IFSOCK | 0o777,
            nlink: 1,
            ino: self.sock.ino,
            blksize: 4096,
            dev: 0x8,
            ..Default::default()
        })
    }
    fn poll(&self) -> u32 {
        self.sock.poll()
    }
    fn wait_queue(&self) -> Option<&WaitQueue> {
        Some(&self.sock.wq)
    }
    fn nread(&self) -> Option<usize> {
        let st = lock(&self.sock.st);
        Some(if self.sock.ty == SOCK_STREAM { st.rx_bytes } else { st.rx.front().map_or(0, |p| p.data.len()) })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Sockets bound to file system paths, by (st_dev, st_ino) of their
/// S_IFSOCK inode.
type PathMap = HashMap<(u64, u64), Weak<Sock>>;

type AbstractMap = HashMap<Vec<u8>, Weak<Sock>>;

/// One kernel's AF_UNIX names: sockets bound to paths and the abstract
/// namespace (`Kernel::unix_ns`).
#[derive(Default)]
pub struct UnixNamespaces {
    path: Mutex<PathMap>,
    abstract_: Mutex<AbstractMap>,
}

fn alive(w: &Weak<Sock>) -> bool {
    w.upgrade().is_some_and(|s| !lock(&s.st).released)
}

impl UnixNamespaces {
    /// Attach `sock` to the freshly created socket inode `node`.
    pub fn bind_node(&self, node: &PathHandle, sock: &Arc<Sock>) -> KResult<()> {
        let st = node.stat()?;
        let mut ns = lock(&self.path);
        ns.retain(|_, w| alive(w));
        ns.insert((st.dev, st.ino), Arc::downgrade(sock));
        Ok(())
    }

    /// The live socket bound at `node` (ECONNREFUSED otherwise).
    pub fn lookup_node(&self, node: &PathHandle) -> KResult<Arc<Sock>> {
        if node.file_type() != crate::vfs::FileType::Socket {
            return Err(Errno::ECONNREFUSED);
        }
        let st = node.stat()?;
        let s = lock(&self.path).get(&(st.dev, st.ino)).and_then(|w| w.upgrade()).ok_or(Errno::ECONNREFUSED)?;
        if lock(&s.st).released {
            return Err(Errno::ECONNREFUSED);
        }
        Ok(s)
    }

    /// Register `name` for `sock` (EADDRINUSE when taken).
    pub fn bind_abstract(&self, name: &[u8], sock: &Arc<Sock>) -> KResult<()> {
        let mut ns = lock(&self.abstract_);
        ns.retain(|_, w| alive(w));
        let key = name.to_vec();
        if ns.contains_key(&key) {
            return Err(Errno::EADDRINUSE);
        }
        ns.insert(key, Arc::downgrade(sock));
        Ok(())
    }

    /// An unused 5-hex-digit abstract name (autobind).
    pub fn autobind_name(&self) -> Vec<u8> {
        let ns = lock(&self.abstract_);
        (0u32..0x10_0000)
            .map(|i| format!("{i:05x}").into_bytes())
            .find(|n| ns.get(n).is_none_or(|w| !alive(w)))
            .unwrap_or_default()
    }

    pub fn lookup_abstract(&self, name: &[u8]) -> KResult<Arc<Sock>> {
        let ns = lock(&self.abstract_);
        let s = ns.get(name).and_then(|w| w.upgrade()).ok_or(Errno::ECONNREFUSED)?;
        if lock(&s.st).released {
            return Err(Errno::ECONNREFUSED);
        }
        Ok(s)
    }
}
