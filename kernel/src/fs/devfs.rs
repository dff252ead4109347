//! devfs (`devtmpfs` on /dev): a tmpfs populated with the standard device
//! nodes and links, plus the memory devices themselves (`null`, `zero`,
//! `full`, `random`, `urandom`), opened by device number so that a node
//! made with mknod anywhere works the same. Terminal majors (4, 5, 136) are
//! opened by the tty module (see `vfs::ops::Opened::Tty`).

use std::any::Any;
use std::sync::Arc;

use crate::api::HostOps;
use crate::error::{Errno, KResult};
use crate::file::{FileOps, Stat};
use crate::fs::tmpfs::{Clock, TmpFs};
use crate::vfs::inode::*;

/// The memory devices (major 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mem {
    Null,
    Zero,
    Full,
    Random,
}

struct MemDev {
    kind: Mem,
    rdev: u64,
    host: Arc<dyn HostOps>,
}

impl FileOps for MemDev {
    fn read(&self, buf: &mut [u8], _offset: u64) -> KResult<usize> {
        match self.kind {
            Mem::Null => Ok(0),
            Mem::Zero | Mem::Full => {
                buf.fill(0);
                Ok(buf.len())
            }
            Mem::Random => {
                self.host.random(buf);
                Ok(buf.len())
            }
        }
    }
    fn write(&self, data: &[u8], _offset: u64) -> KResult<usize> {
        match self.kind {
            Mem::Full => Err(Errno::ENOSPC),
            _ => Ok(data.len()),
        }
    }
    fn seekable(&self) -> bool {
        true
    }
    fn fixed_seek(&self) -> Option<u64> {
        Some(0)
    }
    fn stat(&self) -> KResult<Stat> {
        Ok(Stat { mode: S_IFCHR | 0o666, nlink: 1, rdev: self.rdev, blksize: 4096, ..Default::default() })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Open character device `rdev` if it is a memory device.
pub fn open_chrdev(host: &Arc<dyn HostOps>, rdev: u64) -> Option<KResult<Arc<dyn FileOps>>> {
    let kind = match (major(rdev), minor(rdev)) {
        (1, 3) => Mem::Null,
        (1, 5) => Mem::Zero,
        (1, 7) => Mem::Full,
        (1, 8) | (1, 9) => Mem::Random,
        _ => return None,
    };
    Some(Ok(Arc::new(MemDev { kind, rdev, host: host.clone() })))
}

/// A populated devfs.
pub fn new_devfs(clock: Clock) -> Arc<TmpFs> {
    let fs = TmpFs::named("devtmpfs", clock, 0o755, 64 << 20);
    let root = fs.root_node();
    let chr = |name: &str, ma: u64, mi: u64, mode: u32| {
        let _ = root.create_node(name.as_bytes(), NewNode::CharDev(makedev(ma, mi)), mode, 0, 0);
    };
    chr("null", 1, 3, 0o666);
    chr("zero", 1, 5, 0o666);
    chr("full", 1, 7, 0o666);
    chr("random", 1, 8, 0o666);
    chr("urandom", 1, 9, 0o666);
    chr("tty", 5, 0, 0o666);
    chr("console", 5, 1, 0o600);
    chr("ptmx", 5, 2, 0o666);
    for (name, target) in [
        ("fd", "/proc/self/fd"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"),
    ] {
        let _ = root.create_node(name.as_bytes(), NewNode::Symlink(target.as_bytes()), 0o777, 0, 0);
    }
    let _ = root.create_node(b"shm", NewNode::Directory, 0o1777, 0, 0);
    let _ = root.create_node(b"pts", NewNode::Directory, 0o755, 0, 0);
    let _ = root.create_node(b"mqueue", NewNode::Directory, 0o1777, 0, 0);
    fs
}
