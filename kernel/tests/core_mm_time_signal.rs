//! Memory, time and signal syscalls through the raw entry.
mod common;
use common::*;
use std::time::Duration;
use wasmlinux_kernel::syscall::nr;
use wasmlinux_kernel::*;

const BUF: u32 = 0x3000;
const PROT_RW: u32 = 3;
const MAP_PRIVATE_ANON: u32 = 0x22;
const MAP_FIXED: u32 = 0x10;

/// Env whose memory looks like a started program (brk after the image).
fn started() -> Env {
    let mut e = Env::new();
    let img = ExecImage { path: "/bin/x".into(), module: std::sync::Arc::new(b"\0asm".to_vec()), argv: vec![b"x".to_vec(), b"-v".to_vec()], envp: vec![b"A=1".to_vec()] };
    let block = e.k.exec_start(1, &mut e.mem, &img).unwrap();
    assert_eq!(e.u32_at(block), 2, "argc");
    let argv0 = e.u32_at(block + 4);
    assert_eq!(e.get(argv0, 2), b"x\0");
    assert_eq!(e.u32_at(block + 12), 0, "argv NULL");
    let envp0 = e.u32_at(block + 16);
    assert_eq!(e.get(envp0, 4), b"A=1\0");
    // auxv starts after envp's NULL: AT_PAGESZ first.
    assert_eq!((e.u32_at(block + 24), e.u32_at(block + 28)), (6, 4096));
    e
}

#[test]
fn brk_grows_shrinks_and_stops_at_mappings() {
    let mut e = started();
    let b0 = e.call(nr::brk, &[0]) as u32;
    assert_eq!(b0, 1 << 20);
    assert_eq!(e.call(nr::brk, &[b0 + 100_000]) as u32, b0 + 100_000);
    assert!(e.mem.size() >= (b0 + 100_000) as u64);
    e.put(b0 + 10, b"dirty");
    assert_eq!(e.call(nr::brk, &[b0]) as u32, b0);
    assert_eq!(e.call(nr::brk, &[b0 + 4096]) as u32, b0 + 4096);
    assert_eq!(e.get(b0 + 10, 5), vec![0; 5], "regrown heap is zero");
    assert_eq!(e.call(nr::brk, &[100]) as u32, b0 + 4096, "below start: unchanged");
    // A fixed mapping just above blocks growth.
    let at = b0 + 3 * 4096;
    assert_eq!(e.call(nr::mmap2, &[at, 4096, PROT_RW, MAP_PRIVATE_ANON | MAP_FIXED, u32::MAX, 0]) as u32, at);
    assert_eq!(e.call(nr::brk, &[at + 10]) as u32, b0 + 4096);
}

#[test]
fn mmap_munmap_reuse_and_errors() {
    let mut e = started();
    let a = e.call(nr::mmap2, &[0, 10000, PROT_RW, MAP_PRIVATE_ANON, u32::MAX, 0]) as u32;
    assert_eq!(a % 4096, 0);
    assert!(a >= (1 << 20) + (64 << 20));
    e.put(a, b"junk");
    let b = e.call(nr::mmap2, &[0, 4096, PROT_RW, MAP_PRIVATE_ANON, u32::MAX, 0]) as u32;
    assert_eq!(b, a + 12288);
    assert_eq!(e.call(nr::munmap, &[a, 12288]), 0);
    let size = e.mem.size();
    // malloc/free churn never grows memory.
    for _ in 0..100 {
        let c = e.call(nr::mmap2, &[0, 8192, PROT_RW, MAP_PRIVATE_ANON, u32::MAX, 0]) as u32;
        assert_eq!(c, a);
        assert_eq!(e.get(c, 4), vec![0; 4], "zeroed on reuse");
        e.put(c, b"junk");
        assert_eq!(e.call(nr::munmap, &[c, 8192]), 0);
    }
    assert_eq!(e.mem.size(), size);
    assert_eq!(e.call(nr::mmap2, &[0, 0, PROT_RW, MAP_PRIVATE_ANON, u32::MAX, 0]), EINVAL);
    assert_eq!(e.call(nr::mmap2, &[0, 4096, PROT_RW, 0x20, u32::MAX, 0]), EINVAL, "no map type");
    assert_eq!(e.call(nr::mmap2, &[0, 4096, 8, MAP_PRIVATE_ANON, u32::MAX, 0]), EINVAL);
    assert_eq!(e.call(nr::mmap2, &[123, 4096, PROT_RW, MAP_PRIVATE_ANON | MAP_FIXED, u32::MAX, 0]), EINVAL);
    assert_eq!(e.call(nr::mmap2, &[0, 4096, PROT_RW, 2, 55, 0]), EBADF);
    assert_eq!(e.call(nr::mmap2, &[0, 0xffff_f000, PROT_RW, MAP_PRIVATE_ANON, u32::MAX, 0]), ENOMEM);
    assert_eq!(e.call(nr::mmap2, &[b, 4096, PROT_RW, MAP_PRIVATE_ANON | 0x100000, u32::MAX, 0]), EEXIST);
    assert_eq!(e.call(nr::munmap, &[a + 1, 4096]), EINVAL);
    assert_eq!(e.call(nr::munmap, &[a, 0]), EINVAL);
    // mmap of a pipe: ENODEV.
    assert_eq!(e.call(nr::pipe2, &[BUF, 0]), 0);
    assert_eq!(e.call(nr::mmap2, &[0, 4096, 1, 2, e.u32_at(BUF), 0]), -19);
}

#[test]
fn mprotect_mremap_madvise_msync_mincore_mlock() {
    let mut e = started();
    let a = e.call(nr::mmap2, &[0, 8192, PROT_RW, MAP_PRIVATE_ANON, u32::MAX, 0]) as u32;
    assert_eq!(e.call(nr::mprotect, &[a, 8192, 3]), 0);
    assert_eq!(e.call(nr::mprotect, &[a + 1, 4096, 1]), EINVAL);
    assert_eq!(e.call(nr::mprotect, &[a, 4096, 0x80]), EINVAL);
    assert_eq!(e.call(nr::mprotect, &[a + (1 << 24), 4096, 1]), ENOMEM);
    e.put(a, b"keep");
    // Grow in place, then move when blocked.
    assert_eq!(e.call(nr::mremap, &[a, 8192, 16384, 0, 0]) as u32, a);
    let blocker = e.call(nr::mmap2, &[0, 4096, PROT_RW, MAP_PRIVATE_ANON, u32::MAX, 0]) as u32;
    assert_eq!(blocker, a + 16384);
    assert_eq!(e.call(nr::mremap, &[a, 16384, 32768, 0, 0]), ENOMEM);
    let moved = e.call(nr::mremap, &[a, 16384, 32768, 1, 0]) as u32;
    assert_ne!(moved, a);
    assert_eq!(e.get(moved, 4), b"keep");
    assert_eq!(e.call(nr::mremap, &[moved, 32768, 4096, 0, 0]) as u32, moved);
    assert_eq!(e.call(nr::mremap, &[moved + 1, 4096, 8192, 1, 0]), EINVAL);
    assert_eq!(e.call(nr::mremap, &[0x0f00_0000u32, 4096, 8192, 1, 0]), EFAULT);
    assert_eq!(e.call(nr::mremap, &[moved, 4096, 8192, 2, 0]), EINVAL);
    // madvise(DONTNEED) zeroes.
    e.put(moved, b"gone");
    assert_eq!(e.call(nr::madvise, &[moved, 4096, 4]), 0);
    assert_eq!(e.get(moved, 4), vec![0; 4]);
    assert_eq!(e.call(nr::madvise, &[moved, 4096, 999]), EINVAL);
    assert_eq!(e.call(nr::madvise, &[moved + 3, 4096, 0]), EINVAL);
    assert_eq!(e.call(nr::msync, &[moved, 4096, 4]), 0);
    assert_eq!(e.call(nr::msync, &[moved, 4096, 5]), EINVAL);
    assert_eq!(e.call(nr::msync, &[moved + 8192 * 100, 4096, 4]), ENOMEM);
    assert_eq!(e.call(nr::mincore, &[moved, 4096, BUF]), 0);
    assert_eq!(e.get(BUF, 1), vec![1]);
    assert_eq!(e.call(nr::mincore, &[moved + 1, 4096, BUF]), EINVAL);
    assert_eq!(e.call(nr::mincore, &[moved + (1 << 26), 4096, BUF]), ENOMEM);
    assert_eq!(e.call(nr::mlock, &[moved, 4096]), 0);
    assert_eq!(e.call(nr::munlock, &[moved, 4096]), 0);
    assert_eq!(e.call(nr::mlock2, &[moved, 4096, 0]), 0);
    assert_eq!(e.call(nr::mlock2, &[moved, 4096, 2]), EINVAL);
    assert_eq!(e.call(nr::mlock, &[0xffff_0000, 0x20000]), ENOMEM);
    assert_eq!(e.call(nr::mlockall, &[1]), 0);
    assert_eq!(e.call(nr::mlockall, &[0]), EINVAL);
    assert_eq!(e.call(nr::munlockall, &[]), 0);
    assert_eq!(e.call(nr::fadvise64_64, &[1, 0, 0, 0, 0, 0]), ESPIPE);
    assert_eq!(e.call(nr::fadvise64_64, &[66, 0, 0, 0, 0, 0]), EBADF);
    let bridge = e.k.map_anonymous(1, &mut e.mem, 256 * 1024).unwrap();
    assert_eq!(bridge % 4096, 0);
    assert!(e.k.map_anonymous(1, &mut e.mem, 0).is_err());
}

fn ts(e: &mut Env, addr: u32, sec: i64, nsec: i64) -> u32 {
    let mut b = sec.to_le_bytes().to_vec();
    b.extend_from_slice(&nsec.to_le_bytes());
    e.put(addr, &b);
    addr
}

#[test]
fn clocks_sleep_and_itimer() {
    let mut e = Env::new();
    assert_eq!(e.call(nr::clock_gettime64, &[0, BUF]), 0);
    let sec = i64::from_le_bytes(e.get(BUF, 8).try_into().unwrap());
    assert!(sec > 1_600_000_000);
    assert_eq!(e.call(nr::clock_gettime64, &[1, BUF]), 0);
    assert_eq!(e.call(nr::clock_gettime64, &[2, BUF]), 0);
    assert_eq!(e.call(nr::clock_gettime64, &[99, BUF]), EINVAL);
    assert_eq!(e.call(nr::clock_gettime64, &[0, 0xffff_fff8]), EFAULT);
    assert_eq!(e.call(nr::clock_getres_time64, &[1, BUF]), 0);
    assert_eq!(e.call(nr::clock_getres_time64, &[1, 0]), 0);
    assert_eq!(e.call(nr::clock_getres_time64, &[(-5i32) as u32, BUF]), EINVAL);
    ts(&mut e, BUF, 5, 0);
    assert_eq!(e.call(nr::clock_settime64, &[0, BUF]), EPERM);
    assert_eq!(e.call(nr::clock_settime64, &[1, BUF]), EINVAL);
    // Relative and absolute sleeps.
    let t0 = std::time::Instant::now();
    ts(&mut e, BUF, 0, 30_000_000);
    assert_eq!(e.call(nr::clock_nanosleep_time64, &[1, 0, BUF, 0]), 0);
    assert!(t0.elapsed() >= Duration::from_millis(30));
    ts(&mut e, BUF, 0, 0);
    assert_eq!(e.call(nr::clock_nanosleep_time64, &[0, 1, BUF, 0]), 0, "past absolute");
    ts(&mut e, BUF, 0, 1_000_000_000);
    assert_eq!(e.call(nr::clock_nanosleep_time64, &[1, 0, BUF, 0]), EINVAL);
    assert_eq!(e.call(nr::clock_nanosleep_time64, &[3, 0, BUF, 0]), EINVAL);
    assert_eq!(e.call(nr::clock_nanosleep_time64, &[1, 2, BUF, 0]), EINVAL);
    // ITIMER_REAL delivers SIGALRM; a handler makes the sleep EINTR with time left.
    let mut act = 0x77u32.to_le_bytes().to_vec();
    act.extend_from_slice(&[0; 12]);
    e.put(BUF + 256, &act);
    assert_eq!(e.call(nr::rt_sigaction, &[14, BUF + 256, 0, 8]), 0);
    let itv = [0i32, 0, 0, 20_000].iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
    e.put(BUF + 64, &itv);
    assert_eq!(e.call(nr::setitimer, &[0, BUF + 64, 0]), 0);
    assert_eq!(e.call(nr::getitimer, &[0, BUF + 96]), 0);
    assert!(e.u32_at(BUF + 108) > 0 || e.u32_at(BUF + 104) > 0);
    ts(&mut e, BUF, 5, 0);
    assert_eq!(e.call(nr::clock_nanosleep_time64, &[1, 0, BUF, BUF + 32]), EINTR);
    let left = i64::from_le_bytes(e.get(BUF + 32, 8).try_into().unwrap());
    assert!((3..=5).contains(&left));
    let mut m = e.mem.clone();
    match e.k.check_signals(1, &mut m, 0x20000) {
        SignalAction::Deliver(d) => assert_eq!(d.signo, 14),
        other => panic!("{other:?}"),
    }
    assert_eq!(e.call(nr::getitimer, &[0, BUF + 96]), 0);
    assert_eq!(e.get(BUF + 96, 16), vec![0; 16], "one-shot timer disarmed");
    assert_eq!(e.call(nr::setitimer, &[5, BUF + 64, 0]), EINVAL);
    assert_eq!(e.call(nr::getitimer, &[5, BUF + 96]), EINVAL);
    assert_eq!(e.call(nr::setitimer, &[1, BUF + 64, BUF + 96]), 0);
    let bad = [0i32, 0, 0, 2_000_000].iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
    e.put(BUF + 64, &bad);
    assert_eq!(e.call(nr::setitimer, &[0, BUF + 64, 0]), EINVAL);
}

fn sigaction(e: &mut Env, sig: u32, handler: u32, flags: u32, mask: u64) -> i32 {
    let mut act = handler.to_le_bytes().to_vec();
    act.extend_from_slice(&flags.to_le_bytes());
    act.extend_from_slice(&mask.to_le_bytes());
    e.put(0x5000, &act);
    e.call(nr::rt_sigaction, &[sig, 0x5000, 0, 8])
}

#[test]
fn sigaction_mask_pending_and_delivery_frame() {
    let mut e = Env::new();
    assert_eq!(sigaction(&mut e, 9, 5, 0, 0), EINVAL);
    assert_eq!(sigaction(&mut e, 19, 5, 0, 0), EINVAL);
    assert_eq!(sigaction(&mut e, 65, 5, 0, 0), EINVAL);
    assert_eq!(e.call(nr::rt_sigaction, &[10, 0, 0, 4]), EINVAL);
    assert_eq!(sigaction(&mut e, 10, 0x42, 0x8000_0004, 1 << 11), 0);
    assert_eq!(e.call(nr::rt_sigaction, &[10, 0, 0x5100, 8]), 0);
    assert_eq!(e.u32_at(0x5100), 0x42);
    assert_eq!(e.call(nr::rt_sigaction, &[10, 0xffff_fff0, 0, 8]), EFAULT);
    // Block SIGUSR1, raise it: pending, not deliverable.
    e.put(0x5200, &(1u64 << 9).to_le_bytes());
    assert_eq!(e.call(nr::rt_sigprocmask, &[0, 0x5200, 0x5300, 8]), 0);
    assert_eq!(e.call(nr::rt_sigprocmask, &[7, 0x5200, 0, 8]), EINVAL);
    assert_eq!(e.call(nr::rt_sigprocmask, &[0, 0x5200, 0, 4]), EINVAL);
    assert_eq!(e.call(nr::kill, &[1, 10]), 0);
    assert!(!e.k.signal_pending(1));
    assert_eq!(e.call(nr::rt_sigpending, &[0x5400, 8]), 0);
    assert_eq!(u64::from_le_bytes(e.get(0x5400, 8).try_into().unwrap()), 1 << 9);
    assert_eq!(e.call(nr::rt_sigpending, &[0x5400, 16]), EINVAL);
    // Unblock: deliverable; the frame is below sp, 16-aligned.
    assert_eq!(e.call(nr::rt_sigprocmask, &[1, 0x5200, 0, 8]), 0);
    assert!(e.k.signal_pending(1));
    let mut m = e.mem.clone();
    let d = match e.k.check_signals(1, &mut m, 0x9003) {
        SignalAction::Deliver(d) => d,
        other => panic!("{other:?}"),
    };
    assert_eq!((d.signo, d.handler, d.sa_flags & 4), (10, 0x42, 4));
    assert_eq!(d.handler_sp % 16, 0);
    assert!(d.siginfo_ptr < 0x9003 && d.ucontext_ptr < 0x9003);
    let mut w = [0u8; 4];
    m.read(d.siginfo_ptr, &mut w).unwrap();
    assert_eq!(u32::from_le_bytes(w), 10);
    // ucontext (wasm32): after the 128-byte siginfo; uc_stack.ss_sp @8 and ss_size @16 (no
    // sigaltstack: 0), uc_mcontext.sc_sp @148 = the interrupted sp.
    let word = |m: &VecMemory, a: u32| {
        let mut w = [0u8; 4];
        m.read(a, &mut w).unwrap();
        u32::from_le_bytes(w)
    };
    assert_eq!(d.ucontext_ptr, d.siginfo_ptr + 128);
    assert_eq!((word(&m, d.ucontext_ptr + 8), word(&m, d.ucontext_ptr + 16), word(&m, d.ucontext_ptr + 148)), (0, 0, 0x9003));
    // During the handler SIGUSR1 and sa_mask (SIGUSR2) are blocked; SA_RESETHAND reset the action.
    e.mem = m.clone();
    assert_eq!(e.call(nr::rt_sigprocmask, &[0, 0, 0x5300, 8]), 0);
    assert_eq!(u64::from_le_bytes(e.get(0x5300, 8).try_into().unwrap()), (1 << 9) | (1 << 11));
    assert_eq!(e.call(nr::rt_sigaction, &[10, 0, 0x5100, 8]), 0);
    assert_eq!(e.u32_at(0x5100), 0);
    // The mask comes back from uc_sigmask (@20), as the handler left it (less SIGKILL/SIGSTOP).
    assert_eq!((word(&m, d.ucontext_ptr + 20), word(&m, d.ucontext_ptr + 24)), (0, 0), "the mask before delivery");
    m.write(d.ucontext_ptr + 20, &((1u64 << 11) | (1 << 8) | (1 << 40)).to_le_bytes()).unwrap();
    e.k.signal_return(1, &mut m, &d);
    e.mem = m;
    assert_eq!(e.call(nr::rt_sigprocmask, &[0, 0, 0x5300, 8]), 0);
    assert_eq!(u64::from_le_bytes(e.get(0x5300, 8).try_into().unwrap()), (1 << 11) | (1 << 40));
}

#[test]
fn kill_permissions_and_targets() {
    let mut e = Env::new();
    assert_eq!(e.call(nr::kill, &[1, 0]), 0);
    assert_eq!(e.call(nr::kill, &[999, 0]), ESRCH);
    assert_eq!(e.call(nr::kill, &[1, 65]), EINVAL);
    assert_eq!(e.call(nr::kill, &[(-999i32) as u32, 0]), ESRCH);
    let child = e.k.fork(1, 17).unwrap();
    let mut cm = e.mem.clone();
    assert_eq!(e.call(nr::kill, &[0, 0]), 0);
    assert_eq!(e.call(nr::kill, &[u32::MAX, 0]), 0);
    // An unprivileged child may not signal root's init.
    assert_eq!(ret(e.k.syscall(child, nr::setuid, [1000, 0, 0, 0, 0, 0], &mut cm)), 0);
    assert_eq!(ret(e.k.syscall(child, nr::kill, [1, 15, 0, 0, 0, 0], &mut cm)), EPERM);
    assert_eq!(ret(e.k.syscall(child, nr::tkill, [1, 15, 0, 0, 0, 0], &mut cm)), EPERM);
    assert_eq!(e.call(nr::tkill, &[0, 15]), EINVAL);
    assert_eq!(e.call(nr::tkill, &[4242, 15]), ESRCH);
    assert_eq!(e.call(nr::tgkill, &[1, child as u32, 15]), ESRCH);
    assert_eq!(e.call(nr::tgkill, &[0, 1, 15]), EINVAL);
    // SIGTERM kills the child by default.
    assert_eq!(e.call(nr::tgkill, &[child as u32, child as u32, 15]), 0);
    assert!(matches!(e.k.check_signals(child, &mut cm, 0x9000), SignalAction::Exit));
    assert_eq!(e.call(nr::waitid, &[1, child as u32, BUF, 4, 0]), 0);
    assert_eq!(e.u32_at(BUF + 8), 2, "CLD_KILLED");
    assert_eq!(e.u32_at(BUF + 20), 15);
    // rt_sigqueueinfo to self with SI_QUEUE (init needs a handler to receive it).
    assert_eq!(sigaction(&mut e, 34, 0x99, 0, 0), 0);
    let mut info = vec![0u8; 128];
    info[8..12].copy_from_slice(&(-1i32).to_le_bytes());
    info[20..24].copy_from_slice(&77u32.to_le_bytes());
    e.put(BUF, &info);
    e.put(0x5200, &(1u64 << 33).to_le_bytes());
    assert_eq!(e.call(nr::rt_sigprocmask, &[0, 0x5200, 0, 8]), 0);
    assert_eq!(e.call(nr::rt_sigqueueinfo, &[1, 34, BUF]), 0);
    assert_eq!(e.call(nr::rt_tgsigqueueinfo, &[1, 1, 34, BUF]), 0);
    assert_eq!(e.call(nr::rt_sigqueueinfo, &[999, 34, BUF]), ESRCH);
    assert_eq!(e.call(nr::rt_tgsigqueueinfo, &[0, 1, 34, BUF]), EINVAL);
    // Both queued instances come out of rt_sigtimedwait, value intact.
    ts(&mut e, 0x5300, 0, 0);
    assert_eq!(e.call(nr::rt_sigtimedwait_time64, &[0x5200, 0x5400, 0x5300, 8]), 34);
    assert_eq!(e.u32_at(0x5400 + 20), 77);
    assert_eq!(e.call(nr::rt_sigtimedwait_time64, &[0x5200, 0, 0x5300, 8]), 34);
    assert_eq!(e.call(nr::rt_sigtimedwait_time64, &[0x5200, 0, 0x5300, 8]), EAGAIN);
    ts(&mut e, 0x5300, 0, 20_000_000);
    assert_eq!(e.call(nr::rt_sigtimedwait_time64, &[0x5200, 0, 0x5300, 8]), EAGAIN);
    assert_eq!(e.call(nr::rt_sigtimedwait_time64, &[0x5200, 0, 0x5300, 4]), EINVAL);
}

#[test]
fn sigsuspend_stop_continue_and_altstack() {
    let mut e = Env::new();
    assert_eq!(sigaction(&mut e, 10, 0x42, 0x0800_0000, 0), 0);
    // sigsuspend returns EINTR once a signal arrives from another thread.
    let k = e.k.clone();
    let mut m2 = e.mem.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(40));
        ret(k.syscall(1, nr::kill, [1, 10, 0, 0, 0, 0], &mut m2))
    });
    e.put(0x5200, &(1u64 << 11).to_le_bytes());
    assert_eq!(e.call(nr::rt_sigsuspend, &[0x5200, 8]), EINTR);
    assert_eq!(e.call(nr::rt_sigsuspend, &[0x5200, 4]), EINVAL);
    t.join().unwrap();
    // sigaltstack: SA_ONSTACK frames go on the alternate stack.
    let ss = [0x40000u32, 0, 0x8000].iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
    e.put(0x5600, &ss);
    assert_eq!(e.call(nr::sigaltstack, &[0x5600, 0x5700]), 0);
    assert_eq!(e.u32_at(0x5704), 2, "was disabled");
    let small = [0x40000u32, 0, 100].iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
    e.put(0x5800, &small);
    assert_eq!(e.call(nr::sigaltstack, &[0x5800, 0]), ENOMEM);
    e.put(0x5800, &[0, 0, 0, 0, 9, 0, 0, 0, 0, 0x80, 0, 0]);
    assert_eq!(e.call(nr::sigaltstack, &[0x5800, 0]), EINVAL);
    let mut m = e.mem.clone();
    match e.k.check_signals(1, &mut m, 0x9000) {
        SignalAction::Deliver(d) => {
            assert!(d.handler_sp > 0x40000 && d.handler_sp < 0x48000, "{:#x}", d.handler_sp);
            e.k.signal_return(1, &mut m, &d);
        }
        other => panic!("{other:?}"),
    }
    // SIGSTOP on a child parks it in check_signals until SIGCONT; the parent sees both.
    let child = e.k.fork(1, 17).unwrap();
    let mut cm = e.mem.clone();
    assert_eq!(e.call(nr::kill, &[child as u32, 19]), 0);
    let k = e.k.clone();
    let h = std::thread::spawn(move || matches!(k.check_signals(child, &mut cm, 0x9000), SignalAction::None));
    assert_eq!(e.call(nr::waitid, &[1, child as u32, BUF, 2, 0]), 0);
    assert_eq!(e.u32_at(BUF + 8), 5, "CLD_STOPPED");
    assert_eq!(e.call(nr::kill, &[child as u32, 18]), 0);
    assert!(h.join().unwrap());
    assert_eq!(e.call(nr::waitid, &[1, child as u32, BUF, 8, 0]), 0);
    assert_eq!(e.u32_at(BUF + 8), 6, "CLD_CONTINUED");
}
