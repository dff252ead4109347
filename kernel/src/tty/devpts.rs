//! devpts: the file system mounted on /dev/pts. Its root lists `ptmx`
//! (5:2) and one character device `N` (136:N) per live pty pair; opening
//! them goes through the VFS to [`super::open`] (terminal majors). chmod/
//! chown of an entry (grantpt) change the pty's recorded owner and mode.

use std::any::Any;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};

use super::{TtyLayer, PTMX_MINOR, PTS_MAJOR};
use crate::error::{Errno, KResult};
use crate::file::{DirEntry, Stat};
use crate::task::lock;
use crate::vfs::{
    alloc_anon_dev, makedev, FileSystem, FileType, Inode, InodeRef, SetAttr, StatFs, DEVPTS_SUPER_MAGIC, DT_CHR,
    S_IFCHR, S_IFDIR,
};

pub struct DevPts {
    root: Arc<DevPtsRoot>,
    dev: u64,
}

impl DevPts {
    pub fn new(layer: &Arc<TtyLayer>) -> Arc<DevPts> {
        Arc::new(DevPts { root: Arc::new(DevPtsRoot { layer: Arc::downgrade(layer) }), dev: alloc_anon_dev() })
    }
}

impl FileSystem for DevPts {
    fn fs_type(&self) -> &'static str {
        "devpts"
    }
    fn root(&self) -> InodeRef {
        self.root.clone()
    }
    fn dev(&self) -> u64 {
        self.dev
    }
}

fn statfs() -> StatFs {
    StatFs { fs_type: DEVPTS_SUPER_MAGIC, bsize: 4096, namelen: 255, frsize: 4096, ..Default::default() }
}

struct DevPtsRoot {
    layer: Weak<TtyLayer>,
}

const ROOT_INO: u64 = 1;
const PTMX_INO: u64 = 2;

impl Inode for DevPtsRoot {
    fn stat(&self) -> KResult<Stat> {
        Ok(Stat { ino: ROOT_INO, mode: S_IFDIR | 0o755, nlink: 2, blksize: 4096, ..Default::default() })
    }
    fn ino(&self) -> u64 {
        ROOT_INO
    }
    fn file_type(&self) -> FileType {
        FileType::Directory
    }
    fn lookup(&self, name: &[u8]) -> KResult<InodeRef> {
        if name == b"ptmx" {
            return Ok(Arc::new(PtsNode { layer: self.layer.clone(), index: None }));
        }
        let s = std::str::from_utf8(name).map_err(|_| Errno::ENOENT)?;
        if s.is_empty() || (s.len() > 1 && s.starts_with('0')) || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Errno::ENOENT);
        }
        let n: u32 = s.parse().map_err(|_| Errno::ENOENT)?;
        let layer = self.layer.upgrade().ok_or(Errno::ENOENT)?;
        let exists = lock(&layer.ptys).get(n).is_some();
        if !exists {
            return Err(Errno::ENOENT);
        }
        Ok(Arc::new(PtsNode { layer: self.layer.clone(), index: Some(n) }))
    }
    fn list(&self) -> KResult<Vec<DirEntry>> {
        let mut v = vec![DirEntry { ino: PTMX_INO, kind: DT_CHR, name: b"ptmx".to_vec() }];
        if let Some(layer) = self.layer.upgrade() {
            for p in lock(&layer.ptys).all() {
                v.push(DirEntry { ino: p.index as u64 + 3, kind: DT_CHR, name: p.index.to_string().into_bytes() });
            }
        }
        Ok(v)
    }
    fn statfs(&self) -> KResult<StatFs> {
        Ok(statfs())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `ptmx` (index `None`) or `/dev/pts/N`.
struct PtsNode {
    layer: Weak<TtyLayer>,
    index: Option<u32>,
}

impl PtsNode {
    fn pty(&self) -> Option<Arc<super::pty::Pty>> {
        let layer = self.layer.upgrade()?;
        let p = lock(&layer.ptys).get(self.index?);
        p
    }
}

impl Inode for PtsNode {
    fn stat(&self) -> KResult<Stat> {
        match self.index {
            None => Ok(Stat {
                ino: PTMX_INO,
                mode: S_IFCHR | 0o666,
                nlink: 1,
                rdev: makedev(5, PTMX_MINOR),
                blksize: 4096,
                ..Default::default()
            }),
            Some(n) => {
                let (uid, mode) = match self.pty() {
                    Some(p) => (p.uid.load(Ordering::Relaxed), p.mode.load(Ordering::Relaxed)),
                    None => (0, 0o620),
                };
                Ok(Stat {
                    ino: n as u64 + 3,
                    mode: S_IFCHR | mode,
                    nlink: 1,
                    uid,
                    gid: 5,
                    rdev: makedev(PTS_MAJOR, n as u64),
                    blksize: 1024,
                    ..Default::default()
                })
            }
        }
    }
    fn ino(&self) -> u64 {
        self.index.map(|n| n as u64 + 3).unwrap_or(PTMX_INO)
    }
    fn file_type(&self) -> FileType {
        FileType::CharDev
    }
    fn setattr(&self, attr: &SetAttr) -> KResult<()> {
        let Some(p) = self.pty() else {
            return Err(Errno::EPERM);
        };
        if let Some(m) = attr.mode {
            p.mode.store(m & 0o7777, Ordering::Relaxed);
        }
        if let Some(u) = attr.uid {
            p.uid.store(u, Ordering::Relaxed);
        }
        Ok(())
    }
    fn statfs(&self) -> KResult<StatFs> {
        Ok(statfs())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Mount the devpts of `console` on /dev/pts when that directory exists
/// (the boot namespace creates it in devfs). Called by `Kernel::new`.
pub fn mount_dev_pts(ns: &Arc<crate::vfs::MountNamespace>, console: &super::Console) -> Result<(), String> {
    let ctx = crate::vfs::FsContext::new(ns.clone());
    let creds = crate::cred::Creds::new(0, 0);
    let Ok(at) = crate::vfs::ops::Caller::new(&ctx, &creds).lookup(&ctx.root, b"/dev/pts", true) else {
        return Ok(());
    };
    if at.file_type() != FileType::Directory {
        return Ok(());
    }
    let fs = console.devpts();
    let root = fs.root();
    ns.attach(&at, fs, root, crate::vfs::MS_NOSUID | crate::vfs::MS_NOEXEC, "devpts")
        .map(|_| ())
        .map_err(|e| format!("mounting /dev/pts: {e}"))
}
