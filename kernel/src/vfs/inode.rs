//! The interface every file system implements: [`Inode`] (one file system
//! object) and [`FileSystem`] (one mounted instance, a superblock).
//!
//! File systems do no permission checks of their own: the VFS checks the
//! caller's credentials against [`Inode::stat`] before calling in
//! (hostfs additionally enforces its confinement and read-only flag).
//! Trait defaults return the Linux errno for objects that do not support
//! an operation (`lookup` on a file → `ENOTDIR`, `readlink` on a file →
//! `EINVAL`).

use std::any::Any;
use std::sync::{Arc, OnceLock};

use crate::error::{Errno, KResult};
use crate::file::{DirEntry, FileOps, Stat, Timespec};

/// A reference-counted inode.
pub type InodeRef = Arc<dyn Inode>;

/// `S_IF*` file type bits.
pub const S_IFMT: u32 = 0o170000;
pub const S_IFSOCK: u32 = 0o140000;
pub const S_IFLNK: u32 = 0o120000;
pub const S_IFREG: u32 = 0o100000;
pub const S_IFBLK: u32 = 0o060000;
pub const S_IFDIR: u32 = 0o040000;
pub const S_IFCHR: u32 = 0o020000;
pub const S_IFIFO: u32 = 0o010000;
pub const S_ISUID: u32 = 0o4000;
pub const S_ISGID: u32 = 0o2000;
pub const S_ISVTX: u32 = 0o1000;

/// `DT_*` directory entry types.
pub const DT_UNKNOWN: u8 = 0;
pub const DT_FIFO: u8 = 1;
pub const DT_CHR: u8 = 2;
pub const DT_DIR: u8 = 4;
pub const DT_BLK: u8 = 6;
pub const DT_REG: u8 = 8;
pub const DT_LNK: u8 = 10;
pub const DT_SOCK: u8 = 12;

/// The kind of a file system object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Regular,
    Directory,
    Symlink,
    Fifo,
    CharDev,
    BlockDev,
    Socket,
}

impl FileType {
    pub fn from_mode(mode: u32) -> Option<FileType> {
        Some(match mode & S_IFMT {
            S_IFREG => FileType::Regular,
            S_IFDIR => FileType::Directory,
            S_IFLNK => FileType::Symlink,
            S_IFIFO => FileType::Fifo,
            S_IFCHR => FileType::CharDev,
            S_IFBLK => FileType::BlockDev,
            S_IFSOCK => FileType::Socket,
            _ => return None,
        })
    }
    pub fn mode_bits(self) -> u32 {
        match self {
            FileType::Regular => S_IFREG,
            FileType::Directory => S_IFDIR,
            FileType::Symlink => S_IFLNK,
            FileType::Fifo => S_IFIFO,
            FileType::CharDev => S_IFCHR,
            FileType::BlockDev => S_IFBLK,
            FileType::Socket => S_IFSOCK,
        }
    }
    pub fn dirent_type(self) -> u8 {
        match self {
            FileType::Regular => DT_REG,
            FileType::Directory => DT_DIR,
            FileType::Symlink => DT_LNK,
            FileType::Fifo => DT_FIFO,
            FileType::CharDev => DT_CHR,
            FileType::BlockDev => DT_BLK,
            FileType::Socket => DT_SOCK,
        }
    }
}

/// What to create in a directory.
#[derive(Debug, Clone, Copy)]
pub enum NewNode<'a> {
    Regular,
    Directory,
    Symlink(&'a [u8]),
    Fifo,
    CharDev(u64),
    BlockDev(u64),
    Socket,
}

impl NewNode<'_> {
    pub fn file_type(&self) -> FileType {
        match self {
            NewNode::Regular => FileType::Regular,
            NewNode::Directory => FileType::Directory,
            NewNode::Symlink(_) => FileType::Symlink,
            NewNode::Fifo => FileType::Fifo,
            NewNode::CharDev(_) => FileType::CharDev,
            NewNode::BlockDev(_) => FileType::BlockDev,
            NewNode::Socket => FileType::Socket,
        }
    }
}

/// Attribute changes (`notify_change`). `None` leaves a field alone. The
/// file system updates ctime itself whenever anything changes.
#[derive(Debug, Clone, Default)]
pub struct SetAttr {
    /// Permission bits only (`0o7777`); the type never changes.
    pub mode: Option<u32>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    pub size: Option<u64>,
    pub atime: Option<Timespec>,
    pub mtime: Option<Timespec>,
}

/// `renameat2` flags.
pub const RENAME_NOREPLACE: u32 = 1;
pub const RENAME_EXCHANGE: u32 = 2;
pub const RENAME_WHITEOUT: u32 = 4;

/// `fallocate` modes.
pub const FALLOC_FL_KEEP_SIZE: u32 = 1;
pub const FALLOC_FL_PUNCH_HOLE: u32 = 2;

/// What `statfs` reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatFs {
    /// `f_type` magic (TMPFS_MAGIC...).
    pub fs_type: u32,
    pub bsize: u32,
    pub blocks: u64,
    pub bfree: u64,
    pub bavail: u64,
    pub files: u64,
    pub ffree: u64,
    pub fsid: u64,
    pub namelen: u32,
    pub frsize: u32,
    /// `ST_*` mount flags (ST_RDONLY=1, ST_NOSUID=2...).
    pub flags: u32,
}

pub const TMPFS_MAGIC: u32 = 0x0102_1994;
pub const PROC_SUPER_MAGIC: u32 = 0x9fa0;
pub const DEVPTS_SUPER_MAGIC: u32 = 0x1cd1;
/// hostfs reports the host file system's magic; this is its fallback.
pub const HOSTFS_MAGIC: u32 = 0x0001_1954;

/// A slot a FIFO inode carries for the pipe object shared by everyone who
/// opens it (the pipe module fills it on first open and downcasts).
pub type FifoSlot = OnceLock<Arc<dyn Any + Send + Sync>>;

/// One file system object.
///
/// Directory operations receive a single path component (never empty, never
/// `.`/`..`, no `/`); the VFS has already checked permissions, read-only
/// mounts and name lengths. Implementations serialize their own namespace
/// changes.
pub trait Inode: Send + Sync + Any {
    /// Attributes; `dev` is filled in by the VFS from the mount.
    fn stat(&self) -> KResult<Stat>;
    /// Inode number (cheap; used for mount-point matching).
    fn ino(&self) -> u64;
    /// The type, cheaply.
    fn file_type(&self) -> FileType;

    /// Find `name` in this directory.
    fn lookup(&self, _name: &[u8]) -> KResult<InodeRef> {
        Err(Errno::ENOTDIR)
    }
    /// Create `name` (EEXIST if present) with permission bits `mode`.
    fn create(&self, _name: &[u8], _node: NewNode<'_>, _mode: u32, _uid: u32, _gid: u32) -> KResult<InodeRef> {
        Err(Errno::ENOTDIR)
    }
    /// Add a hard link `name` to `target` (same file system, not a directory).
    fn link(&self, _name: &[u8], _target: &InodeRef) -> KResult<()> {
        Err(Errno::ENOTDIR)
    }
    /// Remove the non-directory `name` (EISDIR for a directory).
    fn unlink(&self, _name: &[u8]) -> KResult<()> {
        Err(Errno::ENOTDIR)
    }
    /// Remove the empty directory `name` (ENOTDIR, ENOTEMPTY).
    fn rmdir(&self, _name: &[u8]) -> KResult<()> {
        Err(Errno::ENOTDIR)
    }
    /// Move `old_name` in this directory to `new_name` in `new_dir` (same
    /// file system), with `RENAME_*` flags. The VFS has checked the
    /// directory-cycle rule; the file system checks EEXIST/ENOTEMPTY/
    /// EISDIR/ENOTDIR against the replaced entry.
    fn rename(&self, _old_name: &[u8], _new_dir: &InodeRef, _new_name: &[u8], _flags: u32) -> KResult<()> {
        Err(Errno::ENOTDIR)
    }
    /// Target of a symbolic link.
    fn readlink(&self) -> KResult<Vec<u8>> {
        Err(Errno::EINVAL)
    }
    /// Open a regular file or device for I/O (directories, FIFOs and ttys
    /// are opened by the VFS itself). `flags` are the `O_*` flags.
    fn open(&self, _flags: u32) -> KResult<Arc<dyn FileOps>> {
        Err(Errno::ENXIO)
    }
    fn setattr(&self, _attr: &SetAttr) -> KResult<()> {
        Err(Errno::EPERM)
    }
    /// All entries of a directory, except `.` and `..`, in a stable order.
    fn list(&self) -> KResult<Vec<DirEntry>> {
        Err(Errno::ENOTDIR)
    }
    /// For a directory: its parent directory inside this file system and
    /// its name there. `None` at the file system root and for a removed
    /// directory.
    fn parent(&self) -> Option<(InodeRef, Vec<u8>)> {
        None
    }
    /// Has a directory been removed (getcwd → ENOENT)?
    fn is_dead(&self) -> bool {
        false
    }
    fn statfs(&self) -> KResult<StatFs>;
    /// `fallocate(mode, offset, len)` for mode 0 and KEEP_SIZE.
    fn fallocate(&self, _mode: u32, _offset: u64, _len: u64) -> KResult<()> {
        Err(Errno::EOPNOTSUPP)
    }
    fn fsync(&self) -> KResult<()> {
        Ok(())
    }
    /// FIFOs: the slot for the shared pipe object.
    fn fifo_slot(&self) -> Option<&FifoSlot> {
        None
    }
    fn as_any(&self) -> &dyn Any;
}

/// One file system instance (a superblock).
pub trait FileSystem: Send + Sync {
    /// `tmpfs`, `proc`, `devtmpfs`, `hostfs`...
    fn fs_type(&self) -> &'static str;
    fn root(&self) -> InodeRef;
    /// Device number reported as `st_dev`.
    fn dev(&self) -> u64;
    /// Write back everything (sync(2)).
    fn sync(&self) -> KResult<()> {
        Ok(())
    }
}

/// Allocate a unique anonymous device number (`makedev(0, n)`) for a new
/// file system instance.
pub fn alloc_anon_dev() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(16);
    let minor = NEXT.fetch_add(1, Ordering::Relaxed);
    makedev(0, minor)
}

/// Linux `new_encode_dev` style device number as `stat` shows it.
pub fn makedev(major: u64, minor: u64) -> u64 {
    ((major & 0xfffff000) << 32) | ((major & 0xfff) << 8) | ((minor & 0xffffff00) << 12) | (minor & 0xff)
}
pub fn major(dev: u64) -> u64 {
    ((dev >> 32) & 0xfffff000) | ((dev >> 8) & 0xfff)
}
pub fn minor(dev: u64) -> u64 {
    ((dev >> 12) & 0xffffff00) | (dev & 0xff)
}
