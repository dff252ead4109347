//! Signal generation and delivery.
//!
//! Generation (`send_to_process`, `send_to_task`) applies the rules that
//! act at once: SIGKILL kills, SIGCONT resumes a stopped process and drops
//! pending stop signals, a stop signal drops a pending SIGCONT, a signal
//! that is ignored and not blocked is discarded. Then the target is woken.
//! Delivery (`check_signals`) runs on the target's own thread: default
//! actions happen in the kernel (terminate, stop — parking until SIGCONT —
//! ignore), handlers get a siginfo + ucontext frame written below the
//! shadow-stack pointer or on the sigaltstack.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::*;
use crate::abi::uapi;
use crate::api::{ExitStatus, GuestMemory, SignalAction, SignalDelivery, Tid};
use crate::mem::Plain;
use crate::task::{lock, Pid, ProcState, Task};
use crate::Kernel;

/// Size of the guest `ucontext_t` (generated uapi `struct ucontext`, wasm32).
pub const UCONTEXT_SIZE: u32 = std::mem::size_of::<uapi::ucontext>() as u32;
/// Offset of `uc_sigmask` in it.
pub const UC_SIGMASK: u32 = std::mem::offset_of!(uapi::ucontext, uc_sigmask) as u32;
pub const SIGINFO_SIZE: u32 = std::mem::size_of::<uapi::siginfo>() as u32;

fn is_stop(sig: u32) -> bool {
    matches!(sig, SIGSTOP | SIGTSTP | SIGTTIN | SIGTTOU)
}

fn stop_set() -> SigSet {
    SigSet(SigSet::bit(SIGSTOP) | SigSet::bit(SIGTSTP) | SigSet::bit(SIGTTIN) | SigSet::bit(SIGTTOU))
}

impl Kernel {
    fn live_tasks(&self, pid: Pid) -> Option<Vec<Arc<Task>>> {
        let table = lock(&self.procs);
        let e = table.procs.get(&pid)?;
        if matches!(e.state, ProcState::Zombie(_)) {
            return Some(Vec::new());
        }
        Some(e.threads.iter().filter_map(|t| table.tasks.get(t).cloned()).collect())
    }

    /// Queue a process-directed signal. Returns false when the process
    /// does not exist.
    pub(crate) fn send_to_process(&self, pid: Pid, info: SigInfo) -> bool {
        let Some(tasks) = self.live_tasks(pid) else { return false };
        if info.signo == 0 || tasks.is_empty() {
            return true;
        }
        if pid == 1 && self.init_ignores(&tasks[0], info.signo) {
            return true;
        }
        if info.signo == SIGKILL {
            self.exit_group(pid, ExitStatus::Signaled { signo: SIGKILL as u8, core: false });
            return true;
        }
        let proc = tasks[0].process.clone();
        self.generation_side_effects(pid, &tasks, info.signo);
        {
            let mut ps = lock(&proc.sig);
            let blocked_everywhere = tasks.iter().all(|t| lock(&t.sig).blocks(info.signo));
            if ps.actions.ignored(info.signo) && !blocked_everywhere {
                return true;
            }
            ps.pending.push(info);
        }
        // Linux's complete_signal: one thread that does not block the
        // signal is told (the leader first); with none, the signal waits in
        // the shared set for a thread that unblocks it or sigwaits for it.
        self.signalfd_wq.wake_all();
        if let Some(t) = Self::signal_target(&tasks, info.signo) {
            self.wake_tasks(std::slice::from_ref(t));
        }
        true
    }

    /// The thread a process-directed `sig` goes to: one that does not
    /// block it and is not dead, preferring one without a signal already
    /// pending, the leader first (Linux's `wants_signal`).
    fn signal_target(tasks: &[Arc<Task>], sig: u32) -> Option<&Arc<Task>> {
        let takes = |t: &Arc<Task>| !t.dead.load(Ordering::Acquire) && !lock(&t.sig).mask.has(sig);
        let mut order: Vec<&Arc<Task>> = tasks.iter().filter(|t| t.is_leader()).collect();
        order.extend(tasks.iter().filter(|t| !t.is_leader()));
        order.iter().find(|t| takes(t) && !t.signal_pending()).or_else(|| order.iter().find(|t| takes(t))).copied()
    }

    /// The mask of `task` now blocks signals of `newly`: process-directed
    /// ones pending in the shared set go to another thread that takes them
    /// (Linux's retarget_shared_pending).
    pub(crate) fn retarget_shared_pending(&self, task: &Arc<Task>, newly: SigSet) {
        let shared = SigSet(lock(&task.process.sig).pending.set.0 & newly.0);
        let Some(sig) = shared.first() else { return };
        let Some(tasks) = self.live_tasks(task.pid()) else { return };
        let others: Vec<Arc<Task>> = tasks.into_iter().filter(|t| t.tid != task.tid).collect();
        if let Some(t) = Self::signal_target(&others, sig) {
            self.wake_tasks(std::slice::from_ref(t));
        }
    }

    /// Queue a thread-directed signal (tkill/tgkill, SIGPIPE, traps).
    pub(crate) fn send_to_task(&self, task: &Arc<Task>, info: SigInfo) {
        if info.signo == 0 {
            return;
        }
        if task.pid() == 1 && self.init_ignores(task, info.signo) {
            return;
        }
        if info.signo == SIGKILL {
            self.exit_group(task.pid(), ExitStatus::Signaled { signo: SIGKILL as u8, core: false });
            return;
        }
        self.generation_side_effects(task.pid(), std::slice::from_ref(task), info.signo);
        {
            let ps = lock(&task.process.sig);
            let mut ts = lock(&task.sig);
            if ps.actions.ignored(info.signo) && !ts.blocks(info.signo) {
                return;
            }
            ts.pending.push(info);
        }
        self.wake_tasks(std::slice::from_ref(task));
    }

    /// Init only receives signals it has a handler for (man 2 kill), so
    /// SIGKILL/SIGSTOP and default-action signals from userland do nothing.
    /// A blocked signal is never ignored at generation (Linux's
    /// sig_ignored): it stays pending for sigwait/signalfd, and is dropped
    /// at delivery if it still has the default action then.
    fn init_ignores(&self, task: &Task, sig: u32) -> bool {
        if sig == SIGKILL || sig == SIGSTOP {
            return true;
        }
        let dfl = lock(&task.process.sig).actions.get(sig).handler == SIG_DFL;
        dfl && !lock(&task.sig).blocks(sig)
    }

    fn wake_tasks(&self, tasks: &[Arc<Task>]) {
        self.signalfd_wq.wake_all();
        for t in tasks {
            t.recalc_pending();
            if t.signal_pending() {
                self.host.unpark(t.tid);
            }
        }
    }

    /// SIGCONT / stop-signal rules applied when the signal is generated.
    fn generation_side_effects(&self, pid: Pid, tasks: &[Arc<Task>], sig: u32) {
        let Some(proc) = tasks.first().map(|t| t.process.clone()) else { return };
        if sig == SIGCONT {
            lock(&proc.sig).pending.discard(stop_set());
            for t in tasks {
                lock(&t.sig).pending.discard(stop_set());
            }
            let resumed = {
                let mut table = lock(&self.procs);
                match table.procs.get_mut(&pid) {
                    Some(e) if matches!(e.state, ProcState::Stopped { .. }) => {
                        e.state = ProcState::Running;
                        e.continued = true;
                        e.proc.group_stop.store(false, Ordering::Release);
                        Some(e.ppid)
                    }
                    _ => None,
                }
            };
            if let Some(ppid) = resumed {
                // Every thread of the process was parked by the group stop.
                let all = self.live_tasks(pid).unwrap_or_default();
                for t in &all {
                    t.recalc_pending();
                    self.host.unpark(t.tid);
                }
                self.notify_parent_stop(pid, ppid, CLD_CONTINUED, SIGCONT);
            }
        } else if is_stop(sig) {
            lock(&proc.sig).pending.discard(SigSet::of(SIGCONT));
            for t in tasks {
                lock(&t.sig).pending.discard(SigSet::of(SIGCONT));
            }
        }
    }

    /// SIGCHLD (CLD_STOPPED / CLD_CONTINUED) to the parent unless it set
    /// SA_NOCLDSTOP; wakes its waiters either way.
    fn notify_parent_stop(&self, pid: Pid, ppid: Pid, code: i32, status: u32) {
        let Some(pp) = lock(&self.procs).entry(ppid).map(|e| e.proc.clone()) else { return };
        let nocldstop = lock(&pp.sig).actions.get(SIGCHLD).flags & SA_NOCLDSTOP != 0;
        if !nocldstop {
            let uid = lock(&self.procs).entry(pid).map(|e| lock(&e.proc.creds).uid).unwrap_or(0);
            self.send_to_process(
                ppid,
                SigInfo { signo: SIGCHLD, code, pid, uid, status: status as i32, ..Default::default() },
            );
        }
        pp.child_wait.wake_all();
    }

    /// Take the next deliverable signal of `task` (thread queue first).
    fn dequeue(&self, task: &Task) -> Option<SigInfo> {
        let mut ps = lock(&task.process.sig);
        let mut ts = lock(&task.sig);
        let mask = ts.mask;
        let r = ts.pending.take(mask).or_else(|| ps.pending.take(mask));
        drop(ts);
        drop(ps);
        task.recalc_pending();
        r
    }

    /// Stop the process of `task` for `sig` and park until SIGCONT/SIGKILL.
    fn do_stop(&self, task: &Arc<Task>, sig: u32) {
        let pid = task.pid();
        let ppid = {
            let mut table = lock(&self.procs);
            let Some(e) = table.procs.get_mut(&pid) else { return };
            if matches!(e.state, ProcState::Zombie(_)) {
                return;
            }
            e.state = ProcState::Stopped { signo: sig, reported: false };
            e.continued = false;
            e.proc.group_stop.store(true, Ordering::Release);
            e.ppid
        };
        // A group stop: every other thread stops at its next signal check
        // (blocked calls return to restart after SIGCONT; busy threads are
        // stopped by the bridge's epoch callback).
        for t in self.live_tasks(pid).unwrap_or_default() {
            if t.tid != task.tid {
                t.recalc_pending();
                self.host.unpark(t.tid);
            }
        }
        self.notify_parent_stop(pid, ppid, CLD_STOPPED, sig);
        self.wait_while_stopped(task);
    }

    /// Park `task` while its process is in a group stop (until SIGCONT or
    /// SIGKILL).
    fn wait_while_stopped(&self, task: &Arc<Task>) {
        while task.process.group_stop.load(Ordering::Acquire) && !task.dead.load(Ordering::Acquire) {
            self.host.park(task.tid, None);
        }
        task.recalc_pending();
    }

    pub(crate) fn check_signals_impl(&self, task: &Arc<Task>, mem: &mut dyn GuestMemory, sp: u32) -> SignalAction {
        let task = task.clone();
        loop {
            if task.process.group_stop.load(Ordering::Acquire) {
                self.wait_while_stopped(&task);
            }
            if task.dead.load(Ordering::Acquire) {
                return SignalAction::Exit;
            }
            let Some(info) = self.dequeue(&task) else {
                // rt_sigsuspend & co: no handler ran, put the old mask back.
                let mut ts = lock(&task.sig);
                if let Some(m) = ts.saved_mask.take() {
                    ts.mask = m;
                    drop(ts);
                    task.recalc_pending();
                }
                return SignalAction::None;
            };
            let sig = info.signo;
            let act = lock(&task.process.sig).actions.get(sig);
            if act.handler == SIG_IGN {
                continue;
            }
            if act.handler == SIG_DFL && task.pid() == 1 {
                // Init is unkillable from userland (SIGNAL_UNKILLABLE).
                continue;
            }
            if act.handler == SIG_DFL {
                match default_action(sig) {
                    DefaultAction::Ignore | DefaultAction::Continue => continue,
                    DefaultAction::Stop => {
                        self.do_stop(&task, sig);
                        continue;
                    }
                    DefaultAction::Term | DefaultAction::Core => {
                        let core = default_action(sig) == DefaultAction::Core;
                        self.exit_group(task.pid(), ExitStatus::Signaled { signo: sig as u8, core });
                        return SignalAction::Exit;
                    }
                }
            }
            match self.setup_frame(&task, mem, sp, &info, act) {
                Ok(d) => return SignalAction::Deliver(d),
                Err(_) => {
                    // No room for the frame: SIGSEGV (force_sigsegv).
                    self.exit_group(task.pid(), ExitStatus::Signaled { signo: SIGSEGV as u8, core: true });
                    return SignalAction::Exit;
                }
            }
        }
    }

    fn setup_frame(
        &self,
        task: &Arc<Task>,
        mem: &mut dyn GuestMemory,
        sp: u32,
        info: &SigInfo,
        act: SigAction,
    ) -> crate::error::KResult<SignalDelivery> {
        use crate::error::Errno;
        let sig = info.signo;
        let (old_mask, alt) = {
            let mut ts = lock(&task.sig);
            let old = ts.saved_mask.take().unwrap_or(ts.mask);
            (old, ts.altstack)
        };
        let on_alt = alt.flags & SS_DISABLE == 0 && alt.size > 0 && (sp.wrapping_sub(alt.sp)) < alt.size;
        let use_alt = act.flags & SA_ONSTACK != 0 && alt.flags & SS_DISABLE == 0 && alt.size > 0 && !on_alt;
        let top = if use_alt { alt.sp.checked_add(alt.size).ok_or(Errno::EFAULT)? } else { sp };
        let frame = top.checked_sub(SIGINFO_SIZE + UCONTEXT_SIZE + 16).ok_or(Errno::EFAULT)? & !15;
        let siginfo_ptr = frame;
        let uc = frame + SIGINFO_SIZE;
        let st_flags = if alt.flags & SS_DISABLE != 0 {
            SS_DISABLE
        } else if on_alt {
            SS_ONSTACK
        } else {
            0
        };
        let mut ucontext = <uapi::ucontext as zerocopy::FromZeros>::new_zeroed();
        ucontext.uc_stack = AltStack { flags: st_flags, ..alt }.to_abi();
        ucontext.uc_sigmask = old_mask.to_abi();
        ucontext.uc_mcontext.sc_sp = sp;
        crate::mem::write_bytes(mem, siginfo_ptr, &info.encode())?;
        crate::mem::UserPtr::<uapi::ucontext>::new(uc).write(mem, &ucontext)?;
        {
            let mut ts = lock(&task.sig);
            ts.mask.0 |= act.mask.0;
            if act.flags & SA_NODEFER == 0 {
                ts.mask.add(sig);
            }
            ts.mask = ts.mask.blockable();
            if use_alt && alt.flags & SS_AUTODISARM != 0 {
                ts.altstack = AltStack { sp: 0, flags: SS_DISABLE, size: 0 };
            }
        }
        if act.flags & SA_RESETHAND != 0 {
            lock(&task.process.sig).actions.set(sig, SigAction::default());
        }
        task.recalc_pending();
        Ok(SignalDelivery {
            signo: sig as i32,
            handler: act.handler,
            sa_flags: act.flags,
            siginfo_ptr,
            ucontext_ptr: uc,
            handler_sp: frame & !15,
        })
    }

    pub(crate) fn signal_return_impl(&self, tid: Tid, mem: &mut dyn GuestMemory, d: &SignalDelivery) {
        let Some(task) = self.task(tid) else { return };
        if let Ok(mask) = crate::mem::UserPtr::<SigSet>::new(d.ucontext_ptr.wrapping_add(UC_SIGMASK)).read(mem) {
            lock(&task.sig).mask = mask.blockable();
        }
        task.recalc_pending();
    }
}
