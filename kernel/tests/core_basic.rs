//! Step-1 smoke tests: console write, exit, unknown syscalls.
mod common;
use common::*;
use wasmlinux_kernel::syscall::nr;
use wasmlinux_kernel::*;

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
fn exit_ends_single_thread_process() {
    let mut e = Env::new();
    assert!(matches!(e.sc(nr::exit, &[0x102]), SyscallOutcome::Exit));
    assert_eq!(&*e.host.exited.lock().unwrap(), &[(1, ExitStatus::Exited(2))]);
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

trait RetExt {
    fn ret(self) -> i32;
}
impl RetExt for SyscallOutcome {
    fn ret(self) -> i32 {
        common::ret(self)
    }
}
