//! The mqueue file system (`mount -t mqueue none /dev/mqueue`): a view of
//! the kernel's POSIX message queue names. Listing shows the queues,
//! opening one gives the same descriptor `mq_open` gives (reading it shows
//! the status line), `unlink` is `mq_unlink`, and creating a file makes a
//! queue with the default attributes. Directories, links, renames and
//! other node types are `EPERM`, as on Linux.

use std::any::Any;
use std::sync::{Arc, Weak};

use super::mqueue::{self, Mq, MqFile};
use crate::error::{Errno, KResult};
use crate::file::{DirEntry, FileOps, Stat};
use crate::vfs::{FileSystem, FileType, Inode, InodeRef, NewNode, StatFs};
use crate::Kernel;

/// `MQUEUE_MAGIC` (statfs f_type).
pub const MQUEUE_MAGIC: u32 = 0x1980_0202;

pub struct MqueueFs {
    root: Arc<MqRoot>,
}

struct MqRoot {
    kernel: Weak<Kernel>,
    dev: u64,
}

struct MqInode {
    mq: Arc<Mq>,
    dev: u64,
}

/// The queue behind an inode of an mqueue file system (a descriptor opened
/// through the file system works with the mq_* calls too).
pub fn queue_of(inode: &dyn Inode) -> Option<Arc<Mq>> {
    inode.as_any().downcast_ref::<MqInode>().map(|i| i.mq.clone())
}

/// A new mqueue file system instance of kernel `k`.
pub fn new(k: &Kernel) -> Arc<MqueueFs> {
    let dev = crate::vfs::alloc_anon_dev();
    Arc::new(MqueueFs { root: Arc::new(MqRoot { kernel: k.self_ref.clone(), dev }) })
}

impl FileSystem for MqueueFs {
    fn fs_type(&self) -> &'static str {
        "mqueue"
    }
    fn root(&self) -> InodeRef {
        self.root.clone()
    }
    fn dev(&self) -> u64 {
        self.root.dev
    }
}

fn statfs(dev: u64) -> KResult<StatFs> {
    Ok(StatFs { fs_type: MQUEUE_MAGIC, bsize: 4096, frsize: 4096, namelen: 255, fsid: dev, ..Default::default() })
}

impl MqRoot {
    fn kernel(&self) -> KResult<Arc<Kernel>> {
        self.kernel.upgrade().ok_or(Errno::ENOENT)
    }
}

impl Inode for MqRoot {
    fn stat(&self) -> KResult<Stat> {
        Ok(Stat { mode: 0o041777, nlink: 2, ino: 1, blksize: 4096, ..Default::default() })
    }
    fn ino(&self) -> u64 {
        1
    }
    fn file_type(&self) -> FileType {
        FileType::Directory
    }
    fn lookup(&self, name: &[u8]) -> KResult<InodeRef> {
        let mq = mqueue::find(&*self.kernel()?, name).ok_or(Errno::ENOENT)?;
        Ok(Arc::new(MqInode { mq, dev: self.dev }))
    }
    fn create(&self, name: &[u8], node: NewNode<'_>, mode: u32, uid: u32, gid: u32) -> KResult<InodeRef> {
        if !matches!(node, NewNode::Regular) {
            return Err(Errno::EPERM);
        }
        let mq = mqueue::create_default(&*self.kernel()?, name, mode, uid, gid)?;
        Ok(Arc::new(MqInode { mq, dev: self.dev }))
    }
    fn link(&self, _name: &[u8], _target: &InodeRef) -> KResult<()> {
        Err(Errno::EPERM)
    }
    fn unlink(&self, name: &[u8]) -> KResult<()> {
        mqueue::remove_name(&*self.kernel()?, name)
    }
    fn rmdir(&self, name: &[u8]) -> KResult<()> {
        match mqueue::find(&*self.kernel()?, name) {
            Some(_) => Err(Errno::ENOTDIR),
            None => Err(Errno::ENOENT),
        }
    }
    fn rename(&self, _old: &[u8], _new_dir: &InodeRef, _new: &[u8], _flags: u32) -> KResult<()> {
        Err(Errno::EPERM)
    }
    fn list(&self) -> KResult<Vec<DirEntry>> {
        let k = self.kernel()?;
        Ok(mqueue::names(&k)
            .into_iter()
            .filter_map(|n| mqueue::find(&k, &n).map(|q| DirEntry { ino: q.ino(), kind: 8, name: n }))
            .collect())
    }
    fn statfs(&self) -> KResult<StatFs> {
        statfs(self.dev)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Inode for MqInode {
    fn stat(&self) -> KResult<Stat> {
        MqFile { mq: self.mq.clone() }.stat()
    }
    fn ino(&self) -> u64 {
        self.mq.ino()
    }
    fn file_type(&self) -> FileType {
        FileType::Regular
    }
    fn open(&self, _flags: u32) -> KResult<Arc<dyn FileOps>> {
        Ok(Arc::new(MqFile { mq: self.mq.clone() }))
    }
    fn statfs(&self) -> KResult<StatFs> {
        statfs(self.dev)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
