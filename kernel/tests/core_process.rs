//! Process, identity, credential, wait and scheduling syscalls through the
//! raw entry.
mod common;
use common::*;
use wasmlinux_kernel::syscall::nr;
use wasmlinux_kernel::*;

const SIGCHLD: u32 = 17;
const WEXITED: u32 = 4;
const WNOHANG: u32 = 1;
const WNOWAIT: u32 = 0x0100_0000;
const P_ALL: u32 = 0;
const P_PID: u32 = 1;
const P_PGID: u32 = 2;

fn fork(e: &mut Env) -> (Tid, VecMemory) {
    assert!(matches!(e.sc(nr::clone, &[SIGCHLD, 0, 0, 0, 0]), SyscallOutcome::Fork { flags: SIGCHLD }));
    let child = e.k.fork(1, SIGCHLD).unwrap();
    (child, e.mem.clone())
}

fn csc(e: &Env, tid: Tid, mem: &mut VecMemory, n: u32, args: &[u32]) -> SyscallOutcome {
    let mut a = [0u32; 6];
    a[..args.len()].copy_from_slice(args);
    e.k.syscall(tid, n, a, mem)
}

#[test]
fn ids_and_tid_address() {
    let mut e = Env::new();
    assert_eq!(e.call(nr::getpid, &[]), 1);
    assert_eq!(e.call(nr::gettid, &[]), 1);
    assert_eq!(e.call(nr::getppid, &[]), 0);
    assert_eq!(e.call(nr::set_tid_address, &[SCRATCH]), 1);
    assert_eq!(e.call(nr::getpgid, &[0]), 1);
    assert_eq!(e.call(nr::getpgid, &[999]), ESRCH);
    assert_eq!(e.call(nr::getsid, &[0]), 1);
    assert_eq!(e.call(nr::getsid, &[999]), ESRCH);
    assert_eq!(e.call(nr::getuid, &[]), 0);
    assert_eq!(e.call(nr::geteuid, &[]), 0);
    assert_eq!(e.call(nr::getgid, &[]), 0);
    assert_eq!(e.call(nr::getegid, &[]), 0);
}

#[test]
fn fork_wait_and_reparent() {
    let mut e = Env::new();
    let (child, mut cmem) = fork(&mut e);
    assert!(child > 1);
    assert_eq!(ret(csc(&e, child, &mut cmem, nr::getppid, &[])), 1);
    assert_eq!(ret(csc(&e, child, &mut cmem, nr::getpid, &[])), child);
    assert_eq!(ret(csc(&e, child, &mut cmem, nr::getpgid, &[0])), 1);
    // Nothing ready yet: WNOHANG returns 0 with a zeroed siginfo.
    e.put(SCRATCH, &[0xff; 128]);
    assert_eq!(e.call(nr::waitid, &[P_ALL, 0, SCRATCH, WEXITED | WNOHANG, 0]), 0);
    assert_eq!(e.u32_at(SCRATCH), 0);
    assert_eq!(e.u32_at(SCRATCH + 12), 0);
    assert!(matches!(csc(&e, child, &mut cmem, nr::exit_group, &[7]), SyscallOutcome::Exit));
    // WNOWAIT peeks, then the real wait reaps.
    assert_eq!(e.call(nr::waitid, &[P_PID, child as u32, SCRATCH, WEXITED | WNOWAIT, 0]), 0);
    assert_eq!(e.u32_at(SCRATCH), SIGCHLD);
    assert_eq!(e.u32_at(SCRATCH + 8), 1, "CLD_EXITED");
    assert_eq!(e.u32_at(SCRATCH + 12), child as u32);
    assert_eq!(e.u32_at(SCRATCH + 20), 7);
    assert_eq!(e.call(nr::waitid, &[P_ALL, 0, SCRATCH, WEXITED, SCRATCH + 256]), 0);
    assert_eq!(e.u32_at(SCRATCH + 12), child as u32);
    assert_eq!(e.call(nr::waitid, &[P_ALL, 0, SCRATCH, WEXITED, 0]), ECHILD);
    assert_eq!(e.call(nr::waitid, &[P_PIDFD, 0, SCRATCH, WEXITED, 0]), EINVAL);
    assert_eq!(e.call(nr::waitid, &[P_ALL, 0, SCRATCH, 0, 0]), EINVAL);
    assert_eq!(e.call(nr::waitid, &[P_ALL, 0, SCRATCH, WEXITED | 0x100, 0]), EINVAL);
    // SIGCHLD's default action is to ignore: nothing stays pending.
    assert!(!e.k.signal_pending(1));
}
const P_PIDFD: u32 = 3;

#[test]
fn wait_blocks_until_child_exits() {
    let mut e = Env::new();
    let (child, mut cmem) = fork(&mut e);
    let k = e.k.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(50));
        let _ = k.syscall(child, nr::exit_group, [3, 0, 0, 0, 0, 0], &mut cmem);
    });
    assert_eq!(e.call(nr::waitid, &[P_PGID, 0, SCRATCH, WEXITED, 0]), 0);
    assert_eq!(e.u32_at(SCRATCH + 12), child as u32);
    assert_eq!(e.u32_at(SCRATCH + 20), 3);
    t.join().unwrap();
}

#[test]
fn grandchildren_are_reparented_to_init() {
    let mut e = Env::new();
    let (child, mut cmem) = fork(&mut e);
    let grandchild = e.k.fork(child, SIGCHLD).unwrap();
    let mut gmem = cmem.clone();
    assert_eq!(ret(csc(&e, grandchild, &mut gmem, nr::getppid, &[])), child);
    assert!(matches!(csc(&e, child, &mut cmem, nr::exit_group, &[0]), SyscallOutcome::Exit));
    assert_eq!(ret(csc(&e, grandchild, &mut gmem, nr::getppid, &[])), 1);
    assert!(matches!(csc(&e, grandchild, &mut gmem, nr::exit_group, &[1]), SyscallOutcome::Exit));
    let mut seen = vec![];
    for _ in 0..2 {
        assert_eq!(e.call(nr::waitid, &[P_ALL, 0, SCRATCH, WEXITED, 0]), 0);
        seen.push(e.u32_at(SCRATCH + 12) as i32);
    }
    seen.sort();
    assert_eq!(seen, vec![child, grandchild]);
}

#[test]
fn clone_flags_and_exit_signal() {
    let mut e = Env::new();
    assert_eq!(e.call(nr::clone, &[0x0001_0000 | 0x100 | 0x800, 0, 0, 0, 0]), ENOSYS, "threads");
    assert_eq!(e.call(nr::clone, &[0x100, 0, 0, 0, 0]), ENOSYS, "CLONE_VM without VFORK");
    assert_eq!(e.call(nr::clone, &[0x0002_0000 | SIGCHLD, 0, 0, 0, 0]), EINVAL, "CLONE_NEWNS");
    assert!(matches!(e.sc(nr::clone, &[0x4000 | 0x100 | SIGCHLD, 0, 0, 0, 0]), SyscallOutcome::Fork { .. }), "vfork");
    // A child with exit signal 0 sends nothing.
    let child = e.k.fork(1, 0).unwrap();
    let mut cmem = e.mem.clone();
    assert!(matches!(csc(&e, child, &mut cmem, nr::exit, &[0]), SyscallOutcome::Exit));
    assert!(!e.k.signal_pending(1));
    assert_eq!(e.call(nr::waitid, &[P_PID, child as u32, SCRATCH, WEXITED, 0]), 0);
}

#[test]
fn process_groups_and_sessions() {
    let mut e = Env::new();
    assert_eq!(e.call(nr::setsid, &[]), EPERM, "init leads its group");
    let (child, mut cmem) = fork(&mut e);
    assert_eq!(e.call(nr::setpgid, &[child as u32, 0]), 0);
    assert_eq!(ret(csc(&e, child, &mut cmem, nr::getpgid, &[0])), child);
    assert_eq!(e.call(nr::setpgid, &[child as u32, 1]), 0);
    assert_eq!(e.call(nr::setpgid, &[child as u32, 4242]), EPERM);
    assert_eq!(e.call(nr::setpgid, &[child as u32, (-1i32) as u32]), EINVAL);
    assert_eq!(e.call(nr::setpgid, &[999, 0]), ESRCH);
    assert_eq!(ret(csc(&e, child, &mut cmem, nr::setsid, &[])), child);
    assert_eq!(ret(csc(&e, child, &mut cmem, nr::getsid, &[0])), child);
    assert_eq!(e.call(nr::getsid, &[child as u32]), child);
    assert_eq!(e.call(nr::setpgid, &[child as u32, 0]), EPERM, "other session");
    assert_eq!(ret(csc(&e, child, &mut cmem, nr::setpgid, &[0, 0])), EPERM, "session leader");
    assert_eq!(ret(csc(&e, child, &mut cmem, nr::setsid, &[])), EPERM);
}

#[test]
fn credentials_root_and_unprivileged() {
    let mut e = Env::new();
    assert_eq!(e.call(nr::setresuid, &[1000, 1000, 0]), 0);
    assert_eq!(e.call(nr::getresuid, &[SCRATCH, SCRATCH + 4, SCRATCH + 8]), 0);
    assert_eq!((e.u32_at(SCRATCH), e.u32_at(SCRATCH + 4), e.u32_at(SCRATCH + 8)), (1000, 1000, 0));
    assert_eq!(e.call(nr::getresuid, &[0xffff_fff0, 0, 0]), EFAULT);
    // Saved uid 0 lets us back.
    assert_eq!(e.call(nr::setreuid, &[u32::MAX, 0]), 0);
    assert_eq!(e.call(nr::geteuid, &[]), 0);
    assert_eq!(e.call(nr::setgroups, &[2, 0]), EFAULT);
    e.put(SCRATCH, &[5, 0, 0, 0, 3, 0, 0, 0]);
    assert_eq!(e.call(nr::setgroups, &[2, SCRATCH]), 0);
    assert_eq!(e.call(nr::getgroups, &[0, 0]), 2);
    assert_eq!(e.call(nr::getgroups, &[1, SCRATCH + 64]), EINVAL);
    assert_eq!(e.call(nr::getgroups, &[2, SCRATCH + 64]), 2);
    assert_eq!(e.u32_at(SCRATCH + 64), 3);
    assert_eq!(e.call(nr::setgroups, &[70000, SCRATCH]), EINVAL);
    assert_eq!(e.call(nr::setresgid, &[10, 20, 30]), 0);
    assert_eq!(e.call(nr::getresgid, &[SCRATCH, SCRATCH + 4, SCRATCH + 8]), 0);
    assert_eq!((e.u32_at(SCRATCH), e.u32_at(SCRATCH + 4), e.u32_at(SCRATCH + 8)), (10, 20, 30));
    assert_eq!(e.call(nr::setregid, &[20, u32::MAX]), 0);
    assert_eq!(e.call(nr::getgid, &[]), 20);
    assert_eq!(e.call(nr::setgid, &[7]), 0);
    assert_eq!(e.call(nr::getegid, &[]), 7);
    assert_eq!(e.call(nr::setfsgid, &[8]), 7);
    assert_eq!(e.call(nr::setfsgid, &[u32::MAX]), 8);
    // Become an ordinary user for good.
    assert_eq!(e.call(nr::setuid, &[1000]), 0);
    assert_eq!(e.call(nr::getuid, &[]), 1000);
    assert_eq!(e.call(nr::setuid, &[0]), EPERM);
    assert_eq!(e.call(nr::setuid, &[u32::MAX]), EINVAL);
    assert_eq!(e.call(nr::setreuid, &[0, u32::MAX]), EPERM);
    assert_eq!(e.call(nr::setresuid, &[u32::MAX, 0, u32::MAX]), EPERM);
    assert_eq!(e.call(nr::setgroups, &[0, 0]), EPERM);
    assert_eq!(e.call(nr::setgid, &[0]), EPERM);
    assert_eq!(e.call(nr::setregid, &[0, 0]), EPERM);
    assert_eq!(e.call(nr::setresgid, &[0, 0, 0]), EPERM);
    // setfsuid returns the old value even when refused.
    assert_eq!(e.call(nr::setfsuid, &[0]), 1000);
    assert_eq!(e.call(nr::setfsuid, &[u32::MAX]), 1000);
}

#[test]
fn umask_and_rlimits() {
    let mut e = Env::new();
    assert_eq!(e.call(nr::umask, &[0o077]), 0o022);
    assert_eq!(e.call(nr::umask, &[0o7022]), 0o077);
    assert_eq!(e.call(nr::umask, &[0]), 0o022);
    // prlimit64: read NOFILE, lower it, EMFILE after.
    assert_eq!(e.call(nr::prlimit64, &[0, 7, 0, SCRATCH]), 0);
    assert_eq!(u64::from_le_bytes(e.get(SCRATCH, 8).try_into().unwrap()), 1024);
    let mut lim = Vec::new();
    lim.extend_from_slice(&4u64.to_le_bytes());
    lim.extend_from_slice(&4096u64.to_le_bytes());
    e.put(SCRATCH, &lim);
    assert_eq!(e.call(nr::prlimit64, &[0, 7, SCRATCH, 0]), 0);
    e.put(SCRATCH + 32, &[0; 16]);
    assert_eq!(e.call(nr::prlimit64, &[1, 7, 0, SCRATCH + 32]), 0);
    assert_eq!(u64::from_le_bytes(e.get(SCRATCH + 32, 8).try_into().unwrap()), 4);
    assert_eq!(e.call(nr::prlimit64, &[0, 16, 0, SCRATCH]), EINVAL);
    assert_eq!(e.call(nr::prlimit64, &[999, 7, 0, SCRATCH]), ESRCH);
    assert_eq!(e.call(nr::prlimit64, &[0, 7, 0xffff_fff8, 0]), EFAULT);
    let mut bad = Vec::new();
    bad.extend_from_slice(&10u64.to_le_bytes());
    bad.extend_from_slice(&5u64.to_le_bytes());
    e.put(SCRATCH, &bad);
    assert_eq!(e.call(nr::prlimit64, &[0, 7, SCRATCH, 0]), EINVAL);
    // An unprivileged process may not raise a hard limit.
    assert_eq!(e.call(nr::setuid, &[1000]), 0);
    let mut up = Vec::new();
    up.extend_from_slice(&10u64.to_le_bytes());
    up.extend_from_slice(&10000u64.to_le_bytes());
    e.put(SCRATCH, &up);
    assert_eq!(e.call(nr::prlimit64, &[0, 7, SCRATCH, 0]), EPERM);
}

#[test]
fn uname_hostname_sysinfo() {
    let mut e = Env::new();
    assert_eq!(e.call(nr::uname, &[SCRATCH]), 0);
    assert_eq!(&e.get(SCRATCH, 6), b"Linux\0");
    assert_eq!(&e.get(SCRATCH + 65, 10), b"wasmlinux\0");
    assert_eq!(&e.get(SCRATCH + 65 * 4, 7), b"wasm32\0");
    assert_eq!(e.call(nr::uname, &[0xffff_ff00]), EFAULT);
    e.put(SCRATCH + 1024, b"box");
    assert_eq!(e.call(nr::sethostname, &[SCRATCH + 1024, 3]), 0);
    assert_eq!(e.call(nr::sethostname, &[SCRATCH + 1024, 65]), EINVAL);
    assert_eq!(e.call(nr::setdomainname, &[SCRATCH + 1024, 2]), 0);
    assert_eq!(e.call(nr::uname, &[SCRATCH]), 0);
    assert_eq!(&e.get(SCRATCH + 65, 4), b"box\0");
    assert_eq!(&e.get(SCRATCH + 65 * 5, 3), b"bo\0");
    assert_eq!(e.call(nr::setuid, &[5]), 0);
    assert_eq!(e.call(nr::sethostname, &[SCRATCH + 1024, 3]), EPERM);
    assert_eq!(e.call(nr::setdomainname, &[SCRATCH + 1024, 3]), EPERM);
    assert_eq!(e.call(nr::sysinfo, &[SCRATCH]), 0);
    assert_eq!(e.u32_at(SCRATCH + 52), 1, "mem_unit");
    assert!(e.u32_at(SCRATCH + 16) > 0);
    assert_eq!(e.call(nr::sysinfo, &[0xffff_fff0]), EFAULT);
}

#[test]
fn getrandom_times_rusage() {
    let mut e = Env::new();
    assert_eq!(e.call(nr::getrandom, &[SCRATCH, 64, 0]), 64);
    assert_ne!(e.get(SCRATCH, 64), vec![0; 64]);
    assert_eq!(e.call(nr::getrandom, &[SCRATCH, 16, 8]), EINVAL);
    assert_eq!(e.call(nr::getrandom, &[SCRATCH, 16, 6]), EINVAL);
    assert_eq!(e.call(nr::getrandom, &[0xffff_fff0, 64, 1]), EFAULT);
    assert!(e.call(nr::times, &[SCRATCH]) >= 0);
    assert!(e.call(nr::times, &[0]) >= 0);
    assert_eq!(e.call(nr::times, &[0xffff_fffc]), EFAULT);
    assert_eq!(e.call(nr::getrusage, &[0, SCRATCH]), 0);
    assert_eq!(e.call(nr::getrusage, &[(-1i32) as u32, SCRATCH]), 0);
    assert_eq!(e.call(nr::getrusage, &[5, SCRATCH]), EINVAL);
    assert_eq!(e.call(nr::getrusage, &[0, 0xffff_fff0]), EFAULT);
}

#[test]
fn personality_prctl_getcpu_membarrier() {
    let mut e = Env::new();
    assert_eq!(e.call(nr::personality, &[u32::MAX]), 0);
    assert_eq!(e.call(nr::personality, &[0x0040_0000]), 0);
    assert_eq!(e.call(nr::personality, &[u32::MAX]), 0x0040_0000);
    assert_eq!(e.call(nr::personality, &[1]), EINVAL);
    e.cstr(SCRATCH, "worker-thread-name-long");
    assert_eq!(e.call(nr::prctl, &[15, SCRATCH]), 0);
    assert_eq!(e.call(nr::prctl, &[16, SCRATCH + 100]), 0);
    assert_eq!(&e.get(SCRATCH + 100, 16), b"worker-thread-n\0");
    assert_eq!(e.call(nr::prctl, &[16, 0xffff_fff8]), EFAULT);
    assert_eq!(e.call(nr::prctl, &[3]), 1);
    assert_eq!(e.call(nr::prctl, &[38, 1, 0, 0, 0]), 0);
    assert_eq!(e.call(nr::prctl, &[38, 2, 0, 0, 0]), EINVAL);
    assert_eq!(e.call(nr::prctl, &[9999]), EINVAL);
    assert_eq!(e.call(nr::getcpu, &[SCRATCH, SCRATCH + 4, 0]), 0);
    assert_eq!(e.call(nr::getcpu, &[0, 0, 0]), 0);
    assert_eq!(e.call(nr::getcpu, &[0xffff_fffe, 0, 0]), EFAULT);
    assert!(e.call(nr::membarrier, &[0, 0, 0]) > 0);
    assert_eq!(e.call(nr::membarrier, &[1, 0, 0]), 0);
    assert_eq!(e.call(nr::membarrier, &[1, 1, 0]), EINVAL);
    assert_eq!(e.call(nr::membarrier, &[3, 0, 0]), EINVAL);
}

#[test]
fn scheduling() {
    let mut e = Env::new();
    assert_eq!(e.call(nr::sched_yield, &[]), 0);
    assert_eq!(e.call(nr::sched_getaffinity, &[0, 128, SCRATCH]), 4);
    assert_eq!(e.u32_at(SCRATCH), 1);
    assert_eq!(e.call(nr::sched_getaffinity, &[0, 2, SCRATCH]), EINVAL);
    assert_eq!(e.call(nr::sched_getaffinity, &[77, 128, SCRATCH]), ESRCH);
    assert_eq!(e.call(nr::sched_getaffinity, &[0, 128, 0xffff_fffe]), EFAULT);
    assert_eq!(e.call(nr::sched_setaffinity, &[0, 4, SCRATCH]), 0);
    e.put(SCRATCH, &[2, 0, 0, 0]);
    assert_eq!(e.call(nr::sched_setaffinity, &[0, 4, SCRATCH]), EINVAL);
    assert_eq!(e.call(nr::sched_getscheduler, &[0]), 0);
    assert_eq!(e.call(nr::sched_getscheduler, &[(-1i32) as u32]), EINVAL);
    assert_eq!(e.call(nr::sched_getparam, &[0, SCRATCH]), 0);
    assert_eq!(e.call(nr::sched_getparam, &[99, SCRATCH]), ESRCH);
    e.put(SCRATCH, &[0; 4]);
    assert_eq!(e.call(nr::sched_setparam, &[0, SCRATCH]), 0);
    assert_eq!(e.call(nr::sched_setscheduler, &[0, 3, SCRATCH]), 0);
    e.put(SCRATCH, &[10, 0, 0, 0]);
    assert_eq!(e.call(nr::sched_setparam, &[0, SCRATCH]), EINVAL);
    assert_eq!(e.call(nr::sched_setscheduler, &[0, 1, SCRATCH]), EPERM);
    assert_eq!(e.call(nr::sched_setscheduler, &[0, 42, SCRATCH]), EINVAL);
    assert_eq!(e.call(nr::sched_get_priority_max, &[1]), 99);
    assert_eq!(e.call(nr::sched_get_priority_min, &[1]), 1);
    assert_eq!(e.call(nr::sched_get_priority_max, &[0]), 0);
    assert_eq!(e.call(nr::sched_get_priority_min, &[7]), EINVAL);
    assert_eq!(e.call(nr::sched_get_priority_max, &[7]), EINVAL);
    assert_eq!(e.call(nr::sched_rr_get_interval_time64, &[0, SCRATCH]), 0);
    assert_eq!(e.call(nr::sched_rr_get_interval_time64, &[0, 0xffff_fff8]), EFAULT);
    assert_eq!(e.call(nr::getpriority, &[0, 0]), 20);
    assert_eq!(e.call(nr::getpriority, &[0, 999]), ESRCH);
    assert_eq!(e.call(nr::getpriority, &[9, 0]), EINVAL);
    assert_eq!(e.call(nr::setpriority, &[0, 0, 5]), 0);
    assert_eq!(e.call(nr::setuid, &[3]), 0);
    assert_eq!(e.call(nr::setpriority, &[0, 0, (-5i32) as u32]), EACCES);
}

#[test]
fn execve_errors_without_files() {
    let mut e = Env::new();
    e.cstr(SCRATCH, "/no/such/prog");
    e.put(SCRATCH + 64, &[0; 4]);
    assert_eq!(e.call(nr::execve, &[SCRATCH, SCRATCH + 64, SCRATCH + 64]), ENOENT);
    assert_eq!(e.call(nr::execve, &[0xffff_fff0, 0, 0]), EFAULT);
    assert_eq!(e.call(nr::execveat, &[(-100i32) as u32, SCRATCH, 0, 0, 0x1]), EINVAL);
    assert_eq!(e.call(nr::execveat, &[(-100i32) as u32, SCRATCH, 0, 0, 0]), ENOENT);
    e.cstr(SCRATCH, "");
    assert_eq!(e.call(nr::execve, &[SCRATCH, 0, 0]), ENOENT);
    assert!(e.k.resolve_exec(1, "/nothing", vec![], vec![]).is_err());
}

/// RLIMIT_NPROC is resource 6 in the guest ABI (5 is RLIMIT_RSS, which Linux
/// does not enforce): lowering RSS leaves fork alone, lowering NPROC makes an
/// unprivileged fork fail with EAGAIN.
#[test]
fn rlimit_nproc_is_index_6() {
    let mut e = Env::new();
    assert_eq!(e.call(nr::setuid, &[1000]), 0);
    let mut one = Vec::new();
    one.extend_from_slice(&1u64.to_le_bytes());
    one.extend_from_slice(&1u64.to_le_bytes());
    e.put(SCRATCH, &one);
    assert_eq!(e.call(nr::prlimit64, &[0, 5, SCRATCH, 0]), 0);
    let child = e.k.fork(1, SIGCHLD).expect("RLIMIT_RSS does not limit fork");
    assert!(child > 1);
    assert_eq!(e.call(nr::prlimit64, &[0, 6, SCRATCH, 0]), 0);
    assert_eq!(e.k.fork(1, SIGCHLD), Err(wasmlinux_kernel::error::Errno::EAGAIN));
    // The default soft limit reads back at index 6.
    let mut f = Env::new();
    assert_eq!(f.call(nr::prlimit64, &[0, 6, 0, SCRATCH]), 0);
    assert_eq!(u64::from_le_bytes(f.get(SCRATCH, 8).try_into().unwrap()), 4096);
}
