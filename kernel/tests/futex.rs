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
    assert_eq!(e.call(nr::futex_time64, &[F, 5, 1, 0, 0, 0]), ENOSYS, "WAKE_OP");
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
