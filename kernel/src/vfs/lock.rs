//! Advisory file locks: POSIX record locks (`fcntl` F_GETLK/F_SETLK/
//! F_SETLKW, owned by a process, dropped when that process closes any fd
//! of the file), open-file-description locks (`F_OFD_*`, owned by the open
//! file) and `flock` locks (owned by the open file). Keyed by
//! (st_dev, st_ino), so every file system gets them.
//!
//! The tables are per kernel ([`FileLocks`], `Kernel::file_locks`).
//! Ownership: [`FileLocks::on_close`] drops a process's POSIX locks when
//! it closes any fd of the file; an open file that took an OFD or flock
//! lock remembers the table ([`FileLocks::track`]) and its `Drop` calls
//! [`FileLocks::on_last_close`].
//!
//! Non-blocking: `try_*` return `EAGAIN` on conflict; blocking callers wait
//! on [`FileLocks::wait`] through the single blocking loop
//! (`Task::block_on`). One leaf lock (the table); never held while blocking.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::error::{Errno, KResult};
use crate::file::OpenFile;
use crate::wait::WaitQueue;

/// Who owns a lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LockOwner {
    /// A classic POSIX record lock of process `pid`.
    Process(i32),
    /// An OFD or flock lock of one open file description (its address).
    File(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockKind {
    Read,
    Write,
}

/// One held byte-range lock, `[start, end)` (`end == u64::MAX`: to EOF).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordLock {
    pub owner: LockOwner,
    pub kind: LockKind,
    pub start: u64,
    pub end: u64,
    /// pid reported by F_GETLK (-1 for OFD locks).
    pub pid: i32,
}

type Key = (u64, u64);

#[derive(Default)]
struct Tables {
    records: HashMap<Key, Vec<RecordLock>>,
    /// flock: (owner file, exclusive?)
    flocks: HashMap<Key, Vec<(usize, bool)>>,
}

/// One kernel's advisory locks.
#[derive(Default)]
pub struct FileLocks {
    tables: Mutex<Tables>,
    /// Woken whenever a lock is released.
    pub wait: WaitQueue,
}

/// The lock key of an open file: (st_dev, st_ino).
pub fn key_of(file: &OpenFile) -> KResult<(u64, u64)> {
    let st = file.ops.stat()?;
    Ok((st.dev, st.ino))
}

/// An open file description's identity as a lock owner.
pub fn ofd_id(file: &Arc<OpenFile>) -> usize {
    Arc::as_ptr(file) as *const () as usize
}

fn overlaps(a: &RecordLock, start: u64, end: u64) -> bool {
    a.start < end && start < a.end
}

fn conflicts(l: &RecordLock, owner: LockOwner, kind: LockKind, start: u64, end: u64) -> bool {
    l.owner != owner && overlaps(l, start, end) && (l.kind == LockKind::Write || kind == LockKind::Write)
}

/// Remove `owner`'s locks on `[start, end)`, splitting ranges.
fn carve(list: &mut Vec<RecordLock>, owner: LockOwner, start: u64, end: u64) {
    let mut out = Vec::with_capacity(list.len() + 1);
    for l in list.drain(..) {
        if l.owner != owner || !overlaps(&l, start, end) {
            out.push(l);
            continue;
        }
        if l.start < start {
            out.push(RecordLock { end: start, ..l });
        }
        if l.end > end {
            out.push(RecordLock { start: end, ..l });
        }
    }
    *list = out;
}

impl FileLocks {
    pub fn new() -> Arc<FileLocks> {
        Arc::new(FileLocks::default())
    }

    fn tables(&self) -> std::sync::MutexGuard<'_, Tables> {
        self.tables.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// F_GETLK: the first lock that would block `kind` on `[start, end)`.
    pub fn test_record(&self, key: Key, owner: LockOwner, kind: LockKind, start: u64, end: u64) -> Option<RecordLock> {
        let t = self.tables();
        t.records.get(&key)?.iter().find(|l| conflicts(l, owner, kind, start, end)).copied()
    }

    /// F_SETLK: take (or with `kind == None`, release) `[start, end)`.
    /// `EAGAIN` on conflict.
    pub fn try_set_record(
        &self,
        key: Key,
        owner: LockOwner,
        pid: i32,
        kind: Option<LockKind>,
        start: u64,
        end: u64,
    ) -> KResult<()> {
        let mut t = self.tables();
        let list = t.records.entry(key).or_default();
        if let Some(kind) = kind {
            if list.iter().any(|l| conflicts(l, owner, kind, start, end)) {
                return Err(Errno::EAGAIN);
            }
        }
        carve(list, owner, start, end);
        if let Some(kind) = kind {
            list.push(RecordLock { owner, kind, start, end, pid });
            // Merge adjacent ranges of the same owner and kind.
            list.sort_by_key(|l| (l.owner == owner && l.kind == kind, l.start));
            let mut merged: Vec<RecordLock> = Vec::with_capacity(list.len());
            for l in list.drain(..) {
                if let Some(last) = merged.last_mut() {
                    if last.owner == l.owner && last.kind == l.kind && l.start <= last.end {
                        last.end = last.end.max(l.end);
                        continue;
                    }
                }
                merged.push(l);
            }
            *list = merged;
        } else {
            if list.is_empty() {
                t.records.remove(&key);
            }
            drop(t);
            self.wait.wake_all();
        }
        Ok(())
    }

    /// Drop every record lock `owner` holds on `key` (close of any fd by the
    /// owning process, or last close of an OFD).
    pub fn release_records(&self, key: Key, owner: LockOwner) {
        let mut t = self.tables();
        if let Some(list) = t.records.get_mut(&key) {
            let before = list.len();
            list.retain(|l| l.owner != owner);
            let changed = list.len() != before;
            if list.is_empty() {
                t.records.remove(&key);
            }
            drop(t);
            if changed {
                self.wait.wake_all();
            }
        }
    }

    /// `flock`: take shared/exclusive for open file `owner` (converting an
    /// existing lock), `EAGAIN` on conflict (`EWOULDBLOCK`).
    pub fn try_flock(&self, key: Key, owner: usize, exclusive: bool) -> KResult<()> {
        let mut t = self.tables();
        let list = t.flocks.entry(key).or_default();
        let blocked = list.iter().any(|&(o, ex)| o != owner && (ex || exclusive));
        if blocked {
            return Err(Errno::EAGAIN);
        }
        let had = list.iter().any(|&(o, _)| o == owner);
        list.retain(|&(o, _)| o != owner);
        list.push((owner, exclusive));
        drop(t);
        if had && !exclusive {
            self.wait.wake_all();
        }
        Ok(())
    }

    /// `flock(LOCK_UN)` or the last close of the open file.
    pub fn flock_unlock(&self, key: Key, owner: usize) {
        let mut t = self.tables();
        if let Some(list) = t.flocks.get_mut(&key) {
            list.retain(|&(o, _)| o != owner);
            if list.is_empty() {
                t.flocks.remove(&key);
            }
        }
        drop(t);
        self.wait.wake_all();
    }

    /// `file` takes an OFD or flock lock here: its last close must drop
    /// them ([`FileLocks::on_last_close`], from `OpenFile`'s `Drop`).
    pub fn track(self: &Arc<Self>, file: &OpenFile) {
        let _ = file.locks.set(Arc::downgrade(self));
    }

    /// What `close(fd)` must do about locks: drop the process's POSIX locks
    /// on that file (any fd closes them all, as POSIX says).
    pub fn on_close(&self, file: &Arc<OpenFile>, pid: i32) {
        if let Ok(key) = key_of(file) {
            self.release_records(key, LockOwner::Process(pid));
        }
    }

    /// The last reference to an open file description went away: drop its
    /// OFD and flock locks.
    pub fn on_last_close(&self, file: &OpenFile, ofd: usize) {
        if let Ok(key) = key_of(file) {
            self.release_records(key, LockOwner::File(ofd));
            self.flock_unlock(key, ofd);
        }
    }
}
