//! Tests of the syscall family in `kernel/src/syscall/timerfd.rs`: timerfd_create/settime/gettime:
//! errors, blocking reads, interval counts, absolute time, poll/epoll wake-ups.
mod common;
use common::*;
use std::time::{Duration, Instant};
use wasmlinux_kernel::syscall::nr;

#[test]
fn timerfd_create_settime_gettime_errors() {
    let mut e = Env::new();
    assert_eq!(e.call(nr::timerfd_create, &[2, 0]), EINVAL, "CLOCK_PROCESS_CPUTIME_ID");
    assert_eq!(e.call(nr::timerfd_create, &[1, 1]), EINVAL, "flags");
    let t = e.call(nr::timerfd_create, &[1, O_NONBLOCK]) as u32;
    assert_eq!(read_u64(&mut e, t), Err(EAGAIN));
    assert_eq!(e.call(nr::read, &[t, 0x3100, 4]), EINVAL);
    let ev = eventfd(&mut e, 0, 0);
    let its = itimerspec(&mut e, 0x7000, 0, 50_000_000);
    assert_eq!(e.call(nr::timerfd_settime64, &[ev, 0, its, 0]), EINVAL, "not a timerfd");
    assert_eq!(e.call(nr::timerfd_settime64, &[99, 0, its, 0]), EBADF);
    assert_eq!(e.call(nr::timerfd_settime64, &[t, 4, its, 0]), EINVAL, "flags");
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
    assert_eq!(read_u64(&mut e, t), Ok(1), "blocking read wakes at the first expiry");
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
