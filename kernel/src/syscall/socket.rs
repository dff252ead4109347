//! Socket calls: socket, socketpair, bind, listen, accept/accept4,
//! connect, getsockname, getpeername, sendto, recvfrom, sendmsg, recvmsg,
//! setsockopt, getsockopt, shutdown. Only AF_UNIX exists (`crate::net`);
//! AF_INET/AF_INET6 and the rest answer EAFNOSUPPORT.
//!
//! Blocking goes through `Ctx::block_on` on the socket's queue and its
//! target's, honouring O_NONBLOCK, MSG_DONTWAIT and SO_RCVTIMEO/SO_SNDTIMEO
//! (EAGAIN at the deadline); interrupted calls restart under SA_RESTART
//! (man 7 signal). EPIPE raises SIGPIPE unless MSG_NOSIGNAL. Addresses
//! and control messages use the wasm32 layouts: `sockaddr_un` (110
//! bytes), `msghdr` (28), `cmsghdr` (12, 4-byte CMSG_ALIGN), `ucred` (12).

use std::sync::Arc;

use super::open::start_dir;
use super::{Args, Ctx, SysResult, AT_FDCWD};
use zerocopy::{FromBytes, IntoBytes};

use crate::abi::uapi;
use crate::api::HostClock;
use crate::cred::MAY_WRITE;
use crate::error::{Errno, KResult};
use crate::file::{oflags, OpenFile};
use crate::mem::{read_iovecs, UserPtr};
use crate::net::unix::{sock_of, Received, Sock, SocketFile, Ucred, UnixAddr};
use crate::net::*;
use crate::signal::{SigInfo, SIGPIPE};
use crate::task::lock;
use crate::vfs::ops::{permission, Caller};
use crate::vfs::S_IFSOCK;

const SOCK_NONBLOCK: u32 = oflags::O_NONBLOCK;
const SOCK_CLOEXEC: u32 = oflags::O_CLOEXEC;
/// `sizeof(struct cmsghdr)` on wasm32 (the data follows at CMSG_ALIGN of it).
const CMSG_HDR: usize = std::mem::size_of::<uapi::cmsghdr>();
/// `sizeof(struct ucred)`.
const UCRED_SIZE: usize = std::mem::size_of::<uapi::ucred>();

fn cmsg_align(n: usize) -> usize {
    (n + 3) & !3
}

fn caller_cred(ctx: &Ctx<'_>) -> Ucred {
    let c = ctx.creds();
    Ucred { pid: ctx.pid(), uid: c.euid, gid: c.egid }
}

fn sock_fd(ctx: &Ctx<'_>, fd: i32) -> KResult<(Arc<OpenFile>, Arc<Sock>)> {
    let file = ctx.file(fd)?;
    let s = sock_of(&file)?;
    Ok((file, s))
}

fn new_sock_file(ctx: &Ctx<'_>, sock: Arc<Sock>, flags: u32) -> KResult<i32> {
    let file = OpenFile::new(SocketFile::new(sock), oflags::O_RDWR | (flags & SOCK_NONBLOCK), b"socket:".to_vec());
    ctx.install_fd(file, flags & SOCK_CLOEXEC != 0)
}

/// Decode (domain, type) into the socket type and the NONBLOCK/CLOEXEC flags.
fn check_socket_args(domain: u32, ty: u32, protocol: u32) -> KResult<(u32, u32)> {
    let flags = ty & !SOCK_TYPE_MASK;
    if flags & !(SOCK_NONBLOCK | SOCK_CLOEXEC) != 0 {
        return Err(Errno::EINVAL);
    }
    if domain >= AF_MAX || domain != AF_UNIX {
        return Err(Errno::EAFNOSUPPORT);
    }
    if protocol != 0 && protocol != AF_UNIX {
        return Err(Errno::EPROTONOSUPPORT);
    }
    let kind = match ty & SOCK_TYPE_MASK {
        SOCK_STREAM => SOCK_STREAM,
        SOCK_DGRAM | SOCK_RAW => SOCK_DGRAM,
        SOCK_SEQPACKET => SOCK_SEQPACKET,
        _ => return Err(Errno::ESOCKTNOSUPPORT),
    };
    Ok((kind, flags))
}

pub fn sys_socket(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (kind, flags) = check_socket_args(a.u32(0), a.u32(1), a.u32(2))?;
    let sock = Sock::new(kind, caller_cred(ctx));
    Ok(new_sock_file(ctx, sock, flags)?.into())
}

pub fn sys_socketpair(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (kind, flags) = check_socket_args(a.u32(0), a.u32(1), a.u32(2))?;
    let sv = a.ptr::<i32>(3);
    crate::mem::check_range(&*ctx.mem, sv.addr, 8)?;
    let (s0, s1) = Sock::pair(kind, caller_cred(ctx));
    let fd0 = new_sock_file(ctx, s0, flags)?;
    let fd1 = match new_sock_file(ctx, s1, flags) {
        Ok(fd) => fd,
        Err(e) => {
            close_fd(ctx, fd0);
            return Err(e);
        }
    };
    if let Err(e) = ctx.write(sv, &fd0).and_then(|_| ctx.write(sv.at(1)?, &fd1)) {
        close_fd(ctx, fd0);
        close_fd(ctx, fd1);
        return Err(e);
    }
    Ok(0.into())
}

fn close_fd(ctx: &Ctx<'_>, fd: i32) {
    if let Ok(e) = lock(&ctx.process().fds).remove(fd) {
        crate::task::release_fds(&ctx.kernel.file_locks, ctx.pid(), vec![e]);
    }
}

/// Copy in a socket address of `len` bytes.
fn read_addr(ctx: &Ctx<'_>, addr: u32, len: u32) -> KResult<UnixAddr> {
    if len > 128 {
        return Err(Errno::EINVAL);
    }
    let bytes = ctx.read_bytes(addr, len as usize)?;
    UnixAddr::parse(&bytes)
}

/// Copy out `addr` to (`user_addr`, `*user_len`): truncated to the
/// caller's length, the full length written back.
fn write_addr(ctx: &mut Ctx<'_>, addr: &UnixAddr, user_addr: u32, user_len: u32) -> KResult<()> {
    if user_addr == 0 || user_len == 0 {
        return Ok(());
    }
    let len = ctx.read(UserPtr::<i32>::new(user_len))?;
    if len < 0 {
        return Err(Errno::EINVAL);
    }
    let bytes = addr.encode();
    let n = bytes.len().min(len as usize);
    ctx.write_bytes(user_addr, &bytes[..n])?;
    ctx.write(UserPtr::<i32>::new(user_len), &(bytes.len() as i32))
}

/// The socket a (connect/sendto) address names.
fn resolve(ctx: &Ctx<'_>, addr: &UnixAddr) -> KResult<Arc<Sock>> {
    match addr {
        UnixAddr::Unnamed => Err(Errno::EINVAL),
        UnixAddr::Abstract(name) => ctx.kernel.unix_ns.lookup_abstract(name),
        UnixAddr::Path(path) => {
            let fsx = ctx.fs()?;
            let creds = ctx.creds();
            let start = start_dir(ctx, &fsx, AT_FDCWD, path)?;
            let h = Caller::new(&fsx, &creds).lookup(&start, path, true)?;
            permission(&creds, &h, MAY_WRITE)?;
            ctx.kernel.unix_ns.lookup_node(&h)
        }
    }
}

pub fn sys_bind(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (_, sock) = sock_fd(ctx, a.fd(0))?;
    let addr = read_addr(ctx, a.u32(1), a.u32(2))?;
    if sock.is_bound() {
        return Err(Errno::EINVAL);
    }
    let addr = match addr {
        UnixAddr::Unnamed => UnixAddr::Abstract(ctx.kernel.unix_ns.autobind_name()),
        a => a,
    };
    match &addr {
        UnixAddr::Abstract(name) => ctx.kernel.unix_ns.bind_abstract(name, &sock)?,
        UnixAddr::Path(path) => {
            let fsx = ctx.fs()?;
            let creds = ctx.creds();
            let start = start_dir(ctx, &fsx, AT_FDCWD, path)?;
            let node = Caller::new(&fsx, &creds).mknod(&start, path, S_IFSOCK | 0o777, 0).map_err(|e| {
                if e == Errno::EEXIST {
                    Errno::EADDRINUSE
                } else {
                    e
                }
            })?;
            ctx.kernel.unix_ns.bind_node(&node, &sock)?;
        }
        UnixAddr::Unnamed => unreachable!("autobind chose a name"),
    }
    sock.set_addr(addr)?;
    Ok(0.into())
}

pub fn sys_listen(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (_, sock) = sock_fd(ctx, a.fd(0))?;
    sock.listen(a.i32(1))?;
    Ok(0.into())
}

/// A timeout option (SO_RCVTIMEO/SO_SNDTIMEO) as a monotonic deadline.
fn opt_deadline(ctx: &Ctx<'_>, sock: &Sock, name: i32) -> Option<u64> {
    let v = sock.opt(name)?;
    let ns = u64::from_le_bytes(v.get(..8)?.try_into().ok()?);
    (ns > 0).then(|| ctx.now(HostClock::Monotonic).saturating_add(ns))
}

/// Block until `op` stops saying EAGAIN (timeouts become EAGAIN).
fn wait_sock<T>(
    ctx: &Ctx<'_>,
    socks: &[&Arc<Sock>],
    deadline: Option<u64>,
    nonblock: bool,
    op: impl FnMut() -> KResult<T>,
) -> KResult<T> {
    let queues: Vec<_> = socks.iter().map(|s| &s.wq).collect();
    match ctx.block_on(&queues, deadline, nonblock, op) {
        Err(Errno::ETIMEDOUT) => Err(Errno::EAGAIN),
        r => r,
    }
}

fn do_accept(ctx: &mut Ctx<'_>, a: Args, flags: u32) -> SysResult {
    if flags & !(SOCK_NONBLOCK | SOCK_CLOEXEC) != 0 {
        return Err(Errno::EINVAL);
    }
    let (file, sock) = sock_fd(ctx, a.fd(0))?;
    if sock.ty == SOCK_DGRAM {
        return Err(Errno::EOPNOTSUPP);
    }
    let deadline = opt_deadline(ctx, &sock, SO_RCVTIMEO_NEW);
    let new = wait_sock(ctx, &[&sock], deadline, file.nonblocking(), || sock.try_accept())?;
    let peer_addr = new.peer_addr().unwrap_or_default();
    let fd = new_sock_file(ctx, new, flags)?;
    if let Err(e) = write_addr(ctx, &peer_addr, a.u32(1), a.u32(2)) {
        close_fd(ctx, fd);
        return Err(e);
    }
    Ok(fd.into())
}

pub fn sys_accept(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    do_accept(ctx, a, 0)
}

pub fn sys_accept4(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    do_accept(ctx, a, a.u32(3))
}

pub fn sys_connect(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (file, sock) = sock_fd(ctx, a.fd(0))?;
    let bytes = ctx.read_bytes(a.u32(1), (a.u32(2) as usize).min(129))?;
    if sock.ty == SOCK_DGRAM && bytes.len() >= 2 && u32::from(u16::from_le_bytes([bytes[0], bytes[1]])) == AF_UNSPEC {
        sock.dgram_connect(None)?;
        return Ok(0.into());
    }
    if a.u32(2) > 128 {
        return Err(Errno::EINVAL);
    }
    let addr = UnixAddr::parse(&bytes)?;
    let target = resolve(ctx, &addr)?;
    if sock.ty == SOCK_DGRAM {
        sock.dgram_connect(Some(&target))?;
        return Ok(0.into());
    }
    let deadline = opt_deadline(ctx, &sock, SO_SNDTIMEO_NEW);
    wait_sock(ctx, &[&sock, &target], deadline, file.nonblocking(), || sock.try_connect(&target))?;
    Ok(0.into())
}

pub fn sys_getsockname(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (_, sock) = sock_fd(ctx, a.fd(0))?;
    let addr = sock.local_addr();
    write_addr(ctx, &addr, a.u32(1), a.u32(2).max(1))?;
    Ok(0.into())
}

pub fn sys_getpeername(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (_, sock) = sock_fd(ctx, a.fd(0))?;
    let addr = sock.peer_addr()?;
    write_addr(ctx, &addr, a.u32(1), a.u32(2).max(1))?;
    Ok(0.into())
}

/// Send `data` with `fds`, blocking (streams: until all is sent).
fn send_common(
    ctx: &Ctx<'_>,
    file: &OpenFile,
    sock: &Arc<Sock>,
    data: &[u8],
    fds: Vec<Arc<OpenFile>>,
    flags: u32,
    target: Option<Arc<Sock>>,
) -> KResult<usize> {
    let nonblock = file.nonblocking() || flags & MSG_DONTWAIT != 0;
    let cred = caller_cred(ctx);
    let deadline = opt_deadline(ctx, sock, SO_SNDTIMEO_NEW);
    let dest = target.clone().or_else(|| sock.peer());
    let mut socks = vec![sock];
    if let Some(d) = &dest {
        socks.push(d);
    }
    let mut done = 0;
    let mut fds = Some(fds);
    let r = loop {
        let r = wait_sock(ctx, &socks, deadline, nonblock, || {
            sock.try_send(&data[done..], fds.as_deref().unwrap_or(&[]), cred, target.clone())
        });
        match r {
            Ok(n) => {
                fds = None;
                done += n;
                if done >= data.len() || sock.ty != SOCK_STREAM || nonblock {
                    break Ok(done);
                }
            }
            Err(e) if done > 0 && matches!(e, Errno::EAGAIN | Errno::ERESTARTSYS | Errno::EPIPE) => break Ok(done),
            Err(e) => break Err(e),
        }
    };
    if r == Err(Errno::EPIPE) && flags & MSG_NOSIGNAL == 0 {
        ctx.kernel.send_to_task(&ctx.task, SigInfo::user(SIGPIPE, ctx.pid(), lock(&ctx.process().creds).uid));
    }
    r
}

/// Receive up to `len` bytes, blocking unless nonblocking.
fn recv_common(
    ctx: &Ctx<'_>,
    file: &OpenFile,
    sock: &Arc<Sock>,
    len: usize,
    flags: u32,
) -> KResult<(Vec<u8>, Received)> {
    if flags & MSG_OOB != 0 {
        return Err(Errno::EOPNOTSUPP);
    }
    let nonblock = file.nonblocking() || flags & MSG_DONTWAIT != 0;
    let deadline = opt_deadline(ctx, sock, SO_RCVTIMEO_NEW);
    let mut buf = vec![0u8; len.min(super::io::MAX_RW_COUNT)];
    let peek = flags & MSG_PEEK != 0;
    let mut r = wait_sock(ctx, &[sock], deadline, nonblock, || sock.try_recv(&mut buf, peek))?;
    // MSG_WAITALL on streams: keep reading until full, EOF or a signal.
    if flags & MSG_WAITALL != 0 && sock.ty == SOCK_STREAM && !peek && !nonblock {
        while r.n < buf.len() && r.n > 0 {
            let mut more = vec![0u8; buf.len() - r.n];
            match wait_sock(ctx, &[sock], deadline, false, || sock.try_recv(&mut more, false)) {
                Ok(m) if m.n > 0 => {
                    buf[r.n..r.n + m.n].copy_from_slice(&more[..m.n]);
                    r.n += m.n;
                    r.full = r.n;
                    r.fds.extend(m.fds);
                }
                _ => break,
            }
        }
    }
    buf.truncate(r.n);
    Ok((buf, r))
}

/// The explicit destination of sendto/sendmsg (none when `addr` is NULL).
fn dest_of(ctx: &Ctx<'_>, sock: &Sock, addr: u32, len: u32) -> KResult<Option<Arc<Sock>>> {
    if addr == 0 || len == 0 || sock.ty == SOCK_SEQPACKET {
        return Ok(None);
    }
    if sock.ty == SOCK_STREAM {
        return Err(if sock.peer().is_some() { Errno::EISCONN } else { Errno::EOPNOTSUPP });
    }
    let ua = read_addr(ctx, addr, len)?;
    resolve(ctx, &ua).map(Some)
}

const SEND_FLAGS: u32 = MSG_OOB | MSG_DONTROUTE | MSG_DONTWAIT | MSG_EOR | MSG_NOSIGNAL | MSG_MORE | 0x800 /* MSG_CONFIRM */ | 0x2000_0000 /* MSG_FASTOPEN */;

pub fn sys_sendto(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (fd, buf, len, flags, addr, addrlen) = (a.fd(0), a.u32(1), a.usize(2), a.u32(3), a.u32(4), a.u32(5));
    let (file, sock) = sock_fd(ctx, fd)?;
    if flags & MSG_OOB != 0 {
        return Err(Errno::EOPNOTSUPP);
    }
    let data = ctx.read_bytes(buf, len.min(super::io::MAX_RW_COUNT))?;
    let target = dest_of(ctx, &sock, addr, addrlen)?;
    Ok(send_common(ctx, &file, &sock, &data, Vec::new(), flags & SEND_FLAGS, target)?.into())
}

pub fn sys_recvfrom(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (fd, buf, len, flags, addr, addrlen) = (a.fd(0), a.u32(1), a.usize(2), a.u32(3), a.u32(4), a.u32(5));
    let (file, sock) = sock_fd(ctx, fd)?;
    crate::mem::check_range(&*ctx.mem, buf, len as u64)?;
    let (data, r) = recv_common(ctx, &file, &sock, len, flags)?;
    ctx.write_bytes(buf, &data)?;
    if sock.ty != SOCK_STREAM || r.n > 0 {
        write_addr(ctx, &r.from, addr, addrlen)?;
    }
    Ok(if flags & MSG_TRUNC != 0 && sock.ty != SOCK_STREAM { r.full } else { r.n }.into())
}

/// What the kernel uses of a guest `struct msghdr` (the generated uapi type).
struct MsgHdr {
    name: u32,
    namelen: u32,
    iov: u32,
    iovlen: u32,
    control: u32,
    controllen: u32,
}

fn read_msghdr(ctx: &Ctx<'_>, addr: u32) -> KResult<MsgHdr> {
    let m = ctx.read(UserPtr::<uapi::msghdr>::new(addr))?;
    Ok(MsgHdr {
        name: m.msg_name,
        namelen: m.msg_namelen as u32,
        iov: m.msg_iov,
        iovlen: m.msg_iovlen,
        control: m.msg_control,
        controllen: m.msg_controllen,
    })
}

/// The `u32` field at byte offset `off` (an `offset_of!` of `uapi::msghdr`)
/// of the guest msghdr at `msg`: recvmsg writes back single fields.
fn msghdr_field(msg: u32, off: usize) -> KResult<UserPtr<u32>> {
    msg.checked_add(off as u32).map(UserPtr::new).ok_or(Errno::EFAULT)
}

/// Parse SCM_RIGHTS / SCM_CREDENTIALS from a control buffer.
fn parse_control(ctx: &Ctx<'_>, m: &MsgHdr) -> KResult<Vec<Arc<OpenFile>>> {
    let mut fds = Vec::new();
    if m.control == 0 || m.controllen == 0 {
        return Ok(fds);
    }
    let buf = ctx.read_bytes(m.control, m.controllen as usize)?;
    let mut off = 0;
    while off + CMSG_HDR <= buf.len() {
        let (h, _) = uapi::cmsghdr::read_from_prefix(&buf[off..]).map_err(|_| Errno::EINVAL)?;
        let (len, level, ty) = (h.cmsg_len as usize, h.cmsg_level, h.cmsg_type);
        if len < CMSG_HDR || off + len > buf.len() {
            return Err(Errno::EINVAL);
        }
        let data = &buf[off + CMSG_HDR..off + len];
        match (level, ty) {
            (SOL_SOCKET, SCM_RIGHTS) => {
                for c in data.chunks_exact(4) {
                    let fd = i32::read_from_bytes(c).map_err(|_| Errno::EINVAL)?;
                    fds.push(ctx.file(fd)?);
                }
                if fds.len() > SCM_MAX_FD {
                    return Err(Errno::EINVAL);
                }
            }
            (SOL_SOCKET, SCM_CREDENTIALS) => {
                let (u, _) = uapi::ucred::read_from_prefix(data).map_err(|_| Errno::EINVAL)?;
                let me = caller_cred(ctx);
                let c = ctx.creds();
                if (u.pid as i32 != me.pid
                    || (u.uid != c.uid && u.uid != c.euid)
                    || (u.gid != c.gid && u.gid != c.egid))
                    && c.euid != 0
                {
                    return Err(Errno::EPERM);
                }
            }
            _ => return Err(Errno::EINVAL),
        }
        off += cmsg_align(len);
    }
    Ok(fds)
}

fn gather_iov(ctx: &Ctx<'_>, m: &MsgHdr) -> KResult<Vec<u8>> {
    let iovs = read_iovecs(&*ctx.mem, m.iov, m.iovlen)?;
    let mut data = Vec::new();
    for v in iovs {
        data.extend(ctx.read_bytes(v.base, v.len as usize)?);
    }
    Ok(data)
}

pub fn sys_sendmsg(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (fd, msg, flags) = (a.fd(0), a.u32(1), a.u32(2));
    let (file, sock) = sock_fd(ctx, fd)?;
    let m = read_msghdr(ctx, msg)?;
    if flags & MSG_OOB != 0 {
        return Err(Errno::EOPNOTSUPP);
    }
    let data = gather_iov(ctx, &m)?;
    let fds = parse_control(ctx, &m)?;
    let target = dest_of(ctx, &sock, m.name, m.namelen)?;
    Ok(send_common(ctx, &file, &sock, &data, fds, flags & SEND_FLAGS, target)?.into())
}

pub fn sys_recvmsg(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (fd, msg, flags) = (a.fd(0), a.u32(1), a.u32(2));
    let (file, sock) = sock_fd(ctx, fd)?;
    let m = read_msghdr(ctx, msg)?;
    let iovs = read_iovecs(&*ctx.mem, m.iov, m.iovlen)?;
    let total: usize = iovs.iter().map(|v| v.len as usize).sum();
    for v in &iovs {
        crate::mem::check_range(&*ctx.mem, v.base, u64::from(v.len))?;
    }
    let (data, r) = recv_common(ctx, &file, &sock, total, flags)?;
    let mut off = 0;
    for v in &iovs {
        let k = (v.len as usize).min(data.len() - off);
        ctx.write_bytes(v.base, &data[off..off + k])?;
        off += k;
    }
    let mut out_flags = 0;
    if r.full > r.n && sock.ty != SOCK_STREAM {
        out_flags |= MSG_TRUNC;
    }
    // Name.
    if m.name != 0 {
        let bytes = r.from.encode();
        let n = bytes.len().min(m.namelen as usize);
        ctx.write_bytes(m.name, &bytes[..n])?;
        ctx.write(msghdr_field(msg, std::mem::offset_of!(uapi::msghdr, msg_namelen))?, &(bytes.len() as u32))?;
    } else {
        ctx.write(msghdr_field(msg, std::mem::offset_of!(uapi::msghdr, msg_namelen))?, &0)?;
    }
    // Control messages: credentials (SO_PASSCRED), then descriptors.
    let mut ctl = Vec::new();
    let room = if m.control == 0 { 0 } else { m.controllen as usize };
    if sock.passcred() {
        let c = r.cred.unwrap_or_default();
        if room >= ctl.len() + CMSG_HDR + UCRED_SIZE {
            let h = uapi::cmsghdr {
                cmsg_len: (CMSG_HDR + UCRED_SIZE) as u32,
                cmsg_level: SOL_SOCKET,
                cmsg_type: SCM_CREDENTIALS,
            };
            ctl.extend_from_slice(h.as_bytes());
            ctl.extend_from_slice(uapi::ucred { pid: c.pid as u32, uid: c.uid, gid: c.gid }.as_bytes());
        } else {
            out_flags |= MSG_CTRUNC;
        }
    }
    if !r.fds.is_empty() {
        let space = room.saturating_sub(ctl.len());
        let fit = if space >= CMSG_HDR { ((space - CMSG_HDR) / 4).min(r.fds.len()) } else { 0 };
        if fit < r.fds.len() {
            out_flags |= MSG_CTRUNC;
        }
        if fit > 0 {
            let cloexec = flags & MSG_CMSG_CLOEXEC != 0;
            let mut fds = Vec::new();
            for f in r.fds.iter().take(fit) {
                match ctx.install_fd(f.clone(), cloexec) {
                    Ok(fd) => fds.push(fd),
                    Err(_) => {
                        out_flags |= MSG_CTRUNC;
                        break;
                    }
                }
            }
            let len = CMSG_HDR + 4 * fds.len();
            let h = uapi::cmsghdr { cmsg_len: len as u32, cmsg_level: SOL_SOCKET, cmsg_type: SCM_RIGHTS };
            ctl.extend_from_slice(h.as_bytes());
            ctl.extend_from_slice(fds.as_bytes());
            ctl.resize(cmsg_align(ctl.len()).min(room), 0);
        }
    }
    if !ctl.is_empty() {
        ctx.write_bytes(m.control, &ctl)?;
    }
    ctx.write(msghdr_field(msg, std::mem::offset_of!(uapi::msghdr, msg_controllen))?, &(ctl.len() as u32))?;
    ctx.write(msghdr_field(msg, std::mem::offset_of!(uapi::msghdr, msg_flags))?, &out_flags)?;
    Ok(if flags & MSG_TRUNC != 0 && sock.ty != SOCK_STREAM { r.full } else { r.n }.into())
}

pub fn sys_shutdown(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (_, sock) = sock_fd(ctx, a.fd(0))?;
    sock.shutdown(a.u32(1))?;
    Ok(0.into())
}

/// A timeout option value in ns: `__kernel_sock_timeval` (16 bytes,
/// SO_*TIMEO_NEW) or the old 8-byte `timeval`.
fn timeo_ns(val: &[u8], new: bool) -> KResult<u64> {
    let (sec, usec) = if new {
        let (t, _) = uapi::__kernel_sock_timeval::read_from_prefix(val).map_err(|_| Errno::EINVAL)?;
        (t.tv_sec, t.tv_usec)
    } else {
        let (t, _) = uapi::__kernel_old_timeval::read_from_prefix(val).map_err(|_| Errno::EINVAL)?;
        (i64::from(t.tv_sec), i64::from(t.tv_usec))
    };
    if !(0..1_000_000).contains(&usec) {
        return Err(Errno::EDOM);
    }
    if sec < 0 {
        return Ok(0);
    }
    Ok((sec as u64).saturating_mul(1_000_000_000).saturating_add(usec as u64 * 1000))
}

pub fn sys_setsockopt(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (fd, level, name, val, len) = (a.fd(0), a.i32(1), a.i32(2), a.u32(3), a.u32(4));
    let (_, sock) = sock_fd(ctx, fd)?;
    if level != SOL_SOCKET {
        return Err(Errno::EOPNOTSUPP);
    }
    let need = match name {
        SO_RCVTIMEO_NEW | SO_SNDTIMEO_NEW => std::mem::size_of::<uapi::__kernel_sock_timeval>(),
        SO_RCVTIMEO_OLD | SO_SNDTIMEO_OLD => std::mem::size_of::<uapi::__kernel_old_timeval>(),
        SO_LINGER => std::mem::size_of::<uapi::linger>(),
        _ => 4,
    };
    if (len as usize) < need {
        return Err(Errno::EINVAL);
    }
    let bytes = ctx.read_bytes(val, need)?;
    let int = i32::from_le_bytes(bytes[0..4].try_into().expect("4"));
    match name {
        SO_SNDBUF | SO_SNDBUFFORCE => sock.set_buf(true, int.max(0) as u32),
        SO_RCVBUF | SO_RCVBUFFORCE => sock.set_buf(false, int.max(0) as u32),
        SO_PASSCRED => sock.set_passcred(int != 0),
        SO_RCVTIMEO_NEW | SO_RCVTIMEO_OLD => {
            sock.set_opt(SO_RCVTIMEO_NEW, timeo_ns(&bytes, name == SO_RCVTIMEO_NEW)?.to_le_bytes().to_vec())
        }
        SO_SNDTIMEO_NEW | SO_SNDTIMEO_OLD => {
            sock.set_opt(SO_SNDTIMEO_NEW, timeo_ns(&bytes, name == SO_SNDTIMEO_NEW)?.to_le_bytes().to_vec())
        }
        SO_REUSEADDR | SO_REUSEPORT | SO_KEEPALIVE | SO_BROADCAST | SO_DEBUG | SO_DONTROUTE | SO_OOBINLINE => {
            sock.set_opt(name, i32::from(int != 0).to_le_bytes().to_vec())
        }
        SO_RCVLOWAT => sock.set_opt(name, int.max(1).to_le_bytes().to_vec()),
        SO_LINGER => sock.set_opt(name, bytes),
        _ => return Err(Errno::ENOPROTOOPT),
    }
    Ok(0.into())
}

pub fn sys_getsockopt(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (fd, level, name, val, lenp) = (a.fd(0), a.i32(1), a.i32(2), a.u32(3), a.ptr::<i32>(4));
    let (_, sock) = sock_fd(ctx, fd)?;
    if level != SOL_SOCKET {
        return Err(Errno::EOPNOTSUPP);
    }
    let len = ctx.read(lenp)?;
    if len < 0 {
        return Err(Errno::EINVAL);
    }
    let int = |v: i32| v.to_le_bytes().to_vec();
    let timeo = |n: i32, new: bool| {
        let ns = sock.opt(n).map_or(0, |v| u64::from_le_bytes(v[..8].try_into().expect("8")));
        let (s, us) = (ns / 1_000_000_000, (ns % 1_000_000_000) / 1000);
        if new {
            uapi::__kernel_sock_timeval { tv_sec: s as i64, tv_usec: us as i64 }.as_bytes().to_vec()
        } else {
            uapi::__kernel_old_timeval { tv_sec: s as i32, tv_usec: us as i32 }.as_bytes().to_vec()
        }
    };
    let value: Vec<u8> = match name {
        SO_TYPE => int(sock.ty as i32),
        SO_DOMAIN => int(AF_UNIX as i32),
        SO_PROTOCOL => int(0),
        SO_ERROR => int(sock.take_error().map_or(0, |e| e as i32)),
        SO_SNDBUF => int(sock.bufs().0 as i32),
        SO_RCVBUF => int(sock.bufs().1 as i32),
        SO_ACCEPTCONN => int(i32::from(sock.is_listening())),
        SO_PASSCRED => int(i32::from(sock.passcred())),
        SO_PEERCRED => {
            let c = sock.peer_cred().unwrap_or(Ucred { pid: 0, uid: 65534, gid: 65534 });
            uapi::ucred { pid: c.pid as u32, uid: c.uid, gid: c.gid }.as_bytes().to_vec()
        }
        SO_RCVTIMEO_NEW | SO_RCVTIMEO_OLD => timeo(SO_RCVTIMEO_NEW, name == SO_RCVTIMEO_NEW),
        SO_SNDTIMEO_NEW | SO_SNDTIMEO_OLD => timeo(SO_SNDTIMEO_NEW, name == SO_SNDTIMEO_NEW),
        SO_LINGER => sock.opt(name).unwrap_or_else(|| vec![0; 8]),
        SO_REUSEADDR | SO_REUSEPORT | SO_KEEPALIVE | SO_BROADCAST | SO_DEBUG | SO_DONTROUTE | SO_OOBINLINE => {
            sock.opt(name).unwrap_or_else(|| int(0))
        }
        SO_RCVLOWAT => sock.opt(name).unwrap_or_else(|| int(1)),
        SO_SNDLOWAT => int(1),
        _ => return Err(Errno::ENOPROTOOPT),
    };
    let n = value.len().min(len as usize);
    ctx.write_bytes(val, &value[..n])?;
    ctx.write(lenp, &(n as i32))?;
    Ok(0.into())
}

/// `struct mmsghdr`: a msghdr then `msg_len`.
const MMSGHDR_SIZE: u32 = std::mem::size_of::<uapi::mmsghdr>() as u32;
const MMSG_LEN: u32 = std::mem::offset_of!(uapi::mmsghdr, msg_len) as u32;
/// `UIO_MAXIOV`: most messages per call.
const UIO_MAXIOV: u32 = 1024;
const MSG_WAITFORONE: u32 = 0x10000;

/// sendmmsg(fd, msgvec, vlen, flags): sendmsg for each entry, storing the
/// byte count in `msg_len`; an error after the first message ends the call
/// with the number sent (man 2 sendmmsg).
pub fn sys_sendmmsg(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (fd, vec, vlen, flags) = (a.fd(0), a.u32(1), a.u32(2).min(UIO_MAXIOV), a.u32(3));
    sock_fd(ctx, fd)?;
    let mut done = 0u32;
    while done < vlen {
        let entry = vec.checked_add(done * MMSGHDR_SIZE).ok_or(Errno::EFAULT)?;
        let r = sys_sendmsg(ctx, Args([a.u32(0), entry, flags, 0, 0, 0]));
        match r {
            Ok(super::Ret::Val(n)) => {
                ctx.write(UserPtr::<i32>::new(entry.checked_add(MMSG_LEN).ok_or(Errno::EFAULT)?), &n)?
            }
            Ok(_) => break,
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        }
        done += 1;
    }
    Ok(done.into())
}

/// recvmmsg_time64(fd, msgvec, vlen, flags, timeout*): recvmsg for each
/// entry; MSG_WAITFORONE makes the calls after the first non-blocking; the
/// timeout is checked after each message (as Linux does).
pub fn sys_recvmmsg_time64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (fd, vec, vlen, flags, timeout) =
        (a.fd(0), a.u32(1), a.u32(2).min(UIO_MAXIOV), a.u32(3), a.ptr::<crate::mem::KTimespec>(4));
    let deadline = match timeout.read_opt(&*ctx.mem)? {
        Some(ts) => Some(ctx.now(crate::api::HostClock::Monotonic).saturating_add(ts.to_ns()?)),
        None => None,
    };
    sock_fd(ctx, fd)?;
    let mut done = 0u32;
    let mut f = flags & !MSG_WAITFORONE;
    while done < vlen {
        let entry = vec.checked_add(done * MMSGHDR_SIZE).ok_or(Errno::EFAULT)?;
        let r = sys_recvmsg(ctx, Args([a.u32(0), entry, f, 0, 0, 0]));
        match r {
            Ok(super::Ret::Val(n)) => {
                ctx.write(UserPtr::<i32>::new(entry.checked_add(MMSG_LEN).ok_or(Errno::EFAULT)?), &n)?
            }
            Ok(_) => break,
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        }
        done += 1;
        if flags & MSG_WAITFORONE != 0 {
            f |= MSG_DONTWAIT;
        }
        if deadline.is_some_and(|d| ctx.now(crate::api::HostClock::Monotonic) >= d) {
            break;
        }
    }
    if let Some(d) = deadline {
        let left = d.saturating_sub(ctx.now(crate::api::HostClock::Monotonic));
        ctx.write(timeout, &crate::mem::KTimespec::from_ns(left))?;
    }
    Ok(done.into())
}
