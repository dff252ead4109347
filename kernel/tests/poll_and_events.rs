//! ppoll/pselect6, epoll, eventfd2 and timerfd through `Kernel::syscall`
//! with exact results and errnos, including cross-thread wake-ups.

mod common;

use std::time::{Duration, Instant};

use common::*;
use wasmlinux_kernel::syscall::nr;
use wasmlinux_kernel::*;

const O_NONBLOCK: u32 = 0o4000;
const O_CLOEXEC: u32 = 0o2000000;
const POLLIN: u16 = 1;
const POLLOUT: u16 = 4;
const POLLHUP: u16 = 0x10;
const POLLNVAL: u16 = 0x20;
const EPOLLIN: u32 = 1;
const EPOLLOUT: u32 = 4;
const EPOLLET: u32 = 1 << 31;
const EPOLLONESHOT: u32 = 1 << 30;
const EPOLL_CTL_ADD: u32 = 1;
const EPOLL_CTL_DEL: u32 = 2;
const EPOLL_CTL_MOD: u32 = 3;
const ELOOP: i32 = -40;
const SIGUSR1: u32 = 10;

fn pipe(e: &mut Env) -> (u32, u32) {
    assert_eq!(e.call(nr::pipe2, &[0x3000, 0]), 0);
    (e.u32_at(0x3000), e.u32_at(0x3004))
}

fn eventfd(e: &mut Env, init: u32, flags: u32) -> u32 {
    let fd = e.call(nr::eventfd2, &[init, flags]);
    assert!(fd >= 0, "eventfd2: {fd}");
    fd as u32
}

fn write_u64(e: &mut Env, fd: u32, v: u64) -> i32 {
    e.put(0x3100, &v.to_le_bytes());
    e.call(nr::write, &[fd, 0x3100, 8])
}

fn read_u64(e: &mut Env, fd: u32) -> Result<u64, i32> {
    let r = e.call(nr::read, &[fd, 0x3100, 8]);
    if r < 0 {
        return Err(r);
    }
    assert_eq!(r, 8);
    Ok(u64::from_le_bytes(e.get(0x3100, 8).try_into().unwrap()))
}

/// Write pollfds at 0x4000; returns the address.
fn pollfds(e: &mut Env, fds: &[(i32, u16)]) -> u32 {
    for (i, (fd, ev)) in fds.iter().enumerate() {
        let a = 0x4000 + i as u32 * 8;
        e.put(a, &fd.to_le_bytes());
        e.put(a + 4, &ev.to_le_bytes());
        e.put(a + 6, &0xffffu16.to_le_bytes());
    }
    0x4000
}

fn revents(e: &Env, i: u32) -> u16 {
    u16::from_le_bytes(e.get(0x4000 + i * 8 + 6, 2).try_into().unwrap())
}

fn timespec(e: &mut Env, addr: u32, ns: u64) -> u32 {
    e.put(addr, &((ns / 1_000_000_000) as i64).to_le_bytes());
    e.put(addr + 8, &((ns % 1_000_000_000) as i64).to_le_bytes());
    addr
}

fn timespec_at(e: &Env, addr: u32) -> u64 {
    let s = i64::from_le_bytes(e.get(addr, 8).try_into().unwrap());
    let ns = i64::from_le_bytes(e.get(addr + 8, 8).try_into().unwrap());
    s as u64 * 1_000_000_000 + ns as u64
}

/// Give init a SIGUSR1 handler (init only receives handled signals).
fn handle_sigusr1(e: &mut Env) {
    e.put(0x4c00, &[5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(e.call(nr::rt_sigaction, &[SIGUSR1, 0x4c00, 0, 8]), 0);
}

fn fork(e: &mut Env) -> (Tid, VecMemory) {
    let child = e.k.fork(1, 17).unwrap();
    (child, e.mem.clone())
}

fn csc(k: &Kernel, tid: Tid, mem: &mut VecMemory, nr: u32, args: &[u32]) -> i32 {
    let mut a = [0u32; 6];
    a[..args.len()].copy_from_slice(args);
    ret(k.syscall(tid, nr, a, mem))
}

// ---- eventfd2 ----

#[test]
fn eventfd_counter_flags_and_errors() {
    let mut e = Env::new();
    assert_eq!(e.call(nr::eventfd2, &[0, 0x8]), EINVAL, "unknown flag");
    let fd = eventfd(&mut e, 5, O_NONBLOCK | O_CLOEXEC);
    assert_eq!(e.call(nr::fcntl64, &[fd, 1]), 1, "FD_CLOEXEC");
    assert_eq!(read_u64(&mut e, fd), Ok(5));
    assert_eq!(read_u64(&mut e, fd), Err(EAGAIN));
    assert_eq!(e.call(nr::read, &[fd, 0x3100, 7]), EINVAL, "short read");
    assert_eq!(e.call(nr::write, &[fd, 0x3100, 4]), EINVAL, "short write");
    assert_eq!(write_u64(&mut e, fd, u64::MAX), EINVAL);
    assert_eq!(write_u64(&mut e, fd, 0xffff_ffff_ffff_fffe), 8);
    assert_eq!(write_u64(&mut e, fd, 1), EAGAIN, "would overflow");
    assert_eq!(read_u64(&mut e, fd), Ok(0xffff_ffff_ffff_fffe));
    assert_eq!(e.call(nr::read, &[fd, 0x10, 8]), EFAULT);
    assert_eq!(e.call(nr::read, &[99, 0x3100, 8]), EBADF);
    // Semaphore mode: one at a time.
    let s = eventfd(&mut e, 2, 1 | O_NONBLOCK);
    assert_eq!(read_u64(&mut e, s), Ok(1));
    assert_eq!(read_u64(&mut e, s), Ok(1));
    assert_eq!(read_u64(&mut e, s), Err(EAGAIN));
    // fstat: anonymous inode, mode 0600.
    assert_eq!(e.call(nr::fstat64, &[s, 0x5000]), 0);
}

#[test]
fn eventfd_blocking_read_woken_by_other_task() {
    let mut e = Env::new();
    let fd = eventfd(&mut e, 0, 0);
    let (child, mut cmem) = fork(&mut e);
    let k = e.k.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(30));
        cmem.write(0x3100, &7u64.to_le_bytes()).unwrap();
        csc(&k, child, &mut cmem, nr::write, &[fd, 0x3100, 8])
    });
    assert_eq!(read_u64(&mut e, fd), Ok(7));
    assert_eq!(t.join().unwrap(), 8);
}

// ---- ppoll_time64 ----

#[test]
fn ppoll_readiness_nval_and_timeouts() {
    let mut e = Env::new();
    let (r, w) = pipe(&mut e);
    let ts = timespec(&mut e, 0x4800, 0);
    let p = pollfds(
        &mut e,
        &[
            (r as i32, POLLIN),
            (w as i32, POLLOUT),
            (-1, POLLIN),
            (77, POLLIN),
        ],
    );
    // Writable end, the bad fd (POLLNVAL) count; the negative fd is skipped.
    assert_eq!(e.call(nr::ppoll_time64, &[p, 4, ts, 0, 0]), 2);
    assert_eq!(revents(&e, 0), 0);
    assert_eq!(revents(&e, 1), POLLOUT);
    assert_eq!(revents(&e, 2), 0);
    assert_eq!(revents(&e, 3), POLLNVAL);
    e.put(0x3100, b"x");
    assert_eq!(e.call(nr::write, &[w, 0x3100, 1]), 1);
    let p = pollfds(&mut e, &[(r as i32, POLLIN | POLLOUT)]);
    assert_eq!(e.call(nr::ppoll_time64, &[p, 1, ts, 0, 0]), 1);
    assert_eq!(
        revents(&e, 0),
        POLLIN,
        "POLLOUT not reported for a read end"
    );
    // Writer gone: POLLHUP even when not asked for.
    assert_eq!(e.call(nr::close, &[w]), 0);
    let p = pollfds(&mut e, &[(r as i32, 0)]);
    assert_eq!(e.call(nr::ppoll_time64, &[p, 1, ts, 0, 0]), 1);
    assert_eq!(revents(&e, 0), POLLHUP);
    // Timeout with nothing ready: 0 after the delay, remaining time 0.
    let ev = eventfd(&mut e, 0, 0);
    let p = pollfds(&mut e, &[(ev as i32, POLLIN)]);
    let ts = timespec(&mut e, 0x4800, 40_000_000);
    let t0 = Instant::now();
    assert_eq!(e.call(nr::ppoll_time64, &[p, 1, ts, 0, 0]), 0);
    assert!(t0.elapsed() >= Duration::from_millis(40));
    assert_eq!(timespec_at(&e, ts), 0);
    // Errors.
    assert_eq!(e.call(nr::ppoll_time64, &[0x10, 1, 0, 0, 0]), EFAULT);
    assert_eq!(e.call(nr::ppoll_time64, &[p, 1 << 30, 0, 0, 0]), EINVAL);
    let bad = timespec(&mut e, 0x4800, 0);
    e.put(bad + 8, &2_000_000_000i64.to_le_bytes());
    assert_eq!(e.call(nr::ppoll_time64, &[p, 1, bad, 0, 0]), EINVAL);
    let ts = timespec(&mut e, 0x4800, 0);
    assert_eq!(
        e.call(nr::ppoll_time64, &[p, 1, ts, 0x4900, 4]),
        EINVAL,
        "sigsetsize"
    );
}

#[test]
fn ppoll_blocks_until_another_task_writes() {
    let mut e = Env::new();
    let (r, w) = pipe(&mut e);
    let (child, mut cmem) = fork(&mut e);
    let k = e.k.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(30));
        cmem.write(0x3100, b"hi").unwrap();
        csc(&k, child, &mut cmem, nr::write, &[w, 0x3100, 2])
    });
    let p = pollfds(&mut e, &[(r as i32, POLLIN)]);
    let t0 = Instant::now();
    assert_eq!(e.call(nr::ppoll_time64, &[p, 1, 0, 0, 0]), 1);
    assert!(t0.elapsed() >= Duration::from_millis(25));
    assert_eq!(revents(&e, 0), POLLIN);
    assert_eq!(t.join().unwrap(), 2);
}

#[test]
fn ppoll_interrupted_by_signal_from_other_task() {
    let mut e = Env::new();
    handle_sigusr1(&mut e);
    let ev = eventfd(&mut e, 0, 0);
    let (child, mut cmem) = fork(&mut e);
    let k = e.k.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(30));
        csc(&k, child, &mut cmem, nr::kill, &[1, SIGUSR1])
    });
    let p = pollfds(&mut e, &[(ev as i32, POLLIN)]);
    let ts = timespec(&mut e, 0x4800, 5_000_000_000);
    assert_eq!(e.call(nr::ppoll_time64, &[p, 1, ts, 0, 0]), EINTR);
    assert!(
        timespec_at(&e, ts) < 5_000_000_000 && timespec_at(&e, ts) > 1_000_000_000,
        "remaining time written back"
    );
    assert_eq!(t.join().unwrap(), 0);
}

#[test]
fn ppoll_sigmask_blocks_pending_signal_for_the_wait() {
    let mut e = Env::new();
    handle_sigusr1(&mut e);
    let ev = eventfd(&mut e, 0, 0);
    assert_eq!(e.call(nr::kill, &[1, SIGUSR1]), 0);
    assert!(e.k.signal_pending(1));
    let p = pollfds(&mut e, &[(ev as i32, POLLIN)]);
    let ts = timespec(&mut e, 0x4800, 20_000_000);
    // SIGUSR1 pending: without a mask the wait ends at once with EINTR.
    assert_eq!(e.call(nr::ppoll_time64, &[p, 1, ts, 0, 0]), EINTR);
    // Blocking it for the wait: a plain timeout; the old mask comes back.
    e.put(0x4900, &(1u64 << (SIGUSR1 - 1)).to_le_bytes());
    let ts = timespec(&mut e, 0x4800, 20_000_000);
    assert_eq!(e.call(nr::ppoll_time64, &[p, 1, ts, 0x4900, 8]), 0);
    assert!(e.k.signal_pending(1), "mask restored after the call");
}

// ---- pselect6_time64 ----

#[test]
fn pselect6_sets_ebadf_and_timeout() {
    let mut e = Env::new();
    let (r, w) = pipe(&mut e);
    let n = w + 1;
    let set = |e: &mut Env, addr: u32, fds: &[u32]| {
        let mut word = 0u32;
        for f in fds {
            word |= 1 << f;
        }
        e.put(addr, &word.to_le_bytes());
        addr
    };
    let ts = timespec(&mut e, 0x4800, 0);
    let rd = set(&mut e, 0x4400, &[r]);
    let wr = set(&mut e, 0x4410, &[r, w]);
    // Only the write end is writable (a read end never is).
    assert_eq!(e.call(nr::pselect6_time64, &[n, rd, wr, 0, ts, 0]), 1);
    assert_eq!(e.u32_at(rd), 0);
    assert_eq!(e.u32_at(wr), 1 << w);
    e.put(0x3100, b"x");
    assert_eq!(e.call(nr::write, &[w, 0x3100, 1]), 1);
    let rd = set(&mut e, 0x4400, &[r]);
    let wr = set(&mut e, 0x4410, &[w]);
    assert_eq!(e.call(nr::pselect6_time64, &[n, rd, wr, 0, ts, 0]), 2);
    assert_eq!((e.u32_at(rd), e.u32_at(wr)), (1 << r, 1 << w));
    // A closed fd in a set: EBADF.
    let rd = set(&mut e, 0x4400, &[r, 9]);
    assert_eq!(e.call(nr::pselect6_time64, &[10, rd, 0, 0, ts, 0]), EBADF);
    assert_eq!(
        e.call(nr::pselect6_time64, &[u32::MAX, 0, 0, 0, ts, 0]),
        EINVAL
    );
    // Timeout: 0 ready, sets cleared, remaining time updated.
    let ev = eventfd(&mut e, 0, 0);
    let rd = set(&mut e, 0x4400, &[ev]);
    let ts = timespec(&mut e, 0x4800, 30_000_000);
    let t0 = Instant::now();
    assert_eq!(e.call(nr::pselect6_time64, &[ev + 1, rd, 0, 0, ts, 0]), 0);
    assert!(t0.elapsed() >= Duration::from_millis(30));
    assert_eq!(e.u32_at(rd), 0);
    assert_eq!(timespec_at(&e, ts), 0);
    // The sigmask argument: {ptr, size}; a wrong size is EINVAL.
    e.put(0x4a00, &0x4900u32.to_le_bytes());
    e.put(0x4a04, &4u32.to_le_bytes());
    assert_eq!(
        e.call(nr::pselect6_time64, &[ev + 1, rd, 0, 0, ts, 0x4a00]),
        EINVAL
    );
}

// ---- epoll ----

fn epoll_ctl(e: &mut Env, ep: u32, op: u32, fd: u32, events: u32, data: u64) -> i32 {
    e.put(0x5000, &events.to_le_bytes());
    e.put(0x5004, &[0xaa; 4]);
    e.put(0x5008, &data.to_le_bytes());
    e.call(nr::epoll_ctl, &[ep, op, fd, 0x5000])
}

/// epoll_pwait with `timeout_ms`; returns (count, [(events, data)]).
fn epoll_wait(e: &mut Env, ep: u32, max: u32, timeout_ms: i32) -> (i32, Vec<(u32, u64)>) {
    let n = e.call(nr::epoll_pwait, &[ep, 0x6000, max, timeout_ms as u32, 0, 8]);
    let evs = (0..n.max(0) as u32)
        .map(|i| {
            (
                e.u32_at(0x6000 + i * 16),
                u64::from_le_bytes(e.get(0x6000 + i * 16 + 8, 8).try_into().unwrap()),
            )
        })
        .collect();
    (n, evs)
}

#[test]
fn epoll_ctl_errors() {
    let mut e = Env::new();
    assert_eq!(e.call(nr::epoll_create1, &[1]), EINVAL);
    let ep = e.call(nr::epoll_create1, &[O_CLOEXEC]) as u32;
    assert_eq!(e.call(nr::fcntl64, &[ep, 1]), 1);
    let ev = eventfd(&mut e, 0, 0);
    assert_eq!(epoll_ctl(&mut e, ep, EPOLL_CTL_ADD, 99, EPOLLIN, 0), EBADF);
    assert_eq!(epoll_ctl(&mut e, 99, EPOLL_CTL_ADD, ev, EPOLLIN, 0), EBADF);
    assert_eq!(
        epoll_ctl(&mut e, ev, EPOLL_CTL_ADD, ev, EPOLLIN, 0),
        EINVAL,
        "not an epoll fd"
    );
    assert_eq!(
        epoll_ctl(&mut e, ep, EPOLL_CTL_ADD, ep, EPOLLIN, 0),
        EINVAL,
        "itself"
    );
    assert_eq!(epoll_ctl(&mut e, ep, EPOLL_CTL_MOD, ev, EPOLLIN, 0), ENOENT);
    assert_eq!(epoll_ctl(&mut e, ep, EPOLL_CTL_DEL, ev, 0, 0), ENOENT);
    assert_eq!(epoll_ctl(&mut e, ep, EPOLL_CTL_ADD, ev, EPOLLIN, 1), 0);
    assert_eq!(epoll_ctl(&mut e, ep, EPOLL_CTL_ADD, ev, EPOLLIN, 1), EEXIST);
    assert_eq!(epoll_ctl(&mut e, ep, 7, ev, EPOLLIN, 1), EINVAL);
    assert_eq!(
        e.call(nr::epoll_ctl, &[ep, EPOLL_CTL_MOD, ev, 0x10]),
        EFAULT
    );
    // Regular files cannot be watched.
    let path = e.cstr(0x2000, "/tmp/f");
    let f = e.call(nr::openat, &[-100i32 as u32, path, 0o102, 0o644]) as u32;
    assert_eq!(epoll_ctl(&mut e, ep, EPOLL_CTL_ADD, f, EPOLLIN, 0), EPERM);
    // Loops between instances.
    let ep2 = e.call(nr::epoll_create1, &[0]) as u32;
    assert_eq!(epoll_ctl(&mut e, ep2, EPOLL_CTL_ADD, ep, EPOLLIN, 0), 0);
    assert_eq!(epoll_ctl(&mut e, ep, EPOLL_CTL_ADD, ep2, EPOLLIN, 0), ELOOP);
    // epoll_pwait argument checks.
    assert_eq!(e.call(nr::epoll_pwait, &[ep, 0x6000, 0, 0, 0, 8]), EINVAL);
    assert_eq!(e.call(nr::epoll_pwait, &[ep, 0x10, 1, 0, 0, 8]), EFAULT);
    assert_eq!(e.call(nr::epoll_pwait, &[ev, 0x6000, 1, 0, 0, 8]), EINVAL);
    assert_eq!(e.call(nr::epoll_pwait, &[99, 0x6000, 1, 0, 0, 8]), EBADF);
    assert_eq!(
        e.call(nr::epoll_pwait, &[ep, 0x6000, 1, 0, 0x4900, 4]),
        EINVAL
    );
}

#[test]
fn epoll_level_edge_oneshot_and_data() {
    let mut e = Env::new();
    let ep = e.call(nr::epoll_create1, &[0]) as u32;
    let lt = eventfd(&mut e, 0, O_NONBLOCK);
    let et = eventfd(&mut e, 0, O_NONBLOCK);
    let os = eventfd(&mut e, 0, O_NONBLOCK);
    assert_eq!(
        epoll_ctl(
            &mut e,
            ep,
            EPOLL_CTL_ADD,
            lt,
            EPOLLIN,
            0x1122_3344_5566_7788
        ),
        0
    );
    assert_eq!(
        epoll_ctl(&mut e, ep, EPOLL_CTL_ADD, et, EPOLLIN | EPOLLET, 2),
        0
    );
    assert_eq!(
        epoll_ctl(&mut e, ep, EPOLL_CTL_ADD, os, EPOLLIN | EPOLLONESHOT, 3),
        0
    );
    assert_eq!(epoll_wait(&mut e, ep, 8, 0).0, 0);
    for fd in [lt, et, os] {
        assert_eq!(write_u64(&mut e, fd, 1), 8);
    }
    let (n, evs) = epoll_wait(&mut e, ep, 8, 0);
    assert_eq!(n, 3);
    assert!(evs.contains(&(EPOLLIN, 0x1122_3344_5566_7788)), "{evs:?}");
    assert!(evs.contains(&(EPOLLIN, 2)) && evs.contains(&(EPOLLIN, 3)));
    // Level-triggered stays; edge-triggered and one-shot do not.
    let (n, evs) = epoll_wait(&mut e, ep, 8, 0);
    assert_eq!((n, evs), (1, vec![(EPOLLIN, 0x1122_3344_5566_7788)]));
    // A new event re-arms the edge; MOD re-arms the one-shot.
    assert_eq!(write_u64(&mut e, et, 1), 8);
    assert_eq!(
        epoll_ctl(&mut e, ep, EPOLL_CTL_MOD, os, EPOLLIN | EPOLLOUT, 33),
        0
    );
    let (n, evs) = epoll_wait(&mut e, ep, 8, 0);
    assert_eq!(n, 3);
    assert!(evs.contains(&(EPOLLIN, 2)) && evs.contains(&(EPOLLIN | EPOLLOUT, 33)));
    // maxevents 1 rotates through the ready items.
    let a = epoll_wait(&mut e, ep, 1, 0).1;
    let b = epoll_wait(&mut e, ep, 1, 0).1;
    assert_ne!(a, b);
    // DEL, and closing the last descriptor removes the registration.
    assert_eq!(epoll_ctl(&mut e, ep, EPOLL_CTL_DEL, os, 0, 0), 0);
    assert_eq!(e.call(nr::close, &[lt]), 0);
    assert_eq!(epoll_wait(&mut e, ep, 8, 0).0, 0);
    // The epoll fd itself is pollable.
    assert_eq!(write_u64(&mut e, et, 1), 8);
    let p = pollfds(&mut e, &[(ep as i32, POLLIN)]);
    let ts = timespec(&mut e, 0x4800, 0);
    assert_eq!(e.call(nr::ppoll_time64, &[p, 1, ts, 0, 0]), 1);
    assert_eq!(revents(&e, 0), POLLIN);
    // A dup keeps the registration alive after closing the original fd.
    let d = e.call(nr::dup, &[et]) as u32;
    assert_eq!(e.call(nr::close, &[et]), 0);
    assert_eq!(write_u64(&mut e, d, 1), 8);
    assert_eq!(epoll_wait(&mut e, ep, 8, 0), (1, vec![(EPOLLIN, 2)]));
}

#[test]
fn epoll_wait_woken_by_other_task_and_timeout() {
    let mut e = Env::new();
    let ep = e.call(nr::epoll_create1, &[0]) as u32;
    let (r, w) = pipe(&mut e);
    assert_eq!(epoll_ctl(&mut e, ep, EPOLL_CTL_ADD, r, EPOLLIN, 42), 0);
    let t0 = Instant::now();
    assert_eq!(epoll_wait(&mut e, ep, 4, 30).0, 0);
    assert!(t0.elapsed() >= Duration::from_millis(30));
    let (child, mut cmem) = fork(&mut e);
    let k = e.k.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(30));
        cmem.write(0x3100, b"z").unwrap();
        csc(&k, child, &mut cmem, nr::write, &[w, 0x3100, 1])
    });
    assert_eq!(epoll_wait(&mut e, ep, 4, -1), (1, vec![(EPOLLIN, 42)]));
    assert_eq!(t.join().unwrap(), 1);
    // epoll_pwait2: timespec timeout.
    let ts = timespec(&mut e, 0x4800, 0);
    assert_eq!(e.call(nr::epoll_pwait2, &[ep, 0x6000, 4, ts, 0, 8]), 1);
    assert_eq!(e.call(nr::read, &[r, 0x3100, 1]), 1);
    assert_eq!(e.call(nr::epoll_pwait2, &[ep, 0x6000, 4, ts, 0, 8]), 0);
}

#[test]
fn epoll_wait_sees_fds_added_while_blocked() {
    let mut e = Env::new();
    let ep = e.call(nr::epoll_create1, &[0]) as u32;
    let ev = eventfd(&mut e, 0, 0);
    let (child, mut cmem) = fork(&mut e);
    let k = e.k.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(20));
        cmem.write(0x5000, &EPOLLIN.to_le_bytes()).unwrap();
        cmem.write(0x5008, &9u64.to_le_bytes()).unwrap();
        assert_eq!(
            csc(
                &k,
                child,
                &mut cmem,
                nr::epoll_ctl,
                &[ep, EPOLL_CTL_ADD, ev, 0x5000]
            ),
            0
        );
        std::thread::sleep(Duration::from_millis(20));
        cmem.write(0x3100, &1u64.to_le_bytes()).unwrap();
        csc(&k, child, &mut cmem, nr::write, &[ev, 0x3100, 8])
    });
    assert_eq!(epoll_wait(&mut e, ep, 4, 5000), (1, vec![(EPOLLIN, 9)]));
    assert_eq!(t.join().unwrap(), 8);
}

// ---- timerfd ----

fn itimerspec(e: &mut Env, addr: u32, interval_ns: u64, value_ns: u64) -> u32 {
    timespec(e, addr, interval_ns);
    timespec(e, addr + 16, value_ns);
    addr
}

#[test]
fn timerfd_create_settime_gettime_errors() {
    let mut e = Env::new();
    assert_eq!(
        e.call(nr::timerfd_create, &[2, 0]),
        EINVAL,
        "CLOCK_PROCESS_CPUTIME_ID"
    );
    assert_eq!(e.call(nr::timerfd_create, &[1, 1]), EINVAL, "flags");
    let t = e.call(nr::timerfd_create, &[1, O_NONBLOCK]) as u32;
    assert_eq!(read_u64(&mut e, t), Err(EAGAIN));
    assert_eq!(e.call(nr::read, &[t, 0x3100, 4]), EINVAL);
    let ev = eventfd(&mut e, 0, 0);
    let its = itimerspec(&mut e, 0x7000, 0, 50_000_000);
    assert_eq!(
        e.call(nr::timerfd_settime64, &[ev, 0, its, 0]),
        EINVAL,
        "not a timerfd"
    );
    assert_eq!(e.call(nr::timerfd_settime64, &[99, 0, its, 0]), EBADF);
    assert_eq!(
        e.call(nr::timerfd_settime64, &[t, 4, its, 0]),
        EINVAL,
        "flags"
    );
    assert_eq!(e.call(nr::timerfd_settime64, &[t, 0, 0x10, 0]), EFAULT);
    let bad = itimerspec(&mut e, 0x7100, 0, 0);
    e.put(bad + 24, &1_000_000_000i64.to_le_bytes());
    assert_eq!(e.call(nr::timerfd_settime64, &[t, 0, bad, 0]), EINVAL);
    // Arm 50 ms one-shot; gettime shows the remaining time, the old value is returned.
    assert_eq!(e.call(nr::timerfd_settime64, &[t, 0, its, 0]), 0);
    assert_eq!(e.call(nr::timerfd_gettime64, &[t, 0x7200]), 0);
    let left = timespec_at(&e, 0x7210);
    assert!(left > 0 && left <= 50_000_000, "{left}");
    assert_eq!(timespec_at(&e, 0x7200), 0, "no interval");
    let dis = itimerspec(&mut e, 0x7100, 0, 0);
    assert_eq!(e.call(nr::timerfd_settime64, &[t, 0, dis, 0x7300]), 0);
    assert!(timespec_at(&e, 0x7310) > 0, "old value");
    assert_eq!(e.call(nr::timerfd_gettime64, &[t, 0x7200]), 0);
    assert_eq!(timespec_at(&e, 0x7210), 0, "disarmed");
    assert_eq!(e.call(nr::timerfd_gettime64, &[ev, 0x7200]), EINVAL);
}

#[test]
fn timerfd_blocking_read_interval_counts_and_abstime() {
    let mut e = Env::new();
    let t = e.call(nr::timerfd_create, &[1, 0]) as u32;
    let its = itimerspec(&mut e, 0x7000, 10_000_000, 30_000_000);
    let t0 = Instant::now();
    assert_eq!(e.call(nr::timerfd_settime64, &[t, 0, its, 0]), 0);
    assert_eq!(
        read_u64(&mut e, t),
        Ok(1),
        "blocking read wakes at the first expiry"
    );
    assert!(t0.elapsed() >= Duration::from_millis(30));
    std::thread::sleep(Duration::from_millis(55));
    let n = read_u64(&mut e, t).unwrap();
    assert!((4..=7).contains(&n), "interval expirations accumulate: {n}");
    // Absolute CLOCK_REALTIME deadline in the past: expires at once.
    let rt = e.call(nr::timerfd_create, &[0, O_NONBLOCK]) as u32;
    let its = itimerspec(&mut e, 0x7000, 0, 1_000_000_000);
    assert_eq!(e.call(nr::timerfd_settime64, &[rt, 1, its, 0]), 0);
    assert_eq!(read_u64(&mut e, rt), Ok(1));
    assert_eq!(read_u64(&mut e, rt), Err(EAGAIN));
}

#[test]
fn timerfd_wakes_poll_and_epoll() {
    let mut e = Env::new();
    let t = e.call(nr::timerfd_create, &[1, O_NONBLOCK]) as u32;
    let its = itimerspec(&mut e, 0x7000, 0, 30_000_000);
    assert_eq!(e.call(nr::timerfd_settime64, &[t, 0, its, 0]), 0);
    let p = pollfds(&mut e, &[(t as i32, POLLIN)]);
    let t0 = Instant::now();
    assert_eq!(e.call(nr::ppoll_time64, &[p, 1, 0, 0, 0]), 1);
    assert!(t0.elapsed() >= Duration::from_millis(25));
    assert_eq!(read_u64(&mut e, t), Ok(1));
    let ep = e.call(nr::epoll_create1, &[0]) as u32;
    assert_eq!(epoll_ctl(&mut e, ep, EPOLL_CTL_ADD, t, EPOLLIN, 5), 0);
    assert_eq!(e.call(nr::timerfd_settime64, &[t, 0, its, 0]), 0);
    assert_eq!(epoll_wait(&mut e, ep, 4, 2000), (1, vec![(EPOLLIN, 5)]));
}
