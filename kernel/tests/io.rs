//! Tests of the syscall family in `kernel/src/syscall/io.rs`: read/write and friends: console I/O,
//! restart or EINTR after a signal, vectored and positional I/O, RLIMIT_FSIZE, copy_file_range.
mod common;
use common::*;
use std::time::Duration;
use wasmlinux_kernel::syscall::nr;
use wasmlinux_kernel::*;

fn put_i64(e: &mut Env, addr: u32, v: i64) {
    e.put(addr, &v.to_le_bytes());
}

fn i64_at(e: &Env, addr: u32) -> i64 {
    i64::from_le_bytes(e.get(addr, 8).try_into().unwrap())
}

fn pread(e: &mut Env, fd: i32, len: usize, off: u32) -> Vec<u8> {
    let n = e.call(nr::pread64, &[fd as u32, BUF, len as u32, off, 0]);
    assert!(n >= 0, "pread: {n}");
    e.get(BUF, n as usize)
}

#[test]
fn write_to_console_and_exit_group() {
    let mut e = Env::new();
    e.put(SCRATCH, b"hello\n");
    assert_eq!(e.call(nr::write, &[1, SCRATCH, 6]), 6);
    assert_eq!(e.host.stdout_string(), "hello\n");
    e.put(SCRATCH, b"oops");
    assert_eq!(e.call(nr::write, &[2, SCRATCH, 4]), 4);
    assert_eq!(&*e.host.stderr.lock().unwrap(), b"oops");
    assert_eq!(e.call(nr::write, &[1, 0xffff_fff0, 100]), EFAULT);
    assert_eq!(e.call(nr::write, &[7, SCRATCH, 1]), EBADF);
    assert_eq!(e.call(nr::write, &[0, SCRATCH, 1]), EBADF, "fd 0 is read-only on a pipe console");
    assert!(matches!(e.sc(nr::exit_group, &[3]), SyscallOutcome::Exit));
    assert_eq!(&*e.host.exited.lock().unwrap(), &[(1, ExitStatus::Exited(3))]);
    assert!(matches!(e.sc(nr::getpid, &[]), SyscallOutcome::Return(_) | SyscallOutcome::Exit));
}

#[test]
fn read_console_input_and_eof() {
    let mut e = Env::new();
    e.k.console_input(b"abc");
    assert_eq!(e.call(nr::read, &[0, SCRATCH, 10]), 3);
    assert_eq!(e.get(SCRATCH, 3), b"abc");
    assert_eq!(e.call(nr::read, &[0, 0xffff_0000, 10]), EFAULT);
    assert_eq!(e.call(nr::read, &[1, SCRATCH, 10]), EBADF);
    // A blocked reader is woken by input from another thread.
    let k = e.k.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(50));
        k.console_input(b"xy");
        std::thread::sleep(std::time::Duration::from_millis(20));
        k.console_eof();
    });
    assert_eq!(e.call(nr::read, &[0, SCRATCH, 10]), 2);
    assert_eq!(e.get(SCRATCH, 2), b"xy");
    assert_eq!(e.call(nr::read, &[0, SCRATCH, 10]), 0);
    t.join().unwrap();
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

#[test]
fn rlimit_fsize_short_write_then_efbig_and_sigxfsz() {
    let mut e = Env::new();
    let (child, mut cm) = fork(&mut e);
    let k = e.k.clone();
    // prlimit64(0, RLIMIT_FSIZE, {1000, inf}, NULL)
    let mut lim = 1000u64.to_le_bytes().to_vec();
    lim.extend_from_slice(&u64::MAX.to_le_bytes());
    cm.write(ARG + 64, &lim).unwrap();
    assert_eq!(csc(&k, child, &mut cm, nr::prlimit64, &[0, 1, ARG + 64, 0]), 0);
    cm.write(PATH, b"/tmp/limited\0").unwrap();
    let fd = csc(&k, child, &mut cm, nr::openat, &[AT_FDCWD, PATH, O_CREAT | O_WRONLY, 0o644]) as u32;
    assert_eq!(sigaction_as(&k, child, &mut cm, SIGXFSZ, 1 /* SIG_IGN */), 0);
    assert_eq!(csc(&k, child, &mut cm, nr::write, &[fd, BUF, 3000]), 1000, "short write up to the limit");
    assert_eq!(csc(&k, child, &mut cm, nr::write, &[fd, BUF, 1]), EFBIG);
    assert_eq!(csc(&k, child, &mut cm, nr::pwrite64, &[fd, BUF, 1, 5000, 0]), EFBIG);
    assert_eq!(pending(&k, child, &mut cm) & bit(SIGXFSZ), 0, "ignored: discarded");
    // Devices are not limited.
    cm.write(PATH, b"/dev/null\0").unwrap();
    let null = csc(&k, child, &mut cm, nr::openat, &[AT_FDCWD, PATH, O_WRONLY, 0]) as u32;
    assert_eq!(csc(&k, child, &mut cm, nr::pwrite64, &[null, BUF, 10, 5000, 0]), 10);
    // Default action: SIGXFSZ is raised and kills (core).
    assert_eq!(sigaction_as(&k, child, &mut cm, SIGXFSZ, 0), 0);
    assert_eq!(csc(&k, child, &mut cm, nr::write, &[fd, BUF, 1]), EFBIG);
    assert!(k.signal_pending(child));
    assert!(matches!(k.check_signals(child, &mut cm, 0x8000), SignalAction::Exit));
    assert_eq!(e.call(nr::waitid, &[P_PID, child as u32, BUF, WEXITED, 0]), 0);
    assert_eq!(e.u32_at(BUF + 20), SIGXFSZ, "si_status");
}

#[test]
fn copy_file_range_between_files() {
    let mut e = Env::new();
    let a = open(&mut e, "/a", O_CREAT | O_RDWR, 0o644);
    assert_eq!(write(&mut e, a, b"0123456789"), 10);
    let b = open(&mut e, "/b", O_CREAT | O_RDWR, 0o644);
    // With offsets: the pointers advance, file positions do not.
    put_i64(&mut e, OFF, 2);
    put_i64(&mut e, OFF + 8, 1);
    assert_eq!(e.call(nr::copy_file_range, &[a as u32, OFF, b as u32, OFF + 8, 5, 0]), 5);
    assert_eq!((i64_at(&e, OFF), i64_at(&e, OFF + 8)), (7, 6));
    assert_eq!(pread(&mut e, b, 64, 0), b"\x0023456");
    // Without offsets: the file positions are used and advanced
    // (a is at 10 after the write: EOF gives 0).
    assert_eq!(e.call(nr::copy_file_range, &[a as u32, 0, b as u32, 0, 100, 0]), 0);
    assert_eq!(e.call(nr::_llseek, &[a as u32, 0, 0, OFF, 0]), 0);
    assert_eq!(e.call(nr::copy_file_range, &[a as u32, 0, b as u32, 0, 4, 0]), 4);
    assert_eq!(e.call(nr::_llseek, &[a as u32, 0, 0, OFF, 1]), 0);
    assert_eq!(i64_at(&e, OFF), 4);
    assert_eq!(pread(&mut e, b, 64, 0), b"012356");
    // Same file: overlapping ranges EINVAL, disjoint ones fine.
    put_i64(&mut e, OFF, 0);
    put_i64(&mut e, OFF + 8, 3);
    assert_eq!(e.call(nr::copy_file_range, &[a as u32, OFF, a as u32, OFF + 8, 4, 0]), EINVAL);
    put_i64(&mut e, OFF + 8, 10);
    assert_eq!(e.call(nr::copy_file_range, &[a as u32, OFF, a as u32, OFF + 8, 4, 0]), 4);
    assert_eq!(pread(&mut e, a, 64, 0), b"01234567890123");
    // Errors.
    assert_eq!(e.call(nr::copy_file_range, &[a as u32, 0, b as u32, 0, 1, 1]), EINVAL, "flags");
    put_i64(&mut e, OFF, -1);
    assert_eq!(e.call(nr::copy_file_range, &[a as u32, OFF, b as u32, 0, 1, 0]), EINVAL);
    assert_eq!(e.call(nr::copy_file_range, &[99, 0, b as u32, 0, 1, 0]), EBADF);
    let ro = open(&mut e, "/a", O_RDONLY, 0);
    let wo = open(&mut e, "/b", O_WRONLY, 0);
    let ap = open(&mut e, "/b", O_WRONLY | O_APPEND, 0);
    assert_eq!(e.call(nr::copy_file_range, &[a as u32, 0, ro as u32, 0, 1, 0]), EBADF, "out not writable");
    assert_eq!(e.call(nr::copy_file_range, &[wo as u32, 0, b as u32, 0, 1, 0]), EBADF, "in not readable");
    assert_eq!(e.call(nr::copy_file_range, &[a as u32, 0, ap as u32, 0, 1, 0]), EBADF, "O_APPEND");
    let d = open(&mut e, "/", O_RDONLY, 0);
    assert_eq!(e.call(nr::copy_file_range, &[d as u32, 0, b as u32, 0, 1, 0]), EISDIR);
    assert_eq!(e.call(nr::pipe2, &[OFF, 0]), 0);
    let (pr, pw) = (e.u32_at(OFF), e.u32_at(OFF + 4));
    assert_eq!(e.call(nr::copy_file_range, &[a as u32, 0, pw, 0, 1, 0]), EINVAL);
    assert_eq!(e.call(nr::copy_file_range, &[pr, 0, b as u32, 0, 1, 0]), EINVAL);
    assert_eq!(e.call(nr::copy_file_range, &[a as u32, 0, b as u32, 0, 0, 0]), 0);
}
