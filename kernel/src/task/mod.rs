//! Tasks and processes (`task_struct`, `signal_struct`, the pid table).
//!
//! A [`Process`] owns what its threads share: fd table, fs context,
//! credentials, address-space map, signal actions and process-directed
//! pending signals, rlimits, the leader's comm. A [`Task`] is one thread:
//! tid, signal mask, thread-directed pending signals, the `signal_pending`
//! atomic the bridge polls, clear_child_tid, robust list, comm (non-leader),
//! affinity. Threads are created by `clone.rs` (`Kernel::clone_thread`),
//! leave by `exit_task`/`exit_group` (`lifecycle.rs`), and are killed by
//! exec's `de_thread` (`exec.rs`). Family relations (parent, children, process group, session,
//! zombie status) live in the [`ProcTable`] under one lock so wait,
//! reparenting and job control see a consistent tree.
//!
//! Lock order: `Kernel::procs` (ProcTable) → `Process::*` locks →
//! `Task::sig`. Nothing is held while parking or touching guest memory.
//! Read API for procfs/devfs: [`crate::Kernel::procs_snapshot`].

pub mod block;
pub mod clone;
pub mod exec;
pub mod fd;
pub mod lifecycle;
pub mod posix_timer;
pub mod snapshot;
pub mod timer;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::api::{ExitStatus, Tid};
use crate::cred::Creds;
use crate::mm::Mm;
use crate::signal::{AltStack, SigActions, SigPending, SigSet};
use crate::vfs::FsContext;
use crate::wait::WaitQueue;

pub(crate) use fd::release_fds;
pub use fd::{FdEntry, FdTable};

pub type Pid = i32;

/// Lock a mutex, ignoring poisoning (a panicking handler must not wedge
/// every other task).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// `comm` from a path or argv[0]: the last component, 15 bytes at most.
pub(crate) fn comm_of(path: &[u8]) -> Vec<u8> {
    let base = path.rsplit(|&c| c == b'/').next().unwrap_or(path);
    base[..base.len().min(15)].to_vec()
}

/// `RLIMIT_*` indices.
pub const RLIMIT_CPU: usize = 0;
pub const RLIMIT_FSIZE: usize = 1;
pub const RLIMIT_DATA: usize = 2;
pub const RLIMIT_STACK: usize = 3;
pub const RLIMIT_CORE: usize = 4;
pub const RLIMIT_RSS: usize = 5;
pub const RLIMIT_NPROC: usize = 6;
pub const RLIMIT_NOFILE: usize = 7;
pub const RLIMIT_MEMLOCK: usize = 8;
pub const RLIMIT_AS: usize = 9;
pub const RLIM_NLIMITS: usize = 16;
pub const RLIM_INFINITY: u64 = u64::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rlimit {
    pub cur: u64,
    pub max: u64,
}

pub fn default_rlimits() -> [Rlimit; RLIM_NLIMITS] {
    let inf = Rlimit { cur: RLIM_INFINITY, max: RLIM_INFINITY };
    let mut r = [inf; RLIM_NLIMITS];
    r[RLIMIT_STACK] = Rlimit { cur: 8 << 20, max: RLIM_INFINITY };
    r[RLIMIT_CORE] = Rlimit { cur: 0, max: RLIM_INFINITY };
    r[RLIMIT_NOFILE] = Rlimit { cur: fd::NOFILE_DEFAULT as u64, max: 4096 };
    r[RLIMIT_NPROC] = Rlimit { cur: 4096, max: 4096 };
    r[RLIMIT_MEMLOCK] = Rlimit { cur: 8 << 20, max: 8 << 20 };
    r[11 /* SIGPENDING */] = Rlimit { cur: 1024, max: 1024 };
    r[12 /* MSGQUEUE */] = Rlimit { cur: 819200, max: 819200 };
    r[13 /* NICE */] = Rlimit { cur: 0, max: 0 };
    r[14 /* RTPRIO */] = Rlimit { cur: 0, max: 0 };
    r
}

/// ITIMER_REAL state.
#[derive(Debug, Clone, Copy, Default)]
pub struct ItimerReal {
    /// Monotonic deadline of the next expiry.
    pub deadline_ns: Option<u64>,
    pub interval_ns: u64,
    /// Bumped at every (re)arm; expiries of older generations are ignored.
    pub gen: u64,
}

/// CPU and memory usage of a process, or of its waited-for children
/// (getrusage, times, CPU clocks).
///
/// The kernel cannot see guest instructions, so CPU time is approximated
/// from syscall boundaries (see [`Task::user_since_ns`]): user time is wall
/// time spent outside syscalls (guest code, signal handlers), system time is
/// wall time inside syscall handlers minus time parked waiting.
#[derive(Debug, Default)]
pub struct CpuUsage {
    pub utime_ns: AtomicU64,
    pub stime_ns: AtomicU64,
    /// Largest linear memory seen at a syscall, in KiB (`ru_maxrss`).
    pub maxrss_kb: AtomicU64,
}

impl CpuUsage {
    /// Add `other` (a reaped child's totals) into these totals; maxrss is a maximum.
    pub fn absorb(&self, utime_ns: u64, stime_ns: u64, maxrss_kb: u64) {
        self.utime_ns.fetch_add(utime_ns, Ordering::Relaxed);
        self.stime_ns.fetch_add(stime_ns, Ordering::Relaxed);
        self.maxrss_kb.fetch_max(maxrss_kb, Ordering::Relaxed);
    }
}

/// ITIMER_VIRTUAL / ITIMER_PROF state: expiry on the process CPU clock
/// (user time, or user + system time for PROF).
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuItimer {
    /// Process CPU time at which the timer expires.
    pub expires_ns: Option<u64>,
    pub interval_ns: u64,
    /// Bumped at every (re)arm; checks of older generations are ignored.
    pub gen: u64,
}

/// Process-directed signal state (`struct sighand_struct` + shared pending).
#[derive(Debug, Clone, Default)]
pub struct ProcSignals {
    pub actions: SigActions,
    pub pending: SigPending,
}

/// What a process shares between its threads.
pub struct Process {
    pub pid: Pid,
    pub fds: Mutex<FdTable>,
    /// Root, cwd, umask (the VFS's `FsContext`). `None` only in
    /// a kernel built without a root file system (unit tests of the core).
    pub fs: Mutex<Option<FsContext>>,
    pub creds: Mutex<Creds>,
    pub mm: Mutex<Mm>,
    pub sig: Mutex<ProcSignals>,
    pub rlimits: Mutex<[Rlimit; RLIM_NLIMITS]>,
    /// `comm` of the thread-group leader (prctl PR_SET_NAME in the
    /// leader, /proc/<pid>/comm), ≤ 15 bytes. Other threads keep theirs in
    /// [`Task::comm`] (see [`Task::comm`]).
    pub comm: Mutex<Vec<u8>>,
    /// Image info for procfs: exe path, argv, envp.
    pub exec: Mutex<ExecInfo>,
    /// Woken when a child changes state (wait4/waitid).
    pub child_wait: WaitQueue,
    pub itimer: Mutex<ItimerReal>,
    /// ITIMER_VIRTUAL (index 0) and ITIMER_PROF (index 1).
    pub cpu_itimers: Mutex<[CpuItimer; 2]>,
    /// CPU time and memory of this process (live threads and exited ones).
    pub usage: CpuUsage,
    /// Totals of waited-for children and their waited-for descendants.
    pub child_usage: CpuUsage,
    /// Nice value, -20..=19 (getpriority/setpriority).
    pub nice: AtomicI32,
    /// prctl(PR_SET_CHILD_SUBREAPER): orphaned descendants are re-parented here.
    pub child_subreaper: AtomicBool,
    /// Monotonic time at creation.
    pub start_ns: u64,
    /// Set once the process is exiting: its tasks leave at the next check.
    pub exiting: AtomicBool,
    /// Address of the bridge's asyncify buffer, once mapped (inherited).
    pub bridge_buf: AtomicU32,
    /// personality(2) value.
    pub personality: AtomicU32,
    /// Smaller per-process records: I/O priority, capability drops,
    /// POSIX timers.
    pub extra: Mutex<ProcExtra>,
    /// exit(2) code of the thread-group leader when it left before the
    /// other threads (`u32::MAX`: it has not): the process's status when
    /// the last thread leaves by exit(2), as Linux reports the leader's code.
    pub leader_exit_code: AtomicU32,
    /// A group stop is in effect (mirrors `ProcState::Stopped`): every
    /// thread parks at its next signal check until SIGCONT/SIGKILL.
    pub group_stop: AtomicBool,
    /// Robust futex lists of threads killed by exit_group/SIGKILL/exec,
    /// not walked yet, as (tid, list head): walked by the next task of this
    /// process that holds its memory (the exit_group caller, or each dying
    /// thread on its way out of the kernel or at its next signal check).
    pub dying: Mutex<Vec<(Tid, u32)>>,
    /// Woken when a killed thread leaves the kernel (exec's de_thread waits).
    pub thread_wq: WaitQueue,
}

/// Per-process state of the less common calls (ioprio_set, capset,
/// timer_create). Fork copies `ioprio` and `caps`; exec clears the timers.
/// (The robust futex list is per thread: [`Task::robust_list`].)
#[derive(Debug, Default)]
pub struct ProcExtra {
    /// `ioprio_set` value (class << 13 | data); 0 = IOPRIO_CLASS_NONE.
    pub ioprio: u32,
    /// Capabilities kept by `capset` as (effective, permitted,
    /// inheritable) masks; `None` = nothing dropped.
    pub caps: Option<[u64; 3]>,
    /// POSIX timers by id (`task::posix_timer`).
    pub timers: BTreeMap<i32, PosixTimer>,
}

/// One POSIX timer (timer_create).
#[derive(Debug, Clone, Copy, Default)]
pub struct PosixTimer {
    /// The host clock it measures (Realtime or Monotonic).
    pub realtime: bool,
    /// `SIGEV_*` notification and its signal, value and target thread.
    pub notify: i32,
    pub signo: u32,
    pub value: u32,
    pub tid: i32,
    /// Monotonic deadline of the next expiry, if armed.
    pub deadline_ns: Option<u64>,
    pub interval_ns: u64,
    /// Bumped at every (re)arm; expiries of older generations are ignored.
    pub gen: u64,
    /// Expiries while the previous signal was still pending (counting).
    pub overrun_acc: i32,
    /// Overrun count of the last delivered signal (timer_getoverrun).
    pub overrun: i32,
}

#[derive(Debug, Clone, Default)]
pub struct ExecInfo {
    pub path: Vec<u8>,
    pub argv: Vec<Vec<u8>>,
    pub envp: Vec<Vec<u8>>,
}

impl std::fmt::Debug for Process {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Process({})", self.pid)
    }
}

impl Process {
    pub fn nofile_limit(&self) -> u32 {
        lock(&self.rlimits)[RLIMIT_NOFILE].cur.min(fd::NR_OPEN as u64) as u32
    }
    /// A copy of the credentials.
    pub fn creds_copy(&self) -> Creds {
        lock(&self.creds).clone()
    }
    /// Install `file` at the lowest free descriptor (EMFILE).
    pub fn install_fd(&self, file: Arc<crate::file::OpenFile>, cloexec: bool) -> crate::error::KResult<i32> {
        let limit = self.nofile_limit();
        lock(&self.fds).install_from(0, limit, file, cloexec)
    }
}

/// Thread-directed signal state.
#[derive(Debug, Clone, Default)]
pub struct TaskSignals {
    pub mask: SigSet,
    pub pending: SigPending,
    pub altstack: AltStack,
    /// Mask to restore after a handler ran for rt_sigsuspend/ppoll/pselect
    /// (their temporary mask stays in effect until delivery).
    pub saved_mask: Option<SigSet>,
    /// The mask in force before rt_sigtimedwait unblocked the signals it
    /// waits for (Linux's `real_blocked`): those still count as blocked
    /// for the "ignored signals are discarded" rule.
    pub real_blocked: SigSet,
}

impl TaskSignals {
    /// Is `sig` blocked (now, or around an rt_sigtimedwait)? Blocked
    /// signals are never discarded as ignored (Linux's sig_ignored).
    pub fn blocks(&self, sig: u32) -> bool {
        self.mask.has(sig) || self.real_blocked.has(sig)
    }
}

/// One thread.
pub struct Task {
    pub tid: Tid,
    pub process: Arc<Process>,
    pub sig: Mutex<TaskSignals>,
    /// A signal is pending and not blocked (task or process pending set).
    pub sig_pending: AtomicBool,
    /// `set_tid_address` / CLONE_CHILD_CLEARTID.
    pub clear_child_tid: AtomicU32,
    /// Set when the task has left (exit or killed).
    pub dead: AtomicBool,
    /// Monotonic time the task last returned to guest code (left a syscall
    /// or was created); 0 while it is inside a syscall. CPU accounting.
    pub user_since_ns: AtomicU64,
    /// Time parked during the current syscall (not charged as system time).
    pub blocked_ns: AtomicU64,
    /// `set_robust_list` (head address, length), per thread as on Linux;
    /// walked at exit, exec and when the thread is killed.
    pub robust_list: Mutex<(u32, u32)>,
    /// The thread's own `comm` when it is not the leader (the leader's is
    /// [`Process::comm`]); read and set through [`Task::comm`]/[`Task::set_comm`].
    pub comm: Mutex<Vec<u8>>,
    /// sched_setaffinity mask (bit n = CPU n), `None` = every CPU.
    pub affinity: Mutex<Option<Vec<u8>>>,
    /// Inside `Kernel::syscall` or `check_signals` (exec's de_thread waits
    /// for killed threads to leave).
    pub in_kernel: AtomicBool,
    /// This thread's CPU time (CLOCK_THREAD_CPUTIME_ID, RUSAGE_THREAD);
    /// the process's `usage` has every thread's.
    pub usage: CpuUsage,
}

impl std::fmt::Debug for Task {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Task({} of {})", self.tid, self.process.pid)
    }
}

/// Take the robust list heads of killed `tasks` (each walked once) for
/// `Process::dying`.
pub(crate) fn take_robust_heads(tasks: &[Arc<Task>]) -> Vec<(Tid, u32)> {
    tasks
        .iter()
        .filter_map(|t| {
            let (head, _) = std::mem::take(&mut *lock(&t.robust_list));
            (head != 0).then_some((t.tid, head))
        })
        .collect()
}

impl Task {
    /// A task of `process` with empty signal state.
    pub fn new(tid: Tid, process: Arc<Process>, now_ns: u64) -> Task {
        Task {
            tid,
            process,
            sig: Mutex::new(TaskSignals::default()),
            sig_pending: Default::default(),
            clear_child_tid: Default::default(),
            dead: Default::default(),
            user_since_ns: AtomicU64::new(now_ns.max(1)),
            blocked_ns: Default::default(),
            robust_list: Mutex::new((0, 0)),
            comm: Mutex::new(Vec::new()),
            affinity: Mutex::new(None),
            in_kernel: Default::default(),
            usage: Default::default(),
        }
    }
    pub fn pid(&self) -> Pid {
        self.process.pid
    }
    /// Is this the thread-group leader (tid == pid)?
    pub fn is_leader(&self) -> bool {
        self.tid == self.process.pid
    }
    /// The thread's `comm` (/proc/<pid>/task/<tid>/comm, PR_GET_NAME).
    pub fn comm(&self) -> Vec<u8> {
        if self.is_leader() {
            lock(&self.process.comm).clone()
        } else {
            lock(&self.comm).clone()
        }
    }
    /// Set the thread's `comm` (PR_SET_NAME, writing .../comm); at most 15 bytes kept.
    pub fn set_comm(&self, name: &[u8]) {
        let name = name[..name.len().min(15)].to_vec();
        if self.is_leader() {
            *lock(&self.process.comm) = name;
        } else {
            *lock(&self.comm) = name;
        }
    }
    pub fn signal_pending(&self) -> bool {
        self.sig_pending.load(Ordering::Acquire)
    }
    /// Recompute `sig_pending` (call after any change to pending sets or
    /// the mask). Takes `Process::sig` then `Task::sig`.
    pub fn recalc_pending(&self) {
        let shared = lock(&self.process.sig).pending.set;
        let t = lock(&self.sig);
        let any = (t.pending.set.0 | shared.0) & !t.mask.0 != 0;
        let forced = self.process.exiting.load(Ordering::Acquire)
            || self.dead.load(Ordering::Acquire)
            || self.process.group_stop.load(Ordering::Acquire);
        self.sig_pending.store(any || forced, Ordering::Release);
    }
}

/// Life state of a process in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcState {
    Running,
    /// Stopped by `signo`; `reported` once a waiter saw it (WUNTRACED).
    Stopped {
        signo: u32,
        reported: bool,
    },
    Zombie(ExitStatus),
}

/// One process's family record.
#[derive(Debug)]
pub struct ProcEntry {
    pub proc: Arc<Process>,
    pub ppid: Pid,
    pub pgid: Pid,
    pub sid: Pid,
    pub children: BTreeSet<Pid>,
    pub threads: Vec<Tid>,
    pub state: ProcState,
    /// Continued since last reported (WCONTINUED).
    pub continued: bool,
    /// Has called execve since fork (setpgid on a child → EACCES).
    pub did_exec: bool,
    /// Signal sent to the parent at exit (clone's CSIGNAL; SIGCHLD for fork).
    pub exit_signal: u32,
}

/// Every task and process. `next_id` allocates pids and tids from one
/// space (as Linux does), never reusing a live or zombie id.
#[derive(Debug, Default)]
pub struct ProcTable {
    pub procs: BTreeMap<Pid, ProcEntry>,
    pub tasks: BTreeMap<Tid, Arc<Task>>,
    pub next_id: i32,
    /// Tids of killed threads not yet seen leaving (their process, for the
    /// robust-list walk when a busy thread reaches `check_signals`).
    pub gone: BTreeMap<Tid, std::sync::Weak<Process>>,
}

/// Largest pid handed out before wrapping (`pid_max`).
pub const PID_MAX: i32 = 32768;

impl ProcTable {
    pub fn alloc_id(&mut self) -> Option<i32> {
        for _ in 0..PID_MAX {
            self.next_id = if self.next_id >= PID_MAX || self.next_id < 1 { 1 } else { self.next_id + 1 };
            let id = self.next_id;
            self.gone.remove(&id);
            if !self.procs.contains_key(&id)
                && !self.tasks.contains_key(&id)
                && !self.procs.values().any(|p| p.pgid == id || p.sid == id)
            {
                return Some(id);
            }
        }
        None
    }

    pub fn entry(&self, pid: Pid) -> Option<&ProcEntry> {
        self.procs.get(&pid)
    }

    /// Live (non-zombie) processes of group `pgid`.
    pub fn group_members(&self, pgid: Pid) -> Vec<Pid> {
        self.procs
            .iter()
            .filter(|(_, e)| e.pgid == pgid && !matches!(e.state, ProcState::Zombie(_)))
            .map(|(&p, _)| p)
            .collect()
    }
}

/// A read-only view of one process for procfs and devfs.
#[derive(Debug, Clone)]
pub struct ProcSnapshot {
    pub pid: Pid,
    pub ppid: Pid,
    pub pgid: Pid,
    pub sid: Pid,
    pub threads: Vec<Tid>,
    /// `R`, `S`, `T`, `Z` as /proc/<pid>/stat shows.
    pub state: char,
    pub comm: Vec<u8>,
    pub exe: Vec<u8>,
    pub argv: Vec<Vec<u8>>,
    pub envp: Vec<Vec<u8>>,
    pub uid: u32,
    pub gid: u32,
    pub euid: u32,
    pub egid: u32,
    pub start_ns: u64,
    /// (fd, path it was opened by, status flags).
    pub fds: Vec<(i32, Vec<u8>, u32)>,
    pub brk: u32,
    pub vm_bytes: u64,
    pub process: Arc<Process>,
}
