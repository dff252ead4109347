//! execve on the kernel side: resolving an image (wasm module or `#!`
//! script, up to 4 interpreter levels), the point of no return (CLOEXEC
//! fds, signal dispositions, altstack, comm), and `exec_start`, which lays
//! out the Linux initial-stack block (argc, argv, envp, auxv) in a fresh
//! mapping of the new instance's memory.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use crate::api::{ExecImage, GuestMemory, Tid};
use crate::error::{Errno, KResult};
use crate::mm::{page_up, Mm, Vma, MAP_ANONYMOUS, MAP_PRIVATE, PROT_READ, PROT_WRITE};
use crate::task::{lock, Task};
use crate::vfs::ops::Caller;
use crate::vfs::{PathHandle, AT_EMPTY_PATH, AT_FDCWD};
use crate::Kernel;

/// Interpreter nesting allowed for `#!` (Linux: 4 levels → ELOOP).
pub const MAX_INTERP_DEPTH: usize = 4;
/// `BINPRM_BUF_SIZE`: how much of a `#!` line is looked at.
pub const BINPRM_BUF_SIZE: usize = 256;

pub const AT_NULL: u32 = 0;
pub const AT_PHDR: u32 = 3;
pub const AT_PAGESZ: u32 = 6;
pub const AT_UID: u32 = 11;
pub const AT_EUID: u32 = 12;
pub const AT_GID: u32 = 13;
pub const AT_EGID: u32 = 14;
pub const AT_HWCAP: u32 = 16;
pub const AT_CLKTCK: u32 = 17;
pub const AT_SECURE: u32 = 23;
pub const AT_RANDOM: u32 = 25;
pub const AT_EXECFN: u32 = 31;

/// Parse a `#!` line: (interpreter, optional single argument).
pub fn parse_shebang(data: &[u8]) -> KResult<(Vec<u8>, Option<Vec<u8>>)> {
    let head = &data[2..data.len().min(BINPRM_BUF_SIZE)];
    let line = match head.iter().position(|&c| c == b'\n') {
        Some(n) => &head[..n],
        None => head,
    };
    let trim = |s: &[u8]| -> Vec<u8> {
        let s = &s[s.iter().position(|c| !matches!(c, b' ' | b'\t')).unwrap_or(s.len())..];
        let end = s.iter().rposition(|c| !matches!(c, b' ' | b'\t' | b'\r')).map(|i| i + 1).unwrap_or(0);
        s[..end].to_vec()
    };
    let line = trim(line);
    if line.is_empty() {
        return Err(Errno::ENOEXEC);
    }
    match line.iter().position(|c| matches!(c, b' ' | b'\t')) {
        Some(i) => {
            let arg = trim(&line[i..]);
            Ok((line[..i].to_vec(), if arg.is_empty() { None } else { Some(arg) }))
        }
        None => Ok((line, None)),
    }
}

impl Kernel {
    /// Resolve `path` (relative to `dirfd`) for execve by process of `task`.
    pub(crate) fn resolve_image(
        &self,
        task: &Task,
        dirfd: i32,
        path: &[u8],
        argv: Vec<Vec<u8>>,
        envp: Vec<Vec<u8>>,
        flags: u32,
    ) -> KResult<ExecImage> {
        let fs = lock(&task.process.fs).clone().ok_or(Errno::ENOSYS)?;
        let creds = task.process.creds_copy();
        let start = if path.first() == Some(&b'/') || dirfd == AT_FDCWD {
            fs.cwd.clone()
        } else {
            let f = lock(&task.process.fds).get(dirfd)?;
            crate::vfs::file::node_of(&f).ok_or(Errno::ENOTDIR)?
        };
        if path.is_empty() && flags & AT_EMPTY_PATH == 0 {
            return Err(Errno::ENOENT);
        }
        self.resolve_from(&fs, &creds, &start, path, argv, envp)
    }

    fn resolve_from(
        &self,
        fs: &crate::vfs::FsContext,
        creds: &crate::cred::Creds,
        start: &PathHandle,
        path: &[u8],
        mut argv: Vec<Vec<u8>>,
        envp: Vec<Vec<u8>>,
    ) -> KResult<ExecImage> {
        let caller = Caller::new(fs, creds);
        let mut path = path.to_vec();
        for depth in 0..=MAX_INTERP_DEPTH {
            let (_h, data) = if path.is_empty() {
                return Err(Errno::ENOENT);
            } else {
                caller.open_exec(start, &path)?
            };
            if data.starts_with(b"\0asm") {
                return Ok(ExecImage {
                    path: String::from_utf8_lossy(&path).into_owned(),
                    module: Arc::new(data),
                    argv,
                    envp,
                    new_tid: None,
                });
            }
            if data.starts_with(b"#!") {
                if depth == MAX_INTERP_DEPTH {
                    return Err(Errno::ELOOP);
                }
                let (interp, arg) = parse_shebang(&data)?;
                let mut new_argv = vec![interp.clone()];
                new_argv.extend(arg);
                new_argv.push(path.clone());
                new_argv.extend(argv.into_iter().skip(1));
                argv = new_argv;
                path = interp;
                continue;
            }
            return Err(Errno::ENOEXEC);
        }
        Err(Errno::ELOOP)
    }

    /// The point of no return of execve for `task`'s process.
    pub(crate) fn exec_commit(&self, task: &Arc<Task>, image: &ExecImage) {
        let proc = task.process.clone();
        let closed = lock(&proc.fds).take_cloexec();
        crate::task::release_fds(&self.file_locks, proc.pid, closed);
        lock(&proc.sig).actions.reset_for_exec();
        {
            let mut ts = lock(&task.sig);
            ts.altstack = Default::default();
            ts.saved_mask = None;
        }
        *lock(&proc.comm) = crate::task::comm_of(image.path.as_bytes());
        *lock(&proc.exec) = crate::task::ExecInfo {
            path: image.path.as_bytes().to_vec(),
            argv: image.argv.clone(),
            envp: image.envp.clone(),
        };
        proc.bridge_buf.store(0, Ordering::Relaxed);
        // System V shared memory is detached (man 2 execve); the old memory
        // is left behind with the rest of the old image.
        drop(lock(&proc.mm).take_shm(proc.pid, self.now_secs()));
        {
            // POSIX timers are deleted and the robust list forgotten at
            // exec (man 2 execve; the list was walked before the commit).
            lock(&proc.extra).timers.clear();
            *lock(&task.robust_list) = (0, 0);
        }
        task.clear_child_tid.store(0, Ordering::Relaxed);
        if let Some(e) = lock(&self.procs).procs.get_mut(&proc.pid) {
            e.did_exec = true;
        }
        task.recalc_pending();
    }

    /// Resolve a guest path for the first program (see `Kernel::resolve_exec`).
    pub(crate) fn resolve_exec_impl(
        &self,
        tid: Tid,
        path: &str,
        argv: Vec<Vec<u8>>,
        envp: Vec<Vec<u8>>,
    ) -> KResult<ExecImage> {
        let task = self.task(tid).ok_or(Errno::ESRCH)?;
        let fs = lock(&task.process.fs).clone().ok_or(Errno::ENOSYS)?;
        let creds = lock(&task.process.creds).clone();
        let start = fs.cwd.clone();
        let img = self.resolve_from(&fs, &creds, &start, path.as_bytes(), argv, envp)?;
        Ok(img)
    }

    /// Lay out the initial-stack block for `image` in `mem` (see
    /// `Kernel::exec_start`).
    pub(crate) fn exec_start_impl(&self, tid: Tid, mem: &mut dyn GuestMemory, image: &ExecImage) -> KResult<u32> {
        let task = self.task(tid).ok_or(Errno::ESRCH)?;
        let proc = task.process.clone();
        let creds = lock(&proc.creds).clone();
        let mut mm = Mm::new(mem.size());
        // Strings: argv, envp, execfn, then 16 random bytes.
        let mut strings = Vec::new();
        let mut offs = Vec::new();
        for s in image.argv.iter().chain(image.envp.iter()) {
            offs.push(strings.len());
            strings.extend_from_slice(s);
            strings.push(0);
        }
        let execfn_off = strings.len();
        strings.extend_from_slice(image.path.as_bytes());
        strings.push(0);
        while strings.len() % 4 != 0 {
            strings.push(0);
        }
        let random_off = strings.len();
        let mut rnd = [0u8; 16];
        self.host.random(&mut rnd);
        strings.extend_from_slice(&rnd);
        let auxv_pairs = 12;
        let words = 1 + image.argv.len() + 1 + image.envp.len() + 1 + 2 * auxv_pairs;
        let table_len = words * 4;
        let total = page_up((table_len + strings.len()) as u64) as u32;
        let base = mm.find_free(total).ok_or(Errno::ENOMEM)?;
        let end = base as u64 + total as u64;
        if end > mem.size() {
            mem.grow(end).map_err(|_| Errno::ENOMEM)?;
        }
        mm.insert(
            base,
            Vma {
                len: total,
                prot: PROT_READ | PROT_WRITE,
                flags: MAP_PRIVATE | MAP_ANONYMOUS,
                name: b"[stack]".to_vec(),
                shared: None,
                pages: None,
                shm: None,
            },
        );
        let str_base = base + table_len as u32;
        let mut w: Vec<u32> = Vec::with_capacity(words);
        w.push(u32::try_from(image.argv.len()).map_err(|_| Errno::E2BIG)?);
        let addr = |off: usize| str_base + off as u32;
        for o in offs.iter().take(image.argv.len()) {
            w.push(addr(*o));
        }
        w.push(0);
        for o in offs.iter().skip(image.argv.len()) {
            w.push(addr(*o));
        }
        w.push(0);
        for (k, v) in [
            (AT_PAGESZ, crate::mm::PAGE_SIZE),
            (AT_CLKTCK, 100),
            (AT_HWCAP, 0),
            (AT_UID, creds.uid),
            (AT_EUID, creds.euid),
            (AT_GID, creds.gid),
            (AT_EGID, creds.egid),
            (AT_SECURE, 0),
            (AT_RANDOM, addr(random_off)),
            (AT_EXECFN, addr(execfn_off)),
            (AT_PHDR, 0),
            (AT_NULL, 0),
        ] {
            w.push(k);
            w.push(v);
        }
        let mut block: Vec<u8> = w.iter().flat_map(|x| x.to_le_bytes()).collect();
        block.extend_from_slice(&strings);
        mem.write(base, &block).map_err(|_| Errno::EFAULT)?;
        *lock(&proc.mm) = mm;
        Ok(base)
    }
}

/// How long execve waits for the threads it killed to leave the kernel.
pub const DE_THREAD_WAIT_NS: u64 = 2_000_000_000;

impl Kernel {
    /// execve's `de_thread` for `task`: every other thread of its process
    /// is killed (marked dead, woken; their robust lists are left in
    /// `Process::dying` for the caller to walk), then the caller waits,
    /// bounded by [`DE_THREAD_WAIT_NS`] and ignoring its own signals, until
    /// they have left the kernel. If the caller is not the leader it takes
    /// over the leader's tid (the pid): a new `Task` with tid = pid and the
    /// caller's signal state replaces both, and is returned. `Err(ESRCH)`
    /// when the caller was killed meanwhile (another exec or exit_group won).
    pub(crate) fn de_thread(&self, task: &Arc<Task>) -> KResult<Option<Arc<Task>>> {
        let proc = task.process.clone();
        let pid = proc.pid;
        let killed: Vec<Arc<Task>> = {
            let mut table = lock(&self.procs);
            if task.dead.load(Ordering::Acquire) {
                return Err(Errno::ESRCH);
            }
            let Some(e) = table.procs.get_mut(&pid) else { return Err(Errno::ESRCH) };
            let others: Vec<Tid> = e.threads.iter().copied().filter(|&t| t != task.tid).collect();
            if others.is_empty() && task.is_leader() {
                return Ok(None);
            }
            e.threads.retain(|&t| t == task.tid);
            for &t in &others {
                table.gone.insert(t, Arc::downgrade(&proc));
            }
            others.iter().filter_map(|t| table.tasks.remove(t)).collect()
        };
        for t in &killed {
            t.dead.store(true, Ordering::Release);
            t.sig_pending.store(true, Ordering::Release);
            self.host.unpark(t.tid);
        }
        lock(&proc.dying).extend(crate::task::take_robust_heads(&killed));
        // Wait for them to leave the kernel (each wakes `thread_wq`).
        let deadline = self.host.now_ns(crate::api::HostClock::Monotonic).saturating_add(DE_THREAD_WAIT_NS);
        let waiter = crate::wait::Waiter { tid: task.tid, host: self.host.clone() };
        loop {
            let key = proc.thread_wq.register(waiter.clone());
            let busy = killed.iter().any(|t| t.in_kernel.load(Ordering::Acquire));
            if !busy
                || task.dead.load(Ordering::Acquire)
                || self.host.now_ns(crate::api::HostClock::Monotonic) >= deadline
            {
                proc.thread_wq.unregister(key);
                break;
            }
            self.host.park(task.tid, Some(deadline));
            proc.thread_wq.unregister(key);
        }
        if task.dead.load(Ordering::Acquire) {
            return Err(Errno::ESRCH);
        }
        if task.is_leader() {
            return Ok(None);
        }
        // Take over the leader's tid.
        let leader = Arc::new(Task::new(pid, proc.clone(), self.host.now_ns(crate::api::HostClock::Monotonic)));
        {
            let ts = lock(&task.sig);
            let mut ls = lock(&leader.sig);
            ls.mask = ts.mask;
            ls.pending = ts.pending.clone();
            ls.altstack = ts.altstack;
            ls.saved_mask = ts.saved_mask;
        }
        *lock(&leader.robust_list) = *lock(&task.robust_list);
        *lock(&leader.affinity) = lock(&task.affinity).clone();
        leader.clear_child_tid.store(task.clear_child_tid.load(Ordering::Acquire), Ordering::Release);
        {
            let mut table = lock(&self.procs);
            if task.dead.load(Ordering::Acquire) {
                return Err(Errno::ESRCH);
            }
            table.tasks.remove(&task.tid);
            table.tasks.insert(pid, leader.clone());
            // The process has a live leader again.
            proc.leader_exit_code.store(u32::MAX, Ordering::Release);
            if let Some(e) = table.procs.get_mut(&pid) {
                e.threads = vec![pid];
            }
        }
        leader.recalc_pending();
        Ok(Some(leader))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shebang_lines() {
        assert_eq!(parse_shebang(b"#!/bin/sh\necho").unwrap(), (b"/bin/sh".to_vec(), None));
        assert_eq!(
            parse_shebang(b"#! /usr/bin/env  python3 -u \n").unwrap(),
            (b"/usr/bin/env".to_vec(), Some(b"python3 -u".to_vec()))
        );
        assert_eq!(parse_shebang(b"#!\n"), Err(Errno::ENOEXEC));
    }
}
