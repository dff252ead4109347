//! Tests of the syscall family in `kernel/src/syscall/pipe.rs`: pipe2 (EOF, EPIPE, non-blocking,
//! blocking reader, pipe size) and FIFOs across two tasks.
mod common;
use common::*;
use std::sync::Arc;
use std::time::Duration;
use wasmlinux_kernel::syscall::nr;
use wasmlinux_kernel::*;

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
fn fifo_open_rules_and_data_across_two_tasks() {
    let mut e = Env::new();
    let p = e.cstr(SCRATCH, "/tmp/fifo");
    assert_eq!(e.call(nr::mknodat, &[AT_FDCWD, p, S_IFIFO | 0o666, 0]), 0);
    // No reader: a non-blocking writer fails with ENXIO.
    assert_eq!(open(&mut e, "/tmp/fifo", O_WRONLY | O_NONBLOCK, 0), ENXIO);
    // A non-blocking reader succeeds at once, and reads EAGAIN-free EOF
    // (no writer ever opened, Linux returns 0).
    let r = open(&mut e, "/tmp/fifo", O_NONBLOCK, 0);
    assert!(r >= 0, "{r}");
    assert_eq!(e.call(nr::close, &[r as u32]), 0);

    let (child, mut cmem) = fork(&mut e);
    let k: Arc<Kernel> = e.k.clone();
    let reader = std::thread::spawn(move || {
        let p = cstr(&mut cmem, SCRATCH, "/tmp/fifo");
        // Blocks until the writer opens.
        let fd = csc(&k, child, &mut cmem, nr::openat, &[AT_FDCWD, p, 0, 0]);
        assert!(fd >= 0, "reader open: {fd}");
        let mut got = Vec::new();
        loop {
            let n = csc(&k, child, &mut cmem, nr::read, &[fd as u32, SCRATCH + 0x100, 64]);
            assert!(n >= 0, "read: {n}");
            if n == 0 {
                break;
            }
            let mut b = vec![0u8; n as usize];
            cmem.read(SCRATCH + 0x100, &mut b).unwrap();
            got.extend(b);
        }
        got
    });
    std::thread::sleep(std::time::Duration::from_millis(50));
    // Blocks until the reader opened (it has, or will).
    let w = open(&mut e, "/tmp/fifo", O_WRONLY, 0);
    assert!(w >= 0, "writer open: {w}");
    e.put(SCRATCH + 0x100, b"through the fifo");
    assert_eq!(e.call(nr::write, &[w as u32, SCRATCH + 0x100, 16]), 16);
    assert_eq!(e.call(nr::close, &[w as u32]), 0);
    assert_eq!(reader.join().unwrap(), b"through the fifo");
    // O_RDWR never waits.
    let rw = open(&mut e, "/tmp/fifo", O_RDWR, 0);
    assert!(rw >= 0);
    assert_eq!(e.call(nr::write, &[rw as u32, SCRATCH + 0x100, 3]), 3);
    assert_eq!(e.call(nr::read, &[rw as u32, SCRATCH + 0x200, 3]), 3);
}
