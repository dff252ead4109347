//! Descriptor, I/O and pipe syscalls through the raw entry.
mod common;
use common::*;
use std::time::Duration;
use wasmlinux_kernel::syscall::nr;
use wasmlinux_kernel::*;

const O_CLOEXEC: u32 = 0o2000000;
const O_NONBLOCK: u32 = 0o4000;
const F_DUPFD: u32 = 0;
const F_GETFD: u32 = 1;
const F_SETFD: u32 = 2;
const F_GETFL: u32 = 3;
const F_SETFL: u32 = 4;
const F_DUPFD_CLOEXEC: u32 = 1030;
const F_SETPIPE_SZ: u32 = 1031;
const F_GETPIPE_SZ: u32 = 1032;
const FDS: u32 = 0x2000;
const BUF: u32 = 0x3000;

fn pipe(e: &mut Env, flags: u32) -> (u32, u32) {
    assert_eq!(e.call(nr::pipe2, &[FDS, flags]), 0);
    (e.u32_at(FDS), e.u32_at(FDS + 4))
}

#[test]
fn pipe_read_write_eof_epipe() {
    let mut e = Env::new();
    let (r, w) = pipe(&mut e, 0);
    assert_eq!((r, w), (3, 4));
    e.put(BUF, b"hello");
    assert_eq!(e.call(nr::write, &[w, BUF, 5]), 5);
    assert_eq!(e.call(nr::read, &[r, BUF + 100, 64]), 5);
    assert_eq!(e.get(BUF + 100, 5), b"hello");
    assert_eq!(e.call(nr::read, &[w, BUF, 1]), EBADF);
    assert_eq!(e.call(nr::write, &[r, BUF, 1]), EBADF);
    assert_eq!(e.call(nr::close, &[w]), 0);
    assert_eq!(e.call(nr::read, &[r, BUF, 64]), 0, "EOF");
    let (r2, w2) = pipe(&mut e, 0);
    assert_eq!(e.call(nr::close, &[r2]), 0);
    assert_eq!(e.call(nr::pipe2, &[FDS, 1]), EINVAL);
    assert_eq!(e.call(nr::pipe2, &[0xffff_fff0, 0]), EFAULT);
    // Init ignores SIGPIPE (it has no handler); a child dies of it.
    assert_eq!(e.call(nr::write, &[w2, BUF, 1]), EPIPE);
    assert!(!e.k.signal_pending(1));
    let child = e.k.fork(1, 17).unwrap();
    let mut m = e.mem.clone();
    assert_eq!(ret(e.k.syscall(child, nr::write, [w2, BUF, 1, 0, 0, 0], &mut m)), EPIPE);
    assert!(matches!(e.k.check_signals(child, &mut m, 0x8000), SignalAction::Exit));
    assert_eq!(e.host.exited.lock().unwrap()[0], (child, ExitStatus::Signaled { signo: 13, core: false }));
}

#[test]
fn pipe_nonblocking_and_blocking_reader() {
    let mut e = Env::new();
    let (r, w) = pipe(&mut e, O_NONBLOCK | O_CLOEXEC);
    assert_eq!(e.call(nr::read, &[r, BUF, 8]), EAGAIN);
    assert_eq!(e.call(nr::fcntl64, &[r, F_GETFD, 0]), 1);
    assert_eq!(e.call(nr::fcntl64, &[r, F_GETFL, 0]) as u32 & O_NONBLOCK, O_NONBLOCK);
    assert_eq!(e.call(nr::fcntl64, &[r, F_SETFL, 0]), 0);
    assert_eq!(e.call(nr::fcntl64, &[r, F_GETFL, 0]) as u32 & O_NONBLOCK, 0);
    // Fill the pipe: a non-blocking writer gets a partial write then EAGAIN.
    assert_eq!(e.call(nr::fcntl64, &[w, F_GETPIPE_SZ, 0]), 65536);
    assert_eq!(e.call(nr::fcntl64, &[w, F_SETPIPE_SZ, 4096]), 4096);
    assert_eq!(e.call(nr::write, &[w, BUF, 5000]), 4096);
    assert_eq!(e.call(nr::write, &[w, BUF, 1]), EAGAIN);
    assert_eq!(e.call(nr::fcntl64, &[w, F_SETPIPE_SZ, 1024]), 4096, "rounded up to a page");
    assert_eq!(e.call(nr::fcntl64, &[w, F_SETPIPE_SZ, 2 << 20]), 2 << 20, "root may exceed pipe-max-size");
    assert_eq!(e.call(nr::fcntl64, &[0, F_GETPIPE_SZ, 0]), EBADF);
    // FIONREAD.
    assert_eq!(e.call(nr::ioctl, &[r, 0x541b, BUF]), 0);
    assert_eq!(e.u32_at(BUF), 4096);
    assert_eq!(e.call(nr::read, &[r, BUF, 8192]), 4096);
    // Blocking read woken by a writer on another thread.
    let k = e.k.clone();
    let mut m2 = e.mem.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        m2.write(BUF + 512, b"late").unwrap();
        ret(k.syscall(1, nr::write, [w, BUF + 512, 4, 0, 0, 0], &mut m2))
    });
    assert_eq!(e.call(nr::read, &[r, BUF, 100]), 4);
    assert_eq!(e.get(BUF, 4), b"late");
    assert_eq!(t.join().unwrap(), 4);
}

#[test]
fn read_interrupted_by_signal_restarts_or_eintr() {
    let mut e = Env::new();
    let (r, _w) = pipe(&mut e, 0);
    // Handler without SA_RESTART: EINTR.
    let mut act = 0x1234u32.to_le_bytes().to_vec();
    act.extend_from_slice(&0u32.to_le_bytes());
    act.extend_from_slice(&0u64.to_le_bytes());
    e.put(BUF, &act);
    assert_eq!(e.call(nr::rt_sigaction, &[10, BUF, 0, 8]), 0);
    let k = e.k.clone();
    let mut m2 = e.mem.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        ret(k.syscall(1, nr::kill, [1, 10, 0, 0, 0, 0], &mut m2))
    });
    assert_eq!(e.call(nr::read, &[r, BUF + 64, 10]), EINTR);
    assert_eq!(t.join().unwrap(), 0);
    let mut m = e.mem.clone();
    assert!(matches!(e.k.check_signals(1, &mut m, 0x10000), SignalAction::Deliver(_)));
    // With SA_RESTART: Restart outcome.
    let mut act = 0x1234u32.to_le_bytes().to_vec();
    act.extend_from_slice(&0x1000_0000u32.to_le_bytes());
    act.extend_from_slice(&0u64.to_le_bytes());
    e.put(BUF, &act);
    assert_eq!(e.call(nr::rt_sigaction, &[12, BUF, 0, 8]), 0);
    let k = e.k.clone();
    let mut m2 = e.mem.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        ret(k.syscall(1, nr::kill, [1, 12, 0, 0, 0, 0], &mut m2))
    });
    assert!(matches!(e.sc(nr::read, &[r, BUF + 64, 10]), SyscallOutcome::Restart));
    t.join().unwrap();
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

#[test]
fn vectored_and_positional_io() {
    let mut e = Env::new();
    let (r, w) = pipe(&mut e, 0);
    e.put(BUF, b"abcdef");
    let iov = [BUF, 2, BUF + 2, 4].iter().flat_map(|x: &u32| x.to_le_bytes()).collect::<Vec<u8>>();
    e.put(BUF + 64, &iov);
    assert_eq!(e.call(nr::writev, &[w, BUF + 64, 2]), 6);
    let iov2 = [BUF + 200, 3, BUF + 300, 10].iter().flat_map(|x: &u32| x.to_le_bytes()).collect::<Vec<u8>>();
    e.put(BUF + 128, &iov2);
    assert_eq!(e.call(nr::readv, &[r, BUF + 128, 2]), 6);
    assert_eq!(e.get(BUF + 200, 3), b"abc");
    assert_eq!(e.get(BUF + 300, 3), b"def");
    assert_eq!(e.call(nr::readv, &[r, BUF + 128, 2000]), EINVAL);
    assert_eq!(e.call(nr::writev, &[w, 0xffff_fff0, 1]), EFAULT);
    // Positional I/O on a pipe: ESPIPE.
    assert_eq!(e.call(nr::pread64, &[r, BUF, 1, 0, 0]), ESPIPE);
    assert_eq!(e.call(nr::pwrite64, &[w, BUF, 1, 0, 0]), ESPIPE);
    assert_eq!(e.call(nr::preadv, &[r, BUF + 128, 1, 0, 0]), ESPIPE);
    assert_eq!(e.call(nr::pwritev, &[w, BUF + 64, 1, 0, 0]), ESPIPE);
    assert_eq!(e.call(nr::pread64, &[r, BUF, 1, 0, 0x8000_0000]), EINVAL);
    assert_eq!(e.call(nr::pread64, &[w, BUF, 1, 0, 0]), EBADF);
    assert_eq!(e.call(nr::pwrite64, &[r, BUF, 1, 0, 0]), EBADF);
    // preadv2/pwritev2 with offset -1 use the stream position.
    assert_eq!(e.call(nr::pwritev2, &[w, BUF + 64, 1, u32::MAX, u32::MAX, 0]), 2);
    assert_eq!(e.call(nr::preadv2, &[r, BUF + 128, 1, u32::MAX, u32::MAX, 0]), 2);
    assert_eq!(e.call(nr::preadv2, &[r, BUF + 128, 1, u32::MAX, u32::MAX, 0x100]), -95);
    assert_eq!(e.call(nr::pwritev2, &[w, BUF + 64, 1, 0, 0, 0]), ESPIPE);
    // sendfile between pipes.
    let (r2, w2) = pipe(&mut e, 0);
    e.put(BUF, b"xyz");
    assert_eq!(e.call(nr::write, &[w, BUF, 3]), 3);
    assert_eq!(e.call(nr::sendfile64, &[w2, r, 0, 3]), 3);
    assert_eq!(e.call(nr::read, &[r2, BUF + 400, 3]), 3);
    assert_eq!(e.get(BUF + 400, 3), b"xyz");
    e.put(BUF, &0u64.to_le_bytes());
    assert_eq!(e.call(nr::sendfile64, &[w2, r, BUF, 3]), ESPIPE);
    assert_eq!(e.call(nr::sendfile64, &[r2, r, 0, 3]), EBADF);
}
