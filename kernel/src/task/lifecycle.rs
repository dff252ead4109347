//! Process lifecycle on the kernel side: exit, zombies, reparenting,
//! SIGCHLD to the parent (with SA_NOCLDWAIT / SIG_IGN auto-reap) and
//! `HostOps::process_exited`. Fork, exec and wait are added alongside.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use crate::api::{ExitStatus, Tid};
use crate::signal::{SigInfo, CLD_DUMPED, CLD_EXITED, CLD_KILLED, SA_NOCLDWAIT, SIGCHLD, SIG_IGN};
use crate::task::{lock, Pid, ProcState};
use crate::Kernel;

/// `wait` status word of an exit status.
pub fn wait_status(st: ExitStatus) -> i32 {
    match st {
        ExitStatus::Exited(c) => (c as i32) << 8,
        ExitStatus::Signaled { signo, core } => signo as i32 | if core { 0x80 } else { 0 },
    }
}

impl Kernel {
    /// Seconds of the realtime clock (System V IPC times).
    pub(crate) fn now_secs(&self) -> i64 {
        (self.host.now_ns(crate::api::HostClock::Realtime) / 1_000_000_000) as i64
    }

    /// The whole process `pid` ends with `status` (exit_group, fatal
    /// signal, trap). Idempotent: the first status wins.
    pub(crate) fn exit_group(&self, pid: Pid, status: ExitStatus) {
        let (proc, tasks) = {
            let table = lock(&self.procs);
            let Some(e) = table.procs.get(&pid) else { return };
            if matches!(e.state, ProcState::Zombie(_)) || e.proc.exiting.swap(true, Ordering::AcqRel) {
                return;
            }
            let tasks: Vec<_> = e.threads.iter().filter_map(|t| table.tasks.get(t).cloned()).collect();
            (e.proc.clone(), tasks)
        };
        for t in &tasks {
            t.dead.store(true, Ordering::Release);
            t.sig_pending.store(true, Ordering::Release);
            self.host.unpark(t.tid);
        }
        // Their robust futex lists are walked by whoever next holds the
        // process's memory (the caller, or each thread on its way out).
        lock(&proc.dying).extend(crate::task::take_robust_heads(&tasks));
        // Release resources outside the table lock: closing pipe ends wakes
        // readers, which may take other locks.
        let files = lock(&proc.fds).take_all();
        crate::task::release_fds(&self.file_locks, pid, files);
        self.ipc_exit(pid); // SEM_UNDO adjustments (ipc::sem::exit_undo)
                            // System V shared memory is detached (the memory itself goes with the process).
        drop(lock(&proc.mm).take_shm(pid, self.now_secs()));
        *lock(&proc.itimer) = Default::default();
        for t in lock(&proc.cpu_itimers).iter_mut() {
            *t = crate::task::CpuItimer { gen: t.gen.wrapping_add(1), ..Default::default() };
        }

        let mut table = lock(&self.procs);
        for t in &tasks {
            table.tasks.remove(&t.tid);
            table.gone.insert(t.tid, Arc::downgrade(&proc));
        }
        let (ppid, children, exit_signal) = match table.procs.get_mut(&pid) {
            Some(e) => {
                e.state = ProcState::Zombie(status);
                e.threads.clear();
                (e.ppid, std::mem::take(&mut e.children), e.exit_signal)
            }
            None => return,
        };
        // Reparent children to the nearest live ancestor that is a child
        // subreaper (prctl PR_SET_CHILD_SUBREAPER), else to init, else to
        // nobody when init itself is gone (man 2 prctl).
        let live = |e: &crate::task::ProcEntry| {
            !matches!(e.state, ProcState::Zombie(_)) && !e.proc.exiting.load(Ordering::Acquire)
        };
        let mut reaper = None;
        let mut up = ppid;
        let mut hops = 0;
        while up > 1 && hops < crate::task::PID_MAX {
            let Some(e) = table.procs.get(&up) else { break };
            if live(e) && e.proc.child_subreaper.load(Ordering::Acquire) {
                reaper = Some(up);
                break;
            }
            up = e.ppid;
            hops += 1;
        }
        if reaper.is_none() && pid != 1 && table.procs.get(&1).is_some_and(|e| !matches!(e.state, ProcState::Zombie(_)))
        {
            reaper = Some(1);
        }
        let mut orphan_zombies = Vec::new();
        let mut adopted_zombies = Vec::new();
        for c in children {
            if let Some(ce) = table.procs.get_mut(&c) {
                let zombie = matches!(ce.state, ProcState::Zombie(_));
                match reaper {
                    Some(r) => {
                        ce.ppid = r;
                        if zombie && ce.exit_signal != 0 {
                            adopted_zombies.push((c, ce.exit_signal, ce.state));
                        }
                    }
                    None => {
                        ce.ppid = 0;
                        if zombie {
                            orphan_zombies.push(c);
                        }
                    }
                }
            }
            if let Some(re) = reaper.and_then(|r| table.procs.get_mut(&r)) {
                re.children.insert(c);
            }
        }
        for z in orphan_zombies {
            table.procs.remove(&z);
        }
        let reaper_proc = reaper.and_then(|r| table.procs.get(&r)).map(|e| e.proc.clone());
        if let Some(rp) = &reaper_proc {
            rp.child_wait.wake_all();
        }
        // Tell the parent.
        let parent = table.procs.get(&ppid).map(|e| e.proc.clone());
        let mut reap = ppid == 0;
        if let Some(pp) = &parent {
            let act = lock(&pp.sig).actions.get(SIGCHLD);
            if act.handler == SIG_IGN || act.flags & SA_NOCLDWAIT != 0 {
                reap = true;
            }
        }
        if reap && pid != 1 {
            table.procs.remove(&pid);
            if let Some(pe) = table.procs.get_mut(&ppid) {
                pe.children.remove(&pid);
            }
        }
        drop(table);
        // Zombies handed to a new parent notify it (Linux's reparent_leader).
        if let Some(rp) = &reaper_proc {
            for (c, sig, state) in adopted_zombies {
                if let ProcState::Zombie(st) = state {
                    let (code, status) = match st {
                        ExitStatus::Exited(x) => (CLD_EXITED, x as i32),
                        ExitStatus::Signaled { signo, core } => {
                            (if core { CLD_DUMPED } else { CLD_KILLED }, signo as i32)
                        }
                    };
                    self.send_to_process(rp.pid, SigInfo { signo: sig, code, pid: c, status, ..Default::default() });
                }
            }
        }
        if let Some(pp) = parent {
            let (code, st) = match status {
                ExitStatus::Exited(c) => (CLD_EXITED, c as i32),
                ExitStatus::Signaled { signo, core } => (if core { CLD_DUMPED } else { CLD_KILLED }, signo as i32),
            };
            let uid = lock(&proc.creds).uid;
            if exit_signal != 0 {
                let info = SigInfo { signo: exit_signal, code, pid, uid, status: st, ..Default::default() };
                self.send_to_process(pp.pid, info);
            }
            pp.child_wait.wake_all();
        }
        self.host.process_exited(pid, status);
    }

    /// Task `tid` calls exit(2): the last thread ends the process.
    pub(crate) fn exit_task(&self, tid: Tid, code: u8) {
        let (pid, code) = {
            let mut table = lock(&self.procs);
            let Some(t) = table.tasks.get(&tid).cloned() else { return };
            let pid = t.pid();
            let others = table.procs.get(&pid).map(|e| e.threads.len() > 1).unwrap_or(false);
            if others {
                if t.is_leader() {
                    t.process.leader_exit_code.store(u32::from(code), Ordering::Release);
                }
                t.dead.store(true, Ordering::Release);
                table.tasks.remove(&tid);
                if let Some(e) = table.procs.get_mut(&pid) {
                    e.threads.retain(|&x| x != tid);
                }
                return;
            }
            // The process's status is the leader's exit code (Linux reports
            // the leader's), whichever thread leaves last.
            let leader = t.process.leader_exit_code.load(Ordering::Acquire);
            (pid, if leader == u32::MAX { code } else { leader as u8 })
        };
        self.exit_group(pid, ExitStatus::Exited(code));
    }
}

// ---- wait ----

/// Which children a wait looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitTarget {
    Any,
    Pid(Pid),
    Pgid(Pid),
}

/// waitid/wait4 options.
#[derive(Debug, Clone, Copy, Default)]
pub struct WaitOptions {
    pub nohang: bool,
    pub exited: bool,
    pub stopped: bool,
    pub continued: bool,
    pub nowait: bool,
}

pub const WNOHANG: u32 = 1;
pub const WUNTRACED: u32 = 2;
pub const WSTOPPED: u32 = 2;
pub const WEXITED: u32 = 4;
pub const WCONTINUED: u32 = 8;
pub const WNOWAIT: u32 = 0x0100_0000;
pub const WNOTHREAD: u32 = 0x2000_0000;
pub const WALL: u32 = 0x4000_0000;
pub const WCLONE: u32 = 0x8000_0000;

impl WaitOptions {
    /// Decode waitid options (EINVAL for unknown bits).
    pub fn from_bits(bits: u32) -> crate::error::KResult<WaitOptions> {
        if bits & !(WNOHANG | WSTOPPED | WEXITED | WCONTINUED | WNOWAIT | WNOTHREAD | WALL | WCLONE) != 0 {
            return Err(crate::error::Errno::EINVAL);
        }
        Ok(WaitOptions {
            nohang: bits & WNOHANG != 0,
            exited: bits & WEXITED != 0,
            stopped: bits & WSTOPPED != 0,
            continued: bits & WCONTINUED != 0,
            nowait: bits & WNOWAIT != 0,
        })
    }
}

/// A child state change found by a wait.
#[derive(Debug, Clone, Copy)]
pub struct Waited {
    pub pid: Pid,
    pub info: SigInfo,
}

impl Kernel {
    /// Find (and unless WNOWAIT consume) a child state change of the
    /// caller; blocks unless WNOHANG. `Ok(None)`: WNOHANG and nothing ready.
    pub(crate) fn do_wait(
        &self,
        task: &crate::task::Task,
        target: WaitTarget,
        opts: WaitOptions,
    ) -> crate::error::KResult<Option<Waited>> {
        use crate::error::Errno;
        let me = task.pid();
        let proc = task.process.clone();
        let r = task.block_on(&self.host, &[&proc.child_wait], None, false, || {
            let mut table = lock(&self.procs);
            let children: Vec<Pid> =
                table.procs.get(&me).map(|e| e.children.iter().copied().collect()).unwrap_or_default();
            let mut any = false;
            for c in children {
                let Some(ce) = table.procs.get(&c) else { continue };
                let matches = match target {
                    WaitTarget::Any => true,
                    WaitTarget::Pid(p) => p == c,
                    WaitTarget::Pgid(g) => ce.pgid == g,
                };
                if !matches {
                    continue;
                }
                any = true;
                let uid = lock(&ce.proc.creds).uid;
                match ce.state {
                    ProcState::Zombie(st) if opts.exited => {
                        let (code, status) = match st {
                            ExitStatus::Exited(c) => (CLD_EXITED, c as i32),
                            ExitStatus::Signaled { signo, core } => {
                                (if core { CLD_DUMPED } else { CLD_KILLED }, signo as i32)
                            }
                        };
                        if !opts.nowait {
                            let cu = (&ce.proc.usage, &ce.proc.child_usage);
                            let total = |f: fn(&crate::task::CpuUsage) -> &std::sync::atomic::AtomicU64| {
                                f(cu.0).load(Ordering::Relaxed) + f(cu.1).load(Ordering::Relaxed)
                            };
                            let (ut, st, rss) = (
                                total(|u| &u.utime_ns),
                                total(|u| &u.stime_ns),
                                cu.0.maxrss_kb.load(Ordering::Relaxed).max(cu.1.maxrss_kb.load(Ordering::Relaxed)),
                            );
                            proc.child_usage.absorb(ut, st, rss);
                            table.procs.remove(&c);
                            if let Some(me_e) = table.procs.get_mut(&me) {
                                me_e.children.remove(&c);
                            }
                        }
                        return Ok(Some(Waited {
                            pid: c,
                            info: SigInfo { signo: SIGCHLD, code, pid: c, uid, status, ..Default::default() },
                        }));
                    }
                    ProcState::Stopped { signo, reported: false } if opts.stopped => {
                        if !opts.nowait {
                            if let Some(ce) = table.procs.get_mut(&c) {
                                ce.state = ProcState::Stopped { signo, reported: true };
                            }
                        }
                        return Ok(Some(Waited {
                            pid: c,
                            info: SigInfo {
                                signo: SIGCHLD,
                                code: crate::signal::CLD_STOPPED,
                                pid: c,
                                uid,
                                status: signo as i32,
                                ..Default::default()
                            },
                        }));
                    }
                    _ if ce.continued && opts.continued => {
                        if !opts.nowait {
                            if let Some(ce) = table.procs.get_mut(&c) {
                                ce.continued = false;
                            }
                        }
                        return Ok(Some(Waited {
                            pid: c,
                            info: SigInfo {
                                signo: SIGCHLD,
                                code: crate::signal::CLD_CONTINUED,
                                pid: c,
                                uid,
                                status: crate::signal::SIGCONT as i32,
                                ..Default::default()
                            },
                        }));
                    }
                    _ => {}
                }
            }
            if !any {
                return Err(Errno::ECHILD);
            }
            if opts.nohang {
                return Ok(None);
            }
            Err(Errno::EAGAIN)
        });
        r
    }

    /// EAGAIN when the caller may not create another process (RLIMIT_NPROC,
    /// pid space).
    pub(crate) fn check_fork_allowed(&self, pid: Pid) -> crate::error::KResult<()> {
        let table = lock(&self.procs);
        let Some(e) = table.procs.get(&pid) else { return Err(crate::error::Errno::ESRCH) };
        let uid = lock(&e.proc.creds).uid;
        let limit = lock(&e.proc.rlimits)[crate::task::RLIMIT_NPROC].cur;
        // RLIMIT_NPROC counts tasks (threads), as on Linux.
        let count = table.tasks.values().filter(|t| lock(&t.process.creds).uid == uid).count() as u64;
        let ids = table.procs.len() + table.tasks.values().filter(|t| !t.is_leader()).count();
        if (uid != 0 && count >= limit) || ids >= (crate::task::PID_MAX as usize - 300) {
            return Err(crate::error::Errno::EAGAIN);
        }
        Ok(())
    }

    /// Create the child of a fork: copied fd table (sharing open files),
    /// fs context, credentials, memory map, signal actions and mask, rlimits.
    pub(crate) fn do_fork(&self, parent_tid: Tid, flags: u32) -> crate::error::KResult<Tid> {
        use crate::error::Errno;
        let parent = self.task(parent_tid).ok_or(Errno::ESRCH)?;
        self.check_fork_allowed(parent.pid())?;
        let pp = parent.process.clone();
        let fds = lock(&pp.fds).clone();
        let creds = lock(&pp.creds).clone();
        let mut table = lock(&self.procs);
        let pid = table.alloc_id().ok_or(Errno::EAGAIN)?;
        let (proc, task) = self.new_process(pid, creds, fds);
        *lock(&proc.fs) = lock(&pp.fs).clone();
        *lock(&proc.mm) = lock(&pp.mm).clone();
        {
            // The child's System V attaches were counted by the clone; like
            // Linux's shm_open in the parent's context, each is an attach by
            // the parent.
            let now = self.now_secs();
            for r in lock(&proc.mm).vmas.values().filter_map(|v| v.shm.as_ref()) {
                r.seg().touched(pp.pid, now, true);
            }
        }
        lock(&proc.sig).actions = lock(&pp.sig).actions.clone();
        *lock(&proc.rlimits) = *lock(&pp.rlimits);
        // The calling thread's name, as Linux copies the forking task's comm.
        *lock(&proc.comm) = parent.comm();
        *lock(&proc.exec) = lock(&pp.exec).clone();
        proc.bridge_buf.store(pp.bridge_buf.load(Ordering::Relaxed), Ordering::Relaxed);
        proc.personality.store(pp.personality.load(Ordering::Relaxed), Ordering::Relaxed);
        proc.nice.store(pp.nice.load(Ordering::Relaxed), Ordering::Relaxed);
        {
            // ioprio and capabilities are inherited; timers and the robust
            // list are not (man 2 fork).
            let pe = lock(&pp.extra);
            let mut ce = lock(&proc.extra);
            ce.ioprio = pe.ioprio;
            ce.caps = pe.caps;
        }
        {
            let ps = lock(&parent.sig);
            let mut cs = lock(&task.sig);
            cs.mask = ps.mask;
            cs.altstack = ps.altstack;
        }
        let pe = table.procs.get(&parent.pid()).ok_or(Errno::ESRCH)?;
        let (pgid, sid) = (pe.pgid, pe.sid);
        table.procs.insert(
            pid,
            crate::task::ProcEntry {
                proc,
                ppid: parent.pid(),
                pgid,
                sid,
                children: Default::default(),
                threads: vec![pid],
                state: ProcState::Running,
                continued: false,
                did_exec: false,
                exit_signal: flags & 0xff,
            },
        );
        if let Some(pe) = table.procs.get_mut(&parent.pid()) {
            pe.children.insert(pid);
        }
        table.tasks.insert(pid, task);
        Ok(pid)
    }
}
