//! Linux semantics found missing by the differential C suite, through the
//! raw entry with exact errnos: lseek on memory devices, fsync on streams,
//! /proc/<pid>/fdinfo, RLIMIT_FSIZE, nice values, unmappable files, huge
//! mappings, signalfd4, child subreapers, CPU-time itimers and usage.
mod common;
use common::*;
use std::time::Duration;
use wasmlinux_kernel::syscall::nr;
use wasmlinux_kernel::*;

const AT_FDCWD: u32 = -100i32 as u32;
const O_RDONLY: u32 = 0;
const O_WRONLY: u32 = 1;
const O_RDWR: u32 = 2;
const O_CREAT: u32 = 0o100;
const O_NONBLOCK: u32 = 0o4000;
const O_DIRECTORY: u32 = 0o200000;
const O_CLOEXEC: u32 = 0o2000000;
const SIGCHLD: u32 = 17;
const SIGUSR1: u32 = 10;
const SIGUSR2: u32 = 12;
const SIGXFSZ: u32 = 25;
const SIGVTALRM: u32 = 26;
const SIGPROF: u32 = 27;
const WEXITED: u32 = 4;
const P_PID: u32 = 1;
const ENODEV: i32 = -19;
const EFBIG: i32 = -27;

const PATH: u32 = SCRATCH;
const BUF: u32 = SCRATCH + 0x1000;
const ARG: u32 = SCRATCH + 0x3000;

fn sc_as(k: &Kernel, tid: Tid, mem: &mut VecMemory, n: u32, args: &[u32]) -> i32 {
    let mut a = [0u32; 6];
    a[..args.len()].copy_from_slice(args);
    ret(k.syscall(tid, n, a, mem))
}

fn fork_of(e: &mut Env, parent: Tid, mem: &mut VecMemory) -> (Tid, VecMemory) {
    let mut a = [0u32; 6];
    a[0] = SIGCHLD;
    assert!(matches!(e.k.syscall(parent, nr::clone, a, mem), SyscallOutcome::Fork { .. }));
    (e.k.fork(parent, SIGCHLD).unwrap(), mem.clone())
}

fn fork(e: &mut Env) -> (Tid, VecMemory) {
    let mut m = e.mem.clone();
    let r = fork_of(e, 1, &mut m);
    e.mem = m;
    r
}

fn open(e: &mut Env, path: &str, flags: u32) -> i32 {
    let p = e.cstr(PATH, path);
    e.call(nr::openat, &[AT_FDCWD, p, flags, 0o644])
}

fn sigaction(k: &Kernel, tid: Tid, mem: &mut VecMemory, sig: u32, handler: u32) -> i32 {
    let mut act = handler.to_le_bytes().to_vec();
    act.extend_from_slice(&0u32.to_le_bytes());
    act.extend_from_slice(&0u64.to_le_bytes());
    mem.write(ARG, &act).unwrap();
    sc_as(k, tid, mem, nr::rt_sigaction, &[sig, ARG, 0, 8])
}

fn pending(k: &Kernel, tid: Tid, mem: &mut VecMemory) -> u64 {
    assert_eq!(sc_as(k, tid, mem, nr::rt_sigpending, &[ARG, 8]), 0);
    let mut b = [0u8; 8];
    mem.read(ARG, &mut b).unwrap();
    u64::from_le_bytes(b)
}

fn bit(sig: u32) -> u64 {
    1 << (sig - 1)
}

/// `struct itimerval` with 32-bit timevals: interval then value.
fn itimerval(e: &mut Env, addr: u32, interval_us: u32, value_us: u32) -> u32 {
    let mut b = Vec::new();
    for us in [interval_us, value_us] {
        b.extend_from_slice(&(us / 1_000_000).to_le_bytes());
        b.extend_from_slice(&(us % 1_000_000).to_le_bytes());
    }
    e.put(addr, &b);
    addr
}

fn timeval_us(e: &Env, addr: u32) -> u64 {
    u64::from(e.u32_at(addr)) * 1_000_000 + u64::from(e.u32_at(addr + 4))
}

#[test]
fn lseek_on_memory_devices_always_yields_zero() {
    let mut e = Env::new();
    for dev in ["/dev/null", "/dev/zero", "/dev/full", "/dev/urandom"] {
        let fd = open(&mut e, dev, O_RDWR) as u32;
        e.put(BUF, &[0xff; 8]);
        // _llseek(fd, high, low, result, whence): man 4 null — "seeking always succeeds, position 0".
        assert_eq!(e.call(nr::_llseek, &[fd, 0, 1000, BUF, 0]), 0, "{dev}");
        assert_eq!(e.get(BUF, 8), vec![0; 8], "{dev}");
        assert_eq!(e.call(nr::_llseek, &[fd, 0, 5, BUF, 2]), 0, "{dev} SEEK_END");
        assert_eq!(e.get(BUF, 8), vec![0; 8], "{dev}");
        assert_eq!(e.call(nr::close, &[fd]), 0);
    }
    // A pipe still cannot seek.
    assert_eq!(e.call(nr::pipe2, &[BUF, 0]), 0);
    assert_eq!(e.call(nr::_llseek, &[e.u32_at(BUF), 0, 0, ARG, 0]), ESPIPE);
}

#[test]
fn fsync_on_streams_is_einval() {
    let mut e = Env::new();
    assert_eq!(e.call(nr::pipe2, &[BUF, 0]), 0);
    let (r, w) = (e.u32_at(BUF), e.u32_at(BUF + 4));
    // man 2 fsync: EINVAL — fd is bound to a special file (pipe, FIFO, socket).
    assert_eq!(e.call(nr::fsync, &[r]), EINVAL);
    assert_eq!(e.call(nr::fdatasync, &[w]), EINVAL);
    let null = open(&mut e, "/dev/null", O_RDWR) as u32;
    assert_eq!(e.call(nr::fsync, &[null]), EINVAL);
    assert_eq!(e.call(nr::eventfd2, &[0, 0]) as u32, null + 1);
    assert_eq!(e.call(nr::fsync, &[null + 1]), EINVAL);
    let f = open(&mut e, "/tmp/synced", O_CREAT | O_RDWR) as u32;
    assert_eq!(e.call(nr::fsync, &[f]), 0);
    assert_eq!(e.call(nr::fdatasync, &[f]), 0);
    let d = open(&mut e, "/tmp", O_DIRECTORY) as u32;
    assert_eq!(e.call(nr::fsync, &[d]), 0);
    assert_eq!(e.call(nr::fsync, &[99]), EBADF);
}

fn slurp(e: &mut Env, path: &str) -> Result<String, i32> {
    let fd = open(e, path, O_RDONLY);
    if fd < 0 {
        return Err(fd);
    }
    let n = e.call(nr::read, &[fd as u32, BUF, 512]);
    assert!(n >= 0);
    e.call(nr::close, &[fd as u32]);
    Ok(String::from_utf8(e.get(BUF, n as usize)).unwrap())
}

#[test]
fn proc_fdinfo_shows_position_flags_and_mount() {
    let mut e = Env::new();
    let fd = open(&mut e, "/tmp/info", O_CREAT | O_RDWR | O_CLOEXEC) as u32;
    e.put(BUF, b"hello");
    assert_eq!(e.call(nr::write, &[fd, BUF, 5]), 5);
    assert_eq!(e.call(nr::_llseek, &[fd, 0, 1, BUF, 0]), 0);
    let info = slurp(&mut e, &format!("/proc/self/fdinfo/{fd}")).unwrap();
    assert!(info.starts_with("pos:\t1\nflags:\t02000002\nmnt_id:\t"), "{info:?}");
    assert!(info.contains("\nino:\t"), "{info:?}");
    let list = open(&mut e, "/proc/self/fdinfo", O_DIRECTORY) as u32;
    let n = e.call(nr::getdents64, &[list, BUF, 4096]);
    assert!(n > 0);
    assert!(String::from_utf8_lossy(&e.get(BUF, n as usize)).contains(&fd.to_string()));
    assert_eq!(slurp(&mut e, "/proc/self/fdinfo/77"), Err(ENOENT));
    assert_eq!(slurp(&mut e, "/proc/1/fdinfo/x"), Err(ENOENT));
    assert_eq!(open(&mut e, &format!("/proc/self/fdinfo/{fd}"), O_WRONLY), EACCES);
}

#[test]
fn rlimit_fsize_short_write_then_efbig_and_sigxfsz() {
    let mut e = Env::new();
    let (child, mut cm) = fork(&mut e);
    let k = e.k.clone();
    // prlimit64(0, RLIMIT_FSIZE, {1000, inf}, NULL)
    let mut lim = 1000u64.to_le_bytes().to_vec();
    lim.extend_from_slice(&u64::MAX.to_le_bytes());
    cm.write(ARG + 64, &lim).unwrap();
    assert_eq!(sc_as(&k, child, &mut cm, nr::prlimit64, &[0, 1, ARG + 64, 0]), 0);
    cm.write(PATH, b"/tmp/limited\0").unwrap();
    let fd = sc_as(&k, child, &mut cm, nr::openat, &[AT_FDCWD, PATH, O_CREAT | O_WRONLY, 0o644]) as u32;
    assert_eq!(sigaction(&k, child, &mut cm, SIGXFSZ, 1 /* SIG_IGN */), 0);
    assert_eq!(sc_as(&k, child, &mut cm, nr::write, &[fd, BUF, 3000]), 1000, "short write up to the limit");
    assert_eq!(sc_as(&k, child, &mut cm, nr::write, &[fd, BUF, 1]), EFBIG);
    assert_eq!(sc_as(&k, child, &mut cm, nr::pwrite64, &[fd, BUF, 1, 5000, 0]), EFBIG);
    assert_eq!(pending(&k, child, &mut cm) & bit(SIGXFSZ), 0, "ignored: discarded");
    // Devices are not limited.
    cm.write(PATH, b"/dev/null\0").unwrap();
    let null = sc_as(&k, child, &mut cm, nr::openat, &[AT_FDCWD, PATH, O_WRONLY, 0]) as u32;
    assert_eq!(sc_as(&k, child, &mut cm, nr::pwrite64, &[null, BUF, 10, 5000, 0]), 10);
    // Default action: SIGXFSZ is raised and kills (core).
    assert_eq!(sigaction(&k, child, &mut cm, SIGXFSZ, 0), 0);
    assert_eq!(sc_as(&k, child, &mut cm, nr::write, &[fd, BUF, 1]), EFBIG);
    assert!(k.signal_pending(child));
    assert!(matches!(k.check_signals(child, &mut cm, 0x8000), SignalAction::Exit));
    assert_eq!(e.call(nr::waitid, &[P_PID, child as u32, BUF, WEXITED, 0]), 0);
    assert_eq!(e.u32_at(BUF + 20), SIGXFSZ, "si_status");
}

#[test]
fn priorities_nice_values_and_permissions() {
    let mut e = Env::new();
    // Raw getpriority returns 20 - nice.
    assert_eq!(e.call(nr::getpriority, &[0, 0]), 20);
    assert_eq!(e.call(nr::setpriority, &[0, 0, 5]), 0);
    assert_eq!(e.call(nr::getpriority, &[0, 0]), 15);
    assert_eq!(e.call(nr::getpriority, &[0, 1]), 15);
    assert_eq!(e.call(nr::getpriority, &[1, 0]), 15, "PRIO_PGRP");
    assert_eq!(e.call(nr::getpriority, &[2, 0]), 15, "PRIO_USER");
    assert_eq!(e.call(nr::setpriority, &[0, 0, 100]), 0);
    assert_eq!(e.call(nr::getpriority, &[0, 0]), 1, "clamped to 19");
    assert_eq!(e.call(nr::setpriority, &[0, 0, (-40i32) as u32]), 0, "root may raise priority");
    assert_eq!(e.call(nr::getpriority, &[0, 0]), 40, "clamped to -20");
    assert_eq!(e.call(nr::setpriority, &[0, 0, 3]), 0);
    assert_eq!(e.call(nr::getpriority, &[3, 0]), EINVAL);
    assert_eq!(e.call(nr::setpriority, &[3, 0, 0]), EINVAL);
    assert_eq!(e.call(nr::getpriority, &[0, 999]), ESRCH);
    assert_eq!(e.call(nr::setpriority, &[1, 999, 0]), ESRCH);
    // Inherited by fork; an unprivileged process may only lower its priority.
    let (child, mut cm) = fork(&mut e);
    let k = e.k.clone();
    assert_eq!(sc_as(&k, child, &mut cm, nr::getpriority, &[0, 0]), 17);
    assert_eq!(sc_as(&k, child, &mut cm, nr::setresuid, &[1000, 1000, 1000]), 0);
    assert_eq!(sc_as(&k, child, &mut cm, nr::setpriority, &[0, 0, 4]), 0);
    assert_eq!(sc_as(&k, child, &mut cm, nr::setpriority, &[0, 0, 2]), EACCES);
    assert_eq!(sc_as(&k, child, &mut cm, nr::getpriority, &[0, 0]), 16);
    assert_eq!(sc_as(&k, child, &mut cm, nr::setpriority, &[0, 1, 10]), EPERM, "another user's process");
    assert_eq!(e.call(nr::getpriority, &[0, 0]), 17, "parent unchanged");
}

#[test]
fn mmap_of_unmappable_files_is_enodev_and_huge_lengths_enomem() {
    let mut e = Env::new();
    // Lay out the address space like a started program (brk, mmap base).
    let img = ExecImage { path: "/bin/x".into(), module: std::sync::Arc::new(b"\0asm".to_vec()), argv: vec![b"x".to_vec()], envp: vec![] };
    e.k.exec_start(1, &mut e.mem, &img).unwrap();
    const PROT_READ: u32 = 1;
    const MAP_PRIVATE: u32 = 2;
    const MAP_ANON: u32 = 0x20;
    let d = open(&mut e, "/tmp", O_DIRECTORY) as u32;
    assert_eq!(e.call(nr::mmap2, &[0, 4096, PROT_READ, MAP_PRIVATE, d, 0]), ENODEV);
    assert_eq!(e.call(nr::pipe2, &[BUF, 0]), 0);
    assert_eq!(e.call(nr::mmap2, &[0, 4096, PROT_READ, MAP_PRIVATE, e.u32_at(BUF), 0]), ENODEV);
    let w = open(&mut e, "/tmp/wo", O_CREAT | O_WRONLY) as u32;
    assert_eq!(e.call(nr::mmap2, &[0, 4096, PROT_READ, MAP_PRIVATE, w, 0]), EACCES, "not readable first");
    // Lengths that cannot fit the 4 GiB address space (musl malloc(SIZE_MAX - 8192)).
    assert_eq!(e.call(nr::mmap2, &[0, 0xffff_e013, 3, MAP_PRIVATE | MAP_ANON, u32::MAX, 0]), ENOMEM);
    assert_eq!(e.call(nr::mmap2, &[0, 0xffff_ffff, 3, MAP_PRIVATE | MAP_ANON, u32::MAX, 0]), ENOMEM);
    assert_eq!(e.call(nr::mmap2, &[0, 0xfc00_0000, 3, MAP_PRIVATE | MAP_ANON, u32::MAX, 0]), ENOMEM, "above the mmap base");
    let b0 = e.call(nr::brk, &[0]) as u32;
    assert_eq!(e.call(nr::brk, &[0xffff_f000]) as u32, b0, "brk that cannot fit: unchanged");
}

fn signalfd_mask(mem: &mut VecMemory, sigs: &[u32]) -> u32 {
    let m: u64 = sigs.iter().map(|&s| bit(s)).sum();
    mem.write(ARG + 128, &m.to_le_bytes()).unwrap();
    ARG + 128
}

#[test]
fn signalfd_reads_dequeues_polls_and_updates_mask() {
    let mut e = Env::new();
    let (child, mut cm) = fork(&mut e);
    let k = e.k.clone();
    let m = signalfd_mask(&mut cm, &[SIGUSR1, SIGUSR2]);
    assert_eq!(sc_as(&k, child, &mut cm, nr::rt_sigprocmask, &[0, m, 0, 8]), 0);
    // Bad arguments.
    assert_eq!(sc_as(&k, child, &mut cm, nr::signalfd4, &[u32::MAX, m, 4, 0]), EINVAL);
    assert_eq!(sc_as(&k, child, &mut cm, nr::signalfd4, &[u32::MAX, m, 8, 1]), EINVAL);
    assert_eq!(sc_as(&k, child, &mut cm, nr::signalfd4, &[0, m, 8, 0]), EINVAL, "stdin is not a signalfd");
    assert_eq!(sc_as(&k, child, &mut cm, nr::signalfd4, &[77, m, 8, 0]), EBADF);
    let fd = sc_as(&k, child, &mut cm, nr::signalfd4, &[u32::MAX, m, 8, O_NONBLOCK | O_CLOEXEC]);
    assert!(fd >= 3);
    let fd = fd as u32;
    assert_eq!(sc_as(&k, child, &mut cm, nr::read, &[fd, BUF, 128]), EAGAIN);
    // Two signals from the parent: lowest first, SI_USER with the sender's pid.
    assert_eq!(e.call(nr::kill, &[child as u32, SIGUSR2]), 0);
    assert_eq!(e.call(nr::kill, &[child as u32, SIGUSR1]), 0);
    assert!(!k.signal_pending(child), "blocked");
    // poll({fd, POLLIN}, 1, 0)
    cm.write(ARG, &[fd.to_le_bytes(), 1u32.to_le_bytes()].concat()).unwrap();
    assert_eq!(sc_as(&k, child, &mut cm, nr::ppoll_time64, &[ARG, 1, 0, 0, 0]), 1);
    assert_eq!(sc_as(&k, child, &mut cm, nr::read, &[fd, BUF, 8]), EINVAL, "smaller than a record");
    assert_eq!(sc_as(&k, child, &mut cm, nr::read, &[fd, BUF, 200]), 128, "one record fits");
    let word = |mem: &VecMemory, off: u32| {
        let mut b = [0u8; 4];
        mem.read(BUF + off, &mut b).unwrap();
        u32::from_le_bytes(b)
    };
    assert_eq!((word(&cm, 0), word(&cm, 8), word(&cm, 12)), (SIGUSR1, 0, 1));
    assert_eq!(sc_as(&k, child, &mut cm, nr::read, &[fd, BUF, 256]), 128);
    assert_eq!(word(&cm, 0), SIGUSR2);
    assert_eq!(sc_as(&k, child, &mut cm, nr::read, &[fd, BUF, 128]), EAGAIN);
    assert_eq!(pending(&k, child, &mut cm), 0, "dequeued");
    // sigqueue value and tkill code.
    let mut si = vec![0u8; 128];
    si[0..4].copy_from_slice(&SIGUSR1.to_le_bytes());
    si[8..12].copy_from_slice(&(-1i32).to_le_bytes());
    si[12..16].copy_from_slice(&1u32.to_le_bytes());
    si[20..24].copy_from_slice(&77u32.to_le_bytes());
    e.put(BUF + 512, &si);
    assert_eq!(e.call(nr::rt_sigqueueinfo, &[child as u32, SIGUSR1, BUF + 512]), 0);
    assert_eq!(sc_as(&k, child, &mut cm, nr::tkill, &[child as u32, SIGUSR2]), 0);
    assert_eq!(sc_as(&k, child, &mut cm, nr::read, &[fd, BUF, 256]), 256, "both records");
    assert_eq!((word(&cm, 0), word(&cm, 8) as i32, word(&cm, 44)), (SIGUSR1, -1, 77));
    assert_eq!((word(&cm, 128), word(&cm, 136) as i32), (SIGUSR2, -6));
    // A blocking read (flags changed to blocking) is woken by a signal.
    assert_eq!(sc_as(&k, child, &mut cm, nr::fcntl64, &[fd, 4 /* F_SETFL */, 0]), 0);
    let k2 = k.clone();
    let reader = std::thread::spawn(move || {
        let n = sc_as(&k2, child, &mut cm, nr::read, &[fd, BUF, 128]);
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
    assert_eq!(sc_as(&k, child, &mut cm, nr::signalfd4, &[fd, only2, 8, 0]), fd as i32);
    assert_eq!(sc_as(&k, child, &mut cm, nr::fcntl64, &[fd, 4, O_NONBLOCK]), 0);
    assert_eq!(e.call(nr::kill, &[child as u32, SIGUSR1]), 0);
    assert_eq!(sc_as(&k, child, &mut cm, nr::read, &[fd, BUF, 128]), EAGAIN);
    assert_eq!(pending(&k, child, &mut cm), bit(SIGUSR1));
}

#[test]
fn orphans_are_reparented_to_the_nearest_subreaper() {
    let mut e = Env::new();
    let k = e.k.clone();
    const PR_SET_CHILD_SUBREAPER: u32 = 36;
    const PR_GET_CHILD_SUBREAPER: u32 = 37;
    let (a, mut am) = fork(&mut e);
    assert_eq!(sc_as(&k, a, &mut am, nr::prctl, &[PR_GET_CHILD_SUBREAPER, ARG, 0, 0, 0]), 0);
    assert_eq!(u32::from_le_bytes(am.get(ARG, 4).try_into().unwrap()), 0);
    assert_eq!(sc_as(&k, a, &mut am, nr::prctl, &[PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0]), 0);
    assert_eq!(sc_as(&k, a, &mut am, nr::prctl, &[PR_GET_CHILD_SUBREAPER, ARG, 0, 0, 0]), 0);
    assert_eq!(u32::from_le_bytes(am.get(ARG, 4).try_into().unwrap()), 1);
    assert_eq!(sc_as(&k, a, &mut am, nr::prctl, &[PR_GET_CHILD_SUBREAPER, 0xffff_fff0, 0, 0, 0]), EFAULT);
    let (b, mut bm) = fork_of(&mut e, a, &mut am);
    let (c, mut cm) = fork_of(&mut e, b, &mut bm);
    let (z, mut zm) = fork_of(&mut e, b, &mut bm);
    assert_eq!(sc_as(&k, b, &mut bm, nr::prctl, &[PR_GET_CHILD_SUBREAPER, ARG, 0, 0, 0]), 0);
    assert_eq!(u32::from_le_bytes(bm.get(ARG, 4).try_into().unwrap()), 0, "not inherited");
    // z dies first (a zombie of b), then b: both orphans go to a, not init.
    assert!(matches!(k.syscall(z, nr::exit_group, [9, 0, 0, 0, 0, 0], &mut zm), SyscallOutcome::Exit));
    assert!(matches!(k.syscall(b, nr::exit_group, [0, 0, 0, 0, 0, 0], &mut bm), SyscallOutcome::Exit));
    assert_eq!(sc_as(&k, c, &mut cm, nr::getppid, &[]), a);
    assert_eq!(sc_as(&k, a, &mut am, nr::waitid, &[P_PID, b as u32, BUF, WEXITED, 0]), 0);
    assert_eq!(sc_as(&k, a, &mut am, nr::waitid, &[P_PID, z as u32, BUF, WEXITED, 0]), 0, "adopted zombie reaped");
    assert_eq!(u32::from_le_bytes(am.get(BUF + 20, 4).try_into().unwrap()), 9);
    // With the subreaper gone, orphans go to init.
    assert!(matches!(k.syscall(a, nr::exit_group, [0, 0, 0, 0, 0, 0], &mut am), SyscallOutcome::Exit));
    assert_eq!(sc_as(&k, c, &mut cm, nr::getppid, &[]), 1);
}

trait Get {
    fn get(&self, addr: u32, len: usize) -> Vec<u8>;
}
impl Get for VecMemory {
    fn get(&self, addr: u32, len: usize) -> Vec<u8> {
        let mut b = vec![0; len];
        self.read(addr, &mut b).unwrap();
        b
    }
}

/// The signal init would run a handler for now, if any.
fn delivered(k: &Kernel, mem: &mut VecMemory) -> Option<u32> {
    match k.check_signals(1, mem, 0x8000) {
        SignalAction::Deliver(d) => Some(d.signo as u32),
        _ => None,
    }
}

#[test]
fn cpu_itimers_count_time_outside_syscalls() {
    let mut e = Env::new();
    let k = e.k.clone();
    // init receives only handled signals: give it handlers.
    let mut m = std::mem::take(&mut e.mem);
    assert_eq!(sigaction(&k, 1, &mut m, SIGVTALRM, 0x40), 0);
    assert_eq!(sigaction(&k, 1, &mut m, SIGPROF, 0x40), 0);
    e.mem = m;
    assert_eq!({ let it = itimerval(&mut e, ARG, 0, 1000); e.call(nr::setitimer, &[3, it, 0]) }, EINVAL);
    e.put(ARG, &[0u32, 0, 0, 1_000_000].map(u32::to_le_bytes).concat());
    assert_eq!(e.call(nr::setitimer, &[1, ARG, 0]), EINVAL, "tv_usec out of range");
    // Blocked in a syscall the virtual timer does not advance.
    assert_eq!({ let it = itimerval(&mut e, ARG, 0, 2_000_000); e.call(nr::setitimer, &[1, it, 0]) }, 0);
    e.put(BUF, &[0u64.to_le_bytes(), 100_000_000u64.to_le_bytes()].concat());
    assert_eq!(e.call(nr::clock_nanosleep_time64, &[1, 0, BUF, 0]), 0);
    assert_eq!(e.call(nr::getitimer, &[1, ARG + 64]), 0);
    let left = timeval_us(&e, ARG + 64 + 8);
    assert!(left > 1_950_000 && left <= 2_000_000, "virtual left {left}");
    // Running guest code (no syscall for 60 ms) expires a 20 ms periodic timer.
    assert_eq!({ let it = itimerval(&mut e, ARG, 20_000, 20_000); e.call(nr::setitimer, &[1, it, ARG + 64]) }, 0);
    assert!(timeval_us(&e, ARG + 64 + 8) > 1_900_000, "old value returned");
    std::thread::sleep(Duration::from_millis(60));
    assert!(k.signal_pending(1), "SIGVTALRM pending while busy");
    assert_eq!(delivered(&k, &mut e.mem), Some(SIGVTALRM));
    assert_eq!(e.call(nr::getitimer, &[1, ARG + 64]), 0);
    assert_eq!(timeval_us(&e, ARG + 64), 20_000, "interval");
    assert!(timeval_us(&e, ARG + 64 + 8) <= 20_000);
    assert_eq!({ let it = itimerval(&mut e, ARG, 0, 0); e.call(nr::setitimer, &[1, it, 0]) }, 0);
    assert_eq!(e.call(nr::getitimer, &[1, ARG + 64]), 0);
    assert_eq!(timeval_us(&e, ARG + 64 + 8), 0, "disarmed");
    // ITIMER_PROF fires too.
    assert_eq!({ let it = itimerval(&mut e, ARG, 0, 10_000); e.call(nr::setitimer, &[2, it, 0]) }, 0);
    std::thread::sleep(Duration::from_millis(40));
    assert_eq!(delivered(&k, &mut e.mem), Some(SIGPROF));
}

#[test]
fn rusage_and_times_from_cpu_accounting() {
    let mut e = Env::new();
    std::thread::sleep(Duration::from_millis(60)); // "running guest code"
    assert_eq!(e.call(nr::getrusage, &[0, BUF]), 0);
    let utime = timeval_us(&e, BUF);
    assert!(utime >= 50_000, "utime {utime}");
    assert_eq!(e.u32_at(BUF + 16), 1024, "ru_maxrss in KiB: the 1 MiB memory");
    assert_eq!(e.call(nr::getrusage, &[42, BUF]), EINVAL);
    assert!(e.call(nr::times, &[BUF]) >= 0);
    assert!(e.u32_at(BUF) >= 5, "tms_utime ticks");
    // clock_gettime(CLOCK_PROCESS_CPUTIME_ID) follows the same accounting.
    assert_eq!(e.call(nr::clock_gettime64, &[2, BUF]), 0);
    let cpu_ns = u64::from_le_bytes(e.get(BUF, 8).try_into().unwrap()) * 1_000_000_000 + u64::from(e.u32_at(BUF + 8));
    assert!((50_000_000..10_000_000_000).contains(&cpu_ns), "{cpu_ns}");
    // Children: counted once waited for.
    let (child, mut cm) = fork(&mut e);
    let k = e.k.clone();
    assert_eq!(e.call(nr::getrusage, &[(-1i32) as u32, BUF]), 0);
    assert_eq!(timeval_us(&e, BUF), 0);
    assert_eq!(sc_as(&k, child, &mut cm, nr::getpid, &[]), child);
    std::thread::sleep(Duration::from_millis(60));
    assert!(matches!(k.syscall(child, nr::exit_group, [0; 6], &mut cm), SyscallOutcome::Exit));
    assert_eq!(e.call(nr::waitid, &[P_PID, child as u32, BUF, WEXITED, 0]), 0);
    assert_eq!(e.call(nr::getrusage, &[(-1i32) as u32, BUF]), 0);
    assert!(timeval_us(&e, BUF) >= 50_000, "children utime");
    assert_eq!(e.u32_at(BUF + 16), 1024, "children maxrss");
    e.call(nr::times, &[BUF]);
    assert!(e.u32_at(BUF + 8) >= 5, "tms_cutime");
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

#[test]
fn init_sigtimedwait_receives_default_action_signal_from_child() {
    let mut e = Env::new();
    let k = e.k.clone();
    let (child, mut cm) = fork(&mut e);
    let mut m = e.mem.clone();
    let mask = signalfd_mask(&mut m, &[SIGUSR1]);
    assert_eq!(sc_as(&k, 1, &mut m, nr::rt_sigprocmask, &[0, mask, 0, 8]), 0);
    // {2 s, 0} timeout (time64 timespec).
    m.write(BUF, &[2u64.to_le_bytes(), 0u64.to_le_bytes()].concat()).unwrap();
    let k2 = k.clone();
    let waiter = std::thread::spawn(move || {
        let n = sc_as(&k2, 1, &mut m, nr::rt_sigtimedwait_time64, &[mask, BUF + 64, BUF, 8]);
        let mut b = [0u8; 16];
        m.read(BUF + 64, &mut b).unwrap();
        (n, u32::from_le_bytes(b[12..16].try_into().unwrap()))
    });
    std::thread::sleep(Duration::from_millis(50));
    // The waited-for signal is unblocked during the wait but still counts
    // as blocked (real_blocked): init does not discard it.
    assert_eq!(sc_as(&k, child, &mut cm, nr::kill, &[1, SIGUSR1]), 0);
    assert_eq!(waiter.join().unwrap(), (SIGUSR1 as i32, child as u32));
}
