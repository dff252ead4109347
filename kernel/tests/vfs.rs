//! VFS + tmpfs unit tests through the crate's VFS API (path walk,
//! permissions, link counts, rename rules, mounts).

mod common;
use common::no_devs_fn;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use wasmlinux_kernel::cred::Creds;
use wasmlinux_kernel::error::Errno;
use wasmlinux_kernel::file::{oflags::*, FileOps, Timespec};
use wasmlinux_kernel::fs::tmpfs::{Clock, TmpFs};
use wasmlinux_kernel::vfs::ops::{self, Caller, Opened};
use wasmlinux_kernel::vfs::path::path_of;
use wasmlinux_kernel::vfs::*;

static NOW: AtomicI64 = AtomicI64::new(1_000_000);

fn clock() -> Clock {
    Arc::new(|| Timespec { sec: NOW.fetch_add(1, Ordering::Relaxed), nsec: 0 })
}

fn setup() -> FsContext {
    let fs = TmpFs::new(clock(), 0o755, 1 << 24);
    FsContext::new(MountNamespace::new(fs, "tmpfs", 0))
}

fn root() -> Creds {
    Creds::new(0, 0)
}
fn alice() -> Creds {
    Creds::new(1000, 1000)
}

fn open(ctx: &FsContext, c: &Creds, path: &str, flags: u32, mode: u32) -> Result<Arc<dyn FileOps>, Errno> {
    let cwd = ctx.cwd.clone();
    match Caller::new(ctx, c).open(&cwd, path.as_bytes(), flags, mode, &no_devs_fn)? {
        (_, Opened::File(f)) => Ok(f),
        _ => panic!("not a file"),
    }
}

fn write_file(ctx: &FsContext, c: &Creds, path: &str, data: &[u8]) {
    let f = open(ctx, c, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644).unwrap();
    assert_eq!(f.write(data, 0).unwrap(), data.len());
}

fn stat(ctx: &FsContext, path: &str) -> Result<wasmlinux_kernel::file::Stat, Errno> {
    let c = root();
    Caller::new(ctx, &c).lookup(&ctx.cwd, path.as_bytes(), false)?.stat()
}

fn mkdir(ctx: &FsContext, c: &Creds, path: &str, mode: u32) -> Result<(), Errno> {
    Caller::new(ctx, c).mkdir(&ctx.cwd.clone(), path.as_bytes(), mode)
}

fn symlink(ctx: &FsContext, target: &str, path: &str) {
    let c = root();
    Caller::new(ctx, &c).symlink(target.as_bytes(), &ctx.cwd.clone(), path.as_bytes()).unwrap();
}

#[test]
fn create_read_write_and_errnos() {
    let ctx = setup();
    let r = root();
    write_file(&ctx, &r, "/a", b"hello");
    let f = open(&ctx, &r, "/a", O_RDONLY, 0).unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(f.read(&mut buf, 0).unwrap(), 5);
    assert_eq!(&buf[..5], b"hello");
    assert_eq!(open(&ctx, &r, "/a", O_CREAT | O_EXCL | O_WRONLY, 0o644).err(), Some(Errno::EEXIST));
    assert_eq!(open(&ctx, &r, "/nope", O_RDONLY, 0).err(), Some(Errno::ENOENT));
    assert_eq!(open(&ctx, &r, "/a/b", O_RDONLY, 0).err(), Some(Errno::ENOTDIR));
    assert_eq!(open(&ctx, &r, "/a/", O_RDONLY, 0).err(), Some(Errno::ENOTDIR));
    assert_eq!(open(&ctx, &r, "/", O_WRONLY, 0).err(), Some(Errno::EISDIR));
    assert_eq!(open(&ctx, &r, "/a", O_RDONLY | O_DIRECTORY, 0).err(), Some(Errno::ENOTDIR));
    assert_eq!(open(&ctx, &r, "/new/", O_CREAT | O_WRONLY, 0o644).err(), Some(Errno::EISDIR));
    assert_eq!(open(&ctx, &r, "", O_RDONLY, 0).err(), Some(Errno::ENOENT));
    assert_eq!(open(&ctx, &r, "/t", O_TMPFILE | O_RDWR, 0o600).err(), Some(Errno::EOPNOTSUPP));
    let long = format!("/{}", "x".repeat(256));
    assert_eq!(open(&ctx, &r, &long, O_RDONLY, 0).err(), Some(Errno::ENAMETOOLONG));
    let very_long = "/a".repeat(2100);
    assert_eq!(open(&ctx, &r, &very_long, O_RDONLY, 0).err(), Some(Errno::ENAMETOOLONG));
    // O_TRUNC
    open(&ctx, &r, "/a", O_WRONLY | O_TRUNC, 0).unwrap();
    assert_eq!(stat(&ctx, "/a").unwrap().size, 0);
}

#[test]
fn umask_and_ownership() {
    let mut ctx = setup();
    ctx.umask = 0o027;
    let r = root();
    write_file(&ctx, &r, "/f", b"");
    assert_eq!(stat(&ctx, "/f").unwrap().mode, S_IFREG | 0o640);
    mkdir(&ctx, &r, "/d", 0o777).unwrap();
    assert_eq!(stat(&ctx, "/d").unwrap().mode, S_IFDIR | 0o750);
    // setgid directory: group and bit inherited
    let h = Caller::new(&ctx, &r).lookup(&ctx.cwd, b"/d", true).unwrap();
    ops::chown(&r, &h, None, Some(50)).unwrap();
    ops::chmod(&r, &h, 0o2777).unwrap();
    mkdir(&ctx, &r, "/d/sub", 0o755).unwrap();
    let st = stat(&ctx, "/d/sub").unwrap();
    assert_eq!(st.gid, 50);
    assert_eq!(st.mode & S_ISGID, S_ISGID);
    write_file(&ctx, &r, "/d/file", b"");
    assert_eq!(stat(&ctx, "/d/file").unwrap().gid, 50);
}

#[test]
fn permissions_for_non_root() {
    let ctx = setup();
    let r = root();
    let a = alice();
    mkdir(&ctx, &r, "/secret", 0o700).unwrap();
    write_file(&ctx, &r, "/secret/f", b"x");
    assert_eq!(open(&ctx, &a, "/secret/f", O_RDONLY, 0).err(), Some(Errno::EACCES));
    assert_eq!(mkdir(&ctx, &a, "/x", 0o755).err(), Some(Errno::EACCES));
    write_file(&ctx, &r, "/ro", b"x");
    assert_eq!(open(&ctx, &a, "/ro", O_WRONLY, 0).err(), Some(Errno::EACCES));
    assert!(open(&ctx, &a, "/ro", O_RDONLY, 0).is_ok());
    // chmod/chown by non-owner
    let h = Caller::new(&ctx, &a).lookup(&ctx.cwd, b"/ro", true).unwrap();
    assert_eq!(ops::chmod(&a, &h, 0o777).err(), Some(Errno::EPERM));
    assert_eq!(ops::chown(&a, &h, Some(1000), None).err(), Some(Errno::EPERM));
    // access
    assert_eq!(ops::access(&a, &h, 2).err(), Some(Errno::EACCES));
    assert!(ops::access(&a, &h, 4).is_ok());
    assert_eq!(ops::access(&a, &h, 8).err(), Some(Errno::EINVAL));
    // root can't exec a file without x bits
    assert_eq!(ops::access(&r, &h, 1).err(), Some(Errno::EACCES));
}

#[test]
fn sticky_tmp() {
    let ctx = setup();
    let r = root();
    mkdir(&ctx, &r, "/tmp", 0o777).unwrap();
    let h = Caller::new(&ctx, &r).lookup(&ctx.cwd, b"/tmp", true).unwrap();
    ops::chmod(&r, &h, 0o1777).unwrap();
    let a = alice();
    let bob = Creds::new(1001, 1001);
    let c = Caller::new(&ctx, &a);
    let f = c.open(&ctx.cwd, b"/tmp/alice", O_CREAT | O_WRONLY, 0o666, &no_devs_fn).unwrap();
    drop(f);
    assert_eq!(Caller::new(&ctx, &bob).unlink(&ctx.cwd, b"/tmp/alice").err(), Some(Errno::EPERM));
    assert_eq!(
        Caller::new(&ctx, &bob).rename(&ctx.cwd, b"/tmp/alice", &ctx.cwd, b"/tmp/bob", 0).err(),
        Some(Errno::EPERM)
    );
    Caller::new(&ctx, &a).unlink(&ctx.cwd, b"/tmp/alice").unwrap();
}

#[test]
fn symlinks_and_eloop() {
    let ctx = setup();
    let r = root();
    mkdir(&ctx, &r, "/d", 0o755).unwrap();
    write_file(&ctx, &r, "/d/f", b"data");
    symlink(&ctx, "d/f", "/rel");
    symlink(&ctx, "/d", "/abs");
    symlink(&ctx, "loop2", "/loop1");
    symlink(&ctx, "loop1", "/loop2");
    symlink(&ctx, "/nowhere", "/dangling");
    assert_eq!(stat(&ctx, "/abs/f").unwrap().size, 4);
    assert!(open(&ctx, &r, "/rel", O_RDONLY, 0).is_ok());
    assert_eq!(open(&ctx, &r, "/rel", O_RDONLY | O_NOFOLLOW, 0).err(), Some(Errno::ELOOP));
    assert_eq!(open(&ctx, &r, "/loop1", O_RDONLY, 0).err(), Some(Errno::ELOOP));
    assert_eq!(open(&ctx, &r, "/dangling", O_RDONLY, 0).err(), Some(Errno::ENOENT));
    // O_CREAT through a dangling symlink creates the target
    symlink(&ctx, "/d/created", "/mk");
    open(&ctx, &r, "/mk", O_CREAT | O_WRONLY, 0o600).unwrap();
    assert_eq!(stat(&ctx, "/d/created").unwrap().mode & S_IFMT, S_IFREG);
    assert_eq!(open(&ctx, &r, "/mk", O_CREAT | O_EXCL | O_WRONLY, 0o600).err(), Some(Errno::EEXIST));
    // 40 links are fine, 41 are not
    for i in 0..41 {
        let target = if i == 0 { "/d/f".to_string() } else { format!("/c{}", i - 1) };
        symlink(&ctx, &target, &format!("/c{i}"));
    }
    assert!(open(&ctx, &r, "/c39", O_RDONLY, 0).is_ok());
    assert_eq!(open(&ctx, &r, "/c40", O_RDONLY, 0).err(), Some(Errno::ELOOP));
    let c = Caller::new(&ctx, &r);
    assert_eq!(c.readlink(&ctx.cwd, b"/rel").unwrap(), b"d/f");
    assert_eq!(c.readlink(&ctx.cwd, b"/d/f").err(), Some(Errno::EINVAL));
    assert_eq!(c.symlink(b"", &ctx.cwd, b"/e").err(), Some(Errno::ENOENT));
    // trailing slash follows: lstat("abs/") is the directory
    assert_eq!(stat(&ctx, "/abs/").unwrap().mode & S_IFMT, S_IFDIR);
    assert_eq!(stat(&ctx, "/abs").unwrap().mode & S_IFMT, S_IFLNK);
}

#[test]
fn dotdot_and_chroot() {
    let mut ctx = setup();
    let r = root();
    mkdir(&ctx, &r, "/jail", 0o755).unwrap();
    mkdir(&ctx, &r, "/jail/sub", 0o755).unwrap();
    write_file(&ctx, &r, "/outside", b"x");
    let jail = Caller::new(&ctx, &r).chdir_target(&ctx.cwd, b"/jail").unwrap();
    ctx.root = jail.clone();
    ctx.cwd = jail;
    assert_eq!(stat(&ctx, "/../../outside").err(), Some(Errno::ENOENT));
    assert_eq!(stat(&ctx, "../outside").err(), Some(Errno::ENOENT));
    assert!(stat(&ctx, "/sub/../sub/..").is_ok());
    symlink(&ctx, "/../../../outside", "/jail_escape");
    assert_eq!(stat(&ctx, "/jail_escape").unwrap().mode & S_IFMT, S_IFLNK);
    assert_eq!(open(&ctx, &r, "/jail_escape", O_RDONLY, 0).err(), Some(Errno::ENOENT));
    let sub = Caller::new(&ctx, &r).lookup(&ctx.cwd, b"sub", true).unwrap();
    assert_eq!(path_of(&ctx, &sub).unwrap(), b"/sub");
    assert_eq!(path_of(&ctx, &ctx.root).unwrap(), b"/");
}

#[test]
fn hard_links_and_unlink_while_open() {
    let ctx = setup();
    let r = root();
    write_file(&ctx, &r, "/a", b"abc");
    let c = Caller::new(&ctx, &r);
    let a = c.lookup(&ctx.cwd, b"/a", false).unwrap();
    c.link(&a, &ctx.cwd, b"/b").unwrap();
    assert_eq!(stat(&ctx, "/a").unwrap().nlink, 2);
    assert_eq!(stat(&ctx, "/a").unwrap().ino, stat(&ctx, "/b").unwrap().ino);
    assert_eq!(c.link(&a, &ctx.cwd, b"/b").err(), Some(Errno::EEXIST));
    let f = open(&ctx, &r, "/a", O_RDWR, 0).unwrap();
    c.unlink(&ctx.cwd, b"/a").unwrap();
    c.unlink(&ctx.cwd, b"/b").unwrap();
    assert_eq!(f.stat().unwrap().nlink, 0);
    let mut buf = [0u8; 3];
    assert_eq!(f.read(&mut buf, 0).unwrap(), 3);
    assert_eq!(&buf, b"abc");
    f.write(b"z", 3).unwrap();
    assert_eq!(f.stat().unwrap().size, 4);
    assert_eq!(c.unlink(&ctx.cwd, b"/a").err(), Some(Errno::ENOENT));
    let root_h = ctx.root.clone();
    assert_eq!(c.link(&root_h, &ctx.cwd, b"/rootlink").err(), Some(Errno::EPERM));
}

#[test]
fn directory_nlink_rmdir_rules() {
    let ctx = setup();
    let r = root();
    let c = Caller::new(&ctx, &r);
    mkdir(&ctx, &r, "/d", 0o755).unwrap();
    assert_eq!(stat(&ctx, "/").unwrap().nlink, 3);
    mkdir(&ctx, &r, "/d/e", 0o755).unwrap();
    assert_eq!(stat(&ctx, "/d").unwrap().nlink, 3);
    assert_eq!(mkdir(&ctx, &r, "/d", 0o755).err(), Some(Errno::EEXIST));
    assert_eq!(mkdir(&ctx, &r, "/d/..", 0o755).err(), Some(Errno::EEXIST));
    assert_eq!(c.rmdir(&ctx.cwd, b"/d").err(), Some(Errno::ENOTEMPTY));
    assert_eq!(c.rmdir(&ctx.cwd, b"/d/.").err(), Some(Errno::EINVAL));
    assert_eq!(c.rmdir(&ctx.cwd, b"/d/..").err(), Some(Errno::ENOTEMPTY));
    assert_eq!(c.unlink(&ctx.cwd, b"/d").err(), Some(Errno::EISDIR));
    write_file(&ctx, &r, "/f", b"");
    assert_eq!(c.rmdir(&ctx.cwd, b"/f").err(), Some(Errno::ENOTDIR));
    c.rmdir(&ctx.cwd, b"/d/e/").unwrap();
    c.rmdir(&ctx.cwd, b"/d").unwrap();
    assert_eq!(stat(&ctx, "/").unwrap().nlink, 2);
}

#[test]
fn rename_rules() {
    let ctx = setup();
    let r = root();
    let c = Caller::new(&ctx, &r);
    let cwd = ctx.cwd.clone();
    mkdir(&ctx, &r, "/a", 0o755).unwrap();
    mkdir(&ctx, &r, "/a/b", 0o755).unwrap();
    mkdir(&ctx, &r, "/e", 0o755).unwrap();
    write_file(&ctx, &r, "/f", b"1");
    write_file(&ctx, &r, "/g", b"22");
    assert_eq!(c.rename(&cwd, b"/a", &cwd, b"/a/b/c", 0).err(), Some(Errno::EINVAL));
    assert_eq!(c.rename(&cwd, b"/a", &cwd, b"/a/c", 0).err(), Some(Errno::EINVAL));
    assert_eq!(c.rename(&cwd, b"/f", &cwd, b"/g", RENAME_NOREPLACE).err(), Some(Errno::EEXIST));
    assert_eq!(c.rename(&cwd, b"/f", &cwd, b"/a", 0).err(), Some(Errno::EISDIR));
    assert_eq!(c.rename(&cwd, b"/a", &cwd, b"/f", 0).err(), Some(Errno::ENOTDIR));
    assert_eq!(c.rename(&cwd, b"/e", &cwd, b"/a", 0).err(), Some(Errno::ENOTEMPTY));
    assert_eq!(c.rename(&cwd, b"/f", &cwd, b"/g", RENAME_NOREPLACE | RENAME_EXCHANGE).err(), Some(Errno::EINVAL));
    assert_eq!(c.rename(&cwd, b"/f", &cwd, b"/zz", RENAME_EXCHANGE).err(), Some(Errno::ENOENT));
    assert_eq!(c.rename(&cwd, b"/nope", &cwd, b"/zz", 0).err(), Some(Errno::ENOENT));
    assert_eq!(c.rename(&cwd, b"/f", &cwd, b"/.", 0).err(), Some(Errno::EBUSY));
    c.rename(&cwd, b"/f", &cwd, b"/g", RENAME_EXCHANGE).unwrap();
    assert_eq!(stat(&ctx, "/f").unwrap().size, 2);
    assert_eq!(stat(&ctx, "/g").unwrap().size, 1);
    c.rename(&cwd, b"/f", &cwd, b"/g", 0).unwrap();
    assert_eq!(stat(&ctx, "/g").unwrap().size, 2);
    assert_eq!(stat(&ctx, "/f").err(), Some(Errno::ENOENT));
    // moving a directory keeps .. and getcwd right
    let b = c.lookup(&cwd, b"/a/b", true).unwrap();
    c.rename(&cwd, b"/a/b", &cwd, b"/e/moved", 0).unwrap();
    assert_eq!(path_of(&ctx, &b).unwrap(), b"/e/moved");
    assert_eq!(stat(&ctx, "/a").unwrap().nlink, 2);
    assert_eq!(stat(&ctx, "/e").unwrap().nlink, 3);
    c.rename(&cwd, b"/a", &cwd, b"/e/moved", 0).unwrap();
    assert_eq!(path_of(&ctx, &b).err(), Some(Errno::ENOENT));
    // same file: no-op
    write_file(&ctx, &r, "/h", b"");
    let h = c.lookup(&cwd, b"/h", false).unwrap();
    c.link(&h, &cwd, b"/h2").unwrap();
    c.rename(&cwd, b"/h", &cwd, b"/h2", 0).unwrap();
    assert!(stat(&ctx, "/h").is_ok());
}

#[test]
fn sparse_files_and_truncate() {
    let ctx = setup();
    let r = root();
    let f = open(&ctx, &r, "/s", O_CREAT | O_RDWR, 0o644).unwrap();
    f.write(b"end", 1 << 20).unwrap();
    let st = f.stat().unwrap();
    assert_eq!(st.size, (1 << 20) + 3);
    assert_eq!(st.blocks, 8);
    let mut buf = [1u8; 100];
    assert_eq!(f.read(&mut buf, 4096).unwrap(), 100);
    assert!(buf.iter().all(|&b| b == 0));
    let h = Caller::new(&ctx, &r).lookup(&ctx.cwd, b"/s", true).unwrap();
    ops::truncate(&r, &h, 2).unwrap();
    assert_eq!(f.stat().unwrap().size, 2);
    ops::truncate(&r, &h, 10000).unwrap();
    assert_eq!(f.read(&mut buf, 0).unwrap(), 100);
    assert!(buf.iter().all(|&b| b == 0));
    assert_eq!(ops::truncate(&r, &h, -1).err(), Some(Errno::EINVAL));
    assert_eq!(ops::truncate(&r, &ctx.root, 0).err(), Some(Errno::EISDIR));
    h.inode.fallocate(FALLOC_FL_KEEP_SIZE, 0, 8192).unwrap();
    assert_eq!(f.stat().unwrap().size, 10000);
    assert_eq!(f.stat().unwrap().blocks, 16);
    h.inode.fallocate(0, 0, 20000).unwrap();
    assert_eq!(f.stat().unwrap().size, 20000);
}

#[test]
fn timestamps() {
    let ctx = setup();
    let r = root();
    mkdir(&ctx, &r, "/d", 0o755).unwrap();
    let d0 = stat(&ctx, "/d").unwrap();
    write_file(&ctx, &r, "/d/f", b"x");
    let d1 = stat(&ctx, "/d").unwrap();
    assert!(d1.mtime > d0.mtime && d1.ctime > d0.ctime);
    let f0 = stat(&ctx, "/d/f").unwrap();
    let f = open(&ctx, &r, "/d/f", O_RDWR, 0).unwrap();
    f.write(b"y", 1).unwrap();
    let f1 = stat(&ctx, "/d/f").unwrap();
    assert!(f1.mtime > f0.mtime);
    let h = Caller::new(&ctx, &r).lookup(&ctx.cwd, b"/d/f", true).unwrap();
    ops::chmod(&r, &h, 0o600).unwrap();
    let f2 = stat(&ctx, "/d/f").unwrap();
    assert!(f2.ctime > f1.ctime);
    assert_eq!(f2.mtime, f1.mtime);
    let t = Timespec { sec: 42, nsec: 7 };
    ops::utimes(&r, &h, ops::TimeSpec::Set(t), ops::TimeSpec::Omit, Timespec { sec: 99, nsec: 0 }).unwrap();
    let f3 = stat(&ctx, "/d/f").unwrap();
    assert_eq!(f3.atime, t);
    assert_eq!(f3.mtime, f1.mtime);
    let a = alice();
    assert_eq!(ops::utimes(&a, &h, ops::TimeSpec::Now, ops::TimeSpec::Now, t).err(), Some(Errno::EACCES));
    assert_eq!(ops::utimes(&a, &h, ops::TimeSpec::Set(t), ops::TimeSpec::Now, t).err(), Some(Errno::EPERM));
}

#[test]
fn readdir_stable_with_dot_entries() {
    let ctx = setup();
    let r = root();
    mkdir(&ctx, &r, "/d", 0o755).unwrap();
    for n in ["c", "a", "b"] {
        write_file(&ctx, &r, &format!("/d/{n}"), b"");
    }
    let d = open(&ctx, &r, "/d", O_RDONLY | O_DIRECTORY, 0).unwrap();
    let mut names = Vec::new();
    let mut pos = 0;
    while let Some((e, next)) = d.readdir(pos).unwrap() {
        names.push(String::from_utf8(e.name).unwrap());
        if names.len() == 3 {
            // deleting during iteration does not disturb the cookies
            Caller::new(&ctx, &r).unlink(&ctx.cwd, b"/d/c").unwrap();
        }
        pos = next;
    }
    assert_eq!(names, [".", "..", "a", "b", "c"]);
    let f = open(&ctx, &r, "/d/a", O_RDONLY, 0).unwrap();
    assert_eq!(f.readdir(0).err(), Some(Errno::ENOTDIR));
}

#[test]
fn mounts_cross_and_umount() {
    let ctx = setup();
    let r = root();
    mkdir(&ctx, &r, "/mnt", 0o755).unwrap();
    write_file(&ctx, &r, "/mnt/under", b"");
    let at = Caller::new(&ctx, &r).lookup(&ctx.cwd, b"/mnt", true).unwrap();
    let fs2 = TmpFs::new(clock(), 0o1777, 1 << 20);
    let m = ctx.ns.attach(&at, fs2.clone(), fs2.root(), 0, "tmpfs").unwrap();
    assert_eq!(stat(&ctx, "/mnt/under").err(), Some(Errno::ENOENT));
    write_file(&ctx, &r, "/mnt/over", b"");
    assert_eq!(stat(&ctx, "/mnt").unwrap().mode & 0o7777, 0o1777);
    assert_ne!(stat(&ctx, "/mnt/over").unwrap().dev, stat(&ctx, "/").unwrap().dev);
    let over = Caller::new(&ctx, &r).lookup(&ctx.cwd, b"/mnt/over/..", true);
    assert_eq!(over.err(), Some(Errno::ENOTDIR));
    let up = Caller::new(&ctx, &r).lookup(&ctx.cwd, b"/mnt/..", true).unwrap();
    assert!(up.same(&ctx.root));
    let c = Caller::new(&ctx, &r);
    let cwd = ctx.cwd.clone();
    assert_eq!(c.rename(&cwd, b"/mnt/over", &cwd, b"/over", 0).err(), Some(Errno::EXDEV));
    let over_h = c.lookup(&cwd, b"/mnt/over", false).unwrap();
    assert_eq!(c.link(&over_h, &cwd, b"/l").err(), Some(Errno::EXDEV));
    assert_eq!(c.rmdir(&cwd, b"/mnt").err(), Some(Errno::EBUSY));
    let mh = c.lookup(&cwd, b"/mnt", true).unwrap();
    assert_eq!(path_of(&ctx, &mh).unwrap(), b"/mnt");
    let sub = c.lookup(&cwd, b"/mnt", true).unwrap();
    mkdir(&ctx, &r, "/mnt/x", 0o755).unwrap();
    let _ = sub;
    // read-only remount
    m.set_flags(MS_RDONLY);
    assert_eq!(open(&ctx, &r, "/mnt/over", O_WRONLY, 0).err(), Some(Errno::EROFS));
    assert_eq!(mkdir(&ctx, &r, "/mnt/y", 0o755).err(), Some(Errno::EROFS));
    assert_eq!(c.unlink(&cwd, b"/mnt/over").err(), Some(Errno::EROFS));
    ctx.ns.detach(&m, false, false).unwrap();
    assert!(stat(&ctx, "/mnt/under").is_ok());
    assert_eq!(ctx.ns.detach(&m, false, false).err(), Some(Errno::EINVAL));
}

#[test]
fn mknod_rules_and_exec_open() {
    let ctx = setup();
    let r = root();
    let a = alice();
    let c = Caller::new(&ctx, &r);
    let cwd = ctx.cwd.clone();
    let fifo = c.mknod(&cwd, b"/fifo", S_IFIFO | 0o644, 0).unwrap();
    assert!(fifo.inode.fifo_slot().is_some());
    let (_, o) = c.open(&cwd, b"/fifo", O_RDONLY | O_NONBLOCK, 0, &no_devs_fn).unwrap();
    assert!(matches!(o, Opened::Fifo(_)));
    assert_eq!(c.mknod(&cwd, b"/d", S_IFDIR | 0o755, 0).err(), Some(Errno::EPERM));
    assert_eq!(c.mknod(&cwd, b"/bad", 0o170000 | 0o755, 0).err(), Some(Errno::EINVAL));
    mkdir(&ctx, &r, "/home", 0o777).unwrap();
    assert_eq!(
        Caller::new(&ctx, &a).mknod(&cwd, b"/home/null", S_IFCHR | 0o666, makedev(1, 3)).err(),
        Some(Errno::EPERM)
    );
    c.mknod(&cwd, b"/tty", S_IFCHR | 0o666, makedev(5, 0)).unwrap();
    let (_, o) = c.open(&cwd, b"/tty", O_RDWR, 0, &no_devs_fn).unwrap();
    assert!(matches!(o, Opened::Tty(d) if d == makedev(5, 0)));
    write_file(&ctx, &r, "/prog", b"\0asm");
    assert_eq!(c.open_exec(&cwd, b"/prog").err(), Some(Errno::EACCES));
    let h = c.lookup(&cwd, b"/prog", true).unwrap();
    ops::chmod(&r, &h, 0o755).unwrap();
    assert_eq!(c.open_exec(&cwd, b"/prog").unwrap().1, b"\0asm");
    assert_eq!(c.open_exec(&cwd, b"/home").err(), Some(Errno::EACCES));
}
