//! Tests of the syscall family in `kernel/src/syscall/memfd.rs`: memfd_create: an anonymous tmpfs
//! file.
mod common;
use common::*;
use wasmlinux_kernel::syscall::nr;

fn pread(e: &mut Env, fd: i32, len: usize, off: u32) -> Vec<u8> {
    let n = e.call(nr::pread64, &[fd as u32, BUF, len as u32, off, 0]);
    assert!(n >= 0, "pread: {n}");
    e.get(BUF, n as usize)
}

#[test]
fn memfd_create_anonymous_file() {
    let mut e = Env::new();
    e.cstr(P1, "cache");
    let fd = e.call(nr::memfd_create, &[P1, 1 /* MFD_CLOEXEC */]);
    assert!(fd >= 3, "{fd}");
    assert_eq!(e.call(nr::fcntl64, &[fd as u32, 1 /* F_GETFD */]), 1);
    assert_eq!(e.call(nr::fcntl64, &[fd as u32, 3 /* F_GETFL */]) & 3, O_RDWR as i32);
    assert_eq!(write(&mut e, fd, b"hello memfd"), 11);
    assert_eq!(pread(&mut e, fd, 64, 6), b"memfd");
    assert_eq!(e.call(nr::ftruncate64, &[fd as u32, 4096, 0]), 0);
    assert_eq!(e.call(nr::fstat64, &[fd as u32, BUF]), 0);
    let b = e.get(BUF, 104);
    let mode = u32::from_le_bytes(b[16..20].try_into().unwrap());
    let size = i64::from_le_bytes(b[48..56].try_into().unwrap());
    assert_eq!((mode, size), (0o100777, 4096));
    // /proc/self/fd shows the memfd name.
    e.cstr(P1, &format!("/proc/self/fd/{fd}"));
    let n = e.call(nr::readlinkat, &[AT_FDCWD, P1, BUF, 256]);
    assert_eq!(e.get(BUF, n as usize), b"/memfd:cache (deleted)");
    // Without MFD_CLOEXEC; MFD_ALLOW_SEALING is accepted.
    e.cstr(P1, "x");
    let fd2 = e.call(nr::memfd_create, &[P1, 2]);
    assert!(fd2 > fd);
    assert_eq!(e.call(nr::fcntl64, &[fd2 as u32, 1]), 0);
    // Two memfds are distinct files.
    assert_eq!(pread(&mut e, fd2, 64, 0), b"");
    // Unknown flags, MFD_HUGETLB, MFD_EXEC|MFD_NOEXEC_SEAL, long names: EINVAL.
    assert_eq!(e.call(nr::memfd_create, &[P1, 0x100]), EINVAL);
    assert_eq!(e.call(nr::memfd_create, &[P1, 4]), EINVAL);
    assert_eq!(e.call(nr::memfd_create, &[P1, 0x18]), EINVAL);
    e.cstr(P1, &"n".repeat(250));
    assert_eq!(e.call(nr::memfd_create, &[P1, 0]), EINVAL);
    e.cstr(P1, &"n".repeat(249));
    assert!(e.call(nr::memfd_create, &[P1, 8 /* MFD_NOEXEC_SEAL */]) >= 0);
    assert_eq!(e.call(nr::memfd_create, &[0x10, 0]), EFAULT);
}
