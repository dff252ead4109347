//! Tests of the syscall family in `kernel/src/syscall/fd.rs`: the descriptor table: close,
//! dup/dup3/fcntl F_DUPFD*, close-on-exec, EMFILE at RLIMIT_NOFILE.
mod common;
use common::*;
use wasmlinux_kernel::syscall::nr;

#[test]
fn close_and_unknown_syscalls() {
    let mut e = Env::new();
    assert_eq!(e.call(nr::close, &[2]), 0);
    assert_eq!(e.call(nr::close, &[2]), EBADF);
    assert_eq!(e.call(nr::close, &[u32::MAX]), EBADF);
    assert_eq!(e.call(4, &[]), ENOSYS);
    assert_eq!(e.call(9999, &[]), ENOSYS);
    assert_eq!(e.call(nr::io_setup, &[]), ENOSYS);
    assert_eq!(e.k.syscall(77, nr::getpid, [0; 6], &mut e.mem).ret(), ESRCH);
}

#[test]
fn dup_family_and_cloexec() {
    let mut e = Env::new();
    assert_eq!(e.call(nr::dup, &[1]), 3);
    assert_eq!(e.call(nr::dup, &[99]), EBADF);
    assert_eq!(e.call(nr::dup3, &[1, 10, O_CLOEXEC]), 10);
    assert_eq!(e.call(nr::fcntl64, &[10, F_GETFD, 0]), 1);
    assert_eq!(e.call(nr::dup3, &[1, 1, 0]), EINVAL);
    assert_eq!(e.call(nr::dup3, &[1, 11, 1]), EINVAL);
    assert_eq!(e.call(nr::dup3, &[77, 11, 0]), EBADF);
    assert_eq!(e.call(nr::dup3, &[1, 5000, 0]), EBADF);
    assert_eq!(e.call(nr::fcntl64, &[1, F_DUPFD, 20]), 20);
    assert_eq!(e.call(nr::fcntl64, &[1, F_DUPFD_CLOEXEC, 20]), 21);
    assert_eq!(e.call(nr::fcntl64, &[21, F_GETFD, 0]), 1);
    assert_eq!(e.call(nr::fcntl64, &[21, F_SETFD, 0]), 0);
    assert_eq!(e.call(nr::fcntl64, &[21, F_GETFD, 0]), 0);
    assert_eq!(e.call(nr::fcntl64, &[1, F_DUPFD, 100000]), EINVAL);
    assert_eq!(e.call(nr::fcntl64, &[1, 9999, 0]), EINVAL);
    assert_eq!(e.call(nr::fcntl64, &[99, F_GETFD, 0]), EBADF);
    // FIOCLEX / FIONCLEX / FIONBIO.
    assert_eq!(e.call(nr::ioctl, &[21, 0x5451, 0]), 0);
    assert_eq!(e.call(nr::fcntl64, &[21, F_GETFD, 0]), 1);
    assert_eq!(e.call(nr::ioctl, &[21, 0x5450, 0]), 0);
    assert_eq!(e.call(nr::fcntl64, &[21, F_GETFD, 0]), 0);
    e.put(BUF, &1u32.to_le_bytes());
    assert_eq!(e.call(nr::ioctl, &[21, 0x5421, BUF]), 0);
    assert_eq!(e.call(nr::fcntl64, &[1, F_GETFL, 0]) as u32 & O_NONBLOCK, O_NONBLOCK, "shared description");
    assert_eq!(e.call(nr::ioctl, &[99, 0x5421, BUF]), EBADF);
    assert_eq!(e.call(nr::ioctl, &[21, 0x12345, BUF]), ENOTTY);
    // close_range.
    assert_eq!(e.call(nr::close_range, &[20, 21, 4]), 0);
    assert_eq!(e.call(nr::fcntl64, &[20, F_GETFD, 0]), 1);
    assert_eq!(e.call(nr::close_range, &[3, u32::MAX, 0]), 0);
    assert_eq!(e.call(nr::close, &[10]), EBADF);
    assert_eq!(e.call(nr::close_range, &[5, 4, 0]), EINVAL);
    assert_eq!(e.call(nr::close_range, &[0, 4, 1]), EINVAL);
}

#[test]
fn emfile_at_rlimit() {
    let mut e = Env::new();
    let mut lim = 5u64.to_le_bytes().to_vec();
    lim.extend_from_slice(&5u64.to_le_bytes());
    e.put(BUF, &lim);
    assert_eq!(e.call(nr::prlimit64, &[0, 7, BUF, 0]), 0);
    assert_eq!(e.call(nr::dup, &[1]), 3);
    assert_eq!(e.call(nr::dup, &[1]), 4);
    assert_eq!(e.call(nr::dup, &[1]), EMFILE);
    assert_eq!(e.call(nr::pipe2, &[FDS, 0]), EMFILE);
}
