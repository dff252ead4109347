//! Building the mount namespace from the kernel configuration: the root
//! file system (`RootFs::{Tmpfs, Host, CopyOf}`), devfs on /dev, procfs on
//! /proc (when a provider is given), and the configured host mounts.

use std::os::fd::OwnedFd;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::sync::Arc;

use crate::api::{HostClock, HostOps, KernelConfig, RootFs};
use crate::cred::Creds;
use crate::error::{Errno, KResult};
use crate::file::Timespec;
use crate::fs::devfs::new_devfs;
use crate::fs::hostfs::{HostFs, HostSource};
use crate::fs::tmpfs::{Clock, TmpFs, TmpNode};
use crate::vfs::ops::Caller;
use crate::vfs::*;

/// Default size limit of tmpfs instances (like Linux: a share of memory).
pub const TMPFS_MAX_BYTES: u64 = 2 << 30;

/// A realtime clock for file systems.
pub fn host_clock(host: &Arc<dyn HostOps>) -> Clock {
    let host = host.clone();
    Arc::new(move || Timespec::from_ns(host.now_ns(HostClock::Realtime)))
}

/// Copy the host tree at `src` into the tmpfs directory `dst` (files,
/// directories, symlinks, modes; every owner becomes root; other kinds
/// are skipped). Directories and symlinks are copied now, file contents on
/// first access (`TmpNode::create_host_backed`): a file changed on the host
/// before the guest first touches it shows the new contents.
///
/// File contents are later read through [`HostSource`]: from the tree's
/// root fd, without following symlinks, regular files only.
pub fn copy_tree(src: &Path, dst: &Arc<TmpNode>) -> Result<(), String> {
    let root = HostSource::open_tree(src)?;
    copy_tree_at(&root, src, Path::new(""), dst)
}

fn copy_tree_at(root: &Arc<OwnedFd>, src: &Path, rel: &Path, dst: &Arc<TmpNode>) -> Result<(), String> {
    let rd = std::fs::read_dir(src).map_err(|e| format!("copy {}: {e}", src.display()))?;
    for e in rd {
        let Ok(e) = e else { continue };
        let path = e.path();
        let name = e.file_name();
        let name = std::os::unix::ffi::OsStrExt::as_bytes(name.as_os_str()).to_vec();
        // The directory entry's type needs no system call; symlinks (most
        // of a busybox tree) need no metadata either.
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_symlink() {
            if let Ok(t) = std::fs::read_link(&path) {
                dst.create_node(
                    &name,
                    NewNode::Symlink(std::os::unix::ffi::OsStrExt::as_bytes(t.as_os_str())),
                    0o777,
                    0,
                    0,
                )
                .map_err(|e| format!("copy {}: {e}", path.display()))?;
            }
            continue;
        }
        let Ok(md) = std::fs::symlink_metadata(&path) else { continue };
        let mode = md.permissions().mode() & 0o7777;
        let ft = md.file_type();
        let r: KResult<()> = if ft.is_dir() {
            match dst.create_node(&name, NewNode::Directory, mode, 0, 0) {
                Ok(d) => {
                    copy_tree_at(root, &path, &rel.join(e.file_name()), &d)?;
                    Ok(())
                }
                Err(e) => Err(e),
            }
        } else if ft.is_symlink() {
            match std::fs::read_link(&path) {
                Ok(t) => dst
                    .create_node(
                        &name,
                        NewNode::Symlink(std::os::unix::ffi::OsStrExt::as_bytes(t.as_os_str())),
                        0o777,
                        0,
                        0,
                    )
                    .map(drop),
                Err(_) => Ok(()),
            }
        } else if ft.is_file() {
            // Contents are copied on first access (tmpfs host-backed files).
            dst.create_host_backed(&name, mode, HostSource::new(root.clone(), rel.join(e.file_name())), md.len())
                .and_then(|f| {
                    let mtime = Timespec { sec: md.mtime(), nsec: u32::try_from(md.mtime_nsec()).unwrap_or(0) };
                    f.setattr(&SetAttr { mtime: Some(mtime), ..Default::default() })
                })
        } else {
            Ok(())
        };
        r.map_err(|e| format!("copy {}: {e}", path.display()))?;
    }
    Ok(())
}

/// `mkdir -p` as root (existing directories are fine).
pub fn mkdir_p(ctx: &FsContext, path: &str, mode: u32) -> KResult<PathHandle> {
    let creds = Creds::new(0, 0);
    let c = Caller::new(ctx, &creds);
    let mut cur = String::new();
    for comp in path.split('/').filter(|c| !c.is_empty()) {
        cur.push('/');
        cur.push_str(comp);
        match c.mkdir(&ctx.root, cur.as_bytes(), mode) {
            Ok(()) | Err(Errno::EEXIST) => {}
            Err(e) => return Err(e),
        }
    }
    c.lookup(&ctx.root, path.as_bytes(), true)
}

/// Something that can make a procfs for the namespace (the kernel).
pub type ProcFsFactory<'a> = &'a dyn Fn() -> Arc<dyn FileSystem>;

/// Build the namespace: root, /dev, /proc, host mounts.
pub fn build_namespace(
    config: &KernelConfig,
    host: &Arc<dyn HostOps>,
    procfs: Option<ProcFsFactory<'_>>,
) -> Result<Arc<MountNamespace>, String> {
    let clock = host_clock(host);
    let (root_fs, source, flags): (Arc<dyn FileSystem>, String, u32) = match &config.root {
        RootFs::Tmpfs => (TmpFs::new(clock.clone(), 0o755, TMPFS_MAX_BYTES), "tmpfs".into(), 0),
        RootFs::CopyOf(dir) => {
            let t = TmpFs::new(clock.clone(), 0o755, TMPFS_MAX_BYTES);
            copy_tree(dir, &t.root_node())?;
            (t, "rootfs".into(), 0)
        }
        RootFs::Host { host_path, read_only } => (
            HostFs::new(host_path, *read_only)?,
            host_path.display().to_string(),
            if *read_only { MS_RDONLY } else { 0 },
        ),
    };
    let writable_root = !matches!(&config.root, RootFs::Host { read_only: true, .. });
    let ns = MountNamespace::new(root_fs, &source, flags);
    let ctx = FsContext::new(ns.clone());
    if writable_root {
        for (dir, mode) in
            [("/dev", 0o755), ("/proc", 0o555), ("/tmp", 0o1777), ("/root", 0o700), ("/home", 0o755), ("/etc", 0o755)]
        {
            let made = mkdir_p(&ctx, dir, mode).map_err(|e| format!("creating {dir}: {e}"))?;
            if dir == "/tmp" && !matches!(config.root, RootFs::Host { .. }) {
                let _ = made.inode.setattr(&SetAttr { mode: Some(0o1777), ..Default::default() });
            }
        }
    }
    let creds = Creds::new(0, 0);
    let c = Caller::new(&ctx, &creds);
    if let Ok(dev) = c.lookup(&ctx.root, b"/dev", true) {
        let devfs = new_devfs(clock.clone());
        let root = devfs.root();
        ns.attach(&dev, devfs, root, MS_NOSUID, "devtmpfs").map_err(|e| format!("mounting /dev: {e}"))?;
    }
    if let (Some(make), Ok(proc_dir)) = (procfs, c.lookup(&ctx.root, b"/proc", true)) {
        let p = make();
        let root = p.root();
        ns.attach(&proc_dir, p, root, MS_NOSUID | MS_NODEV | MS_NOEXEC, "proc")
            .map_err(|e| format!("mounting /proc: {e}"))?;
    }
    for m in &config.mounts {
        if !m.guest_path.starts_with('/') {
            return Err(format!("mount point {} is not absolute", m.guest_path));
        }
        let fs = HostFs::new(&m.host_path, m.read_only)?;
        let at = mkdir_p(&ctx, &m.guest_path, 0o755).map_err(|e| format!("mount point {}: {e}", m.guest_path))?;
        let root = fs.root();
        ns.attach(&at, fs, root, if m.read_only { MS_RDONLY } else { 0 }, &m.host_path.display().to_string())
            .map_err(|e| format!("mounting {}: {e}", m.guest_path))?;
    }
    Ok(ns)
}
