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
