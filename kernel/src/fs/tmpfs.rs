//! tmpfs: a file system in memory with POSIX semantics — hard links and
//! link counts, unlink-while-open, sparse files (holes read as zeros,
//! `blocks` counts only allocated pages), timestamps, directory link
//! counts, and stable readdir order (by name).
//!
//! Lock order: `ns_lock` (every namespace change takes it first) → a
//! directory's `entries` → a node's `meta` → a file's `data`. Lookups take
//! one directory lock at a time without `ns_lock`.

use std::any::Any;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use crate::error::{Errno, KResult};
use crate::file::{DirEntry, FileOps, Stat, Timespec};
use crate::fs::hostfs::HostSource;
use crate::vfs::inode::*;

/// Wall clock for timestamps.
pub type Clock = Arc<dyn Fn() -> Timespec + Send + Sync>;

const PAGE: u64 = 4096;
/// Largest file size (MAX_LFS_FILESIZE).
const MAX_FILE_SIZE: u64 = i64::MAX as u64;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

struct Shared {
    dev: u64,
    next_ino: AtomicU64,
    ns_lock: Mutex<()>,
    clock: Clock,
    /// Pages allocated / allowed.
    pages: AtomicU64,
    max_pages: u64,
    inodes: AtomicU64,
}

impl Shared {
    fn now(&self) -> Timespec {
        (self.clock)()
    }
}

/// A tmpfs instance.
pub struct TmpFs {
    name: &'static str,
    shared: Arc<Shared>,
    root: Arc<TmpNode>,
}

struct Meta {
    mode: u32,
    uid: u32,
    gid: u32,
    nlink: u32,
    rdev: u64,
    atime: Timespec,
    mtime: Timespec,
    ctime: Timespec,
    btime: Timespec,
}

#[derive(Default)]
struct FileData {
    pages: BTreeMap<u64, Box<[u8]>>,
    size: u64,
    /// After a `MAP_SHARED` mapping: the host shared pages that hold the
    /// contents from then on (`pages` is empty), and how many tmpfs pages
    /// they are counted as (their length, which never shrinks).
    mapped: Option<(Arc<dyn crate::api::SharedPages>, u64)>,
    /// Contents not loaded yet: a host file copied on first use (boot's
    /// `RootFs::CopyOf` copies trees this way, so booting does not read
    /// every file). `size` is the host size at copy time.
    host_source: Option<HostSource>,
}

struct DirData {
    entries: BTreeMap<Vec<u8>, Arc<TmpNode>>,
    parent: Weak<TmpNode>,
    name: Vec<u8>,
    dead: bool,
}

enum Body {
    File(Mutex<FileData>),
    Dir(Mutex<DirData>),
    Symlink(Vec<u8>),
    Special(FifoSlot),
}

/// One tmpfs inode.
pub struct TmpNode {
    me: Weak<TmpNode>,
    ino: u64,
    kind: FileType,
    shared: Arc<Shared>,
    meta: Mutex<Meta>,
    body: Body,
}

impl TmpFs {
    /// A new tmpfs whose root directory has `mode` (permission bits) and is
    /// owned by root. `max_bytes` bounds the data it holds (ENOSPC).
    pub fn new(clock: Clock, mode: u32, max_bytes: u64) -> Arc<TmpFs> {
        let shared = Arc::new(Shared {
            dev: alloc_anon_dev(),
            next_ino: AtomicU64::new(2),
            ns_lock: Mutex::new(()),
            clock,
            pages: AtomicU64::new(0),
            max_pages: max_bytes / PAGE,
            inodes: AtomicU64::new(1),
        });
        let now = shared.now();
        let root = Arc::new_cyclic(|me| TmpNode {
            me: me.clone(),
            ino: 1,
            kind: FileType::Directory,
            shared: shared.clone(),
            meta: Mutex::new(Meta {
                mode: S_IFDIR | (mode & 0o7777),
                uid: 0,
                gid: 0,
                nlink: 2,
                rdev: 0,
                atime: now,
                mtime: now,
                ctime: now,
                btime: now,
            }),
            body: Body::Dir(Mutex::new(DirData {
                entries: BTreeMap::new(),
                parent: Weak::new(),
                name: Vec::new(),
                dead: false,
            })),
        });
        Arc::new(TmpFs { name: "tmpfs", shared, root })
    }

    /// The same, reporting another file system type (`devtmpfs`).
    pub fn named(name: &'static str, clock: Clock, mode: u32, max_bytes: u64) -> Arc<TmpFs> {
        let t = TmpFs::new(clock, mode, max_bytes);
        Arc::new(TmpFs { name, shared: t.shared.clone(), root: t.root.clone() })
    }

    /// A tmpfs with a 1 GiB limit.
    pub fn with_clock(clock: Clock) -> Arc<TmpFs> {
        TmpFs::new(clock, 0o755, 1 << 30)
    }

    pub fn root_node(&self) -> Arc<TmpNode> {
        self.root.clone()
    }
}

impl FileSystem for TmpFs {
    fn fs_type(&self) -> &'static str {
        self.name
    }
    fn root(&self) -> InodeRef {
        self.root.clone()
    }
    fn dev(&self) -> u64 {
        self.shared.dev
    }
}

fn downcast(inode: &InodeRef) -> Option<Arc<TmpNode>> {
    let any: Arc<dyn Any + Send + Sync> = inode.clone();
    any.downcast::<TmpNode>().ok()
}

impl TmpNode {
    fn dir(&self) -> KResult<&Mutex<DirData>> {
        match &self.body {
            Body::Dir(d) => Ok(d),
            _ => Err(Errno::ENOTDIR),
        }
    }
    fn touch_mc(&self, now: Timespec) {
        let mut m = lock(&self.meta);
        m.mtime = now;
        m.ctime = now;
    }
    fn touch_c(&self, now: Timespec) {
        lock(&self.meta).ctime = now;
    }
    fn is_dir(&self) -> bool {
        self.kind == FileType::Directory
    }
    /// Is `self` `other` or one of its ancestors (walking `other` up)?
    fn is_ancestor_of(self: &Arc<Self>, other: &Arc<TmpNode>) -> bool {
        let mut cur = other.clone();
        loop {
            if Arc::ptr_eq(&cur, self) {
                return true;
            }
            let parent = match &cur.body {
                Body::Dir(d) => lock(d).parent.upgrade(),
                _ => None,
            };
            match parent {
                Some(p) => cur = p,
                None => return false,
            }
        }
    }

    fn file_data(&self) -> KResult<&Mutex<FileData>> {
        match &self.body {
            Body::File(d) => Ok(d),
            Body::Dir(_) => Err(Errno::EISDIR),
            _ => Err(Errno::EINVAL),
        }
    }

    /// Count `n` more pages against the tmpfs limit (ENOSPC).
    fn reserve_pages(&self, n: u64) -> KResult<()> {
        let prev = self.shared.pages.fetch_add(n, Ordering::Relaxed);
        if prev.saturating_add(n) > self.shared.max_pages {
            self.shared.pages.fetch_sub(n, Ordering::Relaxed);
            return Err(Errno::ENOSPC);
        }
        Ok(())
    }

    /// Make a mapped file's shared pages at least `len` bytes long.
    fn grow_mapped(&self, data: &mut FileData, len: u64) -> KResult<()> {
        let Some((obj, counted)) = data.mapped.as_mut() else { return Ok(()) };
        let want = len.div_ceil(PAGE);
        if want > *counted {
            self.reserve_pages(want - *counted)?;
            if obj.grow(want * PAGE).is_err() {
                self.shared.pages.fetch_sub(want - *counted, Ordering::Relaxed);
                return Err(Errno::ENOMEM);
            }
            *counted = want;
        }
        Ok(())
    }

    /// `MAP_SHARED` of this file: move its contents into host shared pages
    /// (once), at least `min_len` bytes long.
    fn shared_pages(&self, host: &dyn crate::api::HostOps, min_len: u64) -> KResult<Arc<dyn crate::api::SharedPages>> {
        let mut data = self.data()?;
        if data.mapped.is_none() {
            let len = data.size.max(min_len).div_ceil(PAGE) * PAGE;
            let obj = host.new_shared_pages(len.max(PAGE)).map_err(|e| Errno::from_code(e).unwrap_or(Errno::ENOMEM))?;
            for (pi, page) in &data.pages {
                let n = (PAGE).min(data.size.saturating_sub(pi * PAGE)) as usize;
                obj.write_at(&page[..n], pi * PAGE).map_err(|_| Errno::EIO)?;
            }
            // The pages' count carries over; more if the object is longer.
            let had = data.pages.len() as u64;
            let want = obj.len() / PAGE;
            if want > had {
                self.reserve_pages(want - had)?;
            } else {
                self.shared.pages.fetch_sub(had - want, Ordering::Relaxed);
            }
            data.pages.clear();
            data.mapped = Some((obj, want));
        }
        self.grow_mapped(&mut data, min_len)?;
        data.mapped.as_ref().map(|(o, _)| o.clone()).ok_or(Errno::EIO)
    }

    /// The file's data, loading a host-backed file's contents first.
    fn data(&self) -> KResult<MutexGuard<'_, FileData>> {
        let mut data = lock(self.file_data()?);
        if let Some(src) = data.host_source.take() {
            if let Err(e) = self.load_host(&src, &mut data) {
                tracing::warn!("tmpfs: loading {}: {e}", src.rel().display());
                data.pages.clear();
                data.host_source = Some(src);
                return Err(e);
            }
        }
        Ok(data)
    }

    /// Copy a host-backed file's contents into pages, one page at a time
    /// (zero pages stay holes), so a host file is never held whole in memory
    /// and the tmpfs size limit stops an oversized one with ENOSPC.
    fn load_host(&self, src: &HostSource, data: &mut FileData) -> KResult<()> {
        use std::io::Read;
        let mut f = src.open()?;
        let mut buf = vec![0u8; PAGE as usize];
        let mut size = 0u64;
        loop {
            let mut got = 0;
            while got < buf.len() {
                match f.read(&mut buf[got..]) {
                    Ok(0) => break,
                    Ok(n) => got += n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => return Err(Errno::EIO),
                }
            }
            if got == 0 {
                break;
            }
            if buf[..got].iter().any(|&b| b != 0) {
                let mut page = self.alloc_page()?;
                page[..got].copy_from_slice(&buf[..got]);
                data.pages.insert(size / PAGE, page);
            }
            size += got as u64;
            if got < buf.len() {
                break;
            }
        }
        data.size = size;
        Ok(())
    }

    fn read_at(&self, buf: &mut [u8], offset: u64) -> KResult<usize> {
        let data = self.data()?;
        if offset >= data.size {
            return Ok(0);
        }
        let n = (buf.len() as u64).min(data.size - offset) as usize;
        if let Some((obj, _)) = &data.mapped {
            obj.read_at(&mut buf[..n], offset).map_err(|_| Errno::EIO)?;
            drop(data);
            self.touch_atime();
            return Ok(n);
        }
        let mut done = 0;
        while done < n {
            let pos = offset + done as u64;
            let (pi, po) = (pos / PAGE, (pos % PAGE) as usize);
            let chunk = (PAGE as usize - po).min(n - done);
            match data.pages.get(&pi) {
                Some(p) => buf[done..done + chunk].copy_from_slice(&p[po..po + chunk]),
                None => buf[done..done + chunk].fill(0),
            }
            done += chunk;
        }
        drop(data);
        self.touch_atime();
        Ok(n)
    }

    fn touch_atime(&self) {
        // relatime: update when atime is not newer than mtime/ctime, or a day old.
        let now = self.shared.now();
        let mut m = lock(&self.meta);
        if m.atime <= m.mtime || m.atime <= m.ctime || now.sec - m.atime.sec >= 86400 {
            m.atime = now;
        }
    }

    fn alloc_page(&self) -> KResult<Box<[u8]>> {
        let prev = self.shared.pages.fetch_add(1, Ordering::Relaxed);
        if prev >= self.shared.max_pages {
            self.shared.pages.fetch_sub(1, Ordering::Relaxed);
            return Err(Errno::ENOSPC);
        }
        Ok(vec![0u8; PAGE as usize].into_boxed_slice())
    }

    fn write_at(&self, src: &[u8], offset: u64) -> KResult<usize> {
        let end = offset.checked_add(src.len() as u64).ok_or(Errno::EFBIG)?;
        if end > MAX_FILE_SIZE {
            return Err(Errno::EFBIG);
        }
        let mut data = self.data()?;
        if data.mapped.is_some() {
            if src.is_empty() {
                return Ok(0);
            }
            self.grow_mapped(&mut data, end)?;
            let (obj, _) = data.mapped.as_ref().ok_or(Errno::EIO)?;
            obj.write_at(src, offset).map_err(|_| Errno::EIO)?;
            data.size = data.size.max(end);
            drop(data);
            self.touch_mc(self.shared.now());
            return Ok(src.len());
        }
        let mut done = 0;
        while done < src.len() {
            let pos = offset + done as u64;
            let (pi, po) = (pos / PAGE, (pos % PAGE) as usize);
            let chunk = (PAGE as usize - po).min(src.len() - done);
            if let std::collections::btree_map::Entry::Vacant(v) = data.pages.entry(pi) {
                match self.alloc_page() {
                    Ok(p) => {
                        v.insert(p);
                    }
                    Err(e) if done == 0 => return Err(e),
                    Err(_) => break,
                }
            }
            let page = data.pages.get_mut(&pi).ok_or(Errno::EIO)?;
            page[po..po + chunk].copy_from_slice(&src[done..done + chunk]);
            done += chunk;
        }
        let new_end = offset + done as u64;
        if new_end > data.size {
            data.size = new_end;
        }
        drop(data);
        if done > 0 {
            let now = self.shared.now();
            let mut m = lock(&self.meta);
            m.mtime = now;
            m.ctime = now;
        }
        Ok(done)
    }

    fn set_size(&self, size: u64) -> KResult<()> {
        if size > MAX_FILE_SIZE {
            return Err(Errno::EFBIG);
        }
        let mut data = self.data()?;
        if let Some((obj, _)) = &data.mapped {
            // Shrinking zeroes the tail; the pages stay (mappings may reach them).
            if size < data.size {
                let end = data.size.min(obj.len());
                if size < end {
                    obj.zero(size, end - size).map_err(|_| Errno::EIO)?;
                }
            }
            data.size = size;
            return Ok(());
        }
        if size < data.size {
            let first_gone = size.div_ceil(PAGE);
            let gone: Vec<u64> = data.pages.range(first_gone..).map(|(k, _)| *k).collect();
            for k in gone {
                data.pages.remove(&k);
                self.shared.pages.fetch_sub(1, Ordering::Relaxed);
            }
            if !size.is_multiple_of(PAGE) {
                if let Some(p) = data.pages.get_mut(&(size / PAGE)) {
                    p[(size % PAGE) as usize..].fill(0);
                }
            }
        }
        data.size = size;
        Ok(())
    }

    fn new_child(self: &Arc<Self>, node: NewNode<'_>, mode: u32, uid: u32, gid: u32) -> Arc<TmpNode> {
        let sh = &self.shared;
        let ino = sh.next_ino.fetch_add(1, Ordering::Relaxed);
        sh.inodes.fetch_add(1, Ordering::Relaxed);
        let now = sh.now();
        let kind = node.file_type();
        let (body, nlink, rdev) = match node {
            NewNode::Regular => (Body::File(Mutex::new(FileData::default())), 1, 0),
            NewNode::Directory => (
                Body::Dir(Mutex::new(DirData {
                    entries: BTreeMap::new(),
                    parent: Arc::downgrade(self),
                    name: Vec::new(),
                    dead: false,
                })),
                2,
                0,
            ),
            NewNode::Symlink(t) => (Body::Symlink(t.to_vec()), 1, 0),
            NewNode::CharDev(r) | NewNode::BlockDev(r) => (Body::Special(FifoSlot::new()), 1, r),
            NewNode::Fifo | NewNode::Socket => (Body::Special(FifoSlot::new()), 1, 0),
        };
        let perm = if kind == FileType::Symlink { 0o777 } else { mode & 0o7777 };
        Arc::new_cyclic(|me| TmpNode {
            me: me.clone(),
            ino,
            kind,
            shared: sh.clone(),
            meta: Mutex::new(Meta {
                mode: kind.mode_bits() | perm,
                uid,
                gid,
                nlink,
                rdev,
                atime: now,
                mtime: now,
                ctime: now,
                btime: now,
            }),
            body,
        })
    }

    /// Drop one link of `node` (removed from a directory).
    fn drop_link(&self, node: &Arc<TmpNode>, now: Timespec) {
        let mut m = lock(&node.meta);
        if node.is_dir() {
            m.nlink = 0;
            drop(m);
            if let Body::Dir(d) = &node.body {
                let mut d = lock(d);
                d.dead = true;
                d.parent = Weak::new();
            }
            lock(&self.meta).nlink -= 1;
        } else {
            m.nlink = m.nlink.saturating_sub(1);
            m.ctime = now;
            drop(m);
        }
        if node.is_dir() || lock(&node.meta).nlink == 0 {
            self.shared.inodes.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// Create regular file `name` whose contents are those of the host file
    /// `host` (`size` bytes now), read on first access (read, write,
    /// truncate, fallocate) rather than here. Until then the file takes no
    /// space in the tmpfs; a host file that cannot be read then gives EIO.
    pub fn create_host_backed(
        self: &Arc<Self>,
        name: &[u8],
        mode: u32,
        host: HostSource,
        size: u64,
    ) -> KResult<Arc<TmpNode>> {
        let f = self.create_node(name, NewNode::Regular, mode, 0, 0)?;
        if let Body::File(d) = &f.body {
            let mut d = lock(d);
            d.size = size;
            d.host_source = Some(host);
        }
        Ok(f)
    }

    /// Insert a freshly created child (used by tree copies).
    pub fn create_node(
        self: &Arc<Self>,
        name: &[u8],
        node: NewNode<'_>,
        mode: u32,
        uid: u32,
        gid: u32,
    ) -> KResult<Arc<TmpNode>> {
        let _ns = lock(&self.shared.ns_lock);
        let mut d = lock(self.dir()?);
        if d.dead {
            return Err(Errno::ENOENT);
        }
        if d.entries.contains_key(name) {
            return Err(Errno::EEXIST);
        }
        let child = self.new_child(node, mode, uid, gid);
        if let Body::Dir(cd) = &child.body {
            lock(cd).name = name.to_vec();
            lock(&self.meta).nlink += 1;
        }
        d.entries.insert(name.to_vec(), child.clone());
        drop(d);
        self.touch_mc(self.shared.now());
        Ok(child)
    }
}

impl Inode for TmpNode {
    fn stat(&self) -> KResult<Stat> {
        let m = lock(&self.meta);
        let (size, blocks) = match &self.body {
            Body::File(d) => {
                let d = lock(d);
                let pages = if d.host_source.is_some() || d.mapped.is_some() {
                    d.size.div_ceil(PAGE)
                } else {
                    d.pages.len() as u64
                };
                (d.size, pages * (PAGE / 512))
            }
            Body::Dir(_) => (4096, 8),
            Body::Symlink(t) => (t.len() as u64, 0),
            Body::Special(_) => (0, 0),
        };
        Ok(Stat {
            dev: self.shared.dev,
            ino: self.ino,
            mode: m.mode,
            nlink: m.nlink,
            uid: m.uid,
            gid: m.gid,
            rdev: m.rdev,
            size,
            blksize: PAGE as u32,
            blocks,
            atime: m.atime,
            mtime: m.mtime,
            ctime: m.ctime,
            btime: m.btime,
        })
    }
    fn ino(&self) -> u64 {
        self.ino
    }
    fn file_type(&self) -> FileType {
        self.kind
    }
    fn lookup(&self, name: &[u8]) -> KResult<InodeRef> {
        let d = lock(self.dir()?);
        match d.entries.get(name) {
            Some(n) => Ok(n.clone()),
            None => Err(Errno::ENOENT),
        }
    }
    fn create(&self, name: &[u8], node: NewNode<'_>, mode: u32, uid: u32, gid: u32) -> KResult<InodeRef> {
        let me = self.self_arc()?;
        Ok(me.create_node(name, node, mode, uid, gid)?)
    }
    fn link(&self, name: &[u8], target: &InodeRef) -> KResult<()> {
        let t = downcast(target).ok_or(Errno::EXDEV)?;
        if !Arc::ptr_eq(&t.shared, &self.shared) {
            return Err(Errno::EXDEV);
        }
        if t.is_dir() {
            return Err(Errno::EPERM);
        }
        let _ns = lock(&self.shared.ns_lock);
        let mut d = lock(self.dir()?);
        if d.dead {
            return Err(Errno::ENOENT);
        }
        if d.entries.contains_key(name) {
            return Err(Errno::EEXIST);
        }
        {
            let mut m = lock(&t.meta);
            if m.nlink == 0 {
                return Err(Errno::ENOENT);
            }
            if m.nlink >= 65000 {
                return Err(Errno::EMLINK);
            }
            m.nlink += 1;
            m.ctime = self.shared.now();
        }
        d.entries.insert(name.to_vec(), t);
        drop(d);
        self.touch_mc(self.shared.now());
        Ok(())
    }
    fn unlink(&self, name: &[u8]) -> KResult<()> {
        let _ns = lock(&self.shared.ns_lock);
        let mut d = lock(self.dir()?);
        let node = d.entries.get(name).cloned().ok_or(Errno::ENOENT)?;
        if node.is_dir() {
            return Err(Errno::EISDIR);
        }
        d.entries.remove(name);
        drop(d);
        let now = self.shared.now();
        self.drop_link(&node, now);
        self.touch_mc(now);
        Ok(())
    }
    fn rmdir(&self, name: &[u8]) -> KResult<()> {
        let _ns = lock(&self.shared.ns_lock);
        let mut d = lock(self.dir()?);
        let node = d.entries.get(name).cloned().ok_or(Errno::ENOENT)?;
        let cd = node.dir()?;
        if !lock(cd).entries.is_empty() {
            return Err(Errno::ENOTEMPTY);
        }
        d.entries.remove(name);
        drop(d);
        let now = self.shared.now();
        self.drop_link(&node, now);
        self.touch_mc(now);
        Ok(())
    }
    fn rename(&self, old_name: &[u8], new_dir: &InodeRef, new_name: &[u8], flags: u32) -> KResult<()> {
        let nd = downcast(new_dir).ok_or(Errno::EXDEV)?;
        if !Arc::ptr_eq(&nd.shared, &self.shared) {
            return Err(Errno::EXDEV);
        }
        let me = self.self_arc()?;
        let _ns = lock(&self.shared.ns_lock);
        let src = lock(self.dir()?).entries.get(old_name).cloned().ok_or(Errno::ENOENT)?;
        let dst = lock(nd.dir()?).entries.get(new_name).cloned();
        if lock(nd.dir()?).dead {
            return Err(Errno::ENOENT);
        }
        // A directory cannot move below itself.
        if src.is_dir() && src.is_ancestor_of(&nd) {
            return Err(Errno::EINVAL);
        }
        let now = self.shared.now();
        let same_dir = Arc::ptr_eq(&me, &nd);
        if flags & RENAME_EXCHANGE != 0 {
            let dst = dst.ok_or(Errno::ENOENT)?;
            if dst.is_dir() && dst.is_ancestor_of(&me) {
                return Err(Errno::EINVAL);
            }
            if Arc::ptr_eq(&src, &dst) {
                return Ok(());
            }
            lock(self.dir()?).entries.insert(old_name.to_vec(), dst.clone());
            lock(nd.dir()?).entries.insert(new_name.to_vec(), src.clone());
            for (node, parent, name) in [(&src, &nd, new_name), (&dst, &me, old_name)] {
                if let Body::Dir(d) = &node.body {
                    let mut d = lock(d);
                    d.parent = Arc::downgrade(parent);
                    d.name = name.to_vec();
                }
                node.touch_c(now);
            }
            if !same_dir && src.is_dir() != dst.is_dir() {
                let (gain, lose) = if src.is_dir() { (&nd, &me) } else { (&me, &nd) };
                lock(&gain.meta).nlink += 1;
                lock(&lose.meta).nlink -= 1;
            }
            self.touch_mc(now);
            nd.touch_mc(now);
            return Ok(());
        }
        if let Some(dst) = &dst {
            if flags & RENAME_NOREPLACE != 0 {
                return Err(Errno::EEXIST);
            }
            if Arc::ptr_eq(&src, dst) {
                return Ok(());
            }
            match (src.is_dir(), dst.is_dir()) {
                (true, false) => return Err(Errno::ENOTDIR),
                (false, true) => return Err(Errno::EISDIR),
                (true, true) if !lock(dst.dir()?).entries.is_empty() => return Err(Errno::ENOTEMPTY),
                _ => {}
            }
        }
        lock(self.dir()?).entries.remove(old_name);
        if let Some(dst) = lock(nd.dir()?).entries.insert(new_name.to_vec(), src.clone()) {
            nd.drop_link(&dst, now);
        }
        if let Body::Dir(d) = &src.body {
            let mut d = lock(d);
            d.parent = Arc::downgrade(&nd);
            d.name = new_name.to_vec();
            drop(d);
            if !same_dir {
                lock(&me.meta).nlink -= 1;
                lock(&nd.meta).nlink += 1;
            }
        }
        src.touch_c(now);
        self.touch_mc(now);
        nd.touch_mc(now);
        Ok(())
    }
    fn readlink(&self) -> KResult<Vec<u8>> {
        match &self.body {
            Body::Symlink(t) => {
                self.touch_atime();
                Ok(t.clone())
            }
            _ => Err(Errno::EINVAL),
        }
    }
    fn open(&self, _flags: u32) -> KResult<Arc<dyn FileOps>> {
        match &self.body {
            Body::File(_) => Ok(Arc::new(TmpFile { node: self.self_arc()? })),
            Body::Dir(_) => Err(Errno::EISDIR),
            _ => Err(Errno::ENXIO),
        }
    }
    fn setattr(&self, attr: &SetAttr) -> KResult<()> {
        if let Some(size) = attr.size {
            self.set_size(size)?;
            let now = self.shared.now();
            self.touch_mc(now);
        }
        let now = self.shared.now();
        let mut m = lock(&self.meta);
        if let Some(mode) = attr.mode {
            m.mode = (m.mode & S_IFMT) | (mode & 0o7777);
        }
        if let Some(uid) = attr.uid {
            m.uid = uid;
        }
        if let Some(gid) = attr.gid {
            m.gid = gid;
        }
        if let Some(t) = attr.atime {
            m.atime = t;
        }
        if let Some(t) = attr.mtime {
            m.mtime = t;
        }
        m.ctime = now;
        Ok(())
    }
    fn list(&self) -> KResult<Vec<DirEntry>> {
        let d = lock(self.dir()?);
        Ok(d.entries
            .iter()
            .map(|(name, n)| DirEntry { ino: n.ino, kind: n.kind.dirent_type(), name: name.clone() })
            .collect())
    }
    fn parent(&self) -> Option<(InodeRef, Vec<u8>)> {
        let d = lock(self.dir().ok()?);
        let p = d.parent.upgrade()?;
        Some((p as InodeRef, d.name.clone()))
    }
    fn is_dead(&self) -> bool {
        match &self.body {
            Body::Dir(d) => lock(d).dead,
            _ => lock(&self.meta).nlink == 0,
        }
    }
    fn statfs(&self) -> KResult<StatFs> {
        let sh = &self.shared;
        let used = sh.pages.load(Ordering::Relaxed);
        let free = sh.max_pages.saturating_sub(used);
        Ok(StatFs {
            fs_type: TMPFS_MAGIC,
            bsize: PAGE as u32,
            blocks: sh.max_pages,
            bfree: free,
            bavail: free,
            files: 1 << 20,
            ffree: (1u64 << 20).saturating_sub(sh.inodes.load(Ordering::Relaxed)),
            fsid: sh.dev,
            namelen: 255,
            frsize: PAGE as u32,
            flags: 0,
        })
    }
    fn fallocate(&self, mode: u32, offset: u64, len: u64) -> KResult<()> {
        let end = offset.checked_add(len).ok_or(Errno::EFBIG)?;
        if end > MAX_FILE_SIZE {
            return Err(Errno::EFBIG);
        }
        let mut data = self.data()?;
        if data.mapped.is_some() {
            self.grow_mapped(&mut data, end)?;
        }
        let unmapped = data.mapped.is_none();
        for pi in (offset / PAGE..end.div_ceil(PAGE)).filter(|_| unmapped) {
            if let std::collections::btree_map::Entry::Vacant(v) = data.pages.entry(pi) {
                v.insert(self.alloc_page()?);
            }
        }
        if mode & FALLOC_FL_KEEP_SIZE == 0 && end > data.size {
            data.size = end;
            drop(data);
            self.touch_mc(self.shared.now());
        }
        Ok(())
    }
    fn fifo_slot(&self) -> Option<&FifoSlot> {
        match &self.body {
            Body::Special(s) if self.kind == FileType::Fifo => Some(s),
            _ => None,
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl TmpNode {
    fn self_arc(&self) -> KResult<Arc<TmpNode>> {
        self.me.upgrade().ok_or(Errno::ENOENT)
    }
}

/// An open regular tmpfs file.
pub struct TmpFile {
    node: Arc<TmpNode>,
}

impl Drop for TmpNode {
    /// The node's data goes: so does its count against the tmpfs limit.
    fn drop(&mut self) {
        if let Body::File(d) = &self.body {
            let d = lock(d);
            let n = d.pages.len() as u64 + d.mapped.as_ref().map_or(0, |(_, c)| *c);
            self.shared.pages.fetch_sub(n.min(self.shared.pages.load(Ordering::Relaxed)), Ordering::Relaxed);
        }
    }
}

impl FileOps for TmpFile {
    fn shared_pages(
        &self,
        host: &dyn crate::api::HostOps,
        min_len: u64,
    ) -> Option<KResult<Arc<dyn crate::api::SharedPages>>> {
        Some(self.node.shared_pages(host, min_len))
    }
    fn read(&self, buf: &mut [u8], offset: u64) -> KResult<usize> {
        self.node.read_at(buf, offset)
    }
    fn write(&self, data: &[u8], offset: u64) -> KResult<usize> {
        self.node.write_at(data, offset)
    }
    fn seekable(&self) -> bool {
        true
    }
    fn stat(&self) -> KResult<Stat> {
        self.node.stat()
    }
    fn truncate(&self, len: u64) -> KResult<()> {
        self.node.setattr(&SetAttr { size: Some(len), ..Default::default() })
    }
    fn sync(&self) -> KResult<()> {
        Ok(())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
