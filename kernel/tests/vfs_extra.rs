//! memfd_create, copy_file_range, sync_file_range, readahead, syncfs and
//! openat2 through the raw entry, with exact results and errnos.

mod common;

use common::*;
use wasmlinux_kernel::syscall::nr;

const AT_FDCWD: u32 = -100i32 as u32;
const O_RDONLY: u32 = 0;
const O_WRONLY: u32 = 1;
const O_RDWR: u32 = 2;
const O_CREAT: u32 = 0o100;
const O_APPEND: u32 = 0o2000;
const O_PATH: u32 = 0o10000000;
const EISDIR: i32 = -21;
const ENOTDIR: i32 = -20;

const P1: u32 = 0x2000;
const BUF: u32 = 0x10000;
const OFF: u32 = 0x5000;

fn open(e: &mut Env, path: &str, flags: u32, mode: u32) -> i32 {
    e.cstr(P1, path);
    e.call(nr::openat, &[AT_FDCWD, P1, flags, mode])
}
fn write(e: &mut Env, fd: i32, data: &[u8]) -> i32 {
    e.put(BUF, data);
    e.call(nr::write, &[fd as u32, BUF, data.len() as u32])
}
fn pread(e: &mut Env, fd: i32, len: usize, off: u32) -> Vec<u8> {
    let n = e.call(nr::pread64, &[fd as u32, BUF, len as u32, off, 0]);
    assert!(n >= 0, "pread: {n}");
    e.get(BUF, n as usize)
}
fn put_i64(e: &mut Env, addr: u32, v: i64) {
    e.put(addr, &v.to_le_bytes());
}
fn i64_at(e: &Env, addr: u32) -> i64 {
    i64::from_le_bytes(e.get(addr, 8).try_into().unwrap())
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

#[test]
fn sync_file_range_and_readahead() {
    let mut e = Env::new();
    let f = open(&mut e, "/f", O_CREAT | O_RDWR, 0o644) as u32;
    assert_eq!(e.call(nr::sync_file_range, &[f, 0, 0, 100, 0, 7]), 0);
    assert_eq!(e.call(nr::sync_file_range, &[f, 0, 0, 0, 0, 8]), EINVAL, "bad flag");
    assert_eq!(e.call(nr::sync_file_range, &[f, 0, 0x8000_0000, 0, 0, 0]), EINVAL, "negative offset");
    assert_eq!(e.call(nr::sync_file_range, &[f, 0, 0, 0, 0x8000_0000, 0]), EINVAL, "negative length");
    assert_eq!(e.call(nr::sync_file_range, &[f, 0xffff_ffff, 0x7fff_ffff, 2, 0, 0]), EINVAL, "overflow");
    assert_eq!(e.call(nr::sync_file_range, &[99, 0, 0, 0, 0, 0]), EBADF);
    assert_eq!(e.call(nr::sync_file_range, &[99, 0, 0, 0, 0, 8]), EINVAL, "flags are checked before the fd");
    let d = open(&mut e, "/", O_RDONLY, 0) as u32;
    assert_eq!(e.call(nr::sync_file_range, &[d, 0, 0, 0, 0, 0]), 0);
    assert_eq!(e.call(nr::pipe2, &[OFF, 0]), 0);
    let pr = e.u32_at(OFF);
    assert_eq!(e.call(nr::sync_file_range, &[pr, 0, 0, 0, 0, 0]), ESPIPE);
    let null = open(&mut e, "/dev/null", O_RDWR, 0) as u32;
    assert_eq!(e.call(nr::sync_file_range, &[null, 0, 0, 0, 0, 0]), ESPIPE);
    let p = open(&mut e, "/f", O_PATH, 0) as u32;
    assert_eq!(e.call(nr::sync_file_range, &[p, 0, 0, 0, 0, 0]), EBADF);

    assert_eq!(e.call(nr::readahead, &[f, 0, 0, 4096]), 0);
    assert_eq!(e.call(nr::readahead, &[d, 0, 0, 4096]), EINVAL);
    assert_eq!(e.call(nr::readahead, &[pr, 0, 0, 4096]), EINVAL);
    assert_eq!(e.call(nr::readahead, &[99, 0, 0, 4096]), EBADF);
    let wo = open(&mut e, "/f", O_WRONLY, 0) as u32;
    assert_eq!(e.call(nr::readahead, &[wo, 0, 0, 4096]), EBADF);
    assert_eq!(e.call(nr::readahead, &[p, 0, 0, 4096]), EBADF);
}

#[test]
fn syncfs_and_openat2() {
    let mut e = Env::new();
    let f = open(&mut e, "/f", O_CREAT | O_RDWR, 0o644);
    assert_eq!(e.call(nr::syncfs, &[f as u32]), 0);
    assert_eq!(e.call(nr::syncfs, &[99]), EBADF);
    // openat2 with struct open_how { flags, mode, resolve } (24 bytes).
    let how = |flags: u64, mode: u64, resolve: u64| -> Vec<u8> { [flags, mode, resolve].iter().flat_map(|x| x.to_le_bytes()).collect() };
    e.put(OFF, &how(O_RDWR as u64, 0, 0));
    e.cstr(P1, "/f");
    let g = e.call(nr::openat2, &[AT_FDCWD, P1, OFF, 24]);
    assert!(g > f, "{g}");
    assert_eq!(e.call(nr::openat2, &[AT_FDCWD, P1, OFF, 16]), EINVAL, "short open_how");
    // Non-zero bytes past the known struct: E2BIG; zero ones are fine.
    e.put(OFF, &[how(O_RDWR as u64, 0, 0), vec![0, 0, 0, 0, 0, 0, 0, 0]].concat());
    assert!(e.call(nr::openat2, &[AT_FDCWD, P1, OFF, 32]) >= 0);
    e.put(OFF + 24, &[1]);
    assert_eq!(e.call(nr::openat2, &[AT_FDCWD, P1, OFF, 32]), E2BIG);
    // A mode without O_CREAT is EINVAL (unlike openat); unknown RESOLVE_* too.
    e.put(OFF, &how(O_RDWR as u64, 0o644, 0));
    assert_eq!(e.call(nr::openat2, &[AT_FDCWD, P1, OFF, 24]), EINVAL);
    e.put(OFF, &how(O_RDWR as u64, 0, 0x01 /* RESOLVE_NO_XDEV */));
    assert_eq!(e.call(nr::openat2, &[AT_FDCWD, P1, OFF, 24]), EINVAL);
    // RESOLVE_IN_ROOT: "/f" is looked up below the dirfd.
    e.cstr(0x6000, "/d");
    assert_eq!(e.call(nr::mkdirat, &[AT_FDCWD, 0x6000, 0o755]), 0);
    assert!(open(&mut e, "/d/f", O_CREAT | O_RDWR, 0o644) >= 0);
    let d = open(&mut e, "/d", O_RDONLY, 0) as u32;
    assert_eq!(write(&mut e, f, b"outer"), 5);
    e.put(OFF, &how(O_RDONLY as u64, 0, 0x10));
    e.cstr(P1, "/f");
    let inner = e.call(nr::openat2, &[d, P1, OFF, 24]);
    assert!(inner >= 0);
    assert_eq!(e.call(nr::read, &[inner as u32, BUF, 10]), 0, "the empty /d/f, not /f");
    e.cstr(P1, "f/x");
    assert_eq!(e.call(nr::openat2, &[d, P1, OFF, 24]), ENOTDIR);
}
