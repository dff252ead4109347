//! Tests of the syscall family in `kernel/src/syscall/signalfd.rs`: signalfd4: reads dequeue, poll
//! readiness, mask updates, signals init keeps pending for it.
mod common;
use common::*;
use std::time::Duration;
use wasmlinux_kernel::syscall::nr;
use wasmlinux_kernel::*;

#[test]
fn signalfd_reads_dequeues_polls_and_updates_mask() {
    let mut e = Env::new();
    let (child, mut cm) = fork(&mut e);
    let k = e.k.clone();
    let m = signalfd_mask(&mut cm, &[SIGUSR1, SIGUSR2]);
    assert_eq!(csc(&k, child, &mut cm, nr::rt_sigprocmask, &[0, m, 0, 8]), 0);
    // Bad arguments.
    assert_eq!(csc(&k, child, &mut cm, nr::signalfd4, &[u32::MAX, m, 4, 0]), EINVAL);
    assert_eq!(csc(&k, child, &mut cm, nr::signalfd4, &[u32::MAX, m, 8, 1]), EINVAL);
    assert_eq!(csc(&k, child, &mut cm, nr::signalfd4, &[0, m, 8, 0]), EINVAL, "stdin is not a signalfd");
    assert_eq!(csc(&k, child, &mut cm, nr::signalfd4, &[77, m, 8, 0]), EBADF);
    let fd = csc(&k, child, &mut cm, nr::signalfd4, &[u32::MAX, m, 8, O_NONBLOCK | O_CLOEXEC]);
    assert!(fd >= 3);
    let fd = fd as u32;
    assert_eq!(csc(&k, child, &mut cm, nr::read, &[fd, BUF, 128]), EAGAIN);
    // Two signals from the parent: lowest first, SI_USER with the sender's pid.
    assert_eq!(e.call(nr::kill, &[child as u32, SIGUSR2]), 0);
    assert_eq!(e.call(nr::kill, &[child as u32, SIGUSR1]), 0);
    assert!(!k.signal_pending(child), "blocked");
    // poll({fd, POLLIN}, 1, 0)
    cm.write(ARG, &[fd.to_le_bytes(), 1u32.to_le_bytes()].concat()).unwrap();
    assert_eq!(csc(&k, child, &mut cm, nr::ppoll_time64, &[ARG, 1, 0, 0, 0]), 1);
    assert_eq!(csc(&k, child, &mut cm, nr::read, &[fd, BUF, 8]), EINVAL, "smaller than a record");
    assert_eq!(csc(&k, child, &mut cm, nr::read, &[fd, BUF, 200]), 128, "one record fits");
    let word = |mem: &VecMemory, off: u32| {
        let mut b = [0u8; 4];
        mem.read(BUF + off, &mut b).unwrap();
        u32::from_le_bytes(b)
    };
    assert_eq!((word(&cm, 0), word(&cm, 8), word(&cm, 12)), (SIGUSR1, 0, 1));
    assert_eq!(csc(&k, child, &mut cm, nr::read, &[fd, BUF, 256]), 128);
    assert_eq!(word(&cm, 0), SIGUSR2);
    assert_eq!(csc(&k, child, &mut cm, nr::read, &[fd, BUF, 128]), EAGAIN);
    assert_eq!(pending(&k, child, &mut cm), 0, "dequeued");
    // sigqueue value and tkill code.
    let mut si = vec![0u8; 128];
    si[0..4].copy_from_slice(&SIGUSR1.to_le_bytes());
    si[8..12].copy_from_slice(&(-1i32).to_le_bytes());
    si[12..16].copy_from_slice(&1u32.to_le_bytes());
    si[20..24].copy_from_slice(&77u32.to_le_bytes());
    e.put(BUF + 512, &si);
    assert_eq!(e.call(nr::rt_sigqueueinfo, &[child as u32, SIGUSR1, BUF + 512]), 0);
    assert_eq!(csc(&k, child, &mut cm, nr::tkill, &[child as u32, SIGUSR2]), 0);
    assert_eq!(csc(&k, child, &mut cm, nr::read, &[fd, BUF, 256]), 256, "both records");
    assert_eq!((word(&cm, 0), word(&cm, 8) as i32, word(&cm, 44)), (SIGUSR1, -1, 77));
    assert_eq!((word(&cm, 128), word(&cm, 136) as i32), (SIGUSR2, -6));
    // A blocking read (flags changed to blocking) is woken by a signal.
    assert_eq!(csc(&k, child, &mut cm, nr::fcntl64, &[fd, 4 /* F_SETFL */, 0]), 0);
    let k2 = k.clone();
    let reader = std::thread::spawn(move || {
        let n = csc(&k2, child, &mut cm, nr::read, &[fd, BUF, 128]);
        let mut b = [0u8; 4];
        cm.read(BUF, &mut b).unwrap();
        (n, u32::from_le_bytes(b), cm)
    });
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(e.call(nr::kill, &[child as u32, SIGUSR2]), 0);
    let (n, signo, mut cm) = reader.join().unwrap();
    assert_eq!((n, signo), (128, SIGUSR2));
    // Updating the mask in place: SIGUSR1 no longer read, stays pending.
    let only2 = signalfd_mask(&mut cm, &[SIGUSR2]);
    assert_eq!(csc(&k, child, &mut cm, nr::signalfd4, &[fd, only2, 8, 0]), fd as i32);
    assert_eq!(csc(&k, child, &mut cm, nr::fcntl64, &[fd, 4, O_NONBLOCK]), 0);
    assert_eq!(e.call(nr::kill, &[child as u32, SIGUSR1]), 0);
    assert_eq!(csc(&k, child, &mut cm, nr::read, &[fd, BUF, 128]), EAGAIN);
    assert_eq!(pending(&k, child, &mut cm), bit(SIGUSR1));
}

#[test]
fn init_keeps_blocked_default_signals_pending_for_signalfd() {
    let mut e = Env::new();
    let k = e.k.clone();
    // Unblocked with the default action: discarded at generation (man 2 kill).
    assert_eq!(e.call(nr::kill, &[1, SIGUSR1]), 0);
    assert!(!k.signal_pending(1));
    // Blocked: never ignored (Linux's sig_ignored), so signalfd can read it.
    let mut m = e.mem.clone();
    let mask = signalfd_mask(&mut m, &[SIGUSR1]);
    e.mem = m;
    assert_eq!(e.call(nr::rt_sigprocmask, &[0, mask, 0, 8]), 0);
    let fd = e.call(nr::signalfd4, &[u32::MAX, mask, 8, O_NONBLOCK]) as u32;
    assert_eq!(e.call(nr::kill, &[1, SIGUSR1]), 0);
    assert_eq!(pending(&k, 1, &mut e.mem.clone()), bit(SIGUSR1));
    assert_eq!(e.call(nr::read, &[fd, BUF, 128]), 128);
    assert_eq!((e.u32_at(BUF), e.u32_at(BUF + 12)), (SIGUSR1, 1));
    // Unblocking a pending default-action signal does not kill init.
    assert_eq!(e.call(nr::kill, &[1, SIGUSR1]), 0);
    assert_eq!(e.call(nr::rt_sigprocmask, &[1 /* SIG_UNBLOCK */, mask, 0, 8]), 0);
    assert!(matches!(k.check_signals(1, &mut e.mem, 0x8000), SignalAction::None));
    assert_eq!(e.call(nr::getpid, &[]), 1);
}
