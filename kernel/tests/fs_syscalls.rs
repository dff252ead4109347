//! VFS syscalls through the raw entry `Kernel::syscall`, with exact
//! results and errnos.

mod common;

use common::*;
use wasmlinux_kernel::syscall::nr;

const AT_FDCWD: u32 = -100i32 as u32;
const O_RDONLY: u32 = 0;
const O_WRONLY: u32 = 1;
const O_RDWR: u32 = 2;
const O_CREAT: u32 = 0o100;
const O_EXCL: u32 = 0o200;
const O_TRUNC: u32 = 0o1000;
const O_APPEND: u32 = 0o2000;
const O_DIRECTORY: u32 = 0o200000;
const O_NOFOLLOW: u32 = 0o400000;
const O_PATH: u32 = 0o10000000;
const AT_SYMLINK_NOFOLLOW: u32 = 0x100;
const AT_REMOVEDIR: u32 = 0x200;
const AT_EMPTY_PATH: u32 = 0x1000;
const ENOTDIR: i32 = -20;
const EISDIR: i32 = -21;
const EXDEV: i32 = -18;
const EBUSY: i32 = -16;
const ENOTEMPTY: i32 = -39;
const ELOOP: i32 = -40;
const EROFS: i32 = -30;
const EOPNOTSUPP: i32 = -95;

const P1: u32 = 0x2000;
const P2: u32 = 0x3000;
const BUF: u32 = 0x10000;

fn open(e: &mut Env, path: &str, flags: u32, mode: u32) -> i32 {
    let p = e.cstr(P1, path);
    e.call(nr::openat, &[AT_FDCWD, p, flags, mode])
}
fn mkdir(e: &mut Env, path: &str, mode: u32) -> i32 {
    let p = e.cstr(P1, path);
    e.call(nr::mkdirat, &[AT_FDCWD, p, mode])
}
fn write(e: &mut Env, fd: i32, data: &[u8]) -> i32 {
    e.put(BUF, data);
    e.call(nr::write, &[fd as u32, BUF, data.len() as u32])
}
fn read(e: &mut Env, fd: i32, len: usize) -> Vec<u8> {
    let n = e.call(nr::read, &[fd as u32, BUF, len as u32]);
    assert!(n >= 0, "read: {n}");
    e.get(BUF, n as usize)
}
fn close(e: &mut Env, fd: i32) {
    assert_eq!(e.call(nr::close, &[fd as u32]), 0);
}
/// fstatat64 → (mode, nlink, uid, size, blocks, ino)
fn stat(e: &mut Env, path: &str, flags: u32) -> Result<(u32, u32, u32, i64, i64, u64), i32> {
    let p = e.cstr(P1, path);
    let r = e.call(nr::fstatat64, &[AT_FDCWD, p, BUF, flags]);
    if r < 0 {
        return Err(r);
    }
    let b = e.get(BUF, 104);
    let u32_ = |o: usize| u32::from_le_bytes(b[o..o + 4].try_into().unwrap());
    let i64_ = |o: usize| i64::from_le_bytes(b[o..o + 8].try_into().unwrap());
    Ok((u32_(16), u32_(20), u32_(24), i64_(48), i64_(64), u64::from_le_bytes(b[8..16].try_into().unwrap())))
}
fn become_user(e: &mut Env, uid: u32) {
    assert_eq!(e.call(nr::setgid, &[uid]), 0);
    assert_eq!(e.call(nr::setuid, &[uid]), 0);
}

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

#[test]
fn dirs_getdents_unlink() {
    let mut e = Env::new();
    assert_eq!(mkdir(&mut e, "/d", 0o755), 0);
    assert_eq!(mkdir(&mut e, "/d", 0o755), EEXIST);
    assert_eq!(mkdir(&mut e, "/nope/d", 0o755), ENOENT);
    for n in ["a", "bb", "ccc"] {
        let fd_5 = open(&mut e, &format!("/d/{n}"), O_CREAT | O_WRONLY, 0o644);
        close(&mut e, fd_5);
    }
    let fd = open(&mut e, "/d", O_RDONLY | O_DIRECTORY, 0);
    let n = e.call(nr::getdents64, &[fd as u32, BUF, 4096]);
    assert!(n > 0);
    let buf = e.get(BUF, n as usize);
    let mut names = Vec::new();
    let mut off = 0;
    while off < buf.len() {
        let reclen = u16::from_le_bytes([buf[off + 16], buf[off + 17]]) as usize;
        assert_eq!(reclen % 8, 0);
        let name: Vec<u8> = buf[off + 19..off + reclen].iter().copied().take_while(|&b| b != 0).collect();
        names.push(String::from_utf8(name).unwrap());
        off += reclen;
    }
    assert_eq!(names, [".", "..", "a", "bb", "ccc"]);
    assert_eq!(e.call(nr::getdents64, &[fd as u32, BUF, 4096]), 0);
    assert_eq!(e.call(nr::getdents64, &[fd as u32, BUF, 10]), 0);
    // rewind; a too small buffer is EINVAL
    assert_eq!(e.call(nr::_llseek, &[fd as u32, 0, 0, BUF + 8192, 0]), 0);
    assert_eq!(e.call(nr::getdents64, &[fd as u32, BUF, 10]), EINVAL);
    assert_eq!(e.call(nr::getdents64, &[99, BUF, 4096]), EBADF);
    let f = open(&mut e, "/d/a", O_RDONLY, 0);
    assert_eq!(e.call(nr::getdents64, &[f as u32, BUF, 4096]), ENOTDIR);
    let p = e.cstr(P1, "/d");
    assert_eq!(e.call(nr::unlinkat, &[AT_FDCWD, p, AT_REMOVEDIR]), ENOTEMPTY);
    assert_eq!(e.call(nr::unlinkat, &[AT_FDCWD, p, 0]), EISDIR);
    assert_eq!(e.call(nr::unlinkat, &[AT_FDCWD, p, 0x1]), EINVAL);
    // relative to a dirfd
    for n in ["a", "bb", "ccc"] {
        let q = e.cstr(P2, n);
        assert_eq!(e.call(nr::unlinkat, &[fd as u32, q, 0]), 0);
    }
    let q = e.cstr(P2, "a");
    assert_eq!(e.call(nr::unlinkat, &[fd as u32, q, 0]), ENOENT);
    assert_eq!(e.call(nr::unlinkat, &[AT_FDCWD, p, AT_REMOVEDIR]), 0);
}

#[test]
fn cwd_chdir_chroot() {
    let mut e = Env::new();
    assert_eq!(mkdir(&mut e, "/a", 0o755), 0);
    assert_eq!(mkdir(&mut e, "/a/b", 0o755), 0);
    let p = e.cstr(P1, "/a/b");
    assert_eq!(e.call(nr::chdir, &[p]), 0);
    assert_eq!(e.call(nr::getcwd, &[BUF, 100]), 5);
    assert_eq!(e.get(BUF, 5), b"/a/b\0");
    assert_eq!(e.call(nr::getcwd, &[BUF, 4]), ERANGE);
    let fd_6 = open(&mut e, "rel", O_CREAT | O_WRONLY, 0o644);
    close(&mut e, fd_6);
    assert!(stat(&mut e, "/a/b/rel", 0).is_ok());
    let p = e.cstr(P1, "rel");
    assert_eq!(e.call(nr::chdir, &[p]), ENOTDIR);
    let fd = open(&mut e, "/a", O_RDONLY | O_DIRECTORY, 0);
    assert_eq!(e.call(nr::fchdir, &[fd as u32]), 0);
    assert_eq!(e.call(nr::getcwd, &[BUF, 100]), 3);
    assert_eq!(e.call(nr::fchdir, &[99]), EBADF);
    // removed cwd
    let p = e.cstr(P1, "/a/b/rel");
    assert_eq!(e.call(nr::unlinkat, &[AT_FDCWD, p, 0]), 0);
    let p = e.cstr(P1, "/a/b");
    assert_eq!(e.call(nr::chdir, &[p]), 0);
    assert_eq!(e.call(nr::unlinkat, &[AT_FDCWD, p, AT_REMOVEDIR]), 0);
    assert_eq!(e.call(nr::getcwd, &[BUF, 100]), ENOENT);
    // chroot
    let p = e.cstr(P1, "/a");
    assert_eq!(e.call(nr::chroot, &[p]), 0);
    let c_7 = e.cstr(P1, "/");
    assert_eq!(e.call(nr::chdir, &[c_7]), 0);
    assert_eq!(e.call(nr::getcwd, &[BUF, 100]), 2);
    let c_8 = e.cstr(P1, "/../../..");
    assert_eq!(e.call(nr::chdir, &[c_8]), 0);
    assert_eq!(e.call(nr::getcwd, &[BUF, 100]), 2);
    become_user(&mut e, 1000);
    let c_9 = e.cstr(P1, "/");
    assert_eq!(e.call(nr::chroot, &[c_9]), EPERM);
}

#[test]
fn symlinks_readlink_eloop() {
    let mut e = Env::new();
    let fd_10 = open(&mut e, "/target", O_CREAT | O_WRONLY, 0o644);
    close(&mut e, fd_10);
    let t = e.cstr(P1, "/target");
    let l = e.cstr(P2, "/link");
    assert_eq!(e.call(nr::symlinkat, &[t, AT_FDCWD, l]), 0);
    assert_eq!(e.call(nr::symlinkat, &[t, AT_FDCWD, l]), EEXIST);
    assert_eq!(e.call(nr::readlinkat, &[AT_FDCWD, l, BUF, 100]), 7);
    assert_eq!(e.get(BUF, 7), b"/target");
    assert_eq!(e.call(nr::readlinkat, &[AT_FDCWD, l, BUF, 3]), 3);
    assert_eq!(e.call(nr::readlinkat, &[AT_FDCWD, l, BUF, 0]), EINVAL);
    assert_eq!(e.call(nr::readlinkat, &[AT_FDCWD, t, BUF, 100]), EINVAL);
    assert_eq!(stat(&mut e, "/link", AT_SYMLINK_NOFOLLOW).unwrap().0 & 0o170000, 0o120000);
    assert_eq!(stat(&mut e, "/link", 0).unwrap().0 & 0o170000, 0o100000);
    assert_eq!(open(&mut e, "/link", O_RDONLY | O_NOFOLLOW, 0), ELOOP);
    let a = e.cstr(P1, "/l2");
    let b = e.cstr(P2, "/l1");
    assert_eq!(e.call(nr::symlinkat, &[a, AT_FDCWD, b]), 0);
    let a = e.cstr(P1, "/l1");
    let b = e.cstr(P2, "/l2");
    assert_eq!(e.call(nr::symlinkat, &[a, AT_FDCWD, b]), 0);
    assert_eq!(open(&mut e, "/l1", O_RDONLY, 0), ELOOP);
    // O_PATH|O_NOFOLLOW then readlinkat(fd, "")
    let fd = open(&mut e, "/link", O_PATH | O_NOFOLLOW, 0);
    assert!(fd >= 0);
    let empty = e.cstr(P1, "");
    assert_eq!(e.call(nr::readlinkat, &[fd as u32, empty, BUF, 100]), 7);
    assert_eq!(e.call(nr::read, &[fd as u32, BUF, 10]), EBADF);
    assert_eq!(e.call(nr::fstatat64, &[fd as u32, empty, BUF, AT_EMPTY_PATH]), 0);
    assert_eq!(e.call(nr::fstatat64, &[fd as u32, empty, BUF, 0]), ENOENT);
}

#[test]
fn links_rename_and_exdev() {
    let mut e = Env::new();
    let fd_11 = open(&mut e, "/a", O_CREAT | O_WRONLY, 0o644);
    close(&mut e, fd_11);
    let a = e.cstr(P1, "/a");
    let b = e.cstr(P2, "/b");
    assert_eq!(e.call(nr::linkat, &[AT_FDCWD, a, AT_FDCWD, b, 0]), 0);
    assert_eq!(stat(&mut e, "/a", 0).unwrap().1, 2);
    assert_eq!(e.call(nr::linkat, &[AT_FDCWD, a, AT_FDCWD, b, 0]), EEXIST);
    assert_eq!(e.call(nr::linkat, &[AT_FDCWD, a, AT_FDCWD, b, 0x8000]), EINVAL);
    let root = e.cstr(P1, "/");
    let c = e.cstr(P2, "/c");
    assert_eq!(e.call(nr::linkat, &[AT_FDCWD, root, AT_FDCWD, c, 0]), EPERM);
    // renameat2
    let a = e.cstr(P1, "/a");
    let c = e.cstr(P2, "/c");
    assert_eq!(e.call(nr::renameat2, &[AT_FDCWD, a, AT_FDCWD, c, 0]), 0);
    assert_eq!(stat(&mut e, "/a", 0), Err(ENOENT));
    let b = e.cstr(P1, "/b");
    assert_eq!(e.call(nr::renameat2, &[AT_FDCWD, b, AT_FDCWD, c, 1]), EEXIST);
    assert_eq!(e.call(nr::renameat2, &[AT_FDCWD, b, AT_FDCWD, c, 3]), EINVAL);
    assert_eq!(e.call(nr::renameat2, &[AT_FDCWD, b, AT_FDCWD, c, 2]), 0);
    assert_eq!(mkdir(&mut e, "/d", 0o755), 0);
    let d = e.cstr(P1, "/d");
    let dd = e.cstr(P2, "/d/sub");
    assert_eq!(e.call(nr::renameat2, &[AT_FDCWD, d, AT_FDCWD, dd, 0]), EINVAL);
    // mount a tmpfs and try to cross it
    assert_eq!(mkdir(&mut e, "/mnt", 0o755), 0);
    let src = e.cstr(0x4000, "none");
    let tgt = e.cstr(0x4100, "/mnt");
    let ty = e.cstr(0x4200, "tmpfs");
    assert_eq!(e.call(nr::mount, &[src, tgt, ty, 0, 0]), 0);
    let b = e.cstr(P1, "/b");
    let m = e.cstr(P2, "/mnt/b");
    assert_eq!(e.call(nr::renameat2, &[AT_FDCWD, b, AT_FDCWD, m, 0]), EXDEV);
    assert_eq!(e.call(nr::linkat, &[AT_FDCWD, b, AT_FDCWD, m, 0]), EXDEV);
    assert_eq!(e.call(nr::unlinkat, &[AT_FDCWD, tgt, AT_REMOVEDIR]), EBUSY);
    // remount read-only
    assert_eq!(e.call(nr::mount, &[src, tgt, 0, 32 | 1, 0]), 0);
    assert_eq!(open(&mut e, "/mnt/x", O_CREAT | O_WRONLY, 0o644), EROFS);
    let c_12 = e.cstr(0x4300, "/d");
    assert_eq!(e.call(nr::umount2, &[c_12, 0]), EINVAL);
    assert_eq!(e.call(nr::umount2, &[tgt, 0x10]), EINVAL);
    assert_eq!(e.call(nr::umount2, &[tgt, 0]), 0);
    let c_13 = e.cstr(0x4200, "nosuchfs");
    assert_eq!(e.call(nr::mount, &[src, tgt, c_13, 0, 0]), -19);
    become_user(&mut e, 1000);
    let c_14 = e.cstr(0x4200, "tmpfs");
    assert_eq!(e.call(nr::mount, &[src, tgt, c_14, 0, 0]), EPERM);
    assert_eq!(e.call(nr::umount2, &[tgt, 0]), EPERM);
}

#[test]
fn permissions_as_non_root() {
    let mut e = Env::new();
    assert_eq!(mkdir(&mut e, "/priv", 0o700), 0);
    let fd_15 = open(&mut e, "/priv/f", O_CREAT | O_WRONLY, 0o600);
    close(&mut e, fd_15);
    let fd_16 = open(&mut e, "/pub", O_CREAT | O_WRONLY, 0o644);
    close(&mut e, fd_16);
    assert_eq!(mkdir(&mut e, "/stmp", 0o777), 0);
    let t = e.cstr(P1, "/stmp");
    assert_eq!(e.call(nr::fchmodat, &[AT_FDCWD, t, 0o1777]), 0);
    become_user(&mut e, 1000);
    assert_eq!(open(&mut e, "/priv/f", O_RDONLY, 0), EACCES);
    assert_eq!(stat(&mut e, "/priv/f", 0), Err(EACCES));
    assert_eq!(open(&mut e, "/pub", O_WRONLY, 0), EACCES);
    assert_eq!(mkdir(&mut e, "/x", 0o755), EACCES);
    let p = e.cstr(P1, "/pub");
    assert_eq!(e.call(nr::faccessat, &[AT_FDCWD, p, 2]), EACCES);
    assert_eq!(e.call(nr::faccessat, &[AT_FDCWD, p, 4]), 0);
    assert_eq!(e.call(nr::faccessat2, &[AT_FDCWD, p, 4, 0x8000]), EINVAL);
    assert_eq!(e.call(nr::fchmodat, &[AT_FDCWD, p, 0o777]), EPERM);
    assert_eq!(e.call(nr::fchownat, &[AT_FDCWD, p, 1000, u32::MAX, 0]), EPERM);
    let u = e.cstr(P1, "/priv/f");
    assert_eq!(e.call(nr::unlinkat, &[AT_FDCWD, u, 0]), EACCES);
    // own file in /tmp: chmod ok, chown to another user not
    let fd = open(&mut e, "/stmp/mine", O_CREAT | O_RDWR, 0o600);
    assert!(fd >= 0);
    assert_eq!(stat(&mut e, "/stmp/mine", 0).unwrap().2, 1000);
    assert_eq!(e.call(nr::fchmod, &[fd as u32, 0o640]), 0);
    assert_eq!(e.call(nr::fchown, &[fd as u32, 0, u32::MAX]), EPERM);
    assert_eq!(e.call(nr::fchown, &[fd as u32, 1000, 1000]), 0);
    // mknod of a device is root-only
    let n = e.cstr(P1, "/stmp/null");
    assert_eq!(e.call(nr::mknodat, &[AT_FDCWD, n, 0o020666, 0x103]), EPERM);
    assert_eq!(e.call(nr::mknodat, &[AT_FDCWD, n, 0o010644, 0]), 0);
}

#[test]
fn times_truncate_fallocate_statx_statfs() {
    let mut e = Env::new();
    let fd = open(&mut e, "/f", O_CREAT | O_RDWR, 0o644);
    // utimensat with explicit times (time64 timespecs)
    let mut ts = Vec::new();
    for v in [1000i64, 5, 2000, 7] {
        ts.extend_from_slice(&v.to_le_bytes());
    }
    e.put(P2, &ts);
    let p = e.cstr(P1, "/f");
    assert_eq!(e.call(nr::utimensat_time64, &[AT_FDCWD, p, P2, 0]), 0);
    assert_eq!(e.call(nr::statx, &[AT_FDCWD, p, 0, 0xfff, BUF]), 0);
    let sx = e.get(BUF, 256);
    let i64_ = |o: usize| i64::from_le_bytes(sx[o..o + 8].try_into().unwrap());
    assert_eq!((i64_(64), i64_(112)), (1000, 2000));
    assert_eq!(u32::from_le_bytes(sx[120..124].try_into().unwrap()), 7);
    assert_eq!(u16::from_le_bytes(sx[28..30].try_into().unwrap()), 0o100644);
    // bad nsec
    let mut bad = ts.clone();
    bad[8..16].copy_from_slice(&2_000_000_000i64.to_le_bytes());
    e.put(P2, &bad);
    assert_eq!(e.call(nr::utimensat_time64, &[AT_FDCWD, p, P2, 0]), EINVAL);
    assert_eq!(e.call(nr::statx, &[AT_FDCWD, p, 0x6000, 0xfff, BUF]), EINVAL);
    // truncate64 / ftruncate64 / fallocate
    assert_eq!(e.call(nr::truncate64, &[p, 5000, 0]), 0);
    assert_eq!(stat(&mut e, "/f", 0).unwrap().3, 5000);
    assert_eq!(stat(&mut e, "/f", 0).unwrap().4, 0, "sparse: no blocks");
    assert_eq!(e.call(nr::ftruncate64, &[fd as u32, 10, 0]), 0);
    assert_eq!(e.call(nr::ftruncate64, &[fd as u32, u32::MAX, u32::MAX]), EINVAL);
    let ro = open(&mut e, "/f", O_RDONLY, 0);
    assert_eq!(e.call(nr::ftruncate64, &[ro as u32, 0, 0]), EINVAL);
    assert_eq!(e.call(nr::fallocate, &[fd as u32, 0, 0, 0, 8192, 0]), 0);
    assert_eq!(stat(&mut e, "/f", 0).unwrap().3, 8192);
    assert_eq!(e.call(nr::fallocate, &[fd as u32, 1, 0, 0, 16384, 0]), 0);
    assert_eq!(stat(&mut e, "/f", 0).unwrap().3, 8192);
    assert_eq!(e.call(nr::fallocate, &[fd as u32, 2, 0, 0, 10, 0]), EOPNOTSUPP);
    assert_eq!(e.call(nr::fallocate, &[ro as u32, 0, 0, 0, 10, 0]), EBADF);
    assert_eq!(e.call(nr::fallocate, &[fd as u32, 0, 0, 0, 0, 0]), EINVAL);
    let dir = e.cstr(P1, "/");
    assert_eq!(e.call(nr::truncate64, &[dir, 0, 0]), EISDIR);
    // statfs64
    assert_eq!(e.call(nr::statfs64, &[dir, 88, BUF]), 0);
    assert_eq!(e.u32_at(BUF), 0x0102_1994);
    assert_eq!(e.call(nr::statfs64, &[dir, 84, BUF]), EINVAL);
    assert_eq!(e.call(nr::fstatfs64, &[fd as u32, 88, BUF]), 0);
    assert_eq!(e.call(nr::fsync, &[fd as u32]), 0);
    assert_eq!(e.call(nr::fdatasync, &[fd as u32]), 0);
    assert_eq!(e.call(nr::fsync, &[99]), EBADF);
    assert_eq!(e.call(nr::sync, &[]), 0);
}

#[test]
fn devtmpfs_devices_and_flock() {
    let mut e = Env::new();
    let r = mkdir(&mut e, "/dev", 0o755);
    assert!(r == 0 || r == EEXIST, "{r}");
    let src = e.cstr(0x4000, "devtmpfs");
    let tgt = e.cstr(0x4100, "/dev");
    assert_eq!(e.call(nr::mount, &[src, tgt, src, 0, 0]), 0);
    let null = open(&mut e, "/dev/null", O_RDWR, 0);
    assert_eq!(write(&mut e, null, b"gone"), 4);
    assert_eq!(read(&mut e, null, 10), b"");
    let zero = open(&mut e, "/dev/zero", O_RDONLY, 0);
    e.put(BUF, &[1; 8]);
    assert_eq!(read(&mut e, zero, 8), [0; 8]);
    let full = open(&mut e, "/dev/full", O_WRONLY, 0);
    assert_eq!(write(&mut e, full, b"x"), -28);
    let ur = open(&mut e, "/dev/urandom", O_RDONLY, 0);
    assert_eq!(read(&mut e, ur, 16).len(), 16);
    assert_eq!(stat(&mut e, "/dev/null", 0).unwrap().0, 0o020666);
    assert_eq!(stat(&mut e, "/dev/fd", AT_SYMLINK_NOFOLLOW).unwrap().0 & 0o170000, 0o120000);
    // flock: exclusive conflicts across open file descriptions
    let a = open(&mut e, "/dev/null", O_RDONLY, 0);
    let b = open(&mut e, "/dev/null", O_RDONLY, 0);
    assert_eq!(e.call(nr::flock, &[a as u32, 2 | 4]), 0);
    assert_eq!(e.call(nr::flock, &[b as u32, 2 | 4]), EAGAIN);
    assert_eq!(e.call(nr::flock, &[b as u32, 1 | 4]), EAGAIN);
    assert_eq!(e.call(nr::flock, &[a as u32, 8]), 0);
    assert_eq!(e.call(nr::flock, &[b as u32, 1 | 4]), 0);
    assert_eq!(e.call(nr::flock, &[a as u32, 1 | 4]), 0);
    assert_eq!(e.call(nr::flock, &[a as u32, 99]), EINVAL);
}
