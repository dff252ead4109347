//! A minimal host for driving the kernel from benchmarks (no wasm, no threads blocking).
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use wasmlinux_kernel::*;

pub struct BenchHost {
    start: Instant,
}

impl HostOps for BenchHost {
    fn now_ns(&self, clock: HostClock) -> u64 {
        match clock {
            HostClock::Realtime => SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0),
            _ => self.start.elapsed().as_nanos() as u64 + 1_000_000_000,
        }
    }
    fn park(&self, _tid: Tid, _deadline_ns: Option<u64>) {
        std::thread::yield_now();
    }
    fn unpark(&self, _tid: Tid) {}
    fn random(&self, buf: &mut [u8]) {
        buf.fill(0x5a);
    }
    fn console_write(&self, _stream: ConsoleStream, _data: &[u8]) {}
}

/// A kernel (tmpfs root) with init (tid 1) and a 1 MiB memory for it.
pub struct Env {
    pub k: Arc<Kernel>,
    pub mem: VecMemory,
}

impl Env {
    pub fn new() -> Env {
        let host = Arc::new(BenchHost { start: Instant::now() });
        let k = Kernel::new(KernelConfig::default(), host).expect("kernel");
        let tid = k
            .spawn_init(InitSpec { argv: vec![b"/init".to_vec()], envp: vec![], cwd: "/".into(), uid: 0, gid: 0 })
            .expect("init");
        assert_eq!(tid, 1);
        Env { k, mem: VecMemory::new(1 << 20) }
    }
    /// Raw syscall for init; returns the value (or -errno).
    pub fn call(&mut self, nr: u32, args: &[u32]) -> i32 {
        let mut a = [0u32; 6];
        a[..args.len()].copy_from_slice(args);
        match self.k.syscall(1, nr, a, &mut self.mem) {
            SyscallOutcome::Return(v) => v,
            o => panic!("syscall {nr}: unexpected outcome {o:?}"),
        }
    }
    /// Put a NUL-terminated string at `addr`; returns `addr`.
    pub fn cstr(&mut self, addr: u32, s: &str) -> u32 {
        let mut v = s.as_bytes().to_vec();
        v.push(0);
        self.mem.write(addr, &v).expect("write");
        addr
    }
}

impl Default for Env {
    fn default() -> Self {
        Env::new()
    }
}
