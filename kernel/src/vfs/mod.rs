//! The virtual file system: inodes of every file system, mounts, path
//! handles and the path walk, plus the operations the syscall layer calls
//! (`open`, `mkdir`, `unlink`, `rename`...) with Linux's permission and
//! errno rules.
//!
//! Neighbours: `syscall/{open,stat,dir,path,mount,lock,fs}.rs` decode guest
//! arguments and call in here; `fs/*` (tmpfs, hostfs, devfs, procfs)
//! implement [`Inode`]/[`FileSystem`]. A process holds an [`FsContext`]
//! (root, cwd, umask), cloned on fork; all processes share one
//! [`MountNamespace`].
//!
//! Model: there is no dentry cache. A [`PathHandle`] is a (mount, inode)
//! pair; directories know their parent inside their file system
//! ([`Inode::parent`]), so `..` and `getcwd` stay right after renames.
//! Mount points are matched by (parent mount id, inode number).
//!
//! Lock order: namespace `mounts` lock → file system internal locks. No
//! VFS lock is held while calling into a file system except the mount
//! table read lock during `mounted_on` (leaf).

pub mod file;
pub mod inode;
pub mod lock;
pub mod ops;
pub mod path;
pub mod xattr;

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

pub use inode::*;

use crate::error::{Errno, KResult};

/// `AT_FDCWD`: a dirfd meaning the current directory.
pub const AT_FDCWD: i32 = -100;
/// `AT_EMPTY_PATH`: an empty path names the dirfd itself.
pub const AT_EMPTY_PATH: u32 = 0x1000;

/// `MS_*` mount flags the VFS honours.
pub const MS_RDONLY: u32 = 1;
pub const MS_NOSUID: u32 = 2;
pub const MS_NODEV: u32 = 4;
pub const MS_NOEXEC: u32 = 8;
pub const MS_REMOUNT: u32 = 32;
pub const MS_BIND: u32 = 4096;
pub const MS_REC: u32 = 16384;

/// One mount: a file system (sub)tree attached at a point of its parent.
pub struct Mount {
    pub id: u64,
    pub fs: Arc<dyn FileSystem>,
    /// The root of this mount (the fs root, or a directory for bind mounts).
    pub root: InodeRef,
    /// The mount and directory this one covers; `None` for the namespace root.
    pub parent: Option<(Arc<Mount>, InodeRef)>,
    /// `MS_*` flags.
    flags: AtomicU32,
    /// Source as /proc/mounts shows it (`tmpfs`, `proc`, a host path...).
    pub source: String,
}

impl Mount {
    pub fn flags(&self) -> u32 {
        self.flags.load(Ordering::Relaxed)
    }
    pub fn set_flags(&self, flags: u32) {
        self.flags.store(flags, Ordering::Relaxed)
    }
    pub fn read_only(&self) -> bool {
        self.flags() & MS_RDONLY != 0
    }
    pub fn fs_type(&self) -> &'static str {
        self.fs.fs_type()
    }
}

impl std::fmt::Debug for Mount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Mount({} {} {})", self.id, self.fs.fs_type(), self.source)
    }
}

/// The mount table shared by all processes.
pub struct MountNamespace {
    mounts: RwLock<Vec<Arc<Mount>>>,
    next_id: AtomicU64,
}

impl std::fmt::Debug for MountNamespace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MountNamespace({:?})", self.mounts())
    }
}

impl MountNamespace {
    /// A namespace whose root is `root_fs`.
    pub fn new(root_fs: Arc<dyn FileSystem>, source: &str, flags: u32) -> Arc<MountNamespace> {
        let root = root_fs.root();
        let m = Arc::new(Mount {
            id: 1,
            fs: root_fs,
            root,
            parent: None,
            flags: AtomicU32::new(flags),
            source: source.into(),
        });
        Arc::new(MountNamespace { mounts: RwLock::new(vec![m]), next_id: AtomicU64::new(2) })
    }

    /// All mounts, parents before children (mount order).
    pub fn mounts(&self) -> Vec<Arc<Mount>> {
        self.mounts.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The namespace root.
    pub fn root(&self) -> PathHandle {
        let m = self.mounts.read().unwrap_or_else(|e| e.into_inner())[0].clone();
        PathHandle { inode: m.root.clone(), mnt: m }
    }

    /// The topmost mount covering directory `ino` of mount `mnt`.
    pub fn mounted_on(&self, mnt: &Mount, ino: u64) -> Option<Arc<Mount>> {
        let mounts = self.mounts.read().unwrap_or_else(|e| e.into_inner());
        mounts.iter().rev().find(|m| matches!(&m.parent, Some((pm, pi)) if pm.id == mnt.id && pi.ino() == ino)).cloned()
    }

    /// Attach `fs` (rooted at `root`) over the directory `at`.
    pub fn attach(
        &self,
        at: &PathHandle,
        fs: Arc<dyn FileSystem>,
        root: InodeRef,
        flags: u32,
        source: &str,
    ) -> KResult<Arc<Mount>> {
        if at.inode.file_type() != FileType::Directory {
            return Err(Errno::ENOTDIR);
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let m = Arc::new(Mount {
            id,
            fs,
            root,
            parent: Some((at.mnt.clone(), at.inode.clone())),
            flags: AtomicU32::new(flags),
            source: source.into(),
        });
        self.mounts.write().unwrap_or_else(|e| e.into_inner()).push(m.clone());
        Ok(m)
    }

    /// Detach mount `mnt` (EBUSY if something is mounted on it or, unless
    /// `lazy`, if `busy` says it is in use; EINVAL for the root).
    pub fn detach(&self, mnt: &Arc<Mount>, busy: bool, lazy: bool) -> KResult<()> {
        let mut mounts = self.mounts.write().unwrap_or_else(|e| e.into_inner());
        if mnt.parent.is_none() {
            return Err(Errno::EINVAL);
        }
        let has_children = mounts.iter().any(|m| matches!(&m.parent, Some((pm, _)) if pm.id == mnt.id));
        if (has_children || busy) && !lazy {
            return Err(Errno::EBUSY);
        }
        let before = mounts.len();
        if lazy {
            // Detach the whole subtree.
            let mut gone = vec![mnt.id];
            let mut i = 0;
            while i < gone.len() {
                let id = gone[i];
                for m in mounts.iter() {
                    if matches!(&m.parent, Some((pm, _)) if pm.id == id) {
                        gone.push(m.id);
                    }
                }
                i += 1;
            }
            mounts.retain(|m| !gone.contains(&m.id));
        } else {
            mounts.retain(|m| m.id != mnt.id);
        }
        if mounts.len() == before {
            return Err(Errno::EINVAL);
        }
        Ok(())
    }

    pub fn is_mounted(&self, mnt: &Mount) -> bool {
        self.mounts.read().unwrap_or_else(|e| e.into_inner()).iter().any(|m| m.id == mnt.id)
    }
}

/// A position in the tree: a mount and an inode inside it (Linux's
/// `struct path`). Cheap to clone.
#[derive(Clone)]
pub struct PathHandle {
    pub mnt: Arc<Mount>,
    pub inode: InodeRef,
}

impl PathHandle {
    pub fn same(&self, other: &PathHandle) -> bool {
        self.mnt.id == other.mnt.id && self.inode.ino() == other.inode.ino()
    }
    /// Is this the root of its mount?
    pub fn is_mount_root(&self) -> bool {
        self.inode.ino() == self.mnt.root.ino()
    }
    /// `stat` with `st_dev` of the mount's file system.
    pub fn stat(&self) -> KResult<crate::file::Stat> {
        let mut st = self.inode.stat()?;
        st.dev = self.mnt.fs.dev();
        Ok(st)
    }
    pub fn file_type(&self) -> FileType {
        self.inode.file_type()
    }
}

impl std::fmt::Debug for PathHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PathHandle(mnt {}, ino {})", self.mnt.id, self.inode.ino())
    }
}

/// A process's file-system context (`struct fs_struct`): root, cwd, umask,
/// and the mount namespace. `Clone` for fork (CLONE_FS shares it by Arc in
/// the process structure instead).
#[derive(Clone, Debug)]
pub struct FsContext {
    pub ns: Arc<MountNamespace>,
    pub root: PathHandle,
    pub cwd: PathHandle,
    pub umask: u32,
}

impl FsContext {
    /// Root and cwd at the namespace root, umask 022.
    pub fn new(ns: Arc<MountNamespace>) -> FsContext {
        let root = ns.root();
        FsContext { cwd: root.clone(), root, ns, umask: 0o022 }
    }
}
