//! hostfs confinement: escape attempts through `..`, symlinks (absolute,
//! relative, swapped in between lookup and use), hard links, renames,
//! mknod, chmod/chown/utimes/truncate through links, O_PATH + `..` — all
//! must fail with an errno, and no host object outside the mount root may
//! be opened or changed (checked with a sentinel directory and a hook that
//! records every host path hostfs touches).

mod common;
use common::no_devs_fn;

use std::os::unix::fs::{symlink, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use wasmlinux_kernel::cred::Creds;
use wasmlinux_kernel::error::Errno;
use wasmlinux_kernel::file::{oflags::*, FileOps, Timespec};
use wasmlinux_kernel::fs::hostfs::HostFs;
use wasmlinux_kernel::vfs::ops::{self, Caller, Opened};
use wasmlinux_kernel::vfs::*;

struct Env {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    outside: PathBuf,
    ctx: FsContext,
    touched: Arc<Mutex<Vec<(String, PathBuf)>>>,
}

#[derive(Debug, PartialEq)]
struct Snapshot(Vec<(PathBuf, u32, i64, i64, Vec<u8>)>);

fn snapshot(dir: &Path) -> Snapshot {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(p) = stack.pop() {
        let md = std::fs::symlink_metadata(&p).unwrap();
        let data = if md.is_file() { std::fs::read(&p).unwrap() } else { Vec::new() };
        out.push((p.clone(), md.mode(), md.mtime(), md.mtime_nsec(), data));
        if md.is_dir() {
            for e in std::fs::read_dir(&p).unwrap() {
                stack.push(e.unwrap().path());
            }
        }
    }
    out.sort();
    Snapshot(out)
}

fn setup(read_only: bool) -> Env {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().canonicalize().unwrap();
    let root = base.join("root");
    let outside = base.join("outside");
    std::fs::create_dir_all(root.join("sub/deeper")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret"), b"top secret").unwrap();
    std::fs::set_permissions(outside.join("secret"), std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::write(root.join("file"), b"inside").unwrap();
    std::fs::write(root.join("sub/file"), b"sub inside").unwrap();
    // Host-side symlinks planted inside the root that point out.
    symlink(outside.join("secret"), root.join("abs_out")).unwrap();
    symlink("../outside/secret", root.join("rel_out")).unwrap();
    symlink("../../../../../../outside", root.join("sub/deeper/climb")).unwrap();
    symlink(&outside, root.join("dir_out")).unwrap();
    symlink("/proc/self/root/etc/passwd", root.join("proc_out")).unwrap();
    let fs = HostFs::new(&root, read_only).unwrap();
    let touched = Arc::new(Mutex::new(Vec::new()));
    let t = touched.clone();
    fs.set_hook(Arc::new(move |op: &str, p: &Path| t.lock().unwrap().push((op.to_string(), p.to_path_buf()))));
    let ns = MountNamespace::new(fs, root.to_str().unwrap(), if read_only { MS_RDONLY } else { 0 });
    Env { _tmp: tmp, root, outside, ctx: FsContext::new(ns), touched }
}

impl Env {
    fn c(&self) -> (Creds, FsContext) {
        (Creds::new(0, 0), self.ctx.clone())
    }
    fn open(&self, path: &str, flags: u32) -> Result<Arc<dyn FileOps>, Errno> {
        let (cr, ctx) = self.c();
        match Caller::new(&ctx, &cr).open(&ctx.cwd, path.as_bytes(), flags, 0o644, &no_devs_fn)? {
            (_, Opened::File(f)) => Ok(f),
            _ => Err(Errno::ENXIO),
        }
    }
    fn lookup(&self, path: &str, follow: bool) -> Result<PathHandle, Errno> {
        let (cr, ctx) = self.c();
        Caller::new(&ctx, &cr).lookup(&ctx.cwd, path.as_bytes(), follow)
    }
    /// Every host path hostfs touched lies under the root.
    fn assert_confined(&self) {
        let touched = self.touched.lock().unwrap();
        assert!(!touched.is_empty());
        for (op, p) in touched.iter() {
            assert!(p.starts_with(&self.root), "{op} touched {} outside {}", p.display(), self.root.display());
        }
    }
}

fn read_all(f: &Arc<dyn FileOps>) -> Vec<u8> {
    ops::read_all(&**f).unwrap()
}

#[test]
fn escapes_fail_and_nothing_outside_changes() {
    let env = setup(false);
    let before = snapshot(&env.outside);
    let (cr, ctx) = env.c();
    let c = Caller::new(&ctx, &cr);
    let cwd = ctx.cwd.clone();
    let attempts = std::cell::Cell::new(0);
    let fails = |r: Result<(), Errno>, what: &str| {
        attempts.set(attempts.get() + 1);
        assert!(r.is_err(), "escape attempt succeeded: {what}");
    };

    // 1-4: `..` past the root.
    fails(env.open("/../outside/secret", O_RDONLY).map(drop), "/../outside/secret");
    fails(env.open("../../../../outside/secret", O_RDONLY).map(drop), "relative ..");
    fails(env.open("/sub/../../outside/secret", O_RDONLY).map(drop), "sub/../..");
    fails(env.open(&format!("/..{}", env.outside.join("secret").display()), O_RDONLY).map(drop), "/.. + host path");
    // 5-9: planted symlinks that climb out (absolute, relative, deep, dir, /proc).
    fails(env.open("/abs_out", O_RDONLY).map(drop), "absolute symlink");
    fails(env.open("/rel_out", O_RDONLY).map(drop), "relative symlink");
    fails(env.open("/sub/deeper/climb/secret", O_RDONLY).map(drop), "deep climbing symlink");
    fails(env.open("/dir_out/secret", O_RDONLY).map(drop), "symlink to outside dir");
    fails(env.open("/proc_out", O_RDONLY).map(drop), "/proc/self/root symlink");
    // 10: guest-made symlink out.
    c.symlink(b"../../outside/secret", &cwd, b"/guest_link").unwrap();
    fails(env.open("/guest_link", O_RDONLY).map(drop), "guest symlink");
    // 11: O_CREAT through a symlink whose target is a host path.
    c.symlink(env.outside.join("created").to_str().unwrap().as_bytes(), &cwd, b"/creat_link").unwrap();
    fails(env.open("/creat_link", O_CREAT | O_WRONLY).map(drop), "O_CREAT via symlink");
    // 12: hard link into the outside.
    let f = env.lookup("/file", false).unwrap();
    fails(c.link(&f, &cwd, b"/../outside/hardlink"), "hard link out via ..");
    fails(c.link(&f, &cwd, b"/dir_out/hardlink"), "hard link out via symlink");
    // 14: hard link of an outside file in (follow the symlink).
    let r = env.lookup("/abs_out", true).map(drop);
    fails(r, "link source through symlink");
    // 15-16: rename out.
    fails(c.rename(&cwd, b"/file", &cwd, b"/../outside/stolen", 0), "rename out via ..");
    fails(c.rename(&cwd, b"/file", &cwd, b"/dir_out/stolen", 0), "rename out via symlink");
    // 17: mknod of a device.
    fails(c.mknod(&cwd, b"/sda", S_IFCHR | 0o666, makedev(8, 0)).map(drop), "mknod char dev");
    // 18-21: attribute changes through links.
    fails(env.lookup("/abs_out", true).and_then(|h| ops::chmod(&cr, &h, 0o777)), "chmod via symlink");
    fails(env.lookup("/rel_out", true).and_then(|h| ops::chown(&cr, &h, Some(0), Some(0))), "chown via symlink");
    fails(env.lookup("/dir_out/secret", true).and_then(|h| ops::truncate(&cr, &h, 0)), "truncate via symlink");
    fails(
        env.lookup("/abs_out", true)
            .and_then(|h| ops::utimes(&cr, &h, ops::TimeSpec::Now, ops::TimeSpec::Now, Timespec::default())),
        "utimes via symlink",
    );
    // 22: chmod the symlink itself (no follow) must not reach the target.
    fails(env.lookup("/abs_out", false).and_then(|h| ops::chmod(&cr, &h, 0o777)), "chmod symlink nofollow");
    // 23: O_PATH open of the root, then `..` from it.
    let (ph, _) = c.open(&cwd, b"/", O_PATH | O_DIRECTORY, 0, &no_devs_fn).unwrap();
    fails(c.lookup(&ph, b"../outside/secret", true).map(drop), "O_PATH root then ..");
    fails(
        c.lookup(&ph, b"..", true).map(|h| assert!(h.same(&ctx.root))).and(Err(Errno::ENOENT)),
        "O_PATH .. stays at root",
    );
    // 25-27: raw inode API misuse: multi-component or dot names.
    let root_inode = ctx.root.inode.clone();
    fails(root_inode.lookup(b"..").map(drop), "inode lookup ..");
    fails(root_inode.lookup(b"../outside").map(drop), "inode lookup ../outside");
    fails(root_inode.create(b"../x", NewNode::Regular, 0o644, 0, 0).map(drop), "inode create ../x");
    fails(root_inode.unlink(b"../outside/secret"), "inode unlink ../outside/secret");
    fails(root_inode.rename(b"file", &root_inode, b"../stolen", 0), "inode rename to ../stolen");
    // 32: mkdir/rmdir via ..
    fails(c.mkdir(&cwd, b"/../outside/newdir", 0o755), "mkdir via ..");
    fails(c.unlink(&cwd, b"/dir_out/secret"), "unlink via symlink dir");
    let attempts = attempts.get();
    assert!(attempts >= 20, "{attempts} attempts");

    // Legitimate access still works.
    assert_eq!(read_all(&env.open("/sub/../file", O_RDONLY).unwrap()), b"inside");
    assert_eq!(c.readlink(&cwd, b"/abs_out").unwrap(), env.outside.join("secret").to_str().unwrap().as_bytes());

    assert_eq!(snapshot(&env.outside), before, "the outside tree changed");
    env.assert_confined();
}

#[test]
fn swapped_symlink_race_is_harmless() {
    let env = setup(false);
    let before = snapshot(&env.outside);
    let (cr, ctx) = env.c();
    let c = Caller::new(&ctx, &cr);
    // Pin the file, then swap a symlink to the secret in under the same name.
    let h = env.lookup("/sub/file", true).unwrap();
    std::fs::rename(env.root.join("sub/file"), env.root.join("sub/file.old")).unwrap();
    symlink(env.outside.join("secret"), env.root.join("sub/file")).unwrap();
    let ops_ = h.inode.open(O_RDONLY).unwrap();
    assert_eq!(read_all(&ops_), b"sub inside", "the pinned inode was opened");
    ops::chmod(&cr, &h, 0o640).unwrap();
    ops::truncate(&cr, &h, 3).unwrap();
    assert_eq!(std::fs::read(env.root.join("sub/file.old")).unwrap(), b"sub");
    // A fresh lookup sees the symlink and resolves it in the guest: ENOENT.
    assert_eq!(env.open("/sub/file", O_RDONLY).err(), Some(Errno::ENOENT));
    // Pin a directory, swap it for a symlink to the outside, create through it.
    let d = env.lookup("/sub/deeper", true).unwrap();
    std::fs::rename(env.root.join("sub/deeper"), env.root.join("moved")).unwrap();
    symlink(&env.outside, env.root.join("sub/deeper")).unwrap();
    d.inode.create(b"newfile", NewNode::Regular, 0o600, 0, 0).unwrap();
    assert!(env.root.join("moved/newfile").exists());
    assert_eq!(c.mkdir(&ctx.cwd, b"/sub/deeper/x", 0o755).err(), Some(Errno::ENOENT));
    assert_eq!(snapshot(&env.outside), before);
    env.assert_confined();
}

#[test]
fn read_only_mount_refuses_writes() {
    let env = setup(true);
    let before_root = snapshot(&env.root);
    let (cr, ctx) = env.c();
    let c = Caller::new(&ctx, &cr);
    let cwd = ctx.cwd.clone();
    assert_eq!(env.open("/file", O_WRONLY).err(), Some(Errno::EROFS));
    assert_eq!(env.open("/file", O_RDWR).err(), Some(Errno::EROFS));
    assert_eq!(env.open("/new", O_CREAT | O_WRONLY).err(), Some(Errno::EROFS));
    assert_eq!(c.mkdir(&cwd, b"/d", 0o755).err(), Some(Errno::EROFS));
    assert_eq!(c.unlink(&cwd, b"/file").err(), Some(Errno::EROFS));
    assert_eq!(c.rmdir(&cwd, b"/sub/deeper").err(), Some(Errno::EROFS));
    assert_eq!(c.rename(&cwd, b"/file", &cwd, b"/file2", 0).err(), Some(Errno::EROFS));
    assert_eq!(c.symlink(b"x", &cwd, b"/l").err(), Some(Errno::EROFS));
    let f = env.lookup("/file", true).unwrap();
    assert_eq!(ops::chmod(&cr, &f, 0o777).err(), Some(Errno::EROFS));
    assert_eq!(ops::truncate(&cr, &f, 0).err(), Some(Errno::EROFS));
    assert_eq!(c.link(&f, &cwd, b"/hl").err(), Some(Errno::EROFS));
    // Even past the VFS check, the file system itself refuses.
    assert_eq!(f.inode.setattr(&SetAttr { size: Some(0), ..Default::default() }).err(), Some(Errno::EROFS));
    assert_eq!(ctx.root.inode.create(b"x", NewNode::Regular, 0o644, 0, 0).err(), Some(Errno::EROFS));
    assert_eq!(read_all(&env.open("/file", O_RDONLY).unwrap()), b"inside");
    assert_eq!(snapshot(&env.root), before_root);
    env.assert_confined();
}

#[test]
fn read_write_mount_basic_semantics() {
    let env = setup(false);
    let (cr, ctx) = env.c();
    let c = Caller::new(&ctx, &cr);
    let cwd = ctx.cwd.clone();
    let f = env.open("/made", O_CREAT | O_RDWR).unwrap();
    f.write(b"hello", 0).unwrap();
    assert_eq!(std::fs::read(env.root.join("made")).unwrap(), b"hello");
    assert_eq!(std::fs::metadata(env.root.join("made")).unwrap().mode() & 0o777, 0o644);
    assert_eq!(f.stat().unwrap().uid, 0, "the host user appears as root");
    c.mkdir(&cwd, b"/newdir", 0o700).unwrap();
    assert_eq!(std::fs::metadata(env.root.join("newdir")).unwrap().mode() & 0o777, 0o700);
    let sub = c.lookup(&cwd, b"/newdir", true).unwrap();
    assert_eq!(wasmlinux_kernel::vfs::path::path_of(&ctx, &sub).unwrap(), b"/newdir");
    c.rename(&cwd, b"/newdir", &cwd, b"/sub/renamed", 0).unwrap();
    assert_eq!(wasmlinux_kernel::vfs::path::path_of(&ctx, &sub).unwrap(), b"/sub/renamed");
    let made = c.lookup(&cwd, b"/made", false).unwrap();
    c.link(&made, &cwd, b"/sub/made2").unwrap();
    assert_eq!(made.stat().unwrap().nlink, 2);
    c.unlink(&cwd, b"/made").unwrap();
    assert_eq!(c.rmdir(&cwd, b"/sub").err(), Some(Errno::ENOTEMPTY));
    let d = env.open("/sub", O_RDONLY | O_DIRECTORY).unwrap();
    let mut names = Vec::new();
    let mut pos = 0;
    while let Some((e, next)) = d.readdir(pos).unwrap() {
        names.push(String::from_utf8(e.name).unwrap());
        pos = next;
    }
    assert_eq!(names, [".", "..", "deeper", "file", "made2", "renamed"]);
    let fifo = c.mknod(&cwd, b"/fifo", S_IFIFO | 0o600, 0).unwrap();
    assert!(fifo.inode.fifo_slot().is_some());
    env.assert_confined();
}
