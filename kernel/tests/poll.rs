//! Tests of the syscall family in `kernel/src/syscall/poll.rs`: ppoll and pselect6: readiness,
//! POLLNVAL, timeouts, wake-ups and signals from other tasks, sigmask.
mod common;
use common::*;
use std::time::{Duration, Instant};
use wasmlinux_kernel::syscall::nr;
use wasmlinux_kernel::*;

// ---- ppoll_time64 ----

#[test]
fn ppoll_readiness_nval_and_timeouts() {
    let mut e = Env::new();
    let (r, w) = pipe(&mut e, 0);
    let ts = timespec(&mut e, 0x4800, 0);
    let p = pollfds(&mut e, &[(r as i32, POLLIN), (w as i32, POLLOUT), (-1, POLLIN), (77, POLLIN)]);
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
    assert_eq!(revents(&e, 0), POLLIN, "POLLOUT not reported for a read end");
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
    assert_eq!(e.call(nr::ppoll_time64, &[p, 1, ts, 0x4900, 4]), EINVAL, "sigsetsize");
}

#[test]
fn ppoll_blocks_until_another_task_writes() {
    let mut e = Env::new();
    let (r, w) = pipe(&mut e, 0);
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
    assert!(timespec_at(&e, ts) < 5_000_000_000 && timespec_at(&e, ts) > 1_000_000_000, "remaining time written back");
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
    let (r, w) = pipe(&mut e, 0);
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
    assert_eq!(e.call(nr::pselect6_time64, &[u32::MAX, 0, 0, 0, ts, 0]), EINVAL);
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
    assert_eq!(e.call(nr::pselect6_time64, &[ev + 1, rd, 0, 0, ts, 0x4a00]), EINVAL);
}
