//! Signal state and rules (asm-generic numbering, 64 signals): sets,
//! actions, pending queues, default actions and names. Delivery (writing
//! frames, waking targets) lives in `kernel_impl` / `syscall::signal`.
//!
//! Lock order: `ProcTable` → `Process::sig` → `Task::sig`. Neither signal
//! lock is held while parking or copying to guest memory.

use std::collections::VecDeque;

use zerocopy::{FromZeros, Immutable, IntoBytes};

use crate::abi::uapi;

pub mod deliver;

// Numbers and flags are the generated uapi constants (asm-generic/signal{,-defs}.h).
pub const NSIG: u32 = uapi::_NSIG;

pub const SIGHUP: u32 = uapi::SIGHUP;
pub const SIGINT: u32 = uapi::SIGINT;
pub const SIGQUIT: u32 = uapi::SIGQUIT;
pub const SIGILL: u32 = uapi::SIGILL;
pub const SIGTRAP: u32 = uapi::SIGTRAP;
pub const SIGABRT: u32 = uapi::SIGABRT;
pub const SIGBUS: u32 = uapi::SIGBUS;
pub const SIGFPE: u32 = uapi::SIGFPE;
pub const SIGKILL: u32 = uapi::SIGKILL;
pub const SIGUSR1: u32 = uapi::SIGUSR1;
pub const SIGSEGV: u32 = uapi::SIGSEGV;
pub const SIGUSR2: u32 = uapi::SIGUSR2;
pub const SIGPIPE: u32 = uapi::SIGPIPE;
pub const SIGALRM: u32 = uapi::SIGALRM;
pub const SIGTERM: u32 = uapi::SIGTERM;
pub const SIGSTKFLT: u32 = uapi::SIGSTKFLT;
pub const SIGCHLD: u32 = uapi::SIGCHLD;
pub const SIGCONT: u32 = uapi::SIGCONT;
pub const SIGSTOP: u32 = uapi::SIGSTOP;
pub const SIGTSTP: u32 = uapi::SIGTSTP;
pub const SIGTTIN: u32 = uapi::SIGTTIN;
pub const SIGTTOU: u32 = uapi::SIGTTOU;
pub const SIGURG: u32 = uapi::SIGURG;
pub const SIGXCPU: u32 = uapi::SIGXCPU;
pub const SIGXFSZ: u32 = uapi::SIGXFSZ;
pub const SIGVTALRM: u32 = uapi::SIGVTALRM;
pub const SIGPROF: u32 = uapi::SIGPROF;
pub const SIGWINCH: u32 = uapi::SIGWINCH;
pub const SIGIO: u32 = uapi::SIGIO;
pub const SIGPWR: u32 = uapi::SIGPWR;
pub const SIGSYS: u32 = uapi::SIGSYS;
pub const SIGRTMIN: u32 = uapi::SIGRTMIN;

/// `sa_flags` bits (asm-generic).
pub const SA_NOCLDSTOP: u32 = uapi::SA_NOCLDSTOP;
pub const SA_NOCLDWAIT: u32 = uapi::SA_NOCLDWAIT;
pub const SA_SIGINFO: u32 = uapi::SA_SIGINFO;
pub const SA_UNSUPPORTED: u32 = uapi::SA_UNSUPPORTED;
pub const SA_EXPOSE_TAGBITS: u32 = uapi::SA_EXPOSE_TAGBITS;
/// Not in asm-generic (wasm32 has no restorer); the value other 32-bit ABIs use.
pub const SA_RESTORER: u32 = 0x0400_0000;
pub const SA_ONSTACK: u32 = uapi::SA_ONSTACK;
pub const SA_RESTART: u32 = uapi::SA_RESTART;
pub const SA_NODEFER: u32 = uapi::SA_NODEFER;
pub const SA_RESETHAND: u32 = uapi::SA_RESETHAND;
pub const SA_KNOWN: u32 =
    SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_RESTORER | SA_ONSTACK | SA_RESTART | SA_NODEFER | SA_RESETHAND;

pub const SIG_DFL: u32 = 0;
pub const SIG_IGN: u32 = 1;

/// `si_code` values.
pub const SI_USER: i32 = 0;
pub const SI_KERNEL: i32 = 0x80;
pub const SI_QUEUE: i32 = -1;
pub const SI_TIMER: i32 = -2;
pub const SI_TKILL: i32 = -6;
pub const CLD_EXITED: i32 = 1;
pub const CLD_KILLED: i32 = 2;
pub const CLD_DUMPED: i32 = 3;
pub const CLD_TRAPPED: i32 = 4;
pub const CLD_STOPPED: i32 = 5;
pub const CLD_CONTINUED: i32 = 6;

/// A set of signals: bit `n-1` is signal `n`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SigSet(pub u64);

impl SigSet {
    pub const EMPTY: SigSet = SigSet(0);
    /// Signals that can never be blocked.
    pub const UNBLOCKABLE: SigSet = SigSet((1 << (SIGKILL - 1)) | (1 << (SIGSTOP - 1)));

    pub fn bit(sig: u32) -> u64 {
        if (1..=NSIG).contains(&sig) {
            1u64 << (sig - 1)
        } else {
            0
        }
    }
    pub fn of(sig: u32) -> SigSet {
        SigSet(Self::bit(sig))
    }
    pub fn has(self, sig: u32) -> bool {
        self.0 & Self::bit(sig) != 0
    }
    pub fn add(&mut self, sig: u32) {
        self.0 |= Self::bit(sig);
    }
    pub fn remove(&mut self, sig: u32) {
        self.0 &= !Self::bit(sig);
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// Lowest signal in the set.
    pub fn first(self) -> Option<u32> {
        if self.0 == 0 {
            None
        } else {
            Some(self.0.trailing_zeros() + 1)
        }
    }
    /// Remove SIGKILL/SIGSTOP (what sigprocmask does silently).
    pub fn blockable(self) -> SigSet {
        SigSet(self.0 & !Self::UNBLOCKABLE.0)
    }
}

/// One `struct sigaction` (kernel layout: handler, flags, restorer, mask).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SigAction {
    pub handler: u32,
    pub flags: u32,
    pub restorer: u32,
    pub mask: SigSet,
}

/// What `siginfo_t` carries (the fields we fill).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SigInfo {
    pub signo: u32,
    pub errno: i32,
    pub code: i32,
    /// Sender pid / child pid.
    pub pid: i32,
    pub uid: u32,
    /// `si_status` for SIGCHLD, or `si_int`/`si_ptr` value for queued signals.
    pub status: i32,
    /// Fault address (SIGSEGV...) or timer id.
    pub addr: u32,
    pub value: u32,
}

impl SigInfo {
    pub fn user(signo: u32, pid: i32, uid: u32) -> SigInfo {
        SigInfo { signo, code: SI_USER, pid, uid, ..Default::default() }
    }
    pub fn kernel(signo: u32) -> SigInfo {
        SigInfo { signo, code: SI_KERNEL, ..Default::default() }
    }
    /// The 128-byte guest `siginfo_t` (asm-generic, 32-bit): the generated
    /// uapi variant for the union member this signal uses.
    pub fn encode(&self) -> [u8; 128] {
        let (si_signo, si_errno, si_code) = (self.signo as i32, self.errno, self.code);
        match self.signo {
            SIGCHLD => siginfo_bytes(&uapi::siginfo_sigchld {
                si_signo,
                si_errno,
                si_code,
                si_pid: self.pid,
                si_uid: self.uid,
                si_status: self.status,
                ..FromZeros::new_zeroed()
            }),
            SIGSEGV | SIGBUS | SIGILL | SIGFPE => siginfo_bytes(&uapi::siginfo_sigfault {
                si_signo,
                si_errno,
                si_code,
                si_addr: self.addr,
                ..FromZeros::new_zeroed()
            }),
            _ if self.code == SI_TIMER => siginfo_bytes(&uapi::siginfo_timer {
                si_signo,
                si_errno,
                si_code,
                si_tid: self.addr as i32,
                si_overrun: self.status,
                si_value: self.value,
                ..FromZeros::new_zeroed()
            }),
            _ => siginfo_bytes(&uapi::siginfo_rt {
                si_signo,
                si_errno,
                si_code,
                si_pid: self.pid,
                si_uid: self.uid,
                si_value: self.value,
                ..FromZeros::new_zeroed()
            }),
        }
    }
    /// What a guest-supplied `siginfo_t` (rt_sigqueueinfo) carries.
    pub fn from_rt(s: &uapi::siginfo_rt) -> SigInfo {
        SigInfo {
            signo: s.si_signo as u32,
            errno: s.si_errno,
            code: s.si_code,
            pid: s.si_pid,
            uid: s.si_uid,
            status: 0,
            addr: 0,
            value: s.si_value,
        }
    }
}

/// The bytes of one 128-byte siginfo variant (each generated variant is
/// asserted to be 128 bytes in uapi.rs).
fn siginfo_bytes<T: IntoBytes + Immutable>(v: &T) -> [u8; 128] {
    let mut b = [0u8; 128];
    b.copy_from_slice(v.as_bytes());
    b
}

/// Pending signals: one instance per standard signal, a queue per RT signal.
#[derive(Debug, Clone, Default)]
pub struct SigPending {
    pub set: SigSet,
    pub infos: VecDeque<SigInfo>,
}

/// Most queued RT signals per process (`RLIMIT_SIGPENDING`-like).
pub const MAX_QUEUED: usize = 1024;

impl SigPending {
    /// Queue `info`; standard signals coalesce. Returns false when the
    /// RT queue is full (EAGAIN).
    pub fn push(&mut self, info: SigInfo) -> bool {
        let sig = info.signo;
        if sig < SIGRTMIN {
            if self.set.has(sig) {
                return true;
            }
        } else if self.infos.len() >= MAX_QUEUED {
            return false;
        }
        self.set.add(sig);
        self.infos.push_back(info);
        true
    }
    /// Take the lowest pending signal not in `blocked`.
    pub fn take(&mut self, blocked: SigSet) -> Option<SigInfo> {
        let avail = SigSet(self.set.0 & !blocked.0);
        // Synchronous/standard signals first (lowest number), like Linux.
        let sig = avail.first()?;
        self.take_sig(sig)
    }
    pub fn take_sig(&mut self, sig: u32) -> Option<SigInfo> {
        let idx = self.infos.iter().position(|i| i.signo == sig)?;
        let info = self.infos.remove(idx)?;
        if !self.infos.iter().any(|i| i.signo == sig) {
            self.set.remove(sig);
        }
        Some(info)
    }
    /// Drop every pending instance of the signals in `set`.
    pub fn discard(&mut self, set: SigSet) {
        self.infos.retain(|i| !set.has(i.signo));
        self.set.0 &= !set.0;
    }
}

/// Default action of a signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultAction {
    Term,
    Core,
    Ignore,
    Stop,
    Continue,
}

pub fn default_action(sig: u32) -> DefaultAction {
    use DefaultAction::*;
    match sig {
        SIGCHLD | SIGURG | SIGWINCH => Ignore,
        SIGCONT => Continue,
        SIGSTOP | SIGTSTP | SIGTTIN | SIGTTOU => Stop,
        SIGQUIT | SIGILL | SIGTRAP | SIGABRT | SIGBUS | SIGFPE | SIGSEGV | SIGXCPU | SIGXFSZ | SIGSYS => Core,
        _ => Term,
    }
}

/// Per-process signal dispositions.
#[derive(Debug, Clone)]
pub struct SigActions(pub [SigAction; NSIG as usize]);

impl Default for SigActions {
    fn default() -> Self {
        SigActions([SigAction::default(); NSIG as usize])
    }
}

impl SigActions {
    pub fn get(&self, sig: u32) -> SigAction {
        self.0[(sig - 1) as usize]
    }
    pub fn set(&mut self, sig: u32, a: SigAction) {
        self.0[(sig - 1) as usize] = a;
    }
    /// Would delivering `sig` now do nothing (explicitly or by default ignored)?
    pub fn ignored(&self, sig: u32) -> bool {
        let a = self.get(sig);
        a.handler == SIG_IGN || (a.handler == SIG_DFL && default_action(sig) == DefaultAction::Ignore)
    }
    /// execve: handled signals go back to default; ignored stay ignored.
    pub fn reset_for_exec(&mut self) {
        for a in self.0.iter_mut() {
            if a.handler != SIG_IGN {
                *a = SigAction::default();
            } else {
                a.flags = 0;
                a.mask = SigSet::EMPTY;
            }
        }
    }
}

/// `stack_t` of sigaltstack.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AltStack {
    pub sp: u32,
    pub flags: u32,
    pub size: u32,
}

pub const SS_ONSTACK: u32 = 1;
pub const SS_DISABLE: u32 = 2;
pub const SS_AUTODISARM: u32 = 1 << 31;
pub const MINSIGSTKSZ: u32 = uapi::MINSIGSTKSZ;

/// `SIGHUP` style name, `SIGRT_3` for real-time signals.
pub fn signal_name(sig: u32) -> String {
    const NAMES: [&str; 32] = [
        "0",
        "SIGHUP",
        "SIGINT",
        "SIGQUIT",
        "SIGILL",
        "SIGTRAP",
        "SIGABRT",
        "SIGBUS",
        "SIGFPE",
        "SIGKILL",
        "SIGUSR1",
        "SIGSEGV",
        "SIGUSR2",
        "SIGPIPE",
        "SIGALRM",
        "SIGTERM",
        "SIGSTKFLT",
        "SIGCHLD",
        "SIGCONT",
        "SIGSTOP",
        "SIGTSTP",
        "SIGTTIN",
        "SIGTTOU",
        "SIGURG",
        "SIGXCPU",
        "SIGXFSZ",
        "SIGVTALRM",
        "SIGPROF",
        "SIGWINCH",
        "SIGIO",
        "SIGPWR",
        "SIGSYS",
    ];
    if (sig as usize) < NAMES.len() {
        NAMES[sig as usize].to_string()
    } else if sig <= NSIG {
        format!("SIGRT_{}", sig - SIGRTMIN)
    } else {
        sig.to_string()
    }
}

#[cfg(test)]
mod tests {
    /// sigaction and stack_t land at the Linux (wasm32) offsets through
    /// their generated uapi types.
    #[test]
    fn signal_types_use_linux_offsets() {
        use crate::api::VecMemory;
        use crate::mem::UserPtr;
        let mut m = VecMemory::new(8192);
        let a = 4096u32;
        let at = |m: &VecMemory, n: usize| m.bytes[a as usize..a as usize + n].to_vec();
        // sigaction: handler @0, flags @4, 64-bit mask @8 (low word first), no restorer.
        let act = SigAction { handler: 7, flags: 0x0400_0000, restorer: 0, mask: SigSet(0x1_0000_0002) };
        UserPtr::<SigAction>::new(a).write(&mut m, &act).unwrap();
        assert_eq!(at(&m, 16), [7, 0, 0, 0, 0, 0, 0, 4, 2, 0, 0, 0, 1, 0, 0, 0]);
        assert_eq!(UserPtr::<SigAction>::new(a).read(&m), Ok(act));
        // stack_t: ss_sp @0, ss_flags @4, ss_size @8.
        let st = AltStack { sp: 0x2000, flags: 2, size: 0x800 };
        UserPtr::<AltStack>::new(a).write(&mut m, &st).unwrap();
        assert_eq!(at(&m, 12), [0, 0x20, 0, 0, 2, 0, 0, 0, 0, 8, 0, 0]);
        assert_eq!(UserPtr::<AltStack>::new(a).read(&m), Ok(st));
    }

    use super::*;

    fn word(b: &[u8], off: usize) -> u32 {
        u32::from_le_bytes(b[off..off + 4].try_into().unwrap())
    }

    /// Each siginfo variant puts its fields at the asm-generic 32-bit
    /// offsets (signo @0, errno @4, code @8, union @12).
    #[test]
    fn siginfo_fields_at_linux_offsets() {
        let chld =
            SigInfo { signo: SIGCHLD, code: CLD_STOPPED, pid: 42, uid: 7, status: 19, ..Default::default() }.encode();
        assert_eq!(
            [word(&chld, 0), word(&chld, 8), word(&chld, 12), word(&chld, 16), word(&chld, 20)],
            [SIGCHLD, CLD_STOPPED as u32, 42, 7, 19]
        );
        let segv = SigInfo { signo: SIGSEGV, errno: 5, code: 1, addr: 0x1234, ..Default::default() }.encode();
        assert_eq!([word(&segv, 4), word(&segv, 12), word(&segv, 16)], [5, 0x1234, 0]);
        let timer =
            SigInfo { signo: SIGALRM, code: SI_TIMER, addr: 5, status: 2, value: 9, ..Default::default() }.encode();
        assert_eq!([word(&timer, 8), word(&timer, 12), word(&timer, 16), word(&timer, 20)], [SI_TIMER as u32, 5, 2, 9]);
        let rt = SigInfo { signo: SIGRTMIN, code: -1, pid: 3, uid: 4, value: 0xabc, ..Default::default() }.encode();
        assert_eq!([word(&rt, 12), word(&rt, 16), word(&rt, 20)], [3, 4, 0xabc]);
        assert!(rt[24..].iter().all(|&b| b == 0));
        let back = SigInfo::from_rt(&zerocopy::FromBytes::read_from_bytes(&rt[..]).unwrap());
        assert_eq!((back.signo, back.code, back.pid, back.uid, back.value), (SIGRTMIN, -1, 3, 4, 0xabc));
    }

    #[test]
    fn pending_coalesces_standard_and_queues_rt() {
        let mut p = SigPending::default();
        assert!(p.push(SigInfo::kernel(SIGUSR1)));
        assert!(p.push(SigInfo::kernel(SIGUSR1)));
        assert!(p.push(SigInfo::kernel(SIGRTMIN + 1)));
        assert!(p.push(SigInfo::kernel(SIGRTMIN + 1)));
        assert_eq!(p.infos.len(), 3);
        assert_eq!(p.take(SigSet::EMPTY).unwrap().signo, SIGUSR1);
        assert_eq!(p.take(SigSet::of(SIGRTMIN + 1)), None);
        assert_eq!(p.take(SigSet::EMPTY).unwrap().signo, SIGRTMIN + 1);
        assert!(p.set.has(SIGRTMIN + 1));
        assert_eq!(p.take(SigSet::EMPTY).unwrap().signo, SIGRTMIN + 1);
        assert!(p.set.is_empty());
        assert_eq!(signal_name(34), "SIGRT_2");
    }
}
