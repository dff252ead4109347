//! Extended attributes (man 7 xattr) of tmpfs inodes, kept by the kernel
//! in one map keyed by (file system device, inode number) so file systems
//! need no storage of their own. Each entry holds a weak reference to its
//! inode: when the inode is gone (last link and last open file dropped) the
//! entry is stale and is ignored and pruned, so a later inode that reuses
//! the number never sees old attributes.
//!
//! The syscall layer (`syscall/xattr.rs`) checks namespaces, permissions
//! and limits; this module only stores names and values.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, Weak};

use super::{Inode, PathHandle};
use crate::error::{Errno, KResult};

/// `XATTR_CREATE` / `XATTR_REPLACE`.
pub const XATTR_CREATE: u32 = 1;
pub const XATTR_REPLACE: u32 = 2;
/// Longest name (`XATTR_NAME_MAX`), largest value (`XATTR_SIZE_MAX`) and
/// longest name list (`XATTR_LIST_MAX`).
pub const XATTR_NAME_MAX: usize = 255;
pub const XATTR_SIZE_MAX: usize = 65536;
pub const XATTR_LIST_MAX: usize = 65536;

struct Entry {
    inode: Weak<dyn Inode>,
    attrs: BTreeMap<Vec<u8>, Vec<u8>>,
}

/// The kernel's xattr map.
#[derive(Default)]
pub struct XattrStore {
    map: Mutex<HashMap<(u64, u64), Entry>>,
}

impl std::fmt::Debug for XattrStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("XattrStore")
    }
}

/// Does the file system behind `h` keep extended attributes? (tmpfs does;
/// hostfs, procfs, devtmpfs and devpts do not: `EOPNOTSUPP`.)
pub fn supported(h: &PathHandle) -> bool {
    h.mnt.fs_type() == "tmpfs"
}

fn same_inode(w: &Weak<dyn Inode>, h: &PathHandle) -> bool {
    w.upgrade().is_some_and(|i| std::ptr::addr_eq(Arc::as_ptr(&i), Arc::as_ptr(&h.inode)))
}

impl XattrStore {
    fn key(h: &PathHandle) -> (u64, u64) {
        (h.mnt.fs.dev(), h.inode.ino())
    }

    fn with<R>(&self, h: &PathHandle, f: impl FnOnce(Option<&mut BTreeMap<Vec<u8>, Vec<u8>>>) -> R) -> R {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let key = Self::key(h);
        match map.get_mut(&key) {
            Some(e) if same_inode(&e.inode, h) => f(Some(&mut e.attrs)),
            Some(_) => {
                map.remove(&key);
                f(None)
            }
            None => f(None),
        }
    }

    /// The value of `name` (`ENODATA`).
    pub fn get(&self, h: &PathHandle, name: &[u8]) -> KResult<Vec<u8>> {
        self.with(h, |a| a.and_then(|a| a.get(name).cloned()).ok_or(Errno::ENODATA))
    }

    /// All names, in order.
    pub fn list(&self, h: &PathHandle) -> Vec<Vec<u8>> {
        self.with(h, |a| a.map(|a| a.keys().cloned().collect()).unwrap_or_default())
    }

    /// Set `name` honouring `XATTR_CREATE` (EEXIST) and `XATTR_REPLACE`
    /// (ENODATA).
    pub fn set(&self, h: &PathHandle, name: &[u8], value: &[u8], flags: u32) -> KResult<()> {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        // Prune entries of inodes that are gone.
        map.retain(|_, e| e.inode.strong_count() > 0);
        let key = Self::key(h);
        if map.get(&key).is_some_and(|e| !same_inode(&e.inode, h)) {
            map.remove(&key);
        }
        let exists = map.get(&key).is_some_and(|e| e.attrs.contains_key(name));
        if exists && flags & XATTR_CREATE != 0 {
            return Err(Errno::EEXIST);
        }
        if !exists && flags & XATTR_REPLACE != 0 {
            return Err(Errno::ENODATA);
        }
        let e = map.entry(key).or_insert_with(|| Entry { inode: Arc::downgrade(&h.inode), attrs: BTreeMap::new() });
        e.attrs.insert(name.to_vec(), value.to_vec());
        Ok(())
    }

    /// Remove `name` (`ENODATA`).
    pub fn remove(&self, h: &PathHandle, name: &[u8]) -> KResult<()> {
        self.with(h, |a| a.and_then(|a| a.remove(name)).map(|_| ()).ok_or(Errno::ENODATA))
    }
}
