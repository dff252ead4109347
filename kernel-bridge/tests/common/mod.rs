//! A tiny fake kernel implementing the bridge's `Sys` trait, so the bridge's
//! process machinery (syscall import, EFAULT, exit, exec, fork via asyncify,
//! signals at syscall return and asynchronously, traps, SjLj) can be tested
//! without the real kernel. Its "syscalls" follow Linux numbers but are
//! deliberately minimal:
//!
//! - write(64): fd 1/2 append to `out`.
//! - read(63): blocks (HostOps::park) until `release_readers`, returns 0.
//! - exit(93)/exit_group(94), getpid(172), kill(129: pid, sig),
//!   rt_sigaction(134: sig, handler table index, 0 = default),
//!   clone(220: flags) → Fork, execve(221: any) → Exec(`exec_image`),
//!   wait4(260: pid) → blocks until that child is a zombie; returns pid and
//!   the status word at args[1]; waitid(95: P_PID only);
//!   997 panics (a kernel bug), 998 restarts once.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use wasmlinux_bridge::host::Host;
use wasmlinux_bridge::sys::Sys;
use wasmlinux_kernel::{
    Errno, ExecImage, ExitStatus, GuestMemory, HostOps, SignalAction, SignalDelivery, SyscallOutcome, Tid, TrapSignal,
};

#[derive(Default)]
struct Task {
    parent: Tid,
    pending: Vec<i32>,
    handlers: HashMap<i32, u32>,
    status: Option<ExitStatus>,
    restarted: bool,
}

#[derive(Default)]
struct State {
    tasks: HashMap<Tid, Task>,
    next_tid: Tid,
    released: bool,
    blocked_readers: Vec<Tid>,
}

pub struct Mock {
    st: Mutex<State>,
    cv: Condvar,
    pub out: Mutex<Vec<u8>>,
    pub host: Arc<Host>,
    pub exec_image: Mutex<Option<Vec<u8>>>,
    pub delivered: Mutex<Vec<(Tid, i32)>>,
}

const EFAULT: i32 = wasmlinux_kernel::error::Errno::EFAULT.code();
const ECHILD: i32 = wasmlinux_kernel::error::Errno::ECHILD.code();

impl Mock {
    pub fn new(host: Arc<Host>) -> Arc<Mock> {
        Arc::new(Mock {
            st: Mutex::new(State { next_tid: 1, ..Default::default() }),
            cv: Condvar::new(),
            out: Mutex::new(Vec::new()),
            host,
            exec_image: Mutex::new(None),
            delivered: Mutex::new(Vec::new()),
        })
    }

    pub fn new_task(&self, parent: Tid) -> Tid {
        let mut st = self.st.lock().unwrap();
        let tid = st.next_tid;
        st.next_tid += 1;
        st.tasks.insert(tid, Task { parent, ..Default::default() });
        tid
    }

    fn finish(&self, tid: Tid, status: ExitStatus) {
        let mut st = self.st.lock().unwrap();
        if let Some(t) = st.tasks.get_mut(&tid) {
            if t.status.is_none() {
                t.status = Some(status);
            }
        }
        drop(st);
        self.cv.notify_all();
        self.host.process_exited(tid, status);
    }

    pub fn status(&self, tid: Tid) -> Option<ExitStatus> {
        self.st.lock().unwrap().tasks.get(&tid).and_then(|t| t.status)
    }

    /// Wait until `tid` has a status (or time out).
    pub fn wait_status(&self, tid: Tid, timeout: Duration) -> Option<ExitStatus> {
        let deadline = std::time::Instant::now() + timeout;
        let mut st = self.st.lock().unwrap();
        loop {
            if let Some(s) = st.tasks.get(&tid).and_then(|t| t.status) {
                return Some(s);
            }
            let now = std::time::Instant::now();
            if now >= deadline {
                return None;
            }
            st = self.cv.wait_timeout(st, deadline - now).unwrap().0;
        }
    }

    pub fn kill(&self, tid: Tid, sig: i32) {
        let mut st = self.st.lock().unwrap();
        if let Some(t) = st.tasks.get_mut(&tid) {
            t.pending.push(sig);
        }
        drop(st);
        self.host.unpark(tid);
    }

    pub fn output(&self) -> String {
        String::from_utf8_lossy(&self.out.lock().unwrap()).into_owned()
    }

    pub fn release_readers(&self) {
        let mut st = self.st.lock().unwrap();
        st.released = true;
        let tids = std::mem::take(&mut st.blocked_readers);
        drop(st);
        for t in tids {
            self.host.unpark(t);
        }
    }

    /// Tasks the kernel has created (forks included).
    pub fn task_count(&self) -> usize {
        self.st.lock().unwrap().tasks.len()
    }

    pub fn blocked_readers(&self) -> usize {
        self.st.lock().unwrap().blocked_readers.len()
    }
}

impl Sys for Mock {
    fn syscall(&self, tid: Tid, nr: u32, a: [u32; 6], mem: &mut dyn GuestMemory) -> SyscallOutcome {
        use SyscallOutcome::Return;
        match nr {
            64 => {
                let mut buf = vec![0u8; a[2] as usize];
                if mem.read(a[1], &mut buf).is_err() {
                    return Return(-EFAULT);
                }
                self.out.lock().unwrap().extend_from_slice(&buf);
                Return(a[2] as i32)
            }
            63 => loop {
                {
                    let mut st = self.st.lock().unwrap();
                    if st.released {
                        return Return(0);
                    }
                    if st.tasks.get(&tid).is_some_and(|t| !t.pending.is_empty()) {
                        return Return(-4);
                    }
                    if !st.blocked_readers.contains(&tid) {
                        st.blocked_readers.push(tid);
                    }
                }
                self.host.park(tid, None);
            },
            93 | 94 => {
                self.finish(tid, ExitStatus::Exited(a[0] as u8));
                SyscallOutcome::Exit
            }
            172 => Return(tid),
            129 => {
                self.kill(a[0] as Tid, a[1] as i32);
                Return(0)
            }
            134 => {
                let mut st = self.st.lock().unwrap();
                if let Some(t) = st.tasks.get_mut(&tid) {
                    if a[1] == 0 {
                        t.handlers.remove(&(a[0] as i32));
                    } else {
                        t.handlers.insert(a[0] as i32, a[1]);
                    }
                }
                Return(0)
            }
            220 => SyscallOutcome::Fork { flags: a[0] },
            221 => match self.exec_image.lock().unwrap().clone() {
                Some(bytes) => SyscallOutcome::Exec(Box::new(ExecImage {
                    path: "/bin/next".into(),
                    module: Arc::new(bytes),
                    argv: vec![b"next".to_vec()],
                    envp: vec![],
                    new_tid: None,
                })),
                None => Return(-2),
            },
            // waitid(P_PID, pid, infop, options): siginfo si_pid @12, si_status @20, si_code @8
            95 if a[0] == 1 => {
                let pid = a[1] as Tid;
                let mut st = self.st.lock().unwrap();
                if st.tasks.get(&pid).map(|t| t.parent) != Some(tid) {
                    return Return(-ECHILD);
                }
                loop {
                    if let Some(s) = st.tasks.get(&pid).and_then(|t| t.status) {
                        drop(st);
                        let (code, status) = match s {
                            ExitStatus::Exited(c) => (1u32, c as u32),
                            ExitStatus::Signaled { signo, .. } => (2u32, signo as u32),
                        };
                        let mut info = [0u8; 128];
                        info[0..4].copy_from_slice(&17u32.to_le_bytes());
                        info[8..12].copy_from_slice(&code.to_le_bytes());
                        info[12..16].copy_from_slice(&(pid as u32).to_le_bytes());
                        info[20..24].copy_from_slice(&status.to_le_bytes());
                        if mem.write(a[2], &info).is_err() {
                            return Return(-EFAULT);
                        }
                        return Return(0);
                    }
                    st = self.cv.wait(st).unwrap();
                }
            }
            260 => {
                let pid = a[0] as Tid;
                let mut st = self.st.lock().unwrap();
                if st.tasks.get(&pid).map(|t| t.parent) != Some(tid) {
                    return Return(-ECHILD);
                }
                loop {
                    if let Some(s) = st.tasks.get(&pid).and_then(|t| t.status) {
                        drop(st);
                        let word: u32 = match s {
                            ExitStatus::Exited(c) => (c as u32) << 8,
                            ExitStatus::Signaled { signo, .. } => signo as u32,
                        };
                        if a[1] != 0 && mem.write(a[1], &word.to_le_bytes()).is_err() {
                            return Return(-EFAULT);
                        }
                        return Return(pid);
                    }
                    st = self.cv.wait(st).unwrap();
                }
            }
            // A bug in the kernel: panics (the bridge must contain it).
            997 => panic!("mock kernel: syscall 997 panics"),
            // A restartable blocking call: Restart while a signal is
            // pending, then (re-issued) returns 77.
            998 => loop {
                {
                    let mut st = self.st.lock().unwrap();
                    let t = st.tasks.get_mut(&tid).unwrap();
                    if !t.pending.is_empty() {
                        t.restarted = true;
                        return SyscallOutcome::Restart;
                    }
                    if t.restarted {
                        return Return(77);
                    }
                }
                self.host.park(tid, None);
            },
            _ => Return(-38),
        }
    }

    fn exec_start(&self, _tid: Tid, mem: &mut dyn GuestMemory, _image: &ExecImage) -> Result<u32, Errno> {
        // A page at the end of memory holding argc = 0, argv NULL, envp NULL, AT_NULL.
        let at = mem.size() as u32;
        mem.grow(mem.size() + 65536)?;
        mem.fill(at, 16, 0)?;
        Ok(at)
    }

    fn fork(&self, parent: Tid, _flags: u32) -> Result<Tid, Errno> {
        let child = self.new_task(parent);
        let handlers = self.st.lock().unwrap().tasks.get(&parent).map(|t| t.handlers.clone()).unwrap_or_default();
        self.st.lock().unwrap().tasks.get_mut(&child).unwrap().handlers = handlers;
        Ok(child)
    }

    fn map_anonymous(&self, _tid: Tid, mem: &mut dyn GuestMemory, len: u32) -> Result<u32, Errno> {
        let at = mem.size() as u32;
        mem.grow(mem.size() + len as u64)?;
        Ok(at)
    }

    fn signal_pending(&self, tid: Tid) -> bool {
        self.st.lock().unwrap().tasks.get(&tid).is_some_and(|t| !t.pending.is_empty())
    }

    fn check_signals(&self, tid: Tid, _mem: &mut dyn GuestMemory, sp: u32) -> SignalAction {
        let mut st = self.st.lock().unwrap();
        let Some(t) = st.tasks.get_mut(&tid) else {
            return SignalAction::None;
        };
        if t.pending.is_empty() {
            return SignalAction::None;
        }
        let sig = t.pending.remove(0);
        match t.handlers.get(&sig) {
            Some(&handler) if sig != 9 => {
                drop(st);
                self.delivered.lock().unwrap().push((tid, sig));
                SignalAction::Deliver(SignalDelivery {
                    signo: sig,
                    handler,
                    sa_flags: 0,
                    siginfo_ptr: sp - 256,
                    ucontext_ptr: sp - 512,
                    handler_sp: sp - 1024,
                })
            }
            _ => {
                drop(st);
                self.finish(tid, ExitStatus::Signaled { signo: sig as u8, core: false });
                SignalAction::Exit
            }
        }
    }

    fn signal_return(&self, _tid: Tid, _mem: &mut dyn GuestMemory, _delivery: &SignalDelivery) {}

    fn trap(&self, tid: Tid, sig: TrapSignal) {
        let signo = match sig {
            TrapSignal::Segv => 11,
            TrapSignal::Ill => 4,
            TrapSignal::Fpe => 8,
        };
        self.finish(tid, ExitStatus::Signaled { signo, core: false });
    }

    fn trap_to_handler(&self, tid: Tid, sig: TrapSignal) -> bool {
        let signo = match sig {
            TrapSignal::Segv => 11,
            TrapSignal::Ill => 4,
            TrapSignal::Fpe => 8,
        };
        let mut st = self.st.lock().unwrap();
        match st.tasks.get_mut(&tid) {
            Some(t) if t.handlers.contains_key(&signo) => {
                t.pending.push(signo);
                true
            }
            _ => false,
        }
    }

    fn abort_task(&self, tid: Tid, status: ExitStatus) {
        self.finish(tid, status);
    }
}

/// WAT prelude shared by test programs: syscall import, memory, stack
/// pointer, table, signal entry, and `$sys3` (nr, a0, a1, a2) using an
/// argument block at 1024.
pub const PRELUDE: &str = r#"
  (import "env" "wasmlinux_syscall32" (func $sys (param i32 i32) (result i32)))
  (memory (export "memory") 2)
  (global $sp (export "__stack_pointer") (mut i32) (i32.const 65536))
  (table $t (export "__indirect_function_table") 8 funcref)
  (type $handler (func (param i32)))
  (func $sys3 (param $nr i32) (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.store (i32.const 1024) (local.get $a))
    (i32.store (i32.const 1028) (local.get $b))
    (i32.store (i32.const 1032) (local.get $c))
    (call $sys (local.get $nr) (i32.const 1024)))
  (func (export "__wasmlinux_sigentry") (param i32 i32 i32 i32 i32)
    (call_indirect (type $handler) (local.get 0) (local.get 1)))
"#;

/// Assemble a test program; `(import` lines of `body` are hoisted first.
pub fn program(body: &str) -> Vec<u8> {
    let (imports, rest): (Vec<&str>, Vec<&str>) = body.lines().partition(|l| l.trim_start().starts_with("(import"));
    let (imports, rest) = (imports.join("\n"), rest.join("\n"));
    wat::parse_str(format!("(module {imports} {PRELUDE} {rest})")).expect("test WAT")
}

/// `wasmlinux-cc` of the built sysroot (`$WASMLINUX_BUILD`, else `build/`), if it
/// is there. Without it, `WASMLINUX_REQUIRE_TOOLS=1` (set by scripts/test) fails
/// the test; otherwise the test says so and skips.
pub fn wasmlinux_cc() -> Option<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let build = std::env::var_os("WASMLINUX_BUILD").map(std::path::PathBuf::from).unwrap_or_else(|| root.join("build"));
    let cc = build.join("sysroot/bin/wasmlinux-cc");
    if cc.exists() {
        return Some(cc);
    }
    assert!(
        std::env::var_os("WASMLINUX_REQUIRE_TOOLS").is_none_or(|v| v != "1"),
        "{} not built (WASMLINUX_REQUIRE_TOOLS=1: a missing prerequisite is an error)",
        cc.display()
    );
    eprintln!("skipped: {} not built", cc.display());
    None
}
