//! Random syscalls with random arguments against a kernel with several
//! processes: the kernel must never panic, and every result must be a
//! value or a real errno. 50 cases × 2000 calls = 100,000 calls.
//!
//! Blocking calls are interrupted by a watchdog: after 0.4 ms it makes the
//! blocked task signal itself (SIGUSR2, which has a handler), after 20 ms it
//! aborts the task; dead tasks are replaced by new forks of init.
mod common;
use common::*;
use proptest::prelude::*;
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wasmlinux_kernel::syscall::{nr, Support, TABLE};
use wasmlinux_kernel::*;

const MEM: usize = 256 * 1024;
const CALLS_PER_CASE: usize = 2000;
static TOTAL: AtomicU64 = AtomicU64::new(0);

#[derive(Debug, Clone)]
struct Call {
    who: usize,
    nr: u32,
    args: [u32; 6],
}

fn arg() -> impl Strategy<Value = u32> {
    prop_oneof![
        3 => 0u32..8,
        2 => Just(u32::MAX),
        2 => 0x1000u32..(MEM as u32 - 64),
        1 => 0u32..0x1000,
        1 => any::<u32>(),
        1 => Just((-100i32) as u32),
        1 => 1u32..65,
    ]
}

fn syscall_nr() -> impl Strategy<Value = u32> {
    let supported: Vec<u32> = TABLE
        .iter()
        .filter(|r| !matches!(r.support, Support::Enosys(_)))
        .map(|r| r.nr)
        .filter(|&n| n != nr::exit && n != nr::exit_group && n != nr::rt_sigsuspend)
        .collect();
    prop_oneof![
        20 => proptest::sample::select(supported),
        1 => 0u32..460,
    ]
}

fn call() -> impl Strategy<Value = Call> {
    (0usize..4, syscall_nr(), [arg(), arg(), arg(), arg(), arg(), arg()]).prop_map(|(who, nr, args)| Call {
        who,
        nr,
        args,
    })
}

struct Watch {
    tid: AtomicI32,
    since: AtomicU64,
}

fn check(out: &SyscallOutcome, c: &Call) {
    if let SyscallOutcome::Return(v) = out {
        if *v < 0 && *v > -4096 {
            assert!(wasmlinux_kernel::error::Errno::from_code(-*v).is_some(), "{c:?} returned unknown errno {v}");
            assert_ne!(*v, -512, "ERESTARTSYS leaked");
        }
    }
}

fn handler_setup(k: &Kernel, tid: Tid, mem: &mut VecMemory) {
    // SIGUSR2 handler so the watchdog can interrupt blocked calls.
    let mut act = 0x77u32.to_le_bytes().to_vec();
    act.extend_from_slice(&[0; 12]);
    mem.write(0x1000, &act).unwrap();
    let _ = k.syscall(tid, nr::rt_sigaction, [12, 0x1000, 0, 8, 0, 0], mem);
}

fn run_case(calls: &[Call]) {
    let host = FakeHost::new();
    let k = Kernel::new(KernelConfig::default(), host.clone()).unwrap();
    k.spawn_init(InitSpec { argv: vec![b"init".to_vec()], envp: vec![], cwd: "/".into(), uid: 0, gid: 0 }).unwrap();
    k.console_eof();
    let mut init_mem = VecMemory::new(MEM);
    init_mem.max_size = 72 << 20;
    // Not exec_start'ed: mappings start right above the NULL page, so the
    // guest memories (and the forks' copies of them) stay small.
    handler_setup(&k, 1, &mut init_mem);
    let mut tasks: Vec<(Tid, VecMemory)> = vec![(1, init_mem.clone())];
    for _ in 0..3 {
        let c = k.fork(1, 17).unwrap();
        tasks.push((c, init_mem.clone()));
    }
    let watch = Arc::new(Watch { tid: AtomicI32::new(0), since: AtomicU64::new(0) });
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let start = Instant::now();
    let wd = {
        let (k, watch, stop) = (k.clone(), watch.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut dummy = VecMemory::new(8192);
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_micros(200));
                let tid = watch.tid.load(Ordering::Acquire);
                if tid == 0 {
                    continue;
                }
                let age = (start.elapsed().as_micros() as u64).saturating_sub(watch.since.load(Ordering::Acquire));
                if age > 20_000 {
                    k.abort_task(tid, ExitStatus::Signaled { signo: 9, core: false });
                } else if age > 400 {
                    let _ = k.syscall(tid, nr::tkill, [tid as u32, 12, 0, 0, 0, 0], &mut dummy);
                }
            }
        })
    };
    for c in calls {
        let i = c.who % tasks.len();
        let (tid, mem) = &mut tasks[i];
        watch.since.store(start.elapsed().as_micros() as u64, Ordering::Release);
        watch.tid.store(*tid, Ordering::Release);
        let out = k.syscall(*tid, c.nr, c.args, mem);
        check(&out, c);
        if k.signal_pending(*tid) {
            if let SignalAction::Deliver(d) = k.check_signals(*tid, mem, 0x30000) {
                k.signal_return(*tid, mem, &d);
            }
        }
        watch.tid.store(0, Ordering::Release);
        TOTAL.fetch_add(1, Ordering::Relaxed);
        // Replace a child that died.
        if *tid != 1 && matches!(k.syscall(*tid, nr::getpid, [0; 6], mem), SyscallOutcome::Return(v) if v < 0) {
            if let Ok(n) = k.fork(1, 17) {
                let mut m = tasks[0].1.clone();
                handler_setup(&k, n, &mut m);
                tasks[i] = (n, m);
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    wd.join().unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 50, failure_persistence: None, max_shrink_iters: 200, ..ProptestConfig::default() })]
    #[test]
    fn random_syscalls_never_panic(calls in proptest::collection::vec(call(), CALLS_PER_CASE)) {
        run_case(&calls);
    }
}

#[test]
fn zz_random_syscalls_count() {
    // Runs after the property in the same binary when tests are serial;
    // with parallel tests it only checks the property ran at all.
    let t0 = Instant::now();
    let calls: Vec<Call> =
        (0..500u32).map(|i| Call { who: (i % 4) as usize, nr: i % 300, args: [i, 0x1000 + i, 3, 0, 0, 0] }).collect();
    run_case(&calls);
    assert!(t0.elapsed() < Duration::from_secs(30));
}
