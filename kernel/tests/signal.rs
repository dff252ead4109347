//! Tests of the syscall family in `kernel/src/syscall/signal.rs`:
//! rt_sigaction/masks/pending/delivery frames, kill permissions and targets,
//! sigsuspend/stop/continue/sigaltstack, sigtimedwait.
mod common;
use common::*;
use std::time::Duration;
use wasmlinux_kernel::syscall::nr;
use wasmlinux_kernel::*;

#[test]
fn init_sigtimedwait_receives_default_action_signal_from_child() {
    let mut e = Env::new();
    let k = e.k.clone();
    let (child, mut cm) = fork(&mut e);
    let mut m = e.mem.clone();
    let mask = signalfd_mask(&mut m, &[SIGUSR1]);
    assert_eq!(csc(&k, 1, &mut m, nr::rt_sigprocmask, &[0, mask, 0, 8]), 0);
    // {2 s, 0} timeout (time64 timespec).
    m.write(BUF, &[2u64.to_le_bytes(), 0u64.to_le_bytes()].concat()).unwrap();
    let k2 = k.clone();
    let waiter = std::thread::spawn(move || {
        let n = csc(&k2, 1, &mut m, nr::rt_sigtimedwait_time64, &[mask, BUF + 64, BUF, 8]);
        let mut b = [0u8; 16];
        m.read(BUF + 64, &mut b).unwrap();
        (n, u32::from_le_bytes(b[12..16].try_into().unwrap()))
    });
    std::thread::sleep(Duration::from_millis(50));
    // The waited-for signal is unblocked during the wait but still counts
    // as blocked (real_blocked): init does not discard it.
    assert_eq!(csc(&k, child, &mut cm, nr::kill, &[1, SIGUSR1]), 0);
    assert_eq!(waiter.join().unwrap(), (SIGUSR1 as i32, child as u32));
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
    assert_eq!(
        (word(&m, d.ucontext_ptr + 8), word(&m, d.ucontext_ptr + 16), word(&m, d.ucontext_ptr + 148)),
        (0, 0, 0x9003)
    );
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

// ---- signals with threads ----

/// Block `sigs` (SIG_SETMASK) in task `tid`.
fn set_mask(k: &Kernel, tid: Tid, m: &mut SharedMem, sigs: &[u32]) {
    let mask: u64 = sigs.iter().map(|&s| bit(s)).sum();
    m.put(0x6f00, &mask.to_le_bytes());
    assert_eq!(tsc(k, tid, m, nr::rt_sigprocmask, &[2, 0x6f00, 0, 8]), 0);
}

/// A handler for `sig` in the process of `tid`.
fn handle(k: &Kernel, tid: Tid, m: &mut SharedMem, sig: u32) {
    m.put(0x6e00, &[7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(tsc(k, tid, m, nr::rt_sigaction, &[sig, 0x6e00, 0, 8]), 0);
}

fn delivered(k: &Kernel, tid: Tid) -> Option<i32> {
    let mut vm = VecMemory::new(1 << 16);
    match k.check_signals(tid, &mut vm, 0x8000) {
        SignalAction::Deliver(d) => {
            // The handler returns at once.
            k.signal_return(tid, &mut vm, &d);
            Some(d.signo)
        }
        SignalAction::None => None,
        SignalAction::Exit => Some(-1),
    }
}

#[test]
fn process_signal_goes_to_a_thread_that_does_not_block_it() {
    let mut e = Env::new();
    let (pid, mut m) = threaded_process(&mut e);
    handle(&e.k, pid, &mut m, SIGUSR1);
    let t = spawn_thread(&e.k, pid, &mut m, 0, 0, 0);
    // The leader blocks SIGUSR1: the other thread gets it.
    set_mask(&e.k, pid, &mut m, &[SIGUSR1]);
    assert_eq!(e.call(nr::kill, &[pid as u32, SIGUSR1]), 0);
    assert!(!e.k.signal_pending(pid));
    assert!(e.k.signal_pending(t));
    assert_eq!(delivered(&e.k, pid), None);
    assert_eq!(delivered(&e.k, t), Some(SIGUSR1 as i32));
    // Nobody blocks it: the leader is preferred.
    set_mask(&e.k, pid, &mut m, &[]);
    assert_eq!(e.call(nr::kill, &[pid as u32, SIGUSR1]), 0);
    assert!(e.k.signal_pending(pid));
    assert!(!e.k.signal_pending(t));
    // The leader blocks it before taking it: it goes to the other thread.
    set_mask(&e.k, pid, &mut m, &[SIGUSR1]);
    assert!(e.k.signal_pending(t));
    assert_eq!(delivered(&e.k, t), Some(SIGUSR1 as i32));
    // Everybody blocks it: it stays pending for the process (rt_sigpending
    // of either thread shows it) until one unblocks it.
    set_mask(&e.k, t, &mut m, &[SIGUSR1]);
    assert_eq!(e.call(nr::kill, &[pid as u32, SIGUSR1]), 0);
    assert!(!e.k.signal_pending(pid) && !e.k.signal_pending(t));
    m.put(0x6d00, &[0; 8]);
    assert_eq!(tsc(&e.k, t, &mut m, nr::rt_sigpending, &[0x6d00, 8]), 0);
    assert_eq!(u64::from_le_bytes(m.get(0x6d00, 8).try_into().unwrap()), bit(SIGUSR1));
    set_mask(&e.k, t, &mut m, &[]);
    assert_eq!(delivered(&e.k, t), Some(SIGUSR1 as i32));
}

#[test]
fn tkill_tgkill_and_tgsigqueueinfo_target_one_thread() {
    let mut e = Env::new();
    let (pid, mut m) = threaded_process(&mut e);
    handle(&e.k, pid, &mut m, SIGUSR2);
    let t = spawn_thread(&e.k, pid, &mut m, 0, 0, 0);
    assert_eq!(tsc(&e.k, pid, &mut m, nr::tgkill, &[pid as u32, t as u32, SIGUSR2]), 0);
    assert!(e.k.signal_pending(t) && !e.k.signal_pending(pid));
    assert_eq!(delivered(&e.k, t), Some(SIGUSR2 as i32));
    assert_eq!(tsc(&e.k, pid, &mut m, nr::tkill, &[t as u32, SIGUSR2]), 0);
    assert_eq!(delivered(&e.k, pid), None);
    assert_eq!(delivered(&e.k, t), Some(SIGUSR2 as i32));
    assert_eq!(tsc(&e.k, pid, &mut m, nr::tgkill, &[1, t as u32, SIGUSR2]), ESRCH, "tgid does not match");
    assert_eq!(tsc(&e.k, pid, &mut m, nr::tgkill, &[pid as u32, t as u32, 65]), EINVAL);
    assert_eq!(tsc(&e.k, pid, &mut m, nr::tgkill, &[pid as u32, 0, SIGUSR2]), EINVAL);
    assert_eq!(tsc(&e.k, pid, &mut m, nr::tkill, &[t as u32, 65]), EINVAL);
    assert_eq!(tsc(&e.k, pid, &mut m, nr::tkill, &[9999, SIGUSR2]), ESRCH);
    // rt_tgsigqueueinfo: si_code >= 0 only to the calling thread itself.
    let mut info = vec![0u8; 128];
    info[8..12].copy_from_slice(&0i32.to_le_bytes()); // SI_USER
    m.put(0x6c00, &info);
    let q = |m: &mut SharedMem, from: Tid, to: Tid| {
        tsc(&e.k, from, m, nr::rt_tgsigqueueinfo, &[pid as u32, to as u32, SIGUSR2, 0x6c00])
    };
    assert_eq!(q(&mut m, pid, t), EPERM, "SI_USER to another thread");
    assert_eq!(q(&mut m, t, t), 0, "to itself");
    assert_eq!(delivered(&e.k, t), Some(SIGUSR2 as i32));
    info[8..12].copy_from_slice(&(-1i32).to_le_bytes()); // SI_QUEUE
    m.put(0x6c00, &info);
    assert_eq!(q(&mut m, pid, t), 0);
    assert_eq!(delivered(&e.k, t), Some(SIGUSR2 as i32));
    // rt_sigqueueinfo with SI_USER from a non-leader to its own process: the
    // target pid is not the caller's tid.
    info[8..12].copy_from_slice(&0i32.to_le_bytes());
    m.put(0x6c00, &info);
    assert_eq!(tsc(&e.k, t, &mut m, nr::rt_sigqueueinfo, &[pid as u32, SIGUSR2, 0x6c00]), EPERM);
    assert_eq!(tsc(&e.k, pid, &mut m, nr::rt_sigqueueinfo, &[pid as u32, SIGUSR2, 0x6c00]), 0);
}

/// sigwait in a dedicated thread: every other thread blocks the signal,
/// the waiter receives the process-directed signal.
#[test]
fn sigtimedwait_in_one_thread_receives_the_process_signal() {
    let mut e = Env::new();
    let (pid, mut m) = threaded_process(&mut e);
    set_mask(&e.k, pid, &mut m, &[SIGUSR1]);
    let t = spawn_thread(&e.k, pid, &mut m, 0, 0, 0);
    let (k, mut wm) = (e.k.clone(), m.clone());
    wm.put(0x6b00, &bit(SIGUSR1).to_le_bytes());
    wm.put(0x6b10, &[5u64.to_le_bytes(), 0u64.to_le_bytes()].concat());
    let waiter = std::thread::spawn(move || tsc(&k, t, &mut wm, nr::rt_sigtimedwait_time64, &[0x6b00, 0, 0x6b10, 8]));
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(e.call(nr::kill, &[pid as u32, SIGUSR1]), 0);
    assert_eq!(waiter.join().unwrap(), SIGUSR1 as i32);
    assert!(!e.k.signal_pending(pid));
}

/// A fatal default action and a stop signal act on every thread.
#[test]
fn fatal_and_stop_signals_act_on_all_threads() {
    let mut e = Env::new();
    let (pid, mut m) = threaded_process(&mut e);
    let t = spawn_thread(&e.k, pid, &mut m, 0, 0, 0);
    // Stop: the thread that takes SIGSTOP parks; the other is told to stop
    // at its next check and parks there until SIGCONT.
    assert_eq!(e.call(nr::kill, &[pid as u32, 19]), 0);
    let k1 = e.k.clone();
    let h1 = std::thread::spawn(move || delivered(&k1, pid));
    assert!(wait_until(|| e.k.signal_pending(t)), "the other thread is asked to stop");
    let k2 = e.k.clone();
    let h2 = std::thread::spawn(move || delivered(&k2, t));
    std::thread::sleep(Duration::from_millis(50));
    assert!(!h1.is_finished() && !h2.is_finished(), "both threads are stopped");
    assert_eq!(e.call(nr::kill, &[pid as u32, 18]), 0);
    assert_eq!(h1.join().unwrap(), None);
    assert_eq!(h2.join().unwrap(), None);
    // SIGTERM (default: terminate) delivered to one thread ends both.
    let (k, mut bm) = (e.k.clone(), m.clone());
    m.put_u32(0x6a00, 0);
    let blocked = std::thread::spawn(move || tsc_outcome(&k, t, &mut bm, nr::futex_time64, &[0x6a00, 0, 0, 0, 0, 0]));
    std::thread::sleep(Duration::from_millis(30));
    assert_eq!(e.call(nr::kill, &[pid as u32, 15]), 0);
    assert_eq!(delivered(&e.k, pid), Some(-1));
    // The blocked call returns Exit, or — when the pending SIGTERM woke it
    // before the leader's check acted on it — Restart, after which the
    // bridge's signal check finds the thread dead (below).
    assert!(matches!(blocked.join().unwrap(), SyscallOutcome::Exit | SyscallOutcome::Restart));
    assert!(e.k.signal_pending(t));
}
