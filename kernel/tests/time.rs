//! Tests of the syscall family in `kernel/src/syscall/time.rs`: clocks, nanosleep, itimers (real
//! and CPU).
mod common;
use common::*;
use std::time::Duration;
use wasmlinux_kernel::syscall::nr;
use wasmlinux_kernel::*;

/// The signal init would run a handler for now, if any.
fn delivered(k: &Kernel, mem: &mut VecMemory) -> Option<u32> {
    match k.check_signals(1, mem, 0x8000) {
        SignalAction::Deliver(d) => Some(d.signo as u32),
        _ => None,
    }
}

#[test]
fn cpu_itimers_count_time_outside_syscalls() {
    let mut e = Env::new();
    let k = e.k.clone();
    // init receives only handled signals: give it handlers.
    let mut m = std::mem::take(&mut e.mem);
    assert_eq!(sigaction_as(&k, 1, &mut m, SIGVTALRM, 0x40), 0);
    assert_eq!(sigaction_as(&k, 1, &mut m, SIGPROF, 0x40), 0);
    e.mem = m;
    assert_eq!(
        {
            let it = itimerval(&mut e, ARG, 0, 1000);
            e.call(nr::setitimer, &[3, it, 0])
        },
        EINVAL
    );
    e.put(ARG, &[0u32, 0, 0, 1_000_000].map(u32::to_le_bytes).concat());
    assert_eq!(e.call(nr::setitimer, &[1, ARG, 0]), EINVAL, "tv_usec out of range");
    // Blocked in a syscall the virtual timer does not advance.
    assert_eq!(
        {
            let it = itimerval(&mut e, ARG, 0, 2_000_000);
            e.call(nr::setitimer, &[1, it, 0])
        },
        0
    );
    e.put(BUF, &[0u64.to_le_bytes(), 100_000_000u64.to_le_bytes()].concat());
    assert_eq!(e.call(nr::clock_nanosleep_time64, &[1, 0, BUF, 0]), 0);
    assert_eq!(e.call(nr::getitimer, &[1, ARG + 64]), 0);
    let left = timeval_us(&e, ARG + 64 + 8);
    assert!(left > 1_950_000 && left <= 2_000_000, "virtual left {left}");
    // Running guest code (no syscall for 60 ms) expires a 20 ms periodic timer.
    assert_eq!(
        {
            let it = itimerval(&mut e, ARG, 20_000, 20_000);
            e.call(nr::setitimer, &[1, it, ARG + 64])
        },
        0
    );
    assert!(timeval_us(&e, ARG + 64 + 8) > 1_900_000, "old value returned");
    std::thread::sleep(Duration::from_millis(60));
    assert!(k.signal_pending(1), "SIGVTALRM pending while busy");
    assert_eq!(delivered(&k, &mut e.mem), Some(SIGVTALRM));
    assert_eq!(e.call(nr::getitimer, &[1, ARG + 64]), 0);
    assert_eq!(timeval_us(&e, ARG + 64), 20_000, "interval");
    assert!(timeval_us(&e, ARG + 64 + 8) <= 20_000);
    assert_eq!(
        {
            let it = itimerval(&mut e, ARG, 0, 0);
            e.call(nr::setitimer, &[1, it, 0])
        },
        0
    );
    assert_eq!(e.call(nr::getitimer, &[1, ARG + 64]), 0);
    assert_eq!(timeval_us(&e, ARG + 64 + 8), 0, "disarmed");
    // ITIMER_PROF fires too.
    assert_eq!(
        {
            let it = itimerval(&mut e, ARG, 0, 10_000);
            e.call(nr::setitimer, &[2, it, 0])
        },
        0
    );
    std::thread::sleep(Duration::from_millis(40));
    assert_eq!(delivered(&k, &mut e.mem), Some(SIGPROF));
}

#[test]
fn clocks_sleep_and_itimer() {
    let mut e = Env::new();
    assert_eq!(e.call(nr::clock_gettime64, &[0, BUF]), 0);
    let sec = i64::from_le_bytes(e.get(BUF, 8).try_into().unwrap());
    assert!(sec > 1_600_000_000);
    assert_eq!(e.call(nr::clock_gettime64, &[1, BUF]), 0);
    assert_eq!(e.call(nr::clock_gettime64, &[2, BUF]), 0);
    assert_eq!(e.call(nr::clock_gettime64, &[99, BUF]), EINVAL);
    assert_eq!(e.call(nr::clock_gettime64, &[0, 0xffff_fff8]), EFAULT);
    assert_eq!(e.call(nr::clock_getres_time64, &[1, BUF]), 0);
    assert_eq!(e.call(nr::clock_getres_time64, &[1, 0]), 0);
    assert_eq!(e.call(nr::clock_getres_time64, &[(-5i32) as u32, BUF]), EINVAL);
    ts(&mut e, BUF, 5, 0);
    assert_eq!(e.call(nr::clock_settime64, &[0, BUF]), EPERM);
    assert_eq!(e.call(nr::clock_settime64, &[1, BUF]), EINVAL);
    // Relative and absolute sleeps.
    let t0 = std::time::Instant::now();
    ts(&mut e, BUF, 0, 30_000_000);
    assert_eq!(e.call(nr::clock_nanosleep_time64, &[1, 0, BUF, 0]), 0);
    assert!(t0.elapsed() >= Duration::from_millis(30));
    ts(&mut e, BUF, 0, 0);
    assert_eq!(e.call(nr::clock_nanosleep_time64, &[0, 1, BUF, 0]), 0, "past absolute");
    ts(&mut e, BUF, 0, 1_000_000_000);
    assert_eq!(e.call(nr::clock_nanosleep_time64, &[1, 0, BUF, 0]), EINVAL);
    assert_eq!(e.call(nr::clock_nanosleep_time64, &[3, 0, BUF, 0]), EINVAL);
    assert_eq!(e.call(nr::clock_nanosleep_time64, &[1, 2, BUF, 0]), EINVAL);
    // ITIMER_REAL delivers SIGALRM; a handler makes the sleep EINTR with time left.
    let mut act = 0x77u32.to_le_bytes().to_vec();
    act.extend_from_slice(&[0; 12]);
    e.put(BUF + 256, &act);
    assert_eq!(e.call(nr::rt_sigaction, &[14, BUF + 256, 0, 8]), 0);
    let itv = [0i32, 0, 0, 20_000].iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
    e.put(BUF + 64, &itv);
    assert_eq!(e.call(nr::setitimer, &[0, BUF + 64, 0]), 0);
    assert_eq!(e.call(nr::getitimer, &[0, BUF + 96]), 0);
    assert!(e.u32_at(BUF + 108) > 0 || e.u32_at(BUF + 104) > 0);
    ts(&mut e, BUF, 5, 0);
    assert_eq!(e.call(nr::clock_nanosleep_time64, &[1, 0, BUF, BUF + 32]), EINTR);
    let left = i64::from_le_bytes(e.get(BUF + 32, 8).try_into().unwrap());
    assert!((3..=5).contains(&left));
    let mut m = e.mem.clone();
    match e.k.check_signals(1, &mut m, 0x20000) {
        SignalAction::Deliver(d) => assert_eq!(d.signo, 14),
        other => panic!("{other:?}"),
    }
    assert_eq!(e.call(nr::getitimer, &[0, BUF + 96]), 0);
    assert_eq!(e.get(BUF + 96, 16), vec![0; 16], "one-shot timer disarmed");
    assert_eq!(e.call(nr::setitimer, &[5, BUF + 64, 0]), EINVAL);
    assert_eq!(e.call(nr::getitimer, &[5, BUF + 96]), EINVAL);
    assert_eq!(e.call(nr::setitimer, &[1, BUF + 64, BUF + 96]), 0);
    let bad = [0i32, 0, 0, 2_000_000].iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
    e.put(BUF + 64, &bad);
    assert_eq!(e.call(nr::setitimer, &[0, BUF + 64, 0]), EINVAL);
}

/// Per-thread CPU clocks: CLOCK_THREAD_CPUTIME_ID and a
/// pthread_getcpuclockid id ((-tid-1)*8 + 6) measure one thread; a
/// clock_getcpuclockid id ((-pid-1)*8 + 2) the process; another process's
/// thread clock is EINVAL, a missing process ESRCH.
#[test]
fn thread_and_process_cpu_clocks() {
    let mut e = Env::new();
    let (pid, mut m) = threaded_process(&mut e);
    let t = spawn_thread(&e.k, pid, &mut m, 0, 0, 0);
    let k = e.k.clone();
    let now = |m: &mut SharedMem, tid: Tid, id: i32| -> Result<u64, i32> {
        let r = tsc(&k, tid, m, nr::clock_gettime64, &[id as u32, 0x6000]);
        if r < 0 {
            return Err(r);
        }
        let b = m.get(0x6000, 16);
        Ok(u64::from_le_bytes(b[..8].try_into().unwrap()) * 1_000_000_000
            + u64::from_le_bytes(b[8..].try_into().unwrap()))
    };
    // The leader "computes" 50 ms (time outside the kernel is user time).
    assert_eq!(tsc(&k, pid, &mut m, nr::getpid, &[]), pid);
    assert_eq!(tsc(&k, t, &mut m, nr::getpid, &[]), pid);
    std::thread::sleep(std::time::Duration::from_millis(50));
    let lead = now(&mut m, pid, 3).unwrap();
    // The other thread was running guest code as well (its clock too),
    // but its own clock, read through its clock id, is its own.
    let thread_id = |tid: Tid| (-tid - 1) * 8 + 6;
    let proc_id = |p: Tid| (-p - 1) * 8 + 2;
    let tc = now(&mut m, pid, thread_id(t)).unwrap();
    assert!(lead >= 50_000_000 && tc >= 50_000_000, "{lead} {tc}");
    let pc = now(&mut m, pid, 2).unwrap();
    assert!(pc >= lead + tc - 5_000_000, "process clock sums its threads: {pc} {lead} {tc}");
    assert!(now(&mut m, pid, proc_id(pid)).unwrap() >= pc);
    assert!(now(&mut m, pid, proc_id(1)).is_ok(), "another process's CPU clock");
    assert_eq!(now(&mut m, pid, proc_id(31000)), Err(ESRCH));
    assert_eq!(now(&mut m, pid, thread_id(1)), Err(EINVAL), "a thread of another process");
    assert_eq!(tsc(&k, pid, &mut m, nr::clock_getres_time64, &[thread_id(t) as u32, 0x6000]), 0);
    // RUSAGE_THREAD is the thread's own.
    assert_eq!(tsc(&k, t, &mut m, nr::getrusage, &[1, 0x6100]), 0);
    let utime_us = u64::from(m.u32_at(0x6100)) * 1_000_000 + u64::from(m.u32_at(0x6104));
    assert!(utime_us >= 50_000 && utime_us * 1000 < pc, "{utime_us} {pc}");
}
