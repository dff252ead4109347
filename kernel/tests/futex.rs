//! Tests of the syscall family in `kernel/src/syscall/futex.rs`: futex WAIT/WAKE/REQUEUE/BITSET
//! with timeouts and wake-ups across threads, and the robust list.
mod common;
use common::*;
use std::sync::Arc;
use std::time::Duration;
use wasmlinux_kernel::syscall::nr;
use wasmlinux_kernel::*;

const WAIT: u32 = 0;
const F: u32 = 0x2000;
const PRIVATE: u32 = 128;
const WAKE_BITSET: u32 = 10;
const WAIT_BITSET: u32 = 9;
const CLOCK_RT: u32 = 256;
const WAKE: u32 = 1;
const CMP_REQUEUE: u32 = 4;
const REQUEUE: u32 = 3;

#[test]
fn wait_value_mismatch_timeout_and_errors() {
    let mut e = Env::new();
    e.put(F, &5u32.to_le_bytes());
    assert_eq!(e.call(nr::futex_time64, &[F, WAIT | PRIVATE, 4, 0, 0, 0]), EAGAIN);
    let t = ts(&mut e, 0x3000, 0, 20_000_000);
    assert_eq!(e.call(nr::futex_time64, &[F, WAIT, 5, t, 0, 0]), ETIMEDOUT);
    assert_eq!(e.call(nr::futex_time64, &[F + 1, WAIT, 5, 0, 0, 0]), EINVAL);
    assert_eq!(e.call(nr::futex_time64, &[0xffff_fff0, WAIT, 5, 0, 0, 0]), EFAULT);
    let bad = ts(&mut e, 0x3000, 0, 2_000_000_000);
    assert_eq!(e.call(nr::futex_time64, &[F, WAIT, 5, bad, 0, 0]), EINVAL);
    assert_eq!(e.call(nr::futex_time64, &[F, WAIT_BITSET, 5, 0, 0, 0]), EINVAL, "zero bitset");
    assert_eq!(e.call(nr::futex_time64, &[F, WAKE_BITSET, 1, 0, 0, 0]), EINVAL);
    assert_eq!(e.call(nr::futex_time64, &[F, WAKE | CLOCK_RT, 1, 0, 0, 0]), ENOSYS);
    assert_eq!(e.call(nr::futex_time64, &[F, 5, 1, 0, 0, 0]), EFAULT, "WAKE_OP on a NULL uaddr2");
    for pi in [11, 12] {
        assert_eq!(e.call(nr::futex_time64, &[F, pi, 1, 0, F + 4, 0]), ENOSYS, "requeue-PI op {pi}");
    }
    assert_eq!(e.call(nr::futex_time64, &[F, 2, 1, 0, 0, 0]), ENOSYS, "FUTEX_FD");
    // FUTEX_WAIT with FUTEX_CLOCK_REALTIME: a relative timeout.
    let t = ts(&mut e, 0x3000, 0, 10_000_000);
    assert_eq!(e.call(nr::futex_time64, &[F, WAIT | CLOCK_RT, 5, t, 0, 0]), ETIMEDOUT);
    assert_eq!(e.call(nr::futex_time64, &[F, WAKE, 1, 0, 0, 0]), 0, "nobody waiting");
    // Absolute deadlines: monotonic by default, realtime with the flag.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    let t = ts(&mut e, 0x3000, now.as_secs() as i64, 0);
    assert_eq!(e.call(nr::futex_time64, &[F, WAIT_BITSET | CLOCK_RT, 5, t, 0, u32::MAX]), ETIMEDOUT);
    let t = ts(&mut e, 0x3000, 0, 1);
    assert_eq!(e.call(nr::futex_time64, &[F, WAIT_BITSET, 5, t, 0, u32::MAX]), ETIMEDOUT);
}

/// The kernel does not bind tids to host threads, so a second host thread
/// issuing calls as task 1 stands in for a sibling thread.
#[test]
fn wait_is_woken_by_wake_from_another_thread() {
    let mut e = Env::new();
    e.put(F, &0u32.to_le_bytes());
    let k: Arc<Kernel> = e.k.clone();
    let mut mem2 = e.mem.clone();
    let h = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        let mut n = 0;
        for _ in 0..100 {
            n = ret(k.syscall(1, nr::futex_time64, [F, WAKE_BITSET, 1, 0, 0, 2], &mut mem2));
            if n == 1 {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        n
    });
    assert_eq!(e.call(nr::futex_time64, &[F, WAIT_BITSET | PRIVATE, 0, 0, 0, 3]), 0);
    assert_eq!(h.join().unwrap(), 1);
}

#[test]
fn requeue_moves_waiters() {
    let mut e = Env::new();
    e.put(F, &0u32.to_le_bytes());
    let k: Arc<Kernel> = e.k.clone();
    let mut mem2 = e.mem.clone();
    let h = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        // CMP_REQUEUE with a wrong expected value fails.
        assert_eq!(ret(k.syscall(1, nr::futex_time64, [F, CMP_REQUEUE, 0, 1, F + 4, 9], &mut mem2)), EAGAIN);
        let mut moved = 0;
        for _ in 0..100 {
            moved = ret(k.syscall(1, nr::futex_time64, [F, REQUEUE, 0, 1, F + 4, 0], &mut mem2));
            if moved == 1 {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(moved, 1);
        assert_eq!(ret(k.syscall(1, nr::futex_time64, [F, WAKE, 1, 0, 0, 0], &mut mem2)), 0);
        assert_eq!(ret(k.syscall(1, nr::futex_time64, [F + 4, CMP_REQUEUE, 1, 0, F + 8, 0], &mut mem2)), 1);
    });
    assert_eq!(e.call(nr::futex_time64, &[F, WAIT, 0, 0, 0, 0]), 0);
    h.join().unwrap();
    assert_eq!(e.call(nr::futex_time64, &[F, REQUEUE, 0, (-1i32) as u32, F + 4, 0]), EINVAL);
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
    assert_eq!(csc(&e.k, child, &mut cm, nr::get_robust_list, &[0, DATA, DATA + 4]), 0);
    let mut v = [0u8; 8];
    cm.read(DATA, &mut v).unwrap();
    assert_eq!(v, [0; 8]);
    assert_eq!(csc(&e.k, child, &mut cm, nr::setuid, &[1000]), 0);
    assert_eq!(csc(&e.k, child, &mut cm, nr::get_robust_list, &[1, DATA, DATA + 4]), EPERM);
    assert_eq!(e.call(nr::get_robust_list, &[child as u32, DATA, DATA + 4]), 0);
}

const FUTEX_WAITERS: u32 = 0x8000_0000;
const FUTEX_OWNER_DIED: u32 = 0x4000_0000;

/// A thread that dies holding robust mutexes: each lock word it owns gets
/// FUTEX_OWNER_DIED (FUTEX_WAITERS kept, tid cleared) and one waiter is
/// woken; words owned by others are left alone; list_op_pending counts.
#[test]
fn robust_list_is_walked_at_thread_exit() {
    let mut e = Env::new();
    let (pid, mut m) = threaded_process(&mut e);
    let t = spawn_thread(&e.k, pid, &mut m, 0, 0, 0);
    // head at 0x6000: next, futex_offset (8: the lock word follows the
    // 8-byte list node), list_op_pending.
    let (head, a, b, c, p) = (0x6000u32, 0x6100u32, 0x6200u32, 0x6300u32, 0x6400u32);
    for (node, next) in [(head, a), (a, b), (b, c), (c, head)] {
        m.put_u32(node, next);
    }
    m.put_u32(head + 4, 8);
    m.put_u32(head + 8, p);
    m.put_u32(a + 8, t as u32 | FUTEX_WAITERS);
    m.put_u32(b + 8, t as u32);
    m.put_u32(c + 8, pid as u32 | FUTEX_WAITERS);
    m.put_u32(p + 8, t as u32);
    assert_eq!(tsc(&e.k, t, &mut m, nr::set_robust_list, &[head, 12]), 0);
    assert_eq!(tsc(&e.k, t, &mut m, nr::get_robust_list, &[0, 0x6800, 0x6804]), 0);
    assert_eq!(m.u32_at(0x6800), head);
    // The leader waits on the first lock word.
    let (k, mut lm) = (e.k.clone(), m.clone());
    let w = a + 8;
    let waiter =
        std::thread::spawn(move || tsc(&k, pid, &mut lm, nr::futex_time64, &[w, 0, t as u32 | FUTEX_WAITERS, 0, 0, 0]));
    std::thread::sleep(Duration::from_millis(50));
    assert!(matches!(tsc_outcome(&e.k, t, &mut m, nr::exit, &[0]), SyscallOutcome::Exit));
    assert_eq!(waiter.join().unwrap(), 0, "the waiter was woken");
    assert_eq!(m.u32_at(a + 8), FUTEX_OWNER_DIED | FUTEX_WAITERS);
    assert_eq!(m.u32_at(b + 8), FUTEX_OWNER_DIED);
    assert_eq!(m.u32_at(c + 8), pid as u32 | FUTEX_WAITERS, "another owner's lock is untouched");
    assert_eq!(m.u32_at(p + 8), FUTEX_OWNER_DIED, "list_op_pending");
}

/// exit_group walks the robust list of every thread, and a cyclic list
/// stops at ROBUST_LIST_LIMIT; a bad pointer ends the walk.
#[test]
fn robust_lists_of_all_threads_at_exit_group() {
    let mut e = Env::new();
    let (pid, mut m) = threaded_process(&mut e);
    let t = spawn_thread(&e.k, pid, &mut m, 0, 0, 0);
    // t: a list whose node points to itself (never reaches the head).
    m.put_u32(0x6000, 0x6100);
    m.put_u32(0x6004, 8);
    m.put_u32(0x6008, 0);
    m.put_u32(0x6100, 0x6100);
    m.put_u32(0x6108, t as u32);
    assert_eq!(tsc(&e.k, t, &mut m, nr::set_robust_list, &[0x6000, 12]), 0);
    // The leader: one node, then a pointer outside memory.
    m.put_u32(0x7000, 0x7100);
    m.put_u32(0x7004, 8);
    m.put_u32(0x7008, 0);
    m.put_u32(0x7100, 0xffff_0000);
    m.put_u32(0x7108, pid as u32);
    assert_eq!(tsc(&e.k, pid, &mut m, nr::set_robust_list, &[0x7000, 12]), 0);
    assert!(matches!(tsc_outcome(&e.k, pid, &mut m, nr::exit_group, &[0]), SyscallOutcome::Exit));
    assert_eq!(m.u32_at(0x6108), FUTEX_OWNER_DIED);
    assert_eq!(m.u32_at(0x7108), FUTEX_OWNER_DIED);
}

const WAKE_OP: u32 = 5;

/// FUTEX_WAKE_OP's val3: op, cmp, oparg, cmparg (`FUTEX_OP` of linux/futex.h).
fn futex_op(op: u32, oparg: i32, cmp: u32, cmparg: i32) -> u32 {
    ((op & 0xf) << 28) | ((cmp & 0xf) << 24) | (((oparg as u32) & 0xfff) << 12) | ((cmparg as u32) & 0xfff)
}

#[test]
fn wake_op_applies_every_operation_and_comparison() {
    let mut e = Env::new();
    let u2 = F + 8;
    let run = |e: &mut Env, old: u32, op: u32, oparg: i32, cmp: u32, cmparg: i32| -> (i32, u32) {
        e.put(u2, &old.to_le_bytes());
        let r = e.call(nr::futex_time64, &[F, WAKE_OP | PRIVATE, 1, 1, u2, futex_op(op, oparg, cmp, cmparg)]);
        (r, e.u32_at(u2))
    };
    // Operations: SET, ADD, OR, ANDN, XOR; OPARG_SHIFT (8) makes oparg 1 << oparg.
    assert_eq!(run(&mut e, 5, 0, 9, 0, 0), (0, 9));
    assert_eq!(run(&mut e, 5, 1, -2, 0, 0), (0, 3), "oparg is a signed 12-bit value");
    assert_eq!(run(&mut e, 5, 2, 8, 0, 0), (0, 13));
    assert_eq!(run(&mut e, 7, 3, 2, 0, 0), (0, 5));
    assert_eq!(run(&mut e, 6, 4, 3, 0, 0), (0, 5));
    assert_eq!(run(&mut e, 0, 8 | 2, 4, 0, 0), (0, 16), "OR with 1 << 4");
    // Comparisons (of the old value, signed): all give 0 woken here, but an
    // unknown comparison is ENOSYS after the operation was applied.
    for cmp in 0..6 {
        assert_eq!(run(&mut e, 1, 0, 2, cmp, 1).0, 0);
    }
    assert_eq!(run(&mut e, 1, 0, 2, 6, 1), (ENOSYS, 2));
    assert_eq!(run(&mut e, 1, 5, 2, 0, 1), (ENOSYS, 1), "unknown operation: nothing written");
    // Errors: misaligned addresses, unreadable uaddr2.
    assert_eq!(e.call(nr::futex_time64, &[F + 1, WAKE_OP, 1, 1, u2, 0]), EINVAL);
    assert_eq!(e.call(nr::futex_time64, &[F, WAKE_OP, 1, 1, u2 + 2, 0]), EINVAL);
    assert_eq!(e.call(nr::futex_time64, &[F, WAKE_OP, 1, 1, 0xffff_fff0, 0]), EFAULT);
}

/// Two threads of one process: WAKE_OP wakes the waiter of uaddr2 only
/// when the comparison holds; WAKE with a count of 0 wakes one (Linux).
#[test]
fn wake_op_between_threads() {
    let mut e = Env::new();
    let (pid, mut m) = threaded_process(&mut e);
    let t = spawn_thread(&e.k, pid, &mut m, 0, 0, 0);
    let (u1, u2) = (0x6000u32, 0x6004u32);
    m.put_u32(u1, 0);
    m.put_u32(u2, 0);
    let wait_on = |addr: u32, k: Arc<Kernel>, mut mm: SharedMem| {
        std::thread::spawn(move || tsc(&k, t, &mut mm, nr::futex_time64, &[addr, WAIT | PRIVATE, 0, 0, 0, 0]))
    };
    let w = wait_on(u2, e.k.clone(), m.clone());
    std::thread::sleep(Duration::from_millis(50));
    // old (0) > 5 is false: only uaddr (nobody) is woken.
    let op = futex_op(1, 1, 4, 5);
    assert_eq!(tsc(&e.k, pid, &mut m, nr::futex_time64, &[u1, WAKE_OP | PRIVATE, 1, 1, u2, op]), 0);
    assert_eq!(m.u32_at(u2), 1);
    // old (1) == 1: the waiter of uaddr2 is woken.
    let op = futex_op(1, 1, 0, 1);
    let mut n = 0;
    for _ in 0..100 {
        n += tsc(&e.k, pid, &mut m, nr::futex_time64, &[u1, WAKE_OP | PRIVATE, 1, 1, u2, op]);
        if n > 0 {
            break;
        }
    }
    assert_eq!(n, 1);
    assert_eq!(w.join().unwrap(), 0);
    // FUTEX_WAKE with val 0 wakes one waiter.
    let w = wait_on(u1, e.k.clone(), m.clone());
    let mut n = 0;
    for _ in 0..100 {
        std::thread::sleep(Duration::from_millis(5));
        n = tsc(&e.k, pid, &mut m, nr::futex_time64, &[u1, WAKE | PRIVATE, 0, 0, 0, 0]);
        if n == 1 {
            break;
        }
    }
    assert_eq!(n, 1);
    assert_eq!(w.join().unwrap(), 0);
}

/// A futex wait in one thread is interrupted by a signal sent to it:
/// EINTR with a timeout; without one, a handler without SA_RESTART gives
/// EINTR and one with SA_RESTART a restart.
#[test]
fn futex_wait_is_interrupted_by_a_signal() {
    let mut e = Env::new();
    let (pid, mut m) = threaded_process(&mut e);
    let t = spawn_thread(&e.k, pid, &mut m, 0, 0, 0);
    m.put(0x6e00, &[7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(tsc(&e.k, pid, &mut m, nr::rt_sigaction, &[SIGUSR1, 0x6e00, 0, 8]), 0);
    m.put(0x6e00, &[7, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0]); // SA_RESTART
    assert_eq!(tsc(&e.k, pid, &mut m, nr::rt_sigaction, &[SIGUSR2, 0x6e00, 0, 8]), 0);
    m.put_u32(0x6000, 0);
    m.put(0x6100, &[10u64.to_le_bytes(), 0u64.to_le_bytes()].concat());
    for (timeout, sig, want_eintr) in [(0x6100u32, SIGUSR2, true), (0, SIGUSR1, true), (0, SIGUSR2, false)] {
        let (k, mut mm) = (e.k.clone(), m.clone());
        let h = std::thread::spawn(move || {
            tsc_outcome(&k, t, &mut mm, nr::futex_time64, &[0x6000, WAIT, 0, timeout, 0, 0])
        });
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(tsc(&e.k, pid, &mut m, nr::tgkill, &[pid as u32, t as u32, sig]), 0);
        match h.join().unwrap() {
            SyscallOutcome::Return(v) if want_eintr => assert_eq!(v, EINTR),
            SyscallOutcome::Restart if !want_eintr => {}
            o => panic!("timeout {timeout:#x} sig {sig}: {o:?}"),
        }
        let mut vm = VecMemory::new(1 << 16);
        match e.k.check_signals(t, &mut vm, 0x8000) {
            SignalAction::Deliver(d) => e.k.signal_return(t, &mut vm, &d),
            o => panic!("{o:?}"),
        }
    }
}

/// SIGKILL from another process while the threads run guest code: the
/// first thread to reach its signal check (the bridge's epoch callback)
/// walks every killed thread's robust list with the process's memory.
#[test]
fn robust_list_of_a_busy_thread_killed_from_outside() {
    let mut e = Env::new();
    let (pid, mut m) = threaded_process(&mut e);
    let t = spawn_thread(&e.k, pid, &mut m, 0, 0, 0);
    m.put_u32(0x6000, 0x6100);
    m.put_u32(0x6004, 8);
    m.put_u32(0x6008, 0);
    m.put_u32(0x6100, 0x6000);
    m.put_u32(0x6108, t as u32 | FUTEX_WAITERS);
    assert_eq!(tsc(&e.k, t, &mut m, nr::set_robust_list, &[0x6000, 12]), 0);
    assert_eq!(e.call(nr::kill, &[pid as u32, 9]), 0);
    assert_eq!(m.u32_at(0x6108), t as u32 | FUTEX_WAITERS, "nobody has walked it yet");
    assert!(e.k.signal_pending(t));
    assert!(matches!(e.k.check_signals(t, &mut m, 0x8000), SignalAction::Exit));
    assert_eq!(m.u32_at(0x6108), FUTEX_OWNER_DIED | FUTEX_WAITERS);
    assert!(matches!(e.k.check_signals(pid, &mut m, 0x8000), SignalAction::Exit));
}

const LOCK_PI: u32 = 6;
const UNLOCK_PI: u32 = 7;
const TRYLOCK_PI: u32 = 8;
const LOCK_PI2: u32 = 13;

/// PI futexes between two threads: the lock word holds the owner's tid;
/// a contended lock sets FUTEX_WAITERS and sleeps until UNLOCK_PI hands it
/// over; EDEADLK, EPERM, EAGAIN (trylock), ESRCH (no such owner),
/// ETIMEDOUT; a dead owner's robust PI lock is retaken with OWNER_DIED.
#[test]
fn pi_futexes_between_threads() {
    let mut e = Env::new();
    let (pid, mut m) = threaded_process(&mut e);
    let t = spawn_thread(&e.k, pid, &mut m, 0, 0, 0);
    let k = e.k.clone();
    let w = 0x6000u32;
    let f = |m: &mut SharedMem, tid: Tid, op: u32, timeout: u32| {
        tsc(&k, tid, m, nr::futex_time64, &[w, op | PRIVATE, 0, timeout, 0, 0])
    };
    m.put_u32(w, 0);
    assert_eq!(f(&mut m, pid, LOCK_PI, 0), 0);
    assert_eq!(m.u32_at(w), pid as u32);
    assert_eq!(f(&mut m, pid, LOCK_PI, 0), -35, "EDEADLK");
    assert_eq!(f(&mut m, t, TRYLOCK_PI, 0), EAGAIN);
    assert_eq!(f(&mut m, t, UNLOCK_PI, 0), EPERM, "not the owner");
    // Contended: t sleeps, the unlock hands the lock to t.
    let (k2, mut m2) = (e.k.clone(), m.clone());
    let h = std::thread::spawn(move || tsc(&k2, t, &mut m2, nr::futex_time64, &[w, LOCK_PI, 0, 0, 0, 0]));
    assert!(wait_until(|| m.u32_at(w) & FUTEX_WAITERS != 0), "the waiter sets FUTEX_WAITERS");
    assert_eq!(f(&mut m, pid, UNLOCK_PI, 0), 0);
    assert_eq!(h.join().unwrap(), 0);
    assert_eq!(m.u32_at(w), t as u32, "handed over, no waiters left");
    // A timed lock (LOCK_PI2: absolute monotonic) times out.
    let (s, ns) = (0i64, 1i64);
    m.put(0x6100, &[s.to_le_bytes(), ns.to_le_bytes()].concat());
    assert_eq!(f(&mut m, pid, LOCK_PI2, 0x6100), ETIMEDOUT);
    assert_eq!(f(&mut m, t, UNLOCK_PI, 0), 0);
    assert_eq!(m.u32_at(w), 0);
    assert_eq!(f(&mut m, pid, TRYLOCK_PI, 0), 0);
    assert_eq!(f(&mut m, pid, UNLOCK_PI, 0), 0);
    // An owner that does not exist.
    m.put_u32(w, 31000);
    assert_eq!(f(&mut m, pid, LOCK_PI, 0), ESRCH);
    // A robust PI lock whose owner dies: the sleeper retakes it with OWNER_DIED.
    m.put_u32(w, 0);
    assert_eq!(f(&mut m, t, LOCK_PI, 0), 0);
    m.put_u32(0x6200, 0x6300 | 1); // bit 0 of the pointer: a PI lock
    m.put_u32(0x6204, (w as i32 - 0x6300) as u32);
    m.put_u32(0x6208, 0);
    m.put_u32(0x6300, 0x6200);
    assert_eq!(tsc(&e.k, t, &mut m, nr::set_robust_list, &[0x6200, 12]), 0);
    let (k2, mut m2) = (e.k.clone(), m.clone());
    let h = std::thread::spawn(move || tsc(&k2, pid, &mut m2, nr::futex_time64, &[w, LOCK_PI, 0, 0, 0, 0]));
    assert!(wait_until(|| m.u32_at(w) & FUTEX_WAITERS != 0));
    assert!(matches!(tsc_outcome(&e.k, t, &mut m, nr::exit, &[0]), SyscallOutcome::Exit));
    assert_eq!(h.join().unwrap(), 0);
    assert_eq!(m.u32_at(w), pid as u32 | FUTEX_OWNER_DIED);
}

/// A shared futex (no FUTEX_PRIVATE_FLAG) in a MAP_SHARED file mapping is
/// keyed by the file and offset: a waiter in one process is woken by a
/// FUTEX_WAKE in another that maps the same file elsewhere. A private
/// futex there stays per process.
#[test]
fn shared_futex_in_a_file_mapping_reaches_another_process() {
    let mut e = Env::new();
    let img =
        ExecImage { path: "/x".into(), module: Arc::new(b"\0asm".to_vec()), argv: vec![], envp: vec![], new_tid: None };
    e.k.exec_start(1, &mut e.mem, &img).unwrap();
    let fd = open(&mut e, "/tmp/shm", O_CREAT | O_RDWR, 0o600) as u32;
    assert_eq!(e.call(nr::ftruncate64, &[fd, 8192, 0]), 0);
    // The parent maps it at one address; the child (after a private
    // mapping that moves it) maps it again at another.
    let a = e.call(nr::mmap2, &[0, 8192, 3, 1, fd, 0]) as u32;
    let (child, mut cm) = fork(&mut e);
    assert!(csc(&e.k, child, &mut cm, nr::mmap2, &[0, 4096, 3, 0x22, u32::MAX, 0]) > 0);
    let b = csc(&e.k, child, &mut cm, nr::mmap2, &[0, 8192, 3, 1, fd, 0]) as u32;
    assert_ne!(a, b);
    let (k, word) = (e.k.clone(), 0x100u32);
    let h = std::thread::spawn(move || {
        let r = csc(&k, child, &mut cm, nr::futex_time64, &[b + 4096 + word, WAIT, 0, 0, 0, 0]);
        (r, cm)
    });
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(
        e.call(nr::futex_time64, &[a + 4096 + word, WAKE | PRIVATE, 1, 0, 0, 0]),
        0,
        "private: not the same futex"
    );
    assert_eq!(e.call(nr::futex_time64, &[a + word, WAKE, 1, 0, 0, 0]), 0, "another offset");
    let mut n = 0;
    for _ in 0..100 {
        n = e.call(nr::futex_time64, &[a + 4096 + word, WAKE, 1, 0, 0, 0]);
        if n == 1 {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(n, 1);
    let (r, _cm) = h.join().unwrap();
    assert_eq!(r, 0);
}
