//! Signal generation: queueing on a process or a thread, discarding
//! ignored signals, SIGKILL/SIGCONT side effects, waking the target.

use crate::api::ExitStatus;
use crate::signal::{SigInfo, SIGKILL};
use crate::task::{lock, Pid, ProcState, Task};
use crate::Kernel;
use std::sync::Arc;

impl Kernel {
    /// Queue a process-directed signal. Returns false when the process
    /// does not exist (or is a zombie).
    pub(crate) fn send_to_process(&self, pid: Pid, info: SigInfo) -> bool {
        let tasks: Vec<Arc<Task>> = {
            let table = lock(&self.procs);
            let Some(e) = table.procs.get(&pid) else { return false };
            if matches!(e.state, ProcState::Zombie(_)) {
                return true;
            }
            e.threads.iter().filter_map(|t| table.tasks.get(t).cloned()).collect()
        };
        if info.signo == 0 {
            return true;
        }
        if info.signo == SIGKILL {
            self.exit_group(pid, ExitStatus::Signaled { signo: SIGKILL as u8, core: false });
            return true;
        }
        let Some(first) = tasks.first() else { return true };
        let proc = first.process.clone();
        {
            let mut ps = lock(&proc.sig);
            let blocked_everywhere = tasks.iter().all(|t| lock(&t.sig).mask.has(info.signo));
            if ps.actions.ignored(info.signo) && !blocked_everywhere {
                return true;
            }
            ps.pending.push(info);
        }
        for t in &tasks {
            t.recalc_pending();
            if t.signal_pending() {
                self.host.unpark(t.tid);
            }
        }
        true
    }

    /// Queue a thread-directed signal (tkill/tgkill, SIGPIPE, traps).
    pub(crate) fn send_to_task(&self, task: &Arc<Task>, info: SigInfo) {
        if info.signo == 0 {
            return;
        }
        if info.signo == SIGKILL {
            self.exit_group(task.pid(), ExitStatus::Signaled { signo: SIGKILL as u8, core: false });
            return;
        }
        {
            let ps = lock(&task.process.sig);
            let mut ts = lock(&task.sig);
            if ps.actions.ignored(info.signo) && !ts.mask.has(info.signo) {
                return;
            }
            ts.pending.push(info);
        }
        task.recalc_pending();
        if task.signal_pending() {
            self.host.unpark(task.tid);
        }
    }
}
