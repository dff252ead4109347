//! Tests of the syscall family in `kernel/src/syscall/open.rs`: openat: flags, modes, creation and
//! the errnos of opening.
mod common;
use common::*;
use wasmlinux_kernel::syscall::nr;

#[test]
fn open_read_write_stat() {
    let mut e = Env::new();
    let fd = open(&mut e, "/f", O_CREAT | O_RDWR | O_EXCL, 0o640);
    assert!(fd >= 3, "{fd}");
    assert_eq!(write(&mut e, fd, b"hello world"), 11);
    let (mode, nlink, uid, size, _, _) = stat(&mut e, "/f", 0).unwrap();
    assert_eq!((mode, nlink, uid, size), (0o100640 & !0o022 | 0o100000, 1, 0, 11));
    // fstat64 agrees
    assert_eq!(e.call(nr::fstat64, &[fd as u32, BUF]), 0);
    assert_eq!(i64::from_le_bytes(e.get(BUF + 48, 8).try_into().unwrap()), 11);
    // lseek back and read
    assert_eq!(e.call(nr::_llseek, &[fd as u32, 0, 6, BUF + 512, 0]), 0);
    assert_eq!(i64::from_le_bytes(e.get(BUF + 512, 8).try_into().unwrap()), 6);
    assert_eq!(read(&mut e, fd, 100), b"world");
    assert_eq!(e.call(nr::_llseek, &[fd as u32, 0, 0, BUF + 512, 7]), EINVAL);
    close(&mut e, fd);
    // O_APPEND
    let fd = open(&mut e, "/f", O_WRONLY | O_APPEND, 0);
    assert_eq!(write(&mut e, fd, b"!"), 1);
    close(&mut e, fd);
    assert_eq!(stat(&mut e, "/f", 0).unwrap().3, 12);
    // O_TRUNC
    let fd_1 = open(&mut e, "/f", O_WRONLY | O_TRUNC, 0);
    close(&mut e, fd_1);
    assert_eq!(stat(&mut e, "/f", 0).unwrap().3, 0);
}

#[test]
fn open_errnos() {
    let mut e = Env::new();
    assert_eq!(open(&mut e, "/nope", O_RDONLY, 0), ENOENT);
    let fd_2 = open(&mut e, "/f", O_CREAT | O_WRONLY, 0o644);
    close(&mut e, fd_2);
    assert_eq!(open(&mut e, "/f", O_CREAT | O_EXCL | O_WRONLY, 0o644), EEXIST);
    assert_eq!(open(&mut e, "/f/x", O_RDONLY, 0), ENOTDIR);
    assert_eq!(open(&mut e, "/f", O_RDONLY | O_DIRECTORY, 0), ENOTDIR);
    assert_eq!(open(&mut e, "/", O_RDWR, 0), EISDIR);
    assert_eq!(e.call(nr::openat, &[AT_FDCWD, 0xffff_fff0, O_RDONLY, 0]), EFAULT);
    let c_3 = e.cstr(P1, "rel");
    assert_eq!(e.call(nr::openat, &[77, c_3, O_RDONLY, 0]), EBADF);
    let long = format!("/{}", "n".repeat(300));
    assert_eq!(open(&mut e, &long, O_RDONLY, 0), ENAMETOOLONG);
    assert_eq!(open(&mut e, "", O_RDONLY, 0), ENOENT);
    assert_eq!(open(&mut e, "/t", 0o20200000 | O_RDWR, 0o600), EOPNOTSUPP);
    // dirfd that is a file, relative path → ENOTDIR
    let fd = open(&mut e, "/f", O_RDONLY, 0);
    let c_4 = e.cstr(P1, "x");
    assert_eq!(e.call(nr::openat, &[fd as u32, c_4, O_RDONLY, 0]), ENOTDIR);
}
