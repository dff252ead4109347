//! Tests of the syscall family in `kernel/src/syscall/posix_timer.rs`:
//! timer_create/settime/gettime/getoverrun/delete: signals, SIGEV_NONE, periodic overruns.
mod common;
use common::*;
use wasmlinux_kernel::syscall::nr;

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
    e.put(0x3400, &itimerspec_bytes(1_000_000_000, 10_000_000_000));
    assert_eq!(e.call(nr::timer_settime64, &[t2, 0, 0x3400, 0]), 0);
    assert_eq!(e.call(nr::timer_gettime64, &[t2, 0x3300]), 0);
    assert_eq!(ts_ns(&e, 0x3300), 1_000_000_000);
    let left = ts_ns(&e, 0x3310);
    assert!(left > 9_000_000_000 && left <= 10_000_000_000, "{left}");
    // Re-arming returns the old setting; a zero value disarms.
    e.put(0x3400, &itimerspec_bytes(0, 0));
    assert_eq!(e.call(nr::timer_settime64, &[t2, 0, 0x3400, 0x3500]), 0);
    assert!(ts_ns(&e, 0x3510) > 9_000_000_000);
    assert_eq!(e.call(nr::timer_gettime64, &[t2, 0x3300]), 0);
    assert_eq!(e.get(0x3300, 32), vec![0; 32]);
    e.put(0x3400, &[itimerspec_bytes(0, 0), vec![]].concat());
    e.put(0x3410, &[0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0xca, 0x9a, 0x3b]); // nsec = 1e9
    assert_eq!(e.call(nr::timer_settime64, &[t2, 0, 0x3400, 0]), EINVAL);
    e.put(0x3400, &itimerspec_bytes(0, 1000));
    assert_eq!(e.call(nr::timer_settime64, &[t2, 2, 0x3400, 0]), EINVAL, "bad flags");
    // One-shot SIGALRM timer in 5 ms and an absolute SIGUSR1 one.
    e.put(0x3400, &itimerspec_bytes(0, 5_000_000));
    assert_eq!(e.call(nr::timer_settime64, &[t0, 0, 0x3400, 0]), 0);
    assert_eq!(e.call(nr::clock_gettime64, &[1, 0x3600]), 0);
    let now = ts_ns(&e, 0x3600);
    e.put(0x3400, &itimerspec_bytes(0, now + 5_000_000));
    assert_eq!(e.call(nr::timer_settime64, &[t1, 1 /* TIMER_ABSTIME */, 0x3400, 0]), 0);
    // Wait for both with rt_sigtimedwait (siginfo at 0x4000).
    e.put(0x3700, &itimerspec_bytes(0, 2_000_000_000)[16..]);
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
    e.put(0x3400, &itimerspec_bytes(2_000_000, 2_000_000));
    assert_eq!(e.call(nr::timer_settime64, &[t0, 0, 0x3400, 0]), 0);
    std::thread::sleep(std::time::Duration::from_millis(50));
    assert_eq!(e.call(nr::rt_sigtimedwait_time64, &[0x3000, 0x4000, 0x3700, 8]), SIGALRM as i32);
    e.put(0x3400, &itimerspec_bytes(0, 0));
    assert_eq!(e.call(nr::timer_settime64, &[t0, 0, 0x3400, 0]), 0);
    // Deleting: the id is free again and reused.
    assert_eq!(e.call(nr::timer_delete, &[t0]), 0);
    assert_eq!(e.call(nr::timer_delete, &[t0]), EINVAL);
    assert_eq!(e.call(nr::timer_create, &[1, 0, 0x3100]), 0);
    assert_eq!(e.u32_at(0x3100), t0);
    // Timers are not inherited by fork.
    let (child, mut cm) = fork(&mut e);
    assert_eq!(csc(&e.k, child, &mut cm, nr::timer_gettime64, &[t1, 0x3300]), EINVAL);
}

#[test]
fn periodic_timer_overrun() {
    let mut e = Env::new();
    e.put(0x3000, &(1u64 << 13).to_le_bytes());
    assert_eq!(e.call(nr::rt_sigprocmask, &[0, 0x3000, 0, 8]), 0);
    assert_eq!(e.call(nr::timer_create, &[1, 0, 0x3100]), 0);
    e.put(0x3400, &itimerspec_bytes(2_000_000, 2_000_000));
    assert_eq!(e.call(nr::timer_settime64, &[0, 0, 0x3400, 0]), 0);
    std::thread::sleep(std::time::Duration::from_millis(60));
    e.put(0x3700, &itimerspec_bytes(0, 1_000_000_000)[16..]);
    assert_eq!(e.call(nr::rt_sigtimedwait_time64, &[0x3000, 0x4000, 0x3700, 8]), 14);
    // The next delivered signal carries the expiries counted meanwhile.
    std::thread::sleep(std::time::Duration::from_millis(30));
    assert_eq!(e.call(nr::rt_sigtimedwait_time64, &[0x3000, 0x4000, 0x3700, 8]), 14);
    let overrun = e.call(nr::timer_getoverrun, &[0]);
    assert!(overrun >= 1, "{overrun}");
    assert_eq!(words(&e, 0x4000, 5)[4] as i32, overrun, "si_overrun");
}
