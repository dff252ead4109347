//! Extended attributes through the raw entry: the path, l- and f-variants
//! of set/get/list/remove with Linux's errnos (man 2 setxattr, man 7 xattr).
mod common;
use common::*;
use wasmlinux_kernel::syscall::nr;

const NAME: u32 = 0x3000;
const XATTR_CREATE: u32 = 1;
const XATTR_REPLACE: u32 = 2;
const VAL: u32 = 0x4000;

fn set(e: &mut Env, call: u32, obj: u32, name: &str, value: &[u8], flags: u32) -> i32 {
    e.cstr(NAME, name);
    e.put(VAL, value);
    e.call(call, &[obj, NAME, VAL, value.len() as u32, flags])
}

fn get(e: &mut Env, call: u32, obj: u32, name: &str, size: u32) -> Result<Vec<u8>, i32> {
    e.cstr(NAME, name);
    let r = e.call(call, &[obj, NAME, BUF, size]);
    if r < 0 {
        return Err(r);
    }
    Ok(if size == 0 { vec![0; r as usize] } else { e.get(BUF, r as usize) })
}

#[test]
fn set_get_list_remove_on_tmpfs() {
    let mut e = Env::new();
    let fd = open(&mut e, "/f", 0o102, 0o644);
    assert!(fd >= 0);
    e.cstr(PATH, "/f");
    assert_eq!(set(&mut e, nr::setxattr, PATH, "user.a", b"one", 0), 0);
    assert_eq!(get(&mut e, nr::getxattr, PATH, "user.a", 100), Ok(b"one".to_vec()));
    // Size 0 asks for the length; a short buffer is ERANGE.
    assert_eq!(get(&mut e, nr::getxattr, PATH, "user.a", 0).map(|v| v.len()), Ok(3));
    assert_eq!(get(&mut e, nr::getxattr, PATH, "user.a", 2), Err(ERANGE));
    assert_eq!(get(&mut e, nr::getxattr, PATH, "user.missing", 10), Err(ENODATA));
    // XATTR_CREATE on an existing name, XATTR_REPLACE on a missing one.
    assert_eq!(set(&mut e, nr::setxattr, PATH, "user.a", b"x", XATTR_CREATE), EEXIST);
    assert_eq!(set(&mut e, nr::setxattr, PATH, "user.b", b"x", XATTR_REPLACE), ENODATA);
    assert_eq!(set(&mut e, nr::setxattr, PATH, "user.a", b"two!", XATTR_REPLACE), 0);
    assert_eq!(set(&mut e, nr::setxattr, PATH, "user.a", b"", 4), EINVAL, "unknown flag");
    // The fd variants see the same inode.
    assert_eq!(get(&mut e, nr::fgetxattr, fd as u32, "user.a", 100), Ok(b"two!".to_vec()));
    assert_eq!(set(&mut e, nr::fsetxattr, fd as u32, "trusted.t", b"T", 0), 0);
    assert_eq!(set(&mut e, nr::lsetxattr, PATH, "security.s", b"", 0), 0);
    assert_eq!(get(&mut e, nr::lgetxattr, PATH, "security.s", 10), Ok(vec![]));
    let want = b"security.s\0trusted.t\0user.a\0";
    assert_eq!(e.call(nr::listxattr, &[PATH, BUF, 0]), want.len() as i32);
    assert_eq!(e.call(nr::listxattr, &[PATH, BUF, 5]), ERANGE);
    assert_eq!(e.call(nr::listxattr, &[PATH, BUF, 100]), want.len() as i32);
    assert_eq!(e.get(BUF, want.len()), want);
    assert_eq!(e.call(nr::llistxattr, &[PATH, BUF, 100]), want.len() as i32);
    assert_eq!(e.call(nr::flistxattr, &[fd as u32, BUF, 100]), want.len() as i32);
    // Remove, then it is gone.
    e.cstr(NAME, "user.a");
    assert_eq!(e.call(nr::removexattr, &[PATH, NAME]), 0);
    assert_eq!(e.call(nr::removexattr, &[PATH, NAME]), ENODATA);
    e.cstr(NAME, "trusted.t");
    assert_eq!(e.call(nr::fremovexattr, &[fd as u32, NAME]), 0);
    e.cstr(NAME, "security.s");
    assert_eq!(e.call(nr::lremovexattr, &[PATH, NAME]), 0);
    assert_eq!(e.call(nr::listxattr, &[PATH, BUF, 100]), 0);
    // Bad descriptors.
    assert_eq!(e.call(nr::fgetxattr, &[99, NAME, BUF, 10]), EBADF);
    assert_eq!(e.call(nr::flistxattr, &[99, BUF, 10]), EBADF);
    assert_eq!(e.call(nr::fremovexattr, &[99, NAME]), EBADF);
}

#[test]
fn limits_and_namespaces() {
    let mut e = Env::new();
    assert!(open(&mut e, "/f", 0o102, 0o644) >= 0);
    e.cstr(PATH, "/f");
    // Names: empty or longer than 255 bytes are ERANGE; values over 64 KiB E2BIG.
    assert_eq!(set(&mut e, nr::setxattr, PATH, "", b"v", 0), ERANGE);
    let long = format!("user.{}", "n".repeat(251));
    assert_eq!(set(&mut e, nr::setxattr, PATH, &long, b"v", 0), ERANGE);
    let ok = format!("user.{}", "n".repeat(250));
    assert_eq!(set(&mut e, nr::setxattr, PATH, &ok, b"v", 0), 0);
    e.cstr(NAME, "user.big");
    assert_eq!(e.call(nr::setxattr, &[PATH, NAME, VAL, 65537, 0]), E2BIG);
    assert_eq!(e.call(nr::setxattr, &[PATH, NAME, VAL, 65536, 0]), 0);
    assert_eq!(get(&mut e, nr::getxattr, PATH, "user.big", 0).map(|v| v.len()), Ok(65536));
    // Unknown namespaces and system.* are not offered by tmpfs.
    assert_eq!(set(&mut e, nr::setxattr, PATH, "foo.bar", b"v", 0), EOPNOTSUPP);
    assert_eq!(set(&mut e, nr::setxattr, PATH, "system.posix_acl_access", b"v", 0), EOPNOTSUPP);
    // user.* only on regular files and directories: EPERM to set, ENODATA to get.
    e.cstr(PATH, "/f");
    e.cstr(PATH + 0x100, "/lnk");
    assert_eq!(e.call(nr::symlinkat, &[PATH, AT_FDCWD, PATH + 0x100]), 0);
    assert_eq!(set(&mut e, nr::lsetxattr, PATH + 0x100, "user.x", b"v", 0), EPERM);
    assert_eq!(get(&mut e, nr::lgetxattr, PATH + 0x100, "user.x", 10), Err(ENODATA));
    assert_eq!(
        set(&mut e, nr::lsetxattr, PATH + 0x100, "trusted.x", b"v", 0),
        0,
        "root may set trusted.* on a symlink"
    );
    // setxattr follows the link to /f.
    assert_eq!(set(&mut e, nr::setxattr, PATH + 0x100, "user.via", b"L", 0), 0);
    e.cstr(PATH, "/f");
    assert_eq!(get(&mut e, nr::getxattr, PATH, "user.via", 10), Ok(b"L".to_vec()));
    // Directories carry them too.
    e.cstr(PATH, "/d");
    assert_eq!(e.call(nr::mkdirat, &[AT_FDCWD, PATH, 0o755]), 0);
    assert_eq!(set(&mut e, nr::setxattr, PATH, "user.d", b"D", 0), 0);
    // Missing paths.
    e.cstr(PATH, "/nope");
    assert_eq!(set(&mut e, nr::setxattr, PATH, "user.d", b"D", 0), ENOENT);
}

#[test]
fn other_file_systems_and_users() {
    let mut e = Env::new();
    // procfs and devtmpfs keep no attributes; their lists are empty.
    e.cstr(PATH, "/proc/self/status");
    assert_eq!(set(&mut e, nr::setxattr, PATH, "user.x", b"v", 0), EOPNOTSUPP);
    assert_eq!(get(&mut e, nr::getxattr, PATH, "user.x", 10), Err(EOPNOTSUPP));
    assert_eq!(e.call(nr::listxattr, &[PATH, BUF, 100]), 0);
    e.cstr(PATH, "/dev/null");
    assert_eq!(set(&mut e, nr::setxattr, PATH, "user.x", b"v", 0), EPERM, "user.* on a device");
    assert_eq!(set(&mut e, nr::setxattr, PATH, "trusted.x", b"v", 0), EOPNOTSUPP);
    // A pipe: user.* is EPERM (not a regular file), trusted.* EOPNOTSUPP.
    assert_eq!(e.call(nr::pipe2, &[BUF, 0]), 0);
    let rfd = e.u32_at(BUF);
    assert_eq!(set(&mut e, nr::fsetxattr, rfd, "user.x", b"v", 0), EPERM);
    assert_eq!(set(&mut e, nr::fsetxattr, rfd, "trusted.x", b"v", 0), EOPNOTSUPP);
    assert_eq!(e.call(nr::flistxattr, &[rfd, BUF, 100]), 0);
    // An unprivileged user: trusted.* is EPERM/ENODATA and hidden from the
    // list; user.* needs write permission on the file.
    let fd = open(&mut e, "/f", 0o102, 0o644);
    assert!(fd >= 0);
    e.cstr(PATH, "/f");
    assert_eq!(set(&mut e, nr::setxattr, PATH, "trusted.t", b"T", 0), 0);
    assert_eq!(set(&mut e, nr::setxattr, PATH, "user.u", b"U", 0), 0);
    assert_eq!(e.call(nr::setuid, &[1000]), 0);
    assert_eq!(set(&mut e, nr::setxattr, PATH, "trusted.t", b"X", 0), EPERM);
    assert_eq!(get(&mut e, nr::getxattr, PATH, "trusted.t", 10), Err(ENODATA));
    assert_eq!(set(&mut e, nr::setxattr, PATH, "user.u", b"X", 0), EACCES);
    assert_eq!(get(&mut e, nr::getxattr, PATH, "user.u", 10), Ok(b"U".to_vec()));
    assert_eq!(e.call(nr::listxattr, &[PATH, BUF, 100]), 7);
    assert_eq!(e.get(BUF, 7), b"user.u\0");
    e.cstr(NAME, "user.u");
    assert_eq!(e.call(nr::removexattr, &[PATH, NAME]), EACCES);
}

#[test]
fn unlinked_inode_drops_its_attributes() {
    let mut e = Env::new();
    assert!(open(&mut e, "/f", 0o102, 0o644) >= 0);
    e.cstr(PATH, "/f");
    assert_eq!(set(&mut e, nr::setxattr, PATH, "user.a", b"1", 0), 0);
    let fd = open(&mut e, "/f", 0, 0);
    e.cstr(PATH, "/f");
    assert_eq!(e.call(nr::unlinkat, &[AT_FDCWD, PATH, 0]), 0);
    // Still reachable through the open descriptor.
    assert_eq!(get(&mut e, nr::fgetxattr, fd as u32, "user.a", 10), Ok(b"1".to_vec()));
    assert_eq!(e.call(nr::close, &[fd as u32]), 0);
    // A new file gets none of them.
    assert!(open(&mut e, "/f", 0o102, 0o644) >= 0);
    e.cstr(PATH, "/f");
    assert_eq!(e.call(nr::listxattr, &[PATH, BUF, 100]), 0);
}
