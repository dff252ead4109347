//! Tests of the syscall family in `kernel/src/syscall/path.rs`: path operations: symlinks and
//! readlink, ELOOP, link/rename/EXDEV, permissions as an unprivileged user.
mod common;
use common::*;
use wasmlinux_kernel::syscall::nr;

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
