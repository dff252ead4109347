//! The per-process file descriptor table (`struct files_struct`).
//!
//! Slots hold an open file description and the close-on-exec flag. The
//! lowest free slot is used (POSIX); `RLIMIT_NOFILE` bounds the table
//! (`EMFILE`). Closing drops the `Arc<OpenFile>`: the object is released
//! when the last descriptor (in any process) goes away.

use std::sync::Arc;

use crate::error::{Errno, KResult};
use crate::file::OpenFile;

/// Default `RLIMIT_NOFILE` soft limit.
pub const NOFILE_DEFAULT: u32 = 1024;
/// Hard ceiling of `RLIMIT_NOFILE` (`nr_open`).
pub const NR_OPEN: u32 = 1 << 20;

#[derive(Clone)]
pub struct FdEntry {
    pub file: Arc<OpenFile>,
    pub cloexec: bool,
}

#[derive(Clone, Default)]
pub struct FdTable {
    slots: Vec<Option<FdEntry>>,
}

impl std::fmt::Debug for FdTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter().map(|(fd, e)| (fd, e.file.clone()))).finish()
    }
}

impl FdTable {
    pub fn new() -> FdTable {
        FdTable::default()
    }

    pub fn get(&self, fd: i32) -> KResult<Arc<OpenFile>> {
        self.entry(fd).map(|e| e.file.clone())
    }

    pub fn entry(&self, fd: i32) -> KResult<&FdEntry> {
        if fd < 0 {
            return Err(Errno::EBADF);
        }
        self.slots.get(fd as usize).and_then(|s| s.as_ref()).ok_or(Errno::EBADF)
    }

    pub fn entry_mut(&mut self, fd: i32) -> KResult<&mut FdEntry> {
        if fd < 0 {
            return Err(Errno::EBADF);
        }
        self.slots.get_mut(fd as usize).and_then(|s| s.as_mut()).ok_or(Errno::EBADF)
    }

    /// Install at the lowest free slot ≥ `min` below `limit` (EMFILE).
    pub fn install_from(&mut self, min: u32, limit: u32, file: Arc<OpenFile>, cloexec: bool) -> KResult<i32> {
        let mut fd = min as usize;
        while fd < self.slots.len() && self.slots[fd].is_some() {
            fd += 1;
        }
        if fd >= limit as usize {
            return Err(Errno::EMFILE);
        }
        if fd >= self.slots.len() {
            self.slots.resize(fd + 1, None);
        }
        self.slots[fd] = Some(FdEntry { file, cloexec });
        Ok(fd as i32)
    }

    /// Put `file` at exactly `fd` (dup3), returning what was there.
    pub fn install_at(&mut self, fd: i32, limit: u32, file: Arc<OpenFile>, cloexec: bool) -> KResult<Option<FdEntry>> {
        if fd < 0 || fd as u32 >= limit {
            return Err(Errno::EBADF);
        }
        let fd = fd as usize;
        if fd >= self.slots.len() {
            self.slots.resize(fd + 1, None);
        }
        Ok(self.slots[fd].replace(FdEntry { file, cloexec }))
    }

    /// Remove `fd`, returning its entry (drop it outside any lock).
    pub fn remove(&mut self, fd: i32) -> KResult<FdEntry> {
        if fd < 0 {
            return Err(Errno::EBADF);
        }
        let e = self.slots.get_mut(fd as usize).and_then(|s| s.take()).ok_or(Errno::EBADF)?;
        while matches!(self.slots.last(), Some(None)) {
            self.slots.pop();
        }
        Ok(e)
    }

    /// Close every close-on-exec descriptor (execve); returns them.
    pub fn take_cloexec(&mut self) -> Vec<FdEntry> {
        let mut out = Vec::new();
        for s in self.slots.iter_mut() {
            if s.as_ref().is_some_and(|e| e.cloexec) {
                out.extend(s.take());
            }
        }
        while matches!(self.slots.last(), Some(None)) {
            self.slots.pop();
        }
        out
    }

    /// Remove everything (process exit).
    pub fn take_all(&mut self) -> Vec<FdEntry> {
        std::mem::take(&mut self.slots).into_iter().flatten().collect()
    }

    pub fn iter(&self) -> impl Iterator<Item = (i32, &FdEntry)> {
        self.slots.iter().enumerate().filter_map(|(i, s)| s.as_ref().map(|e| (i as i32, e)))
    }

    pub fn count(&self) -> usize {
        self.slots.iter().filter(|s| s.is_some()).count()
    }

    /// One past the highest open descriptor.
    pub fn high_water(&self) -> usize {
        self.slots.len()
    }
}

/// Drop descriptors removed from a table: POSIX record locks of `pid` on
/// each file go away (any close drops them), and so does `pid`'s mq_notify
/// registration on a message queue (mq_close(3): "If the calling process has
/// attached a notification request to this message queue via mqdes, then this
/// request is removed"), then the references.
pub(crate) fn release_fds(locks: &crate::vfs::lock::FileLocks, pid: i32, entries: Vec<FdEntry>) {
    for e in &entries {
        locks.on_close(&e.file, pid);
        e.file.ops.on_close(pid);
    }
    drop(entries);
}
