//! Tests of the syscall family in `kernel/src/syscall/epoll.rs`: epoll_create1, epoll_ctl errors,
//! level/edge/one-shot readiness, epoll_pwait blocking and wake-ups from other tasks.
mod common;
use common::*;
use std::time::{Duration, Instant};
use wasmlinux_kernel::syscall::nr;
use wasmlinux_kernel::*;

#[test]
fn epoll_ctl_errors() {
    let mut e = Env::new();
    assert_eq!(e.call(nr::epoll_create1, &[1]), EINVAL);
    let ep = e.call(nr::epoll_create1, &[O_CLOEXEC]) as u32;
    assert_eq!(e.call(nr::fcntl64, &[ep, 1]), 1);
    let ev = eventfd(&mut e, 0, 0);
    assert_eq!(epoll_ctl(&mut e, ep, EPOLL_CTL_ADD, 99, EPOLLIN, 0), EBADF);
    assert_eq!(epoll_ctl(&mut e, 99, EPOLL_CTL_ADD, ev, EPOLLIN, 0), EBADF);
    assert_eq!(epoll_ctl(&mut e, ev, EPOLL_CTL_ADD, ev, EPOLLIN, 0), EINVAL, "not an epoll fd");
    assert_eq!(epoll_ctl(&mut e, ep, EPOLL_CTL_ADD, ep, EPOLLIN, 0), EINVAL, "itself");
    assert_eq!(epoll_ctl(&mut e, ep, EPOLL_CTL_MOD, ev, EPOLLIN, 0), ENOENT);
    assert_eq!(epoll_ctl(&mut e, ep, EPOLL_CTL_DEL, ev, 0, 0), ENOENT);
    assert_eq!(epoll_ctl(&mut e, ep, EPOLL_CTL_ADD, ev, EPOLLIN, 1), 0);
    assert_eq!(epoll_ctl(&mut e, ep, EPOLL_CTL_ADD, ev, EPOLLIN, 1), EEXIST);
    assert_eq!(epoll_ctl(&mut e, ep, 7, ev, EPOLLIN, 1), EINVAL);
    assert_eq!(e.call(nr::epoll_ctl, &[ep, EPOLL_CTL_MOD, ev, 0x10]), EFAULT);
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
    assert_eq!(e.call(nr::epoll_pwait, &[ep, 0x6000, 1, 0, 0x4900, 4]), EINVAL);
}

#[test]
fn epoll_level_edge_oneshot_and_data() {
    let mut e = Env::new();
    let ep = e.call(nr::epoll_create1, &[0]) as u32;
    let lt = eventfd(&mut e, 0, O_NONBLOCK);
    let et = eventfd(&mut e, 0, O_NONBLOCK);
    let os = eventfd(&mut e, 0, O_NONBLOCK);
    assert_eq!(epoll_ctl(&mut e, ep, EPOLL_CTL_ADD, lt, EPOLLIN, 0x1122_3344_5566_7788), 0);
    assert_eq!(epoll_ctl(&mut e, ep, EPOLL_CTL_ADD, et, EPOLLIN | EPOLLET, 2), 0);
    assert_eq!(epoll_ctl(&mut e, ep, EPOLL_CTL_ADD, os, EPOLLIN | EPOLLONESHOT, 3), 0);
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
    assert_eq!(epoll_ctl(&mut e, ep, EPOLL_CTL_MOD, os, EPOLLIN | EPOLLOUT, 33), 0);
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
    let (r, w) = pipe(&mut e, 0);
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
        assert_eq!(csc(&k, child, &mut cmem, nr::epoll_ctl, &[ep, EPOLL_CTL_ADD, ev, 0x5000]), 0);
        std::thread::sleep(Duration::from_millis(20));
        cmem.write(0x3100, &1u64.to_le_bytes()).unwrap();
        csc(&k, child, &mut cmem, nr::write, &[ev, 0x3100, 8])
    });
    assert_eq!(epoll_wait(&mut e, ep, 4, 5000), (1, vec![(EPOLLIN, 9)]));
    assert_eq!(t.join().unwrap(), 8);
}
