//! `cargo fuzz run syscalls`: the input is a sequence of (task, nr, 6 args)
//! records run through `Kernel::syscall` against a kernel with init and
//! two forked children; the kernel must not panic. The fake host's `park`
//! returns at once, so numbers that may block until another task acts
//! (reads, writes, waits, sleeps, exit) are skipped rather than spun on.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use wasmlinux_kernel::syscall::nr;
use wasmlinux_kernel::*;

struct Host;

impl HostOps for Host {
    fn now_ns(&self, _clock: HostClock) -> u64 {
        1_000_000_000
    }
    fn park(&self, _tid: Tid, _deadline_ns: Option<u64>) {}
    fn unpark(&self, _tid: Tid) {}
    fn random(&self, buf: &mut [u8]) {
        buf.fill(7);
    }
    fn console_write(&self, _stream: ConsoleStream, data: &[u8]) -> Result<usize, wasmlinux_kernel::error::Errno> {
        Ok(data.len())
    }
}

const BLOCKING: &[u32] = &[
    nr::exit, nr::exit_group, nr::rt_sigsuspend, nr::futex_time64, nr::read, nr::readv, nr::waitid, nr::clock_nanosleep_time64,
    nr::rt_sigtimedwait_time64, nr::write, nr::writev, nr::openat, nr::sendfile64, nr::pselect6_time64, nr::ppoll_time64, nr::epoll_pwait, nr::epoll_pwait2,
];

fuzz_target!(|data: &[u8]| {
    let k = Kernel::new(KernelConfig::default(), Arc::new(Host)).unwrap();
    k.spawn_init(InitSpec { argv: vec![b"init".to_vec()], envp: vec![], cwd: "/".into(), uid: 0, gid: 0 }).unwrap();
    k.console_eof();
    let mut mems = vec![VecMemory::new(128 * 1024); 3];
    for m in mems.iter_mut() {
        m.max_size = 16 << 20;
    }
    let mut tids = vec![1];
    for _ in 0..2 {
        tids.push(k.fork(1, 17).unwrap());
    }
    for rec in data.chunks_exact(26) {
        let who = rec[0] as usize % tids.len();
        let n = u32::from(rec[1]) | (u32::from(rec[2] & 1) << 8);
        if BLOCKING.contains(&n) {
            continue;
        }
        let mut args = [0u32; 6];
        for (i, a) in args.iter_mut().enumerate() {
            *a = u32::from_le_bytes([rec[2 + i * 4], rec[3 + i * 4], rec[4 + i * 4], rec[5 + i * 4]]);
        }
        let _ = k.syscall(tids[who], n, args, &mut mems[who]);
    }
});
