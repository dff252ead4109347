//! hostfs: a host directory mounted (read-only or read-write) into the
//! guest tree, confined to that directory.
//!
//! Confinement: every host object is reached from the mount root's
//! directory fd one component at a time with
//! `openat(dir_fd, name, O_PATH | O_NOFOLLOW)`, where `name` is a single
//! component that is never `.`/`..` and never contains `/`. Symbolic links
//! are read with `readlinkat(fd, "")` and resolved by the *guest* VFS walk;
//! `..` is handled by the guest VFS above the mount (each node remembers the
//! node it was looked up from). Operations on an existing object go
//! through its pinned `O_PATH` fd — `fstat(fd)`, `fchownat(fd, "",
//! AT_EMPTY_PATH)`, or the `/proc/self/fd/N` magic link, which names exactly
//! the pinned inode — so a name swapped for a symlink between lookup and
//! use cannot redirect the operation. Creation and removal use
//! `*at(dir_fd, name)` calls on a pinned directory fd with a single
//! component and `O_NOFOLLOW`/`O_EXCL`. Host device nodes are never opened
//! (the VFS maps them to kernel devices by number).
//!
//! Ownership: the host user running the kernel appears as root (uid/gid 0)
//! in the guest; other ids pass through.

use std::any::Any;
use std::collections::HashMap;
use std::ffi::OsStr;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use nix::fcntl::{AtFlags, OFlag};
use nix::sys::stat::{FileStat, Mode, SFlag};

use crate::error::{Errno, KResult};
use crate::file::{oflags, DirEntry, FileOps, Stat, Timespec};
use crate::vfs::inode::*;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn host_err(e: nix::errno::Errno) -> Errno {
    Errno::from_code(e as i32).unwrap_or(Errno::EIO)
}

/// A test hook told about every host object hostfs touches: the
/// operation and the host path (resolved through /proc/self/fd).
pub type HostHook = Arc<dyn Fn(&str, &Path) + Send + Sync>;

struct Shared {
    dev: u64,
    read_only: bool,
    host_uid: u32,
    host_gid: u32,
    cache: Mutex<HashMap<(u64, u64), Weak<HostNode>>>,
    hook: Mutex<Option<HostHook>>,
}

/// A mounted host directory.
pub struct HostFs {
    shared: Arc<Shared>,
    root: Arc<HostNode>,
    host_path: PathBuf,
}

/// One host object, pinned by an `O_PATH` fd.
pub struct HostNode {
    me: Weak<HostNode>,
    shared: Arc<Shared>,
    fd: OwnedFd,
    ino: u64,
    host_dev: u64,
    kind: FileType,
    /// The directory it was last looked up from, and the name there.
    parent: Mutex<Option<(Arc<HostNode>, Vec<u8>)>>,
    fifo: FifoSlot,
}

fn proc_fd_path(fd: &OwnedFd) -> PathBuf {
    PathBuf::from(format!("/proc/self/fd/{}", fd.as_raw_fd()))
}

/// A single path component hostfs may hand to the host.
fn check_name(name: &[u8]) -> KResult<&OsStr> {
    if name.is_empty() || name == b"." || name == b".." || name.contains(&b'/') || name.contains(&0) {
        return Err(Errno::EINVAL);
    }
    if name.len() > 255 {
        return Err(Errno::ENAMETOOLONG);
    }
    Ok(OsStr::from_bytes(name))
}

fn ts(sec: i64, nsec: i64) -> Timespec {
    Timespec { sec, nsec: u32::try_from(nsec).unwrap_or(0) }
}

impl HostFs {
    /// Mount the host directory `host_path`.
    pub fn new(host_path: &Path, read_only: bool) -> Result<Arc<HostFs>, String> {
        let fd = nix::fcntl::open(host_path, OFlag::O_PATH | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC, Mode::empty())
            .map_err(|e| format!("hostfs: cannot open {}: {e}", host_path.display()))?;
        let st = nix::sys::stat::fstat(&fd).map_err(|e| format!("hostfs: fstat {}: {e}", host_path.display()))?;
        let shared = Arc::new(Shared {
            dev: alloc_anon_dev(),
            read_only,
            host_uid: nix::unistd::geteuid().as_raw(),
            host_gid: nix::unistd::getegid().as_raw(),
            cache: Mutex::new(HashMap::new()),
            hook: Mutex::new(None),
        });
        let root = HostNode::new(&shared, fd, &st, None);
        Ok(Arc::new(HostFs { shared, root, host_path: host_path.to_path_buf() }))
    }

    /// Install a hook told about every host object touched (tests).
    pub fn set_hook(&self, hook: HostHook) {
        *lock(&self.shared.hook) = Some(hook);
    }

    pub fn host_path(&self) -> &Path {
        &self.host_path
    }
}

impl FileSystem for HostFs {
    fn fs_type(&self) -> &'static str {
        "hostfs"
    }
    fn root(&self) -> InodeRef {
        self.root.clone()
    }
    fn dev(&self) -> u64 {
        self.shared.dev
    }
}

fn downcast(inode: &InodeRef) -> Option<Arc<HostNode>> {
    let any: Arc<dyn Any + Send + Sync> = inode.clone();
    any.downcast::<HostNode>().ok()
}

impl HostNode {
    fn new(
        shared: &Arc<Shared>,
        fd: OwnedFd,
        st: &FileStat,
        parent: Option<(Arc<HostNode>, Vec<u8>)>,
    ) -> Arc<HostNode> {
        let kind = FileType::from_mode(st.st_mode).unwrap_or(FileType::Regular);
        let node = Arc::new_cyclic(|me| HostNode {
            me: me.clone(),
            shared: shared.clone(),
            fd,
            ino: st.st_ino,
            host_dev: st.st_dev,
            kind,
            parent: Mutex::new(parent),
            fifo: FifoSlot::new(),
        });
        lock(&shared.cache).insert((st.st_dev, st.st_ino), Arc::downgrade(&node));
        node
    }

    fn me(&self) -> KResult<Arc<HostNode>> {
        self.me.upgrade().ok_or(Errno::ESTALE)
    }

    fn hook(&self, op: &str, name: Option<&OsStr>) {
        let hook = lock(&self.shared.hook).clone();
        if let Some(h) = hook {
            let base = std::fs::read_link(proc_fd_path(&self.fd)).unwrap_or_else(|_| PathBuf::from("?"));
            let p = match name {
                Some(n) => base.join(n),
                None => base,
            };
            h(op, &p);
        }
    }

    fn writable(&self) -> KResult<()> {
        if self.shared.read_only {
            Err(Errno::EROFS)
        } else {
            Ok(())
        }
    }

    fn host_stat(&self) -> KResult<FileStat> {
        self.hook("fstat", None);
        nix::sys::stat::fstat(&self.fd).map_err(host_err)
    }

    fn map_uid(&self, uid: u32) -> u32 {
        if uid == self.shared.host_uid {
            0
        } else {
            uid
        }
    }
    fn map_gid(&self, gid: u32) -> u32 {
        if gid == self.shared.host_gid {
            0
        } else {
            gid
        }
    }

    /// Pin `name` in this directory (no symlink following).
    fn pin(self: &Arc<Self>, name: &[u8]) -> KResult<Arc<HostNode>> {
        let n = check_name(name)?;
        if self.kind != FileType::Directory {
            return Err(Errno::ENOTDIR);
        }
        self.hook("lookup", Some(n));
        let fd = nix::fcntl::openat(&self.fd, n, OFlag::O_PATH | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC, Mode::empty())
            .map_err(host_err)?;
        let st = nix::sys::stat::fstat(&fd).map_err(host_err)?;
        let cached = lock(&self.shared.cache).get(&(st.st_dev, st.st_ino)).and_then(|w| w.upgrade());
        if let Some(node) = cached {
            if node.kind == FileType::from_mode(st.st_mode).unwrap_or(FileType::Regular) {
                *lock(&node.parent) = Some((self.clone(), name.to_vec()));
                return Ok(node);
            }
        }
        Ok(HostNode::new(&self.shared, fd, &st, Some((self.clone(), name.to_vec()))))
    }

    fn set_mode_exact(&self, mode: u32) -> KResult<()> {
        self.hook("chmod", None);
        nix::sys::stat::fchmodat(
            nix::fcntl::AT_FDCWD,
            &proc_fd_path(&self.fd),
            Mode::from_bits_truncate(mode & 0o7777),
            nix::sys::stat::FchmodatFlags::FollowSymlink,
        )
        .map_err(host_err)
    }

    /// Reopen the pinned inode for I/O through its magic link, and check
    /// that the same inode was opened.
    fn reopen(&self, flags: OFlag) -> KResult<std::fs::File> {
        if self.kind != FileType::Regular {
            return Err(Errno::ENXIO);
        }
        self.hook("open", None);
        let fd = nix::fcntl::open(&proc_fd_path(&self.fd), flags | OFlag::O_CLOEXEC | OFlag::O_NOCTTY, Mode::empty())
            .map_err(host_err)?;
        let st = nix::sys::stat::fstat(&fd).map_err(host_err)?;
        if st.st_ino != self.ino || st.st_dev != self.host_dev {
            return Err(Errno::ESTALE);
        }
        Ok(std::fs::File::from(fd))
    }
}

impl Inode for HostNode {
    fn stat(&self) -> KResult<Stat> {
        let st = self.host_stat()?;
        Ok(Stat {
            dev: self.shared.dev,
            ino: st.st_ino,
            mode: st.st_mode,
            nlink: u32::try_from(st.st_nlink).unwrap_or(u32::MAX),
            uid: self.map_uid(st.st_uid),
            gid: self.map_gid(st.st_gid),
            rdev: st.st_rdev,
            size: u64::try_from(st.st_size).unwrap_or(0),
            blksize: u32::try_from(st.st_blksize).unwrap_or(4096),
            blocks: u64::try_from(st.st_blocks).unwrap_or(0),
            atime: ts(st.st_atime, st.st_atime_nsec),
            mtime: ts(st.st_mtime, st.st_mtime_nsec),
            ctime: ts(st.st_ctime, st.st_ctime_nsec),
            btime: Timespec::default(),
        })
    }
    fn ino(&self) -> u64 {
        self.ino
    }
    fn file_type(&self) -> FileType {
        self.kind
    }
    fn lookup(&self, name: &[u8]) -> KResult<InodeRef> {
        Ok(self.me()?.pin(name)?)
    }
    fn create(&self, name: &[u8], node: NewNode<'_>, mode: u32, _uid: u32, _gid: u32) -> KResult<InodeRef> {
        self.writable()?;
        let n = check_name(name)?;
        self.hook("create", Some(n));
        let perm = Mode::from_bits_truncate(mode & 0o7777);
        match node {
            NewNode::Regular => {
                nix::fcntl::openat(
                    &self.fd,
                    n,
                    OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_RDONLY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC,
                    perm,
                )
                .map_err(host_err)?;
            }
            NewNode::Directory => nix::sys::stat::mkdirat(&self.fd, n, perm).map_err(host_err)?,
            NewNode::Symlink(target) => {
                nix::unistd::symlinkat(OsStr::from_bytes(target), &self.fd, n).map_err(host_err)?
            }
            NewNode::Fifo => nix::sys::stat::mknodat(&self.fd, n, SFlag::S_IFIFO, perm, 0).map_err(host_err)?,
            NewNode::Socket => nix::sys::stat::mknodat(&self.fd, n, SFlag::S_IFSOCK, perm, 0).map_err(host_err)?,
            NewNode::CharDev(_) | NewNode::BlockDev(_) => return Err(Errno::EPERM),
        }
        let child = self.me()?.pin(name)?;
        if !matches!(node, NewNode::Symlink(_)) {
            // The host umask must not change the guest's mode.
            child.set_mode_exact(mode)?;
        }
        Ok(child)
    }
    fn link(&self, name: &[u8], target: &InodeRef) -> KResult<()> {
        self.writable()?;
        let n = check_name(name)?;
        let t = downcast(target).ok_or(Errno::EXDEV)?;
        if !Arc::ptr_eq(&t.shared, &self.shared) {
            return Err(Errno::EXDEV);
        }
        self.hook("link", Some(n));
        // Links exactly the pinned inode (works without privileges).
        nix::unistd::linkat(nix::fcntl::AT_FDCWD, &proc_fd_path(&t.fd), &self.fd, n, AtFlags::AT_SYMLINK_FOLLOW)
            .map_err(host_err)
    }
    fn unlink(&self, name: &[u8]) -> KResult<()> {
        self.writable()?;
        let n = check_name(name)?;
        self.hook("unlink", Some(n));
        nix::unistd::unlinkat(&self.fd, n, nix::unistd::UnlinkatFlags::NoRemoveDir).map_err(host_err)
    }
    fn rmdir(&self, name: &[u8]) -> KResult<()> {
        self.writable()?;
        let n = check_name(name)?;
        self.hook("rmdir", Some(n));
        nix::unistd::unlinkat(&self.fd, n, nix::unistd::UnlinkatFlags::RemoveDir).map_err(|e| match host_err(e) {
            Errno::EEXIST => Errno::ENOTEMPTY,
            e => e,
        })
    }
    fn rename(&self, old_name: &[u8], new_dir: &InodeRef, new_name: &[u8], flags: u32) -> KResult<()> {
        self.writable()?;
        let o = check_name(old_name)?;
        let n = check_name(new_name)?;
        let nd = downcast(new_dir).ok_or(Errno::EXDEV)?;
        if !Arc::ptr_eq(&nd.shared, &self.shared) {
            return Err(Errno::EXDEV);
        }
        self.hook("rename", Some(o));
        nd.hook("rename", Some(n));
        let rflags = nix::fcntl::RenameFlags::from_bits_truncate(flags);
        nix::fcntl::renameat2(&self.fd, o, &nd.fd, n, rflags).map_err(host_err)?;
        // Re-pin to fix the remembered parents.
        let _ = nd.pin(new_name);
        if flags & RENAME_EXCHANGE != 0 {
            let _ = self.me()?.pin(old_name);
        }
        Ok(())
    }
    fn readlink(&self) -> KResult<Vec<u8>> {
        if self.kind != FileType::Symlink {
            return Err(Errno::EINVAL);
        }
        self.hook("readlink", None);
        let t = nix::fcntl::readlinkat(&self.fd, "").map_err(host_err)?;
        Ok(t.as_bytes().to_vec())
    }
    fn open(&self, flags: u32) -> KResult<Arc<dyn FileOps>> {
        let acc = flags & oflags::O_ACCMODE;
        let mut of = match acc {
            oflags::O_WRONLY => OFlag::O_WRONLY,
            oflags::O_RDWR | oflags::O_ACCMODE => OFlag::O_RDWR,
            _ => OFlag::O_RDONLY,
        };
        if acc != oflags::O_RDONLY {
            self.writable()?;
        }
        if flags & oflags::O_APPEND != 0 {
            of |= OFlag::O_APPEND;
        }
        let file = self.reopen(of)?;
        Ok(Arc::new(HostFile { file, node: self.me()? }))
    }
    fn setattr(&self, attr: &SetAttr) -> KResult<()> {
        self.writable()?;
        if self.kind == FileType::Symlink {
            return Err(Errno::EOPNOTSUPP);
        }
        if attr.uid.is_some() || attr.gid.is_some() {
            let uid = attr.uid.map(|u| nix::unistd::Uid::from_raw(if u == 0 { self.shared.host_uid } else { u }));
            let gid = attr.gid.map(|g| nix::unistd::Gid::from_raw(if g == 0 { self.shared.host_gid } else { g }));
            self.hook("chown", None);
            nix::unistd::fchownat(&self.fd, "", uid, gid, AtFlags::AT_EMPTY_PATH).map_err(host_err)?;
        }
        if let Some(mode) = attr.mode {
            self.set_mode_exact(mode)?;
        }
        if let Some(size) = attr.size {
            let file = self.reopen(OFlag::O_WRONLY)?;
            file.set_len(size).map_err(|e| e.raw_os_error().and_then(Errno::from_code).unwrap_or(Errno::EIO))?;
        }
        if attr.atime.is_some() || attr.mtime.is_some() {
            let conv = |t: Option<Timespec>| match t {
                Some(t) => nix::sys::time::TimeSpec::new(t.sec, i64::from(t.nsec)),
                None => nix::sys::time::TimeSpec::UTIME_OMIT,
            };
            self.hook("utimens", None);
            nix::sys::stat::utimensat(
                nix::fcntl::AT_FDCWD,
                &proc_fd_path(&self.fd),
                &conv(attr.atime),
                &conv(attr.mtime),
                nix::sys::stat::UtimensatFlags::FollowSymlink,
            )
            .map_err(host_err)?;
        }
        Ok(())
    }
    fn list(&self) -> KResult<Vec<DirEntry>> {
        if self.kind != FileType::Directory {
            return Err(Errno::ENOTDIR);
        }
        self.hook("readdir", None);
        let mut dir = nix::dir::Dir::openat(
            &self.fd,
            ".",
            OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
            Mode::empty(),
        )
        .map_err(host_err)?;
        let mut out = Vec::new();
        for e in dir.iter() {
            let e = e.map_err(host_err)?;
            let name = e.file_name().to_bytes();
            if name == b"." || name == b".." {
                continue;
            }
            use nix::dir::Type;
            let kind = match e.file_type() {
                Some(Type::Fifo) => DT_FIFO,
                Some(Type::CharacterDevice) => DT_CHR,
                Some(Type::Directory) => DT_DIR,
                Some(Type::BlockDevice) => DT_BLK,
                Some(Type::File) => DT_REG,
                Some(Type::Symlink) => DT_LNK,
                Some(Type::Socket) => DT_SOCK,
                None => DT_UNKNOWN,
            };
            out.push(DirEntry { ino: e.ino(), kind, name: name.to_vec() });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }
    fn parent(&self) -> Option<(InodeRef, Vec<u8>)> {
        let p = lock(&self.parent).clone()?;
        Some((p.0 as InodeRef, p.1))
    }
    fn is_dead(&self) -> bool {
        self.host_stat().map(|s| s.st_nlink == 0).unwrap_or(true)
    }
    fn statfs(&self) -> KResult<StatFs> {
        self.hook("statfs", None);
        let s = nix::sys::statfs::fstatfs(&self.fd).map_err(host_err)?;
        Ok(StatFs {
            fs_type: u32::try_from(s.filesystem_type().0).unwrap_or(HOSTFS_MAGIC),
            bsize: u32::try_from(s.block_size()).unwrap_or(4096),
            blocks: s.blocks(),
            bfree: s.blocks_free(),
            bavail: s.blocks_available(),
            files: s.files(),
            ffree: s.files_free(),
            fsid: self.shared.dev,
            namelen: u32::try_from(s.maximum_name_length()).unwrap_or(255),
            frsize: u32::try_from(s.block_size()).unwrap_or(4096),
            flags: if self.shared.read_only { 1 } else { 0 },
        })
    }
    fn fallocate(&self, mode: u32, offset: u64, len: u64) -> KResult<()> {
        self.writable()?;
        let file = self.reopen(OFlag::O_WRONLY)?;
        let off = i64::try_from(offset).map_err(|_| Errno::EFBIG)?;
        let len = i64::try_from(len).map_err(|_| Errno::EFBIG)?;
        nix::fcntl::fallocate(file.as_fd(), nix::fcntl::FallocateFlags::from_bits_truncate(mode as i32), off, len)
            .map_err(host_err)
    }
    fn fifo_slot(&self) -> Option<&FifoSlot> {
        (self.kind == FileType::Fifo).then_some(&self.fifo)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// An open regular host file.
pub struct HostFile {
    file: std::fs::File,
    node: Arc<HostNode>,
}

fn io_err(e: std::io::Error) -> Errno {
    e.raw_os_error().and_then(Errno::from_code).unwrap_or(Errno::EIO)
}

impl FileOps for HostFile {
    fn read(&self, buf: &mut [u8], offset: u64) -> KResult<usize> {
        self.file.read_at(buf, offset).map_err(io_err)
    }
    fn write(&self, data: &[u8], offset: u64) -> KResult<usize> {
        self.node.writable()?;
        self.file.write_at(data, offset).map_err(io_err)
    }
    fn seekable(&self) -> bool {
        true
    }
    fn stat(&self) -> KResult<Stat> {
        self.node.stat()
    }
    fn truncate(&self, len: u64) -> KResult<()> {
        self.node.writable()?;
        self.file.set_len(len).map_err(io_err)
    }
    fn sync(&self) -> KResult<()> {
        self.file.sync_all().map_err(io_err)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A regular file of a host tree whose contents a tmpfs copies on first
/// access (`RootFs::CopyOf`). It is reached from the tree's root directory
/// fd (opened once at boot) one component at a time, never following a
/// symbolic link (`O_NOFOLLOW`; directories with `O_DIRECTORY`), pinned with
/// `O_PATH` and checked to be a regular file before it is opened for
/// reading through `/proc/self/fd`. So a guest that can write into part of
/// the host tree (a writable `--mount` inside the root directory) and swaps
/// a file or a directory for a symlink, a FIFO or a device before the copy
/// happens gets EIO, never another host file, a hang or endless data.
#[derive(Clone)]
pub struct HostSource {
    root: Arc<OwnedFd>,
    /// Path below `root`: normal components only.
    rel: PathBuf,
}

impl std::fmt::Debug for HostSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HostSource({})", self.rel.display())
    }
}

impl HostSource {
    /// Open the root of a host tree to copy files from.
    pub fn open_tree(path: &Path) -> Result<Arc<OwnedFd>, String> {
        nix::fcntl::open(path, OFlag::O_PATH | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC, Mode::empty())
            .map(Arc::new)
            .map_err(|e| format!("cannot open {}: {e}", path.display()))
    }

    /// The file `rel` (relative, normal components only) below `root`.
    pub fn new(root: Arc<OwnedFd>, rel: PathBuf) -> HostSource {
        HostSource { root, rel }
    }

    /// The path below the tree's root, for messages.
    pub fn rel(&self) -> &Path {
        &self.rel
    }

    /// Open the file for reading, confined to the tree (see the type).
    pub fn open(&self) -> KResult<std::fs::File> {
        let comps: Vec<&OsStr> = self
            .rel
            .components()
            .map(|c| match c {
                std::path::Component::Normal(n) => Ok(n),
                _ => Err(Errno::EIO),
            })
            .collect::<KResult<_>>()?;
        let Some((last, dirs)) = comps.split_last() else { return Err(Errno::EIO) };
        let mut dir: Option<OwnedFd> = None;
        for name in dirs {
            let at = dir.as_ref().map_or(self.root.as_fd(), |d| d.as_fd());
            let next = nix::fcntl::openat(
                at,
                *name,
                OFlag::O_PATH | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC,
                Mode::empty(),
            )
            .map_err(|_| Errno::EIO)?;
            dir = Some(next);
        }
        let at = dir.as_ref().map_or(self.root.as_fd(), |d| d.as_fd());
        let pinned = nix::fcntl::openat(at, *last, OFlag::O_PATH | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC, Mode::empty())
            .map_err(|_| Errno::EIO)?;
        let st = nix::sys::stat::fstat(&pinned).map_err(host_err)?;
        if SFlag::from_bits_truncate(st.st_mode & SFlag::S_IFMT.bits()) != SFlag::S_IFREG {
            return Err(Errno::EIO);
        }
        std::fs::File::open(proc_fd_path(&pinned))
            .map_err(|e| e.raw_os_error().and_then(Errno::from_code).unwrap_or(Errno::EIO))
    }
}
