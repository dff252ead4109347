//! Tests of the syscall family in `kernel/src/syscall/eventfd.rs`: eventfd2: counter and semaphore
//! modes, flags, errors, a blocking read woken by another task.
mod common;
use common::*;
use std::time::Duration;
use wasmlinux_kernel::syscall::nr;
use wasmlinux_kernel::*;

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
