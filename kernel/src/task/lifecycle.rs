//! Process lifecycle on the kernel side: exit, zombies, reparenting,
//! SIGCHLD to the parent (with SA_NOCLDWAIT / SIG_IGN auto-reap) and
//! `HostOps::process_exited`. Fork, exec and wait are added alongside.

use std::sync::atomic::Ordering;

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
        // Release resources outside the table lock: closing pipe ends wakes
        // readers, which may take other locks.
        let files = lock(&proc.fds).take_all();
        drop(files);
        *lock(&proc.itimer) = Default::default();

        let mut table = lock(&self.procs);
        for t in &tasks {
            table.tasks.remove(&t.tid);
        }
        let (ppid, children) = match table.procs.get_mut(&pid) {
            Some(e) => {
                e.state = ProcState::Zombie(status);
                e.threads.clear();
                (e.ppid, std::mem::take(&mut e.children))
            }
            None => return,
        };
        // Reparent children to init (or to nobody when init itself is gone).
        let init_alive = pid != 1 && table.procs.get(&1).is_some_and(|e| !matches!(e.state, ProcState::Zombie(_)));
        let mut orphan_zombies = Vec::new();
        for c in children {
            if let Some(ce) = table.procs.get_mut(&c) {
                if init_alive {
                    ce.ppid = 1;
                } else {
                    ce.ppid = 0;
                    if matches!(ce.state, ProcState::Zombie(_)) {
                        orphan_zombies.push(c);
                    }
                }
            }
            if init_alive {
                if let Some(ie) = table.procs.get_mut(&1) {
                    ie.children.insert(c);
                }
            }
        }
        for z in orphan_zombies {
            table.procs.remove(&z);
        }
        if init_alive {
            if let Some(ie) = table.procs.get(&1) {
                ie.proc.child_wait.wake_all();
            }
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
        if let Some(pp) = parent {
            let (code, st) = match status {
                ExitStatus::Exited(c) => (CLD_EXITED, c as i32),
                ExitStatus::Signaled { signo, core } => (if core { CLD_DUMPED } else { CLD_KILLED }, signo as i32),
            };
            let uid = lock(&proc.creds).uid;
            let info = SigInfo { signo: SIGCHLD, code, pid, uid, status: st, ..Default::default() };
            self.send_to_process(pp.pid, info);
            pp.child_wait.wake_all();
        }
        self.host.process_exited(pid, status);
    }

    /// Task `tid` calls exit(2): the last thread ends the process.
    pub(crate) fn exit_task(&self, tid: Tid, code: u8) {
        let pid = {
            let mut table = lock(&self.procs);
            let Some(t) = table.tasks.get(&tid).cloned() else { return };
            let pid = t.pid();
            let others = table.procs.get(&pid).map(|e| e.threads.len() > 1).unwrap_or(false);
            if others {
                t.dead.store(true, Ordering::Release);
                table.tasks.remove(&tid);
                if let Some(e) = table.procs.get_mut(&pid) {
                    e.threads.retain(|&x| x != tid);
                }
                return;
            }
            pid
        };
        self.exit_group(pid, ExitStatus::Exited(code));
    }
}
