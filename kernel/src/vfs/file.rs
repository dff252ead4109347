//! [`NodeFile`]: the open-file object for everything opened by path
//! (regular files, directories, devices, O_PATH). It remembers the
//! [`PathHandle`] (for fstat, fchdir, fchmod, *at with a dirfd, locks) and
//! delegates I/O to the file system's ops; directories get readdir with
//! `.` and `..` over a snapshot taken at position 0 (stable cookies).

use std::any::Any;
use std::sync::{Arc, Mutex};

use crate::api::GuestMemory;
use crate::error::{Errno, KResult};
use crate::file::{DirEntry, FileOps, OpenFile, Stat};
use crate::wait::WaitQueue;

use super::path::Walker;
use super::{FsContext, PathHandle, DT_DIR};

enum Inner {
    Ops(Arc<dyn FileOps>),
    Dir { dot: u64, dotdot: u64, snapshot: Mutex<Option<Arc<Vec<DirEntry>>>> },
    Path,
}

pub struct NodeFile {
    pub handle: PathHandle,
    inner: Inner,
}

impl NodeFile {
    pub fn wrap(handle: PathHandle, ops: Arc<dyn FileOps>) -> Arc<dyn FileOps> {
        Arc::new(NodeFile { handle, inner: Inner::Ops(ops) })
    }
    pub fn path_only(handle: PathHandle) -> Arc<dyn FileOps> {
        Arc::new(NodeFile { handle, inner: Inner::Path })
    }
    /// A directory opened by a process with fs context `ctx` (`..` of its
    /// root is the root itself).
    pub fn dir(ctx: &FsContext, handle: PathHandle) -> Arc<dyn FileOps> {
        let creds = crate::cred::Creds::new(0, 0);
        let w = Walker::new(ctx, &creds);
        let dot = handle.inode.ino();
        let dotdot = w.dotdot(&handle).map(|p| p.inode.ino()).unwrap_or(dot);
        Arc::new(NodeFile { handle, inner: Inner::Dir { dot, dotdot, snapshot: Mutex::new(None) } })
    }
    /// Is this an O_PATH file?
    pub fn is_path_only(&self) -> bool {
        matches!(self.inner, Inner::Path)
    }
}

/// The path handle behind an open file, if it was opened by path.
pub fn node_of(file: &OpenFile) -> Option<PathHandle> {
    file.ops.as_any().downcast_ref::<NodeFile>().map(|n| n.handle.clone())
}

impl FileOps for NodeFile {
    fn read(&self, buf: &mut [u8], offset: u64) -> KResult<usize> {
        match &self.inner {
            Inner::Ops(o) => o.read(buf, offset),
            Inner::Dir { .. } => Err(Errno::EISDIR),
            Inner::Path => Err(Errno::EBADF),
        }
    }
    fn write(&self, data: &[u8], offset: u64) -> KResult<usize> {
        match &self.inner {
            Inner::Ops(o) => o.write(data, offset),
            Inner::Dir { .. } => Err(Errno::EISDIR),
            Inner::Path => Err(Errno::EBADF),
        }
    }
    fn seekable(&self) -> bool {
        match &self.inner {
            Inner::Ops(o) => o.seekable(),
            Inner::Dir { .. } => true,
            Inner::Path => false,
        }
    }
    fn fixed_seek(&self) -> Option<u64> {
        match &self.inner {
            Inner::Ops(o) => o.fixed_seek(),
            _ => None,
        }
    }
    fn stat(&self) -> KResult<Stat> {
        self.handle.stat()
    }
    fn poll(&self) -> u32 {
        match &self.inner {
            Inner::Ops(o) => o.poll(),
            _ => crate::file::poll_bits::POLLIN | crate::file::poll_bits::POLLOUT,
        }
    }
    fn wait_queue(&self) -> Option<&WaitQueue> {
        match &self.inner {
            Inner::Ops(o) => o.wait_queue(),
            _ => None,
        }
    }
    fn readdir(&self, pos: u64) -> KResult<Option<(DirEntry, u64)>> {
        let Inner::Dir { dot, dotdot, snapshot } = &self.inner else {
            return match &self.inner {
                Inner::Ops(o) => o.readdir(pos),
                _ => Err(Errno::ENOTDIR),
            };
        };
        match pos {
            0 => {
                // Rewind: take a fresh snapshot.
                *snapshot.lock().unwrap_or_else(|e| e.into_inner()) = None;
                return Ok(Some((DirEntry { ino: *dot, kind: DT_DIR, name: b".".to_vec() }, 1)));
            }
            1 => return Ok(Some((DirEntry { ino: *dotdot, kind: DT_DIR, name: b"..".to_vec() }, 2))),
            _ => {}
        }
        let snap = {
            let mut s = snapshot.lock().unwrap_or_else(|e| e.into_inner());
            match &*s {
                Some(v) => v.clone(),
                None => {
                    if self.handle.inode.is_dead() {
                        return Ok(None);
                    }
                    let v = Arc::new(self.handle.inode.list()?);
                    *s = Some(v.clone());
                    v
                }
            }
        };
        let idx = usize::try_from(pos - 2).map_err(|_| Errno::EINVAL)?;
        Ok(snap.get(idx).map(|e| (e.clone(), pos + 1)))
    }
    fn shared_pages(
        &self,
        host: &dyn crate::api::HostOps,
        min_len: u64,
    ) -> Option<KResult<std::sync::Arc<dyn crate::api::SharedPages>>> {
        match &self.inner {
            Inner::Ops(o) => o.shared_pages(host, min_len),
            _ => None,
        }
    }
    fn truncate(&self, len: u64) -> KResult<()> {
        match &self.inner {
            Inner::Ops(o) => o.truncate(len),
            Inner::Dir { .. } => Err(Errno::EISDIR),
            Inner::Path => Err(Errno::EBADF),
        }
    }
    fn sync(&self) -> KResult<()> {
        match &self.inner {
            Inner::Ops(o) => o.sync(),
            _ => self.handle.inode.fsync(),
        }
    }
    fn ioctl(&self, cmd: u32, arg: u32, mem: &mut dyn GuestMemory) -> KResult<i32> {
        match &self.inner {
            Inner::Ops(o) => o.ioctl(cmd, arg, mem),
            Inner::Path => Err(Errno::EBADF),
            Inner::Dir { .. } => Err(Errno::ENOTTY),
        }
    }
    fn nread(&self) -> Option<usize> {
        match &self.inner {
            Inner::Ops(o) => o.nread(),
            _ => None,
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
