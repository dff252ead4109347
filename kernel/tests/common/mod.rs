//! Test harness: a fake host with real park/unpark across threads, a
//! kernel with an init process, and helpers to issue raw syscalls.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use wasmlinux_kernel::*;

pub struct FakeHost {
    start: Instant,
    permits: Mutex<HashMap<Tid, bool>>,
    cv: Condvar,
    pub stdout: Mutex<Vec<u8>>,
    pub stderr: Mutex<Vec<u8>>,
    pub exited: Mutex<Vec<(Tid, ExitStatus)>>,
    rng: Mutex<u64>,
}

impl FakeHost {
    pub fn new() -> Arc<FakeHost> {
        Arc::new(FakeHost {
            start: Instant::now(),
            permits: Mutex::new(HashMap::new()),
            cv: Condvar::new(),
            stdout: Mutex::new(Vec::new()),
            stderr: Mutex::new(Vec::new()),
            exited: Mutex::new(Vec::new()),
            rng: Mutex::new(0x1234_5678_9abc_def0),
        })
    }
    pub fn stdout_string(&self) -> String {
        String::from_utf8_lossy(&self.stdout.lock().unwrap()).into_owned()
    }
}

impl HostOps for FakeHost {
    fn now_ns(&self, clock: HostClock) -> u64 {
        match clock {
            HostClock::Realtime => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64,
            HostClock::Monotonic => self.start.elapsed().as_nanos() as u64 + 1_000_000_000,
            HostClock::ProcessCpu => self.start.elapsed().as_nanos() as u64 / 2,
        }
    }
    fn park(&self, tid: Tid, deadline_ns: Option<u64>) {
        let mut p = self.permits.lock().unwrap();
        loop {
            if p.remove(&tid).unwrap_or(false) {
                return;
            }
            match deadline_ns {
                Some(d) => {
                    let now = self.now_ns(HostClock::Monotonic);
                    if now >= d {
                        return;
                    }
                    let (g, _) = self
                        .cv
                        .wait_timeout(p, Duration::from_nanos(d - now))
                        .unwrap();
                    p = g;
                }
                None => p = self.cv.wait(p).unwrap(),
            }
        }
    }
    fn unpark(&self, tid: Tid) {
        self.permits.lock().unwrap().insert(tid, true);
        self.cv.notify_all();
    }
    fn random(&self, buf: &mut [u8]) {
        let mut s = self.rng.lock().unwrap();
        for b in buf {
            *s ^= *s << 13;
            *s ^= *s >> 7;
            *s ^= *s << 17;
            *b = *s as u8;
        }
    }
    fn console_write(&self, stream: ConsoleStream, data: &[u8]) {
        match stream {
            ConsoleStream::Stdout => self.stdout.lock().unwrap().extend_from_slice(data),
            ConsoleStream::Stderr => self.stderr.lock().unwrap().extend_from_slice(data),
        }
    }
    fn process_exited(&self, pid: Tid, status: ExitStatus) {
        self.exited.lock().unwrap().push((pid, status));
    }
}

/// A kernel with init (tid 1) and a 1 MiB guest memory for it.
pub struct Env {
    pub k: Arc<Kernel>,
    pub host: Arc<FakeHost>,
    pub mem: VecMemory,
}

/// Scratch area in test memories (below is free for strings etc.).
pub const SCRATCH: u32 = 0x1000;

impl Env {
    pub fn new() -> Env {
        let host = FakeHost::new();
        let k = Kernel::new(KernelConfig::default(), host.clone()).unwrap();
        let tid = k
            .spawn_init(InitSpec {
                argv: vec![b"/sbin/init".to_vec()],
                envp: vec![],
                cwd: "/".into(),
                uid: 0,
                gid: 0,
            })
            .unwrap();
        assert_eq!(tid, 1);
        Env {
            k,
            host,
            mem: VecMemory::new(1 << 20),
        }
    }
    /// Raw syscall for init.
    pub fn sc(&mut self, nr: u32, args: &[u32]) -> SyscallOutcome {
        let mut a = [0u32; 6];
        a[..args.len()].copy_from_slice(args);
        self.k.syscall(1, nr, a, &mut self.mem)
    }
    /// Raw syscall returning the value (panics on other outcomes).
    pub fn call(&mut self, nr: u32, args: &[u32]) -> i32 {
        ret(self.sc(nr, args))
    }
    /// Write bytes at `addr`.
    pub fn put(&mut self, addr: u32, data: &[u8]) {
        self.mem.write(addr, data).unwrap();
    }
    pub fn get(&self, addr: u32, len: usize) -> Vec<u8> {
        let mut b = vec![0; len];
        self.mem.read(addr, &mut b).unwrap();
        b
    }
    pub fn u32_at(&self, addr: u32) -> u32 {
        u32::from_le_bytes(self.get(addr, 4).try_into().unwrap())
    }
    /// Put a NUL-terminated string at `addr`, returning `addr`.
    pub fn cstr(&mut self, addr: u32, s: &str) -> u32 {
        let mut v = s.as_bytes().to_vec();
        v.push(0);
        self.put(addr, &v);
        addr
    }
}

pub fn ret(o: SyscallOutcome) -> i32 {
    match o {
        SyscallOutcome::Return(v) => v,
        other => panic!("expected Return, got {other:?}"),
    }
}

pub fn err(e: i32) -> i32 {
    -e
}

// `-errno` results, from the kernel's one errno definition.
pub const EPERM: i32 = wasmlinux_kernel::error::Errno::EPERM.to_ret();
pub const ENOENT: i32 = wasmlinux_kernel::error::Errno::ENOENT.to_ret();
pub const ESRCH: i32 = wasmlinux_kernel::error::Errno::ESRCH.to_ret();
pub const EINTR: i32 = wasmlinux_kernel::error::Errno::EINTR.to_ret();
pub const E2BIG: i32 = wasmlinux_kernel::error::Errno::E2BIG.to_ret();
pub const ENOEXEC: i32 = wasmlinux_kernel::error::Errno::ENOEXEC.to_ret();
pub const EBADF: i32 = wasmlinux_kernel::error::Errno::EBADF.to_ret();
pub const ECHILD: i32 = wasmlinux_kernel::error::Errno::ECHILD.to_ret();
pub const EAGAIN: i32 = wasmlinux_kernel::error::Errno::EAGAIN.to_ret();
pub const ENOMEM: i32 = wasmlinux_kernel::error::Errno::ENOMEM.to_ret();
pub const EACCES: i32 = wasmlinux_kernel::error::Errno::EACCES.to_ret();
pub const EFAULT: i32 = wasmlinux_kernel::error::Errno::EFAULT.to_ret();
pub const EEXIST: i32 = wasmlinux_kernel::error::Errno::EEXIST.to_ret();
pub const EINVAL: i32 = wasmlinux_kernel::error::Errno::EINVAL.to_ret();
pub const EMFILE: i32 = wasmlinux_kernel::error::Errno::EMFILE.to_ret();
pub const ENOTTY: i32 = wasmlinux_kernel::error::Errno::ENOTTY.to_ret();
pub const ESPIPE: i32 = wasmlinux_kernel::error::Errno::ESPIPE.to_ret();
pub const EPIPE: i32 = wasmlinux_kernel::error::Errno::EPIPE.to_ret();
pub const ERANGE: i32 = wasmlinux_kernel::error::Errno::ERANGE.to_ret();
pub const ENAMETOOLONG: i32 = wasmlinux_kernel::error::Errno::ENAMETOOLONG.to_ret();
pub const ENOSYS: i32 = wasmlinux_kernel::error::Errno::ENOSYS.to_ret();
pub const ETIMEDOUT: i32 = wasmlinux_kernel::error::Errno::ETIMEDOUT.to_ret();
