//! capget/capset, set/get_robust_list, ioprio_get/set, vhangup, POSIX
//! timers and sendmmsg/recvmmsg through the raw entry, with exact results
//! and errnos.

mod common;

use common::*;
use wasmlinux_kernel::syscall::nr;
use wasmlinux_kernel::*;

const V1: u32 = 0x1998_0330;
const V3: u32 = 0x2008_0522;
const HDR: u32 = 0x2000;
const DATA: u32 = 0x2100;
const SIGCHLD: u32 = 17;
const EOPNOTSUPP: i32 = -95;

fn words(e: &Env, addr: u32, n: usize) -> Vec<u32> {
    (0..n).map(|i| e.u32_at(addr + 4 * i as u32)).collect()
}
fn put_words(e: &mut Env, addr: u32, w: &[u32]) {
    e.put(addr, &w.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>());
}
fn fork(e: &mut Env) -> (Tid, VecMemory) {
    assert!(matches!(e.sc(nr::clone, &[SIGCHLD, 0, 0, 0, 0]), SyscallOutcome::Fork { .. }));
    (e.k.fork(1, SIGCHLD).unwrap(), e.mem.clone())
}
fn csc(e: &Env, tid: Tid, mem: &mut VecMemory, n: u32, args: &[u32]) -> i32 {
    let mut a = [0u32; 6];
    a[..args.len()].copy_from_slice(args);
    ret(e.k.syscall(tid, n, a, mem))
}

#[test]
fn capget_capset() {
    let mut e = Env::new();
    put_words(&mut e, HDR, &[V3, 0]);
    assert_eq!(e.call(nr::capget, &[HDR, DATA]), 0);
    // Root: everything (CAP_LAST_CAP 40) effective and permitted.
    assert_eq!(words(&e, DATA, 6), vec![u32::MAX, u32::MAX, 0, 0x1ff, 0x1ff, 0]);
    // v1 has one set.
    put_words(&mut e, HDR, &[V1, 1]);
    put_words(&mut e, DATA, &[7; 6]);
    assert_eq!(e.call(nr::capget, &[HDR, DATA]), 0);
    assert_eq!(words(&e, DATA, 6), vec![u32::MAX, u32::MAX, 0, 7, 7, 7]);
    // A bad version: EINVAL and the preferred version written back, but 0
    // when probing with NULL data.
    put_words(&mut e, HDR, &[0x1234, 0]);
    assert_eq!(e.call(nr::capget, &[HDR, DATA]), EINVAL);
    assert_eq!(e.u32_at(HDR), V3);
    put_words(&mut e, HDR, &[0x1234, 0]);
    assert_eq!(e.call(nr::capget, &[HDR, 0]), 0);
    assert_eq!(e.u32_at(HDR), V3);
    put_words(&mut e, HDR, &[0x1234, 0]);
    assert_eq!(e.call(nr::capset, &[HDR, DATA]), EINVAL);
    assert_eq!(e.u32_at(HDR), V3);
    put_words(&mut e, HDR, &[V3, -1i32 as u32]);
    assert_eq!(e.call(nr::capget, &[HDR, DATA]), EINVAL);
    put_words(&mut e, HDR, &[V3, 999]);
    assert_eq!(e.call(nr::capget, &[HDR, DATA]), ESRCH);
    assert_eq!(e.call(nr::capget, &[0x10, DATA]), EFAULT);
    // capset: only the caller, only dropping.
    put_words(&mut e, HDR, &[V3, 999]);
    assert_eq!(e.call(nr::capset, &[HDR, DATA]), EPERM);
    put_words(&mut e, HDR, &[V3, 0]);
    // effective = CAP_KILL (5), permitted = CAP_KILL | CAP_CHOWN (0).
    put_words(&mut e, DATA, &[1 << 5, (1 << 5) | 1, 0, 0, 0, 0]);
    assert_eq!(e.call(nr::capset, &[HDR, DATA]), 0);
    assert_eq!(e.call(nr::capget, &[HDR, DATA + 64]), 0);
    assert_eq!(words(&e, DATA + 64, 6), vec![1 << 5, (1 << 5) | 1, 0, 0, 0, 0]);
    // Raising a dropped capability, or effective outside permitted: EPERM.
    put_words(&mut e, DATA, &[1 << 5, (1 << 5) | 3, 0, 0, 0, 0]);
    assert_eq!(e.call(nr::capset, &[HDR, DATA]), EPERM);
    put_words(&mut e, DATA, &[2, 1, 0, 0, 0, 0]);
    assert_eq!(e.call(nr::capset, &[HDR, DATA]), EPERM);
    put_words(&mut e, DATA, &[0, 1, 4, 0, 0, 0]);
    assert_eq!(e.call(nr::capset, &[HDR, DATA]), EPERM, "inheritable outside permitted");
    // A child inherits the reduced sets; a non-root process has none.
    let (child, mut cm) = fork(&mut e);
    assert_eq!(csc(&e, child, &mut cm, nr::capget, &[HDR, DATA]), 0);
    let mut v = vec![0u8; 24];
    cm.read(DATA, &mut v).unwrap();
    assert_eq!(&v[0..8], &[(1u8 << 5), 0, 0, 0, (1 << 5) | 1, 0, 0, 0]);
    assert_eq!(csc(&e, child, &mut cm, nr::setuid, &[1000]), 0);
    assert_eq!(csc(&e, child, &mut cm, nr::capget, &[HDR, DATA]), 0);
    cm.read(DATA, &mut v).unwrap();
    assert_eq!(v, vec![0; 24]);
    // Reading another process's sets.
    put_words(&mut e, HDR, &[V3, child as u32]);
    assert_eq!(e.call(nr::capget, &[HDR, DATA]), 0);
    assert_eq!(words(&e, DATA, 6), vec![0; 6]);
}

#[test]
fn robust_list() {
    let mut e = Env::new();
    assert_eq!(e.call(nr::set_robust_list, &[0x3000, 24]), EINVAL);
    assert_eq!(e.call(nr::set_robust_list, &[0x3000, 12]), 0);
    assert_eq!(e.call(nr::get_robust_list, &[0, DATA, DATA + 4]), 0);
    assert_eq!(words(&e, DATA, 2), vec![0x3000, 12]);
    assert_eq!(e.call(nr::get_robust_list, &[1, DATA, DATA + 4]), 0);
    assert_eq!(e.call(nr::get_robust_list, &[4242, DATA, DATA + 4]), ESRCH);
    assert_eq!(e.call(nr::get_robust_list, &[0, 0x10, DATA + 4]), EFAULT);
    // Not inherited by fork; another user's list needs root.
    let (child, mut cm) = fork(&mut e);
    assert_eq!(csc(&e, child, &mut cm, nr::get_robust_list, &[0, DATA, DATA + 4]), 0);
    let mut v = [0u8; 8];
    cm.read(DATA, &mut v).unwrap();
    assert_eq!(v, [0; 8]);
    assert_eq!(csc(&e, child, &mut cm, nr::setuid, &[1000]), 0);
    assert_eq!(csc(&e, child, &mut cm, nr::get_robust_list, &[1, DATA, DATA + 4]), EPERM);
    assert_eq!(e.call(nr::get_robust_list, &[child as u32, DATA, DATA + 4]), 0);
}

#[test]
fn ioprio() {
    let mut e = Env::new();
    const WHO_PROCESS: u32 = 1;
    const WHO_PGRP: u32 = 2;
    const WHO_USER: u32 = 3;
    const BE: u32 = 2 << 13;
    const RT: u32 = 1 << 13;
    const IDLE: u32 = 3 << 13;
    // Default: best-effort, derived from nice 0 → level 4.
    assert_eq!(e.call(nr::ioprio_get, &[WHO_PROCESS, 0]), (BE | 4) as i32);
    assert_eq!(e.call(nr::setpriority, &[0, 0, 19]), 0);
    assert_eq!(e.call(nr::ioprio_get, &[WHO_PROCESS, 0]), (BE | 7) as i32);
    assert_eq!(e.call(nr::ioprio_set, &[WHO_PROCESS, 0, BE | 2]), 0);
    assert_eq!(e.call(nr::ioprio_get, &[WHO_PROCESS, 1]), (BE | 2) as i32);
    assert_eq!(e.call(nr::ioprio_get, &[WHO_PGRP, 0]), (BE | 2) as i32);
    assert_eq!(e.call(nr::ioprio_get, &[WHO_USER, 0]), (BE | 2) as i32);
    assert_eq!(e.call(nr::ioprio_set, &[WHO_PROCESS, 0, BE | 8]), EINVAL);
    assert_eq!(e.call(nr::ioprio_set, &[WHO_PROCESS, 0, 1]), EINVAL, "class NONE with data");
    assert_eq!(e.call(nr::ioprio_set, &[WHO_PROCESS, 0, 4 << 13]), EINVAL, "unknown class");
    assert_eq!(e.call(nr::ioprio_set, &[9, 0, BE]), EINVAL);
    assert_eq!(e.call(nr::ioprio_get, &[0, 0]), EINVAL);
    assert_eq!(e.call(nr::ioprio_get, &[WHO_PROCESS, 4242]), ESRCH);
    assert_eq!(e.call(nr::ioprio_set, &[WHO_PROCESS, 0, RT | 1]), 0);
    // Inherited by fork; real-time needs root; another user's process EPERM.
    let (child, mut cm) = fork(&mut e);
    assert_eq!(csc(&e, child, &mut cm, nr::ioprio_get, &[WHO_PROCESS, 0]), (RT | 1) as i32);
    assert_eq!(csc(&e, child, &mut cm, nr::setuid, &[1000]), 0);
    assert_eq!(csc(&e, child, &mut cm, nr::ioprio_set, &[WHO_PROCESS, 0, RT]), EPERM);
    assert_eq!(csc(&e, child, &mut cm, nr::ioprio_set, &[WHO_PROCESS, 0, IDLE]), 0);
    assert_eq!(csc(&e, child, &mut cm, nr::ioprio_set, &[WHO_PROCESS, 1, IDLE]), EPERM);
    assert_eq!(e.call(nr::ioprio_get, &[WHO_PROCESS, child as u32]), IDLE as i32);
}

#[test]
fn vhangup_root_only() {
    let mut e = Env::new();
    // Init has no controlling terminal: nothing to hang up.
    assert_eq!(e.call(nr::vhangup, &[]), 0);
    assert_eq!(e.call(nr::setuid, &[1000]), 0);
    assert_eq!(e.call(nr::vhangup, &[]), EPERM);
}

fn itimerspec(interval_ns: u64, value_ns: u64) -> Vec<u8> {
    let ts = |ns: u64| [((ns / 1_000_000_000) as i64).to_le_bytes(), ((ns % 1_000_000_000) as i64).to_le_bytes()].concat();
    [ts(interval_ns), ts(value_ns)].concat()
}
fn ts_ns(e: &Env, addr: u32) -> u64 {
    let b = e.get(addr, 16);
    let s = i64::from_le_bytes(b[0..8].try_into().unwrap()) as u64;
    let n = i64::from_le_bytes(b[8..16].try_into().unwrap()) as u64;
    s * 1_000_000_000 + n
}

#[test]
fn posix_timers() {
    let mut e = Env::new();
    const SIGALRM: u32 = 14;
    const SIGUSR1: u32 = 10;
    // Block SIGALRM and SIGUSR1 so expiries stay pending.
    e.put(0x3000, &((1u64 << (SIGALRM - 1)) | (1u64 << (SIGUSR1 - 1))).to_le_bytes());
    assert_eq!(e.call(nr::rt_sigprocmask, &[0, 0x3000, 0, 8]), 0);
    // Default sigevent: SIGALRM with si_value = the timer id.
    assert_eq!(e.call(nr::timer_create, &[1, 0, 0x3100]), 0);
    let t0 = e.u32_at(0x3100);
    assert_eq!(t0, 0);
    // SIGEV_SIGNAL with SIGUSR1 and a value.
    put_words(&mut e, 0x3200, &[0xabcd, SIGUSR1, 0, 0]);
    assert_eq!(e.call(nr::timer_create, &[0, 0x3200, 0x3104]), 0);
    let t1 = e.u32_at(0x3104);
    assert_eq!(t1, 1);
    // SIGEV_NONE: just a clock to read.
    put_words(&mut e, 0x3200, &[0, 0, 1, 0]);
    assert_eq!(e.call(nr::timer_create, &[1, 0x3200, 0x3108]), 0);
    let t2 = e.u32_at(0x3108);
    // Errors.
    assert_eq!(e.call(nr::timer_create, &[99, 0, 0x3100]), EINVAL);
    assert_eq!(e.call(nr::timer_create, &[2 /* PROCESS_CPUTIME */, 0, 0x3100]), EOPNOTSUPP);
    put_words(&mut e, 0x3200, &[0, 65, 0, 0]);
    assert_eq!(e.call(nr::timer_create, &[1, 0x3200, 0x3100]), EINVAL, "bad signal");
    put_words(&mut e, 0x3200, &[0, 10, 7, 0]);
    assert_eq!(e.call(nr::timer_create, &[1, 0x3200, 0x3100]), EINVAL, "bad notify");
    assert_eq!(e.call(nr::timer_gettime64, &[77, 0x3300]), EINVAL);
    assert_eq!(e.call(nr::timer_delete, &[77]), EINVAL);
    assert_eq!(e.call(nr::timer_getoverrun, &[77]), EINVAL);
    // Unarmed: zero.
    assert_eq!(e.call(nr::timer_gettime64, &[t2, 0x3300]), 0);
    assert_eq!(e.get(0x3300, 32), vec![0; 32]);
    // Arm the SIGEV_NONE timer for 10 s with a 1 s period.
    e.put(0x3400, &itimerspec(1_000_000_000, 10_000_000_000));
    assert_eq!(e.call(nr::timer_settime64, &[t2, 0, 0x3400, 0]), 0);
    assert_eq!(e.call(nr::timer_gettime64, &[t2, 0x3300]), 0);
    assert_eq!(ts_ns(&e, 0x3300), 1_000_000_000);
    let left = ts_ns(&e, 0x3310);
    assert!(left > 9_000_000_000 && left <= 10_000_000_000, "{left}");
    // Re-arming returns the old setting; a zero value disarms.
    e.put(0x3400, &itimerspec(0, 0));
    assert_eq!(e.call(nr::timer_settime64, &[t2, 0, 0x3400, 0x3500]), 0);
    assert!(ts_ns(&e, 0x3510) > 9_000_000_000);
    assert_eq!(e.call(nr::timer_gettime64, &[t2, 0x3300]), 0);
    assert_eq!(e.get(0x3300, 32), vec![0; 32]);
    e.put(0x3400, &[itimerspec(0, 0), vec![]].concat());
    e.put(0x3410, &[0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0xca, 0x9a, 0x3b]); // nsec = 1e9
    assert_eq!(e.call(nr::timer_settime64, &[t2, 0, 0x3400, 0]), EINVAL);
    e.put(0x3400, &itimerspec(0, 1000));
    assert_eq!(e.call(nr::timer_settime64, &[t2, 2, 0x3400, 0]), EINVAL, "bad flags");
    // One-shot SIGALRM timer in 5 ms and an absolute SIGUSR1 one.
    e.put(0x3400, &itimerspec(0, 5_000_000));
    assert_eq!(e.call(nr::timer_settime64, &[t0, 0, 0x3400, 0]), 0);
    assert_eq!(e.call(nr::clock_gettime64, &[1, 0x3600]), 0);
    let now = ts_ns(&e, 0x3600);
    e.put(0x3400, &itimerspec(0, now + 5_000_000));
    assert_eq!(e.call(nr::timer_settime64, &[t1, 1 /* TIMER_ABSTIME */, 0x3400, 0]), 0);
    // Wait for both with rt_sigtimedwait (siginfo at 0x4000).
    e.put(0x3700, &itimerspec(0, 2_000_000_000)[16..]);
    let mut got = Vec::new();
    for _ in 0..2 {
        let s = e.call(nr::rt_sigtimedwait_time64, &[0x3000, 0x4000, 0x3700, 8]);
        let w = words(&e, 0x4000, 6);
        got.push((s as u32, w[0], w[2] as i32, w[3], w[5]));
    }
    got.sort();
    assert_eq!(got, vec![(SIGUSR1, SIGUSR1, -2, t1, 0xabcd), (SIGALRM, SIGALRM, -2, t0, t0)]);
    // Expired one-shot timers read as disarmed.
    assert_eq!(e.call(nr::timer_gettime64, &[t0, 0x3300]), 0);
    assert_eq!(e.get(0x3300, 32), vec![0; 32]);
    assert_eq!(e.call(nr::timer_getoverrun, &[t0]), 0);
    // A periodic timer whose signal stays pending counts overruns.
    e.put(0x3400, &itimerspec(2_000_000, 2_000_000));
    assert_eq!(e.call(nr::timer_settime64, &[t0, 0, 0x3400, 0]), 0);
    std::thread::sleep(std::time::Duration::from_millis(50));
    assert_eq!(e.call(nr::rt_sigtimedwait_time64, &[0x3000, 0x4000, 0x3700, 8]), SIGALRM as i32);
    e.put(0x3400, &itimerspec(0, 0));
    assert_eq!(e.call(nr::timer_settime64, &[t0, 0, 0x3400, 0]), 0);
    // Deleting: the id is free again and reused.
    assert_eq!(e.call(nr::timer_delete, &[t0]), 0);
    assert_eq!(e.call(nr::timer_delete, &[t0]), EINVAL);
    assert_eq!(e.call(nr::timer_create, &[1, 0, 0x3100]), 0);
    assert_eq!(e.u32_at(0x3100), t0);
    // Timers are not inherited by fork.
    let (child, mut cm) = fork(&mut e);
    assert_eq!(csc(&e, child, &mut cm, nr::timer_gettime64, &[t1, 0x3300]), EINVAL);
}

#[test]
fn periodic_timer_overrun() {
    let mut e = Env::new();
    e.put(0x3000, &(1u64 << 13).to_le_bytes());
    assert_eq!(e.call(nr::rt_sigprocmask, &[0, 0x3000, 0, 8]), 0);
    assert_eq!(e.call(nr::timer_create, &[1, 0, 0x3100]), 0);
    e.put(0x3400, &itimerspec(2_000_000, 2_000_000));
    assert_eq!(e.call(nr::timer_settime64, &[0, 0, 0x3400, 0]), 0);
    std::thread::sleep(std::time::Duration::from_millis(60));
    e.put(0x3700, &itimerspec(0, 1_000_000_000)[16..]);
    assert_eq!(e.call(nr::rt_sigtimedwait_time64, &[0x3000, 0x4000, 0x3700, 8]), 14);
    // The next delivered signal carries the expiries counted meanwhile.
    std::thread::sleep(std::time::Duration::from_millis(30));
    assert_eq!(e.call(nr::rt_sigtimedwait_time64, &[0x3000, 0x4000, 0x3700, 8]), 14);
    let overrun = e.call(nr::timer_getoverrun, &[0]);
    assert!(overrun >= 1, "{overrun}");
    assert_eq!(words(&e, 0x4000, 5)[4] as i32, overrun, "si_overrun");
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
    e.put(0x3100, &itimerspec(0, 1_000_000)[16..]);
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
