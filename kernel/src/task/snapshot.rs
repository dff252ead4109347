//! Read-only views of the process table for procfs (and anything else that
//! reports on processes without changing them): [`ProcSnapshot`]s, the
//! calling task ("current", for `/proc/self`), uptime and UTS strings.
//!
//! Lock order: a snapshot takes `Kernel::procs` briefly to copy the family
//! record, releases it, then takes each `Process` lock on its own (the
//! documented order of `task`); nothing is held across calls.
//!
//! "Current": procfs `readlink` has no caller argument, so
//! [`Kernel::syscall`] records the calling tid in a thread-local for the
//! duration of the call ([`enter`]); the bridge runs each task on its own
//! host thread, so this is the task's identity, like Linux's `current`.

use std::cell::Cell;
use std::sync::Arc;

use crate::api::{HostClock, Tid};
use crate::task::{lock, Pid, ProcEntry, ProcSnapshot, ProcState};
use crate::Kernel;

/// What uname reports: `uname -r`, `uname -v`, `uname -m`.
pub const UTS_RELEASE: &str = "6.1.0-wasmlinux";
pub const UTS_VERSION: &str = "#1 SMP PREEMPT_DYNAMIC wasmlinux";
pub const UTS_MACHINE: &str = "wasm32";

thread_local! {
    static CURRENT: Cell<Option<Tid>> = const { Cell::new(None) };
}

/// Restores the previous "current" task when dropped.
pub struct CurrentGuard {
    prev: Option<Tid>,
}

impl Drop for CurrentGuard {
    fn drop(&mut self) {
        CURRENT.with(|c| c.set(self.prev));
    }
}

/// Mark `tid` as the task running on this host thread until the guard drops.
pub fn enter(tid: Tid) -> CurrentGuard {
    CurrentGuard { prev: CURRENT.with(|c| c.replace(Some(tid))) }
}

/// The task whose syscall this host thread is running, if any.
pub fn current_tid() -> Option<Tid> {
    CURRENT.with(|c| c.get())
}

fn state_char(state: ProcState, running_now: bool) -> char {
    match state {
        // We cannot see whether another task is parked; report the caller
        // as running and the others as sleeping (what `ps` usually shows).
        ProcState::Running => {
            if running_now {
                'R'
            } else {
                'S'
            }
        }
        ProcState::Stopped { .. } => 'T',
        ProcState::Zombie(_) => 'Z',
    }
}

impl Kernel {
    /// The pid of the calling task's process (see [`current_tid`]).
    pub(crate) fn current_pid(&self) -> Option<Pid> {
        let tid = current_tid()?;
        lock(&self.procs).tasks.get(&tid).map(|t| t.pid())
    }

    /// Pids of every process in the table (zombies included), ascending.
    pub(crate) fn proc_pids(&self) -> Vec<Pid> {
        lock(&self.procs).procs.keys().copied().collect()
    }

    /// Does process `pid` exist (zombies included)?
    pub(crate) fn proc_exists(&self, pid: Pid) -> bool {
        lock(&self.procs).procs.contains_key(&pid)
    }

    /// A snapshot of process `pid`.
    pub(crate) fn proc_snapshot(&self, pid: Pid) -> Option<ProcSnapshot> {
        let cur = self.current_pid();
        let e = {
            let table = lock(&self.procs);
            copy_entry(table.procs.get(&pid)?)
        };
        Some(fill(e, cur))
    }

    /// Snapshots of every process, by pid.
    pub(crate) fn procs_snapshot(&self) -> Vec<ProcSnapshot> {
        let cur = self.current_pid();
        let entries: Vec<Entry> = lock(&self.procs).procs.values().map(copy_entry).collect();
        entries.into_iter().map(|e| fill(e, cur)).collect()
    }

    /// Nanoseconds since boot (monotonic).
    pub(crate) fn uptime_ns(&self) -> u64 {
        self.host.now_ns(HostClock::Monotonic).saturating_sub(self.boot_ns)
    }

    /// Realtime nanoseconds at boot.
    pub(crate) fn boot_realtime_ns(&self) -> u64 {
        self.host.now_ns(HostClock::Realtime).saturating_sub(self.uptime_ns())
    }

    /// The current host name (sethostname).
    pub(crate) fn hostname_bytes(&self) -> Vec<u8> {
        lock(&self.hostname).clone()
    }

    /// `uname -r`, `uname -v`, `uname -m`.
    pub(crate) fn uts_strings(&self) -> (&'static str, &'static str, &'static str) {
        (UTS_RELEASE, UTS_VERSION, UTS_MACHINE)
    }

    /// The mount namespace, if the kernel has a root file system.
    pub(crate) fn mount_ns(&self) -> Option<Arc<crate::vfs::MountNamespace>> {
        self.ns.clone()
    }
}

/// What is copied under the table lock.
struct Entry {
    pid: Pid,
    ppid: Pid,
    pgid: Pid,
    sid: Pid,
    threads: Vec<Tid>,
    state: ProcState,
    process: Arc<crate::task::Process>,
}

fn copy_entry(e: &ProcEntry) -> Entry {
    Entry {
        pid: e.proc.pid,
        ppid: e.ppid,
        pgid: e.pgid,
        sid: e.sid,
        threads: e.threads.clone(),
        state: e.state,
        process: e.proc.clone(),
    }
}

fn fill(e: Entry, current: Option<Pid>) -> ProcSnapshot {
    let p = &e.process;
    let comm = lock(&p.comm).clone();
    let exec = lock(&p.exec).clone();
    let creds = lock(&p.creds).clone();
    let fds = lock(&p.fds).iter().map(|(fd, fe)| (fd, fe.file.path.clone(), fe.file.flags())).collect();
    let (brk, vm_bytes) = {
        let mm = lock(&p.mm);
        let mapped: u64 = mm.vmas.values().map(|v| u64::from(v.len)).sum();
        (mm.brk, mapped + u64::from(mm.brk.saturating_sub(mm.brk_start)) + u64::from(mm.brk_start))
    };
    ProcSnapshot {
        pid: e.pid,
        ppid: e.ppid,
        pgid: e.pgid,
        sid: e.sid,
        threads: e.threads,
        state: state_char(e.state, current == Some(e.pid)),
        comm,
        exe: exec.path,
        argv: exec.argv,
        envp: exec.envp,
        uid: creds.uid,
        gid: creds.gid,
        euid: creds.euid,
        egid: creds.egid,
        start_ns: p.start_ns,
        fds,
        brk,
        vm_bytes,
        process: e.process,
    }
}

impl Kernel {
    /// The `comm` of thread `tid` of process `pid` (the leader's is the
    /// process's), `None` if it is not a live thread of `pid`.
    pub(crate) fn thread_comm(&self, pid: Pid, tid: Tid) -> Option<Vec<u8>> {
        let t = lock(&self.procs).tasks.get(&tid).cloned();
        match t {
            Some(t) if t.pid() == pid => Some(t.comm()),
            _ => None,
        }
    }

    /// Writing `/proc/<pid>/task/<tid>/comm` (or `/proc/<pid>/comm`,
    /// `tid == pid`): only a thread of the same process may (EINVAL
    /// otherwise, as Linux's `comm_write`); the bytes up to a NUL, at most
    /// 15, become the name (a trailing newline is kept, as on Linux).
    pub(crate) fn write_thread_comm(&self, pid: Pid, tid: Tid, data: &[u8]) -> crate::error::KResult<()> {
        use crate::error::Errno;
        if self.current_pid() != Some(pid) {
            return Err(Errno::EINVAL);
        }
        let data = &data[..data.len().min(15)];
        let name = &data[..data.iter().position(|&c| c == 0).unwrap_or(data.len())];
        let (task, proc) = {
            let table = lock(&self.procs);
            let proc = table.procs.get(&pid).map(|e| e.proc.clone()).ok_or(Errno::ESRCH)?;
            (table.tasks.get(&tid).filter(|t| t.pid() == pid).cloned(), proc)
        };
        match task {
            Some(t) => t.set_comm(name),
            None if tid == pid => *lock(&proc.comm) = name.to_vec(),
            None => return Err(Errno::ESRCH),
        }
        Ok(())
    }

    /// Per-thread signal state for procfs: (pending, blocked) of `tid`.
    pub(crate) fn thread_sig_sets(&self, tid: Tid) -> (u64, u64) {
        match self.task(tid) {
            Some(t) => {
                let ts = lock(&t.sig);
                (ts.pending.set.0, ts.mask.0)
            }
            None => (0, 0),
        }
    }

    /// The CPUs thread `tid` may run on, as a list of CPU numbers (all
    /// configured CPUs without an affinity mask).
    pub(crate) fn thread_cpus(&self, tid: Tid) -> Vec<u32> {
        let n = self.config.cpus.clamp(1, 1024);
        let mask = self.task(tid).and_then(|t| lock(&t.affinity).clone());
        (0..n)
            .filter(|&c| mask.as_ref().is_none_or(|m| m.get((c / 8) as usize).is_some_and(|b| b >> (c % 8) & 1 != 0)))
            .collect()
    }
}
