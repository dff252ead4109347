//! Tests of the syscall family in `kernel/src/syscall/socket.rs`: AF_UNIX sockets: argument errors,
//! socketpair, bind/listen/connect/accept by path, datagram and seqpacket boundaries, SCM_RIGHTS,
//! sendmmsg/recvmmsg.
mod common;
use common::*;
use std::time::Duration;
use wasmlinux_kernel::syscall::nr;
use wasmlinux_kernel::*;

const AF_UNIX: u32 = 1;
const AF_INET: u32 = 2;
const SOCK_STREAM: u32 = 1;
const SOL_SOCKET: u32 = 1;
const MSG_NOSIGNAL: u32 = 0x4000;
const SOCK_NONBLOCK: u32 = 0o4000;
const MSG_PEEK: u32 = 2;
const MSG_TRUNC: u32 = 0x20;
const SOCK_DGRAM: u32 = 2;
const MSG_DONTWAIT: u32 = 0x40;
const SOCK_SEQPACKET: u32 = 5;

fn send(e: &mut Env, fd: u32, data: &[u8], flags: u32) -> i32 {
    e.put(0x3100, data);
    e.call(nr::sendto, &[fd, 0x3100, data.len() as u32, flags, 0, 0])
}

fn recv(e: &mut Env, fd: u32, len: u32, flags: u32) -> Result<Vec<u8>, i32> {
    let n = e.call(nr::recvfrom, &[fd, 0x3200, len, flags, 0, 0]);
    if n < 0 {
        return Err(n);
    }
    Ok(e.get(0x3200, (n as u32).min(len) as usize))
}

fn pair(e: &mut Env, ty: u32) -> (u32, u32) {
    assert_eq!(e.call(nr::socketpair, &[AF_UNIX, ty, 0, 0x3000]), 0);
    (e.u32_at(0x3000), e.u32_at(0x3004))
}

/// A sockaddr_un at `addr`; returns its length.
fn sun(e: &mut Env, addr: u32, path: &[u8]) -> u32 {
    let mut v = (AF_UNIX as u16).to_le_bytes().to_vec();
    v.extend_from_slice(path);
    e.put(addr, &v);
    v.len() as u32
}

fn sock(e: &mut Env, ty: u32) -> u32 {
    let fd = e.call(nr::socket, &[AF_UNIX, ty, 0]);
    assert!(fd >= 0, "socket: {fd}");
    fd as u32
}

#[test]
fn sendmmsg_recvmmsg() {
    let mut e = Env::new();
    const AF_UNIX: u32 = 1;
    const SOCK_DGRAM: u32 = 2;
    const MSG_DONTWAIT: u32 = 0x40;
    const MSG_WAITFORONE: u32 = 0x10000;
    assert_eq!(e.call(nr::socketpair, &[AF_UNIX, SOCK_DGRAM, 0, 0x3000]), 0);
    let (a, b) = (e.u32_at(0x3000), e.u32_at(0x3004));
    // Three messages: iovecs at 0x5000, data at 0x6000, mmsghdr array at 0x7000.
    let msgs: [&[u8]; 3] = [b"one", b"three", b""];
    for (i, m) in msgs.iter().enumerate() {
        let i = i as u32;
        e.put(0x6000 + 0x100 * i, m);
        put_words(&mut e, 0x5000 + 8 * i, &[0x6000 + 0x100 * i, m.len() as u32]);
        // msghdr: name, namelen, iov, iovlen, control, controllen, flags; msg_len.
        put_words(&mut e, 0x7000 + 32 * i, &[0, 0, 0x5000 + 8 * i, 1, 0, 0, 0, 0xdead]);
    }
    assert_eq!(e.call(nr::sendmmsg, &[a, 0x7000, 3, 0]), 3);
    assert_eq!((e.u32_at(0x7000 + 28), e.u32_at(0x7020 + 28), e.u32_at(0x7040 + 28)), (3, 5, 0));
    // Receive into 16-byte buffers.
    for i in 0..4u32 {
        put_words(&mut e, 0x5100 + 8 * i, &[0x8000 + 0x100 * i, 16]);
        put_words(&mut e, 0x7100 + 32 * i, &[0, 0, 0x5100 + 8 * i, 1, 0, 0, 0, 0xdead]);
    }
    // Two now (vlen 2), then MSG_WAITFORONE returns what is there (1 of 2).
    assert_eq!(e.call(nr::recvmmsg_time64, &[b, 0x7100, 2, 0, 0]), 2);
    assert_eq!((e.u32_at(0x7100 + 28), e.u32_at(0x7120 + 28)), (3, 5));
    assert_eq!(e.get(0x8000, 3), b"one");
    assert_eq!(e.get(0x8100, 5), b"three");
    assert_eq!(e.call(nr::recvmmsg_time64, &[b, 0x7100, 2, MSG_WAITFORONE, 0]), 1);
    assert_eq!(e.u32_at(0x7100 + 28), 0);
    // Nothing left: the first error is returned.
    assert_eq!(e.call(nr::recvmmsg_time64, &[b, 0x7100, 2, MSG_DONTWAIT, 0]), EAGAIN);
    // A timeout: one message arrives, the call returns after the deadline.
    assert_eq!(e.call(nr::sendmmsg, &[a, 0x7000, 1, 0]), 1);
    e.put(0x3100, &itimerspec_bytes(0, 1_000_000)[16..]);
    let r = e.call(nr::recvmmsg_time64, &[b, 0x7100, 1, 0, 0x3100]);
    assert_eq!(r, 1);
    // Bad descriptors and timeouts.
    assert_eq!(e.call(nr::sendmmsg, &[99, 0x7000, 1, 0]), EBADF);
    assert_eq!(e.call(nr::recvmmsg_time64, &[99, 0x7100, 1, 0, 0]), EBADF);
    e.put(0x3100, &[0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0xca, 0x9a, 0x3b]);
    assert_eq!(e.call(nr::recvmmsg_time64, &[b, 0x7100, 1, 0, 0x3100]), EINVAL);
    let name = e.cstr(0x3200, "m");
    let p = e.call(nr::memfd_create, &[name, 0]) as u32;
    assert_eq!(e.call(nr::sendmmsg, &[p, 0x7000, 1, 0]), -88, "ENOTSOCK");
    // vlen 0 sends nothing.
    assert_eq!(e.call(nr::sendmmsg, &[a, 0x7000, 0, 0]), 0);
}

#[test]
fn socket_argument_errors() {
    let mut e = Env::new();
    assert_eq!(e.call(nr::socket, &[AF_INET, SOCK_STREAM, 0]), EAFNOSUPPORT);
    assert_eq!(e.call(nr::socket, &[10, SOCK_STREAM, 0]), EAFNOSUPPORT);
    assert_eq!(e.call(nr::socket, &[AF_UNIX, SOCK_STREAM | 0x100, 0]), EINVAL);
    assert_eq!(e.call(nr::socket, &[AF_UNIX, 4, 0]), ESOCKTNOSUPPORT);
    assert_eq!(e.call(nr::socket, &[AF_UNIX, SOCK_STREAM, 6]), EPROTONOSUPPORT);
    assert_eq!(e.call(nr::socketpair, &[AF_UNIX, SOCK_STREAM, 0, 0x10]), EFAULT);
    let (r, _w) = {
        assert_eq!(e.call(nr::pipe2, &[0x3000, 0]), 0);
        (e.u32_at(0x3000), e.u32_at(0x3004))
    };
    assert_eq!(e.call(nr::listen, &[r, 1]), ENOTSOCK);
    assert_eq!(e.call(nr::listen, &[99, 1]), EBADF);
    assert_eq!(e.call(nr::shutdown, &[r, 0]), ENOTSOCK);
}

#[test]
fn socketpair_stream_shutdown_epipe_and_options() {
    let mut e = Env::new();
    // Init only receives signals it handles: give it a SIGPIPE handler.
    e.put(0x4c00, &[5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(e.call(nr::rt_sigaction, &[13, 0x4c00, 0, 8]), 0);
    let (a, b) = pair(&mut e, SOCK_STREAM | SOCK_NONBLOCK);
    assert_eq!(recv(&mut e, a, 10, 0), Err(EAGAIN));
    assert_eq!(send(&mut e, a, b"hello", 0), 5);
    assert_eq!(e.call(nr::write, &[a, 0x3100, 3]), 3, "write(2) on a socket");
    assert_eq!(recv(&mut e, b, 3, MSG_PEEK), Ok(b"hel".to_vec()));
    assert_eq!(recv(&mut e, b, 100, 0), Ok(b"hellohel".to_vec()));
    assert_eq!(e.call(nr::read, &[b, 0x3200, 10]), EAGAIN);
    // SHUT_WR on a: b reads EOF, a cannot send (EPIPE, SIGPIPE unless MSG_NOSIGNAL).
    assert_eq!(e.call(nr::shutdown, &[a, 1]), 0);
    assert_eq!(recv(&mut e, b, 10, 0), Ok(vec![]));
    assert_eq!(send(&mut e, a, b"x", MSG_NOSIGNAL), EPIPE);
    assert!(!e.k.signal_pending(1));
    assert_eq!(e.call(nr::shutdown, &[a, 3]), EINVAL);
    // Options.
    e.put(0x3400, &4i32.to_le_bytes());
    assert_eq!(e.call(nr::getsockopt, &[a, SOL_SOCKET, 3, 0x3300, 0x3400]), 0);
    assert_eq!(e.u32_at(0x3300), SOCK_STREAM);
    assert_eq!(e.call(nr::getsockopt, &[a, SOL_SOCKET, 4, 0x3300, 0x3400]), 0);
    assert_eq!(e.u32_at(0x3300), 0, "SO_ERROR");
    e.put(0x3300, &10000i32.to_le_bytes());
    assert_eq!(e.call(nr::setsockopt, &[a, SOL_SOCKET, 8, 0x3300, 4]), 0);
    assert_eq!(e.call(nr::getsockopt, &[a, SOL_SOCKET, 8, 0x3300, 0x3400]), 0);
    assert_eq!(e.u32_at(0x3300), 20000, "SO_RCVBUF doubles");
    e.put(0x3300, &1i32.to_le_bytes());
    assert_eq!(e.call(nr::setsockopt, &[a, SOL_SOCKET, 2, 0x3300, 4]), 0, "SO_REUSEADDR");
    assert_eq!(e.call(nr::setsockopt, &[a, SOL_SOCKET, 2, 0x3300, 2]), EINVAL);
    assert_eq!(e.call(nr::setsockopt, &[a, SOL_SOCKET, 999, 0x3300, 4]), ENOPROTOOPT);
    e.put(0x3400, &12i32.to_le_bytes());
    assert_eq!(e.call(nr::getsockopt, &[a, SOL_SOCKET, 17, 0x3300, 0x3400]), 0, "SO_PEERCRED");
    assert_eq!(e.get(0x3300, 12), [1u32.to_le_bytes(), 0u32.to_le_bytes(), 0u32.to_le_bytes()].concat());
    // Closing b: a sees HUP; sending raises SIGPIPE.
    assert_eq!(e.call(nr::close, &[b]), 0);
    assert_eq!(send(&mut e, a, b"x", 0), EPIPE);
    assert!(e.k.signal_pending(1), "SIGPIPE queued");
}

#[test]
fn bind_listen_connect_accept_by_path() {
    let mut e = Env::new();
    let srv = sock(&mut e, SOCK_STREAM | SOCK_NONBLOCK);
    let len = sun(&mut e, 0x2000, b"/tmp/sock\0");
    assert_eq!(e.call(nr::listen, &[srv, 5]), EINVAL, "not bound");
    assert_eq!(e.call(nr::bind, &[srv, 0x2000, 1]), EINVAL);
    assert_eq!(e.call(nr::bind, &[srv, 0x2000, len]), 0);
    assert_eq!(e.call(nr::bind, &[srv, 0x2000, len]), EINVAL, "already bound");
    let other = sock(&mut e, SOCK_STREAM);
    assert_eq!(e.call(nr::bind, &[other, 0x2000, len]), EADDRINUSE);
    // The socket inode exists.
    let p = e.cstr(0x2200, "/tmp/sock");
    assert_eq!(e.call(nr::fstatat64, &[-100i32 as u32, p, 0x5000, 0]), 0);
    assert_eq!(e.u32_at(0x5000 + 16) & 0o170000, 0o140000);
    // Connecting before listen: refused.
    let cli = sock(&mut e, SOCK_STREAM);
    assert_eq!(e.call(nr::connect, &[cli, 0x2000, len]), ECONNREFUSED);
    assert_eq!(e.call(nr::listen, &[srv, 5]), 0);
    assert_eq!(e.call(nr::accept4, &[srv, 0, 0, SOCK_NONBLOCK]), EAGAIN);
    assert_eq!(e.call(nr::accept4, &[srv, 0, 0, 0x1]), EINVAL);
    assert_eq!(e.call(nr::connect, &[cli, 0x2000, len]), 0);
    assert_eq!(e.call(nr::connect, &[cli, 0x2000, len]), EISCONN);
    assert_eq!(send(&mut e, cli, b"early", 0), 5, "data before accept");
    e.put(0x2400, &110i32.to_le_bytes());
    let conn = e.call(nr::accept4, &[srv, 0x2300, 0x2400, 0]) as u32;
    assert!(conn > 0);
    assert_eq!(e.u32_at(0x2400), 2, "the client is unnamed");
    assert_eq!(recv(&mut e, conn, 10, 0), Ok(b"early".to_vec()));
    // Names.
    e.put(0x2400, &110i32.to_le_bytes());
    assert_eq!(e.call(nr::getsockname, &[srv, 0x2300, 0x2400]), 0);
    assert_eq!(e.u32_at(0x2400), len);
    assert_eq!(e.get(0x2302, 10), b"/tmp/sock\0");
    e.put(0x2400, &110i32.to_le_bytes());
    assert_eq!(e.call(nr::getpeername, &[cli, 0x2300, 0x2400]), 0);
    assert_eq!(e.get(0x2302, 10), b"/tmp/sock\0");
    assert_eq!(e.call(nr::getpeername, &[srv, 0x2300, 0x2400]), ENOTCONN);
    // Unconnected stream socket: ENOTCONN on send.
    let lone = sock(&mut e, SOCK_STREAM);
    assert_eq!(send(&mut e, lone, b"x", 0), ENOTCONN);
    // Missing path, then a closed listener.
    let l2 = sun(&mut e, 0x2600, b"/tmp/none\0");
    assert_eq!(e.call(nr::connect, &[lone, 0x2600, l2]), ENOENT);
    assert_eq!(e.call(nr::close, &[srv]), 0);
    assert_eq!(e.call(nr::connect, &[lone, 0x2000, len]), ECONNREFUSED);
}

#[test]
fn blocking_accept_and_recv_woken_by_other_task() {
    let mut e = Env::new();
    let srv = sock(&mut e, SOCK_STREAM);
    let len = sun(&mut e, 0x2000, b"\0abstract-x");
    assert_eq!(e.call(nr::bind, &[srv, 0x2000, len]), 0);
    assert_eq!(e.call(nr::listen, &[srv, 1]), 0);
    let cli = sock(&mut e, SOCK_STREAM);
    let (child, mut cmem) = fork(&mut e);
    let k = e.k.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(csc(&k, child, &mut cmem, nr::connect, &[cli, 0x2000, len]), 0);
        std::thread::sleep(Duration::from_millis(30));
        cmem.write(0x3100, b"ping").unwrap();
        csc(&k, child, &mut cmem, nr::sendto, &[cli, 0x3100, 4, 0, 0, 0])
    });
    let conn = e.call(nr::accept, &[srv, 0, 0]) as u32;
    assert!(conn > 0);
    assert_eq!(recv(&mut e, conn, 10, 0), Ok(b"ping".to_vec()), "blocking recv");
    assert_eq!(t.join().unwrap(), 4);
    // Abstract name in use; getsockname shows the leading NUL.
    let s2 = sock(&mut e, SOCK_STREAM);
    assert_eq!(e.call(nr::bind, &[s2, 0x2000, len]), EADDRINUSE);
    e.put(0x2400, &110i32.to_le_bytes());
    assert_eq!(e.call(nr::getsockname, &[srv, 0x2300, 0x2400]), 0);
    assert_eq!(e.u32_at(0x2400), len);
    assert_eq!(e.get(0x2302, 11), b"\0abstract-x");
}

#[test]
fn datagram_and_seqpacket_boundaries() {
    let mut e = Env::new();
    let a = sock(&mut e, SOCK_DGRAM);
    let b = sock(&mut e, SOCK_DGRAM);
    let la = sun(&mut e, 0x2000, b"/tmp/a\0");
    let lb = sun(&mut e, 0x2100, b"/tmp/b\0");
    assert_eq!(e.call(nr::bind, &[a, 0x2000, la]), 0);
    assert_eq!(e.call(nr::bind, &[b, 0x2100, lb]), 0);
    assert_eq!(send(&mut e, a, b"x", 0), ENOTCONN);
    e.put(0x3100, b"first message");
    assert_eq!(e.call(nr::sendto, &[a, 0x3100, 13, 0, 0x2100, lb]), 13);
    assert_eq!(e.call(nr::sendto, &[a, 0x3100, 5, 0, 0x2100, lb]), 5);
    // Truncation: MSG_TRUNC returns the real length; the rest is dropped.
    e.put(0x2400, &110i32.to_le_bytes());
    assert_eq!(e.call(nr::recvfrom, &[b, 0x3200, 4, MSG_TRUNC, 0x2300, 0x2400]), 13);
    assert_eq!(e.get(0x3200, 4), b"firs");
    assert_eq!(e.u32_at(0x2400), la);
    assert_eq!(e.get(0x2302, 7), b"/tmp/a\0");
    assert_eq!(recv(&mut e, b, 100, MSG_PEEK), Ok(b"first".to_vec()));
    assert_eq!(recv(&mut e, b, 100, 0), Ok(b"first".to_vec()));
    assert_eq!(recv(&mut e, b, 100, MSG_DONTWAIT), Err(EAGAIN));
    // Connected datagram socket; a third one may not send to it.
    assert_eq!(e.call(nr::connect, &[b, 0x2000, la]), 0);
    assert_eq!(send(&mut e, b, b"back", 0), 4);
    assert_eq!(recv(&mut e, a, 100, 0), Ok(b"back".to_vec()));
    let c = sock(&mut e, SOCK_DGRAM);
    e.put(0x3100, b"intruder");
    assert_eq!(e.call(nr::sendto, &[c, 0x3100, 8, 0, 0x2100, lb]), EPERM);
    let st = sock(&mut e, SOCK_STREAM);
    assert_eq!(e.call(nr::connect, &[st, 0x2000, la]), -91, "EPROTOTYPE");
    // Seqpacket keeps boundaries.
    let (x, y) = pair(&mut e, SOCK_SEQPACKET);
    assert_eq!(send(&mut e, x, b"one", 0), 3);
    assert_eq!(send(&mut e, x, b"two!", 0), 4);
    assert_eq!(recv(&mut e, y, 100, 0), Ok(b"one".to_vec()));
    assert_eq!(recv(&mut e, y, 100, 0), Ok(b"two!".to_vec()));
    assert_eq!(e.call(nr::close, &[x]), 0);
    assert_eq!(recv(&mut e, y, 100, 0), Ok(vec![]), "EOF after the peer closed");
}

#[test]
fn scm_rights_passes_a_descriptor() {
    let mut e = Env::new();
    let (a, b) = pair(&mut e, SOCK_STREAM);
    assert_eq!(e.call(nr::pipe2, &[0x3000, 0]), 0);
    let (pr, pw) = (e.u32_at(0x3000), e.u32_at(0x3004));
    // msghdr at 0x4000: iov at 0x4100 -> "m", control at 0x4200.
    e.put(0x4300, b"m");
    e.put(0x4100, &[0x4300u32.to_le_bytes(), 1u32.to_le_bytes()].concat());
    let cmsg = [16u32, 1, 1, pr].iter().flat_map(|w| w.to_le_bytes()).collect::<Vec<u8>>();
    e.put(0x4200, &cmsg);
    let hdr = [0u32, 0, 0x4100, 1, 0x4200, 16, 0].iter().flat_map(|w| w.to_le_bytes()).collect::<Vec<u8>>();
    e.put(0x4000, &hdr);
    assert_eq!(e.call(nr::sendmsg, &[a, 0x4000, 0]), 1);
    assert_eq!(e.call(nr::close, &[pr]), 0, "the in-flight copy keeps the pipe open");
    // Receive into a fresh msghdr.
    e.put(0x4500, &[0x4600u32.to_le_bytes(), 8u32.to_le_bytes()].concat());
    let hdr = [0u32, 0, 0x4500, 1, 0x4700, 64, 0].iter().flat_map(|w| w.to_le_bytes()).collect::<Vec<u8>>();
    e.put(0x4400, &hdr);
    assert_eq!(e.call(nr::recvmsg, &[b, 0x4400, 0]), 1);
    assert_eq!(e.get(0x4600, 1), b"m");
    assert_eq!(e.u32_at(0x4400 + 20), 16, "msg_controllen");
    assert_eq!((e.u32_at(0x4700), e.u32_at(0x4704), e.u32_at(0x4708)), (16, 1, 1));
    let newfd = e.u32_at(0x470c);
    e.put(0x3100, b"via");
    assert_eq!(e.call(nr::write, &[pw, 0x3100, 3]), 3);
    assert_eq!(e.call(nr::read, &[newfd, 0x3200, 10]), 3);
    assert_eq!(e.get(0x3200, 3), b"via");
    // A bad fd in SCM_RIGHTS: EBADF.
    let bad = [16u32, 1, 1, 77].iter().flat_map(|w| w.to_le_bytes()).collect::<Vec<u8>>();
    e.put(0x4200, &bad);
    assert_eq!(e.call(nr::sendmsg, &[a, 0x4000, 0]), EBADF);
}

#[test]
fn epoll_on_socket_woken_by_peer_write() {
    let mut e = Env::new();
    let (a, b) = pair(&mut e, SOCK_STREAM);
    let ep = e.call(nr::epoll_create1, &[0]) as u32;
    e.put(0x5000, &1u32.to_le_bytes());
    e.put(0x5008, &7u64.to_le_bytes());
    assert_eq!(e.call(nr::epoll_ctl, &[ep, 1, a, 0x5000]), 0);
    let (child, mut cmem) = fork(&mut e);
    let k = e.k.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(30));
        cmem.write(0x3100, b"!").unwrap();
        csc(&k, child, &mut cmem, nr::write, &[b, 0x3100, 1])
    });
    assert_eq!(e.call(nr::epoll_pwait, &[ep, 0x6000, 4, u32::MAX, 0, 8]), 1);
    assert_eq!(e.u32_at(0x6000), 1);
    assert_eq!(t.join().unwrap(), 1);
}

/// Two kernels in one host process keep their own AF_UNIX names: a name
/// bound in one is neither reachable nor taken in the other.
#[test]
fn abstract_names_are_per_kernel() {
    let mut a = Env::new();
    let mut b = Env::new();
    let srv = sock(&mut a, SOCK_STREAM);
    let len = sun(&mut a, 0x2000, b"\0per-kernel");
    assert_eq!(a.call(nr::bind, &[srv, 0x2000, len]), 0);
    assert_eq!(a.call(nr::listen, &[srv, 1]), 0);
    let cli_b = sock(&mut b, SOCK_STREAM);
    assert_eq!(sun(&mut b, 0x2000, b"\0per-kernel"), len);
    assert_eq!(b.call(nr::connect, &[cli_b, 0x2000, len]), ECONNREFUSED);
    let srv_b = sock(&mut b, SOCK_STREAM);
    assert_eq!(b.call(nr::bind, &[srv_b, 0x2000, len]), 0, "the name is free in the other kernel");
    let srv2 = sock(&mut a, SOCK_STREAM);
    assert_eq!(a.call(nr::bind, &[srv2, 0x2000, len]), EADDRINUSE, "and still taken in the first");
    let cli_a = sock(&mut a, SOCK_NONBLOCK | SOCK_STREAM);
    assert_eq!(a.call(nr::connect, &[cli_a, 0x2000, len]), 0);
}
