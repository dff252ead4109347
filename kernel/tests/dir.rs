//! Tests of the syscall family in `kernel/src/syscall/dir.rs`: directories: mkdirat, getdents64,
//! unlinkat of directories, getcwd, chdir, fchdir, chroot.
mod common;
use common::*;
use wasmlinux_kernel::syscall::nr;

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
