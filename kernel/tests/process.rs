//! Tests of the syscall family in `kernel/src/syscall/process.rs`: tasks and processes: ids,
//! fork/clone, wait and reparenting, groups and sessions, credentials, umask and rlimits, execve,
//! rusage/times.
mod common;
use common::*;
use std::time::Duration;
use wasmlinux_kernel::syscall::nr;
use wasmlinux_kernel::*;

fn create(e: &mut Env, path: &str, data: &[u8], mode: u32) {
    e.cstr(0x6000, path);
    let fd = e.call(nr::openat, &[(-100i32) as u32, 0x6000, 0o1101, mode]);
    assert!(fd >= 0, "create {path}: {fd}");
    e.put(0x7000, data);
    assert_eq!(e.call(nr::write, &[fd as u32, 0x7000, data.len() as u32]), data.len() as i32);
    assert_eq!(e.call(nr::close, &[fd as u32]), 0);
}

#[test]
fn exit_ends_single_thread_process() {
    let mut e = Env::new();
    assert!(matches!(e.sc(nr::exit, &[0x102]), SyscallOutcome::Exit));
    assert_eq!(&*e.host.exited.lock().unwrap(), &[(1, ExitStatus::Exited(2))]);
}

#[test]
fn execve_wasm_and_scripts() {
    let mut e = Env::new();
    create(&mut e, "/prog", b"\0asm\x01\0\0\0", 0o755);
    create(&mut e, "/script", b"#!/prog -x\necho hi\n", 0o755);
    create(&mut e, "/loop", b"#!/loop\n", 0o755);
    create(&mut e, "/text", b"hello", 0o755);
    create(&mut e, "/noexec", b"\0asm", 0o644);
    // argv = ["script", "a"], envp = ["K=V"]
    e.cstr(0x6100, "script");
    e.cstr(0x6110, "a");
    e.cstr(0x6120, "K=V");
    e.put(
        0x6200,
        &[0x10, 0x61, 0, 0, 0x10, 0x61, 0, 0, 0, 0, 0, 0]
            .iter()
            .enumerate()
            .map(|(i, b)| if i == 0 { 0x00 } else { *b })
            .collect::<Vec<u8>>(),
    );
    let argv = [0x6100u32, 0x6110, 0].iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
    e.put(0x6200, &argv);
    let envp = [0x6120u32, 0].iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
    e.put(0x6300, &envp);
    // Close-on-exec descriptors go away at exec.
    assert_eq!(e.call(nr::dup3, &[1, 9, 0o2000000]), 9);
    e.cstr(0x6000, "/script");
    match e.sc(nr::execve, &[0x6000, 0x6200, 0x6300]) {
        SyscallOutcome::Exec(img) => {
            assert_eq!(img.path, "/prog");
            assert_eq!(img.argv, vec![b"/prog".to_vec(), b"-x".to_vec(), b"/script".to_vec(), b"a".to_vec()]);
            assert_eq!(img.envp, vec![b"K=V".to_vec()]);
            assert!(img.module.starts_with(b"\0asm"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(e.call(nr::close, &[9]), EBADF);
    e.cstr(0x6000, "/loop");
    assert_eq!(e.call(nr::execve, &[0x6000, 0x6200, 0x6300]), -40, "ELOOP");
    e.cstr(0x6000, "/text");
    assert_eq!(e.call(nr::execve, &[0x6000, 0x6200, 0x6300]), ENOEXEC);
    e.cstr(0x6000, "/noexec");
    assert_eq!(e.call(nr::execve, &[0x6000, 0x6200, 0x6300]), EACCES);
    e.cstr(0x6000, "/");
    assert_eq!(e.call(nr::execve, &[0x6000, 0x6200, 0x6300]), EACCES);
    e.cstr(0x6000, "prog");
    assert!(matches!(e.sc(nr::execveat, &[(-100i32) as u32, 0x6000, 0x6200, 0x6300, 0]), SyscallOutcome::Exec(_)));
    let img = e.k.resolve_exec(1, "/script", vec![b"s".to_vec()], vec![]).unwrap();
    assert_eq!(img.argv[0], b"/prog");
}

#[test]
fn orphans_are_reparented_to_the_nearest_subreaper() {
    let mut e = Env::new();
    let k = e.k.clone();
    const PR_SET_CHILD_SUBREAPER: u32 = 36;
    const PR_GET_CHILD_SUBREAPER: u32 = 37;
    let (a, mut am) = fork(&mut e);
    assert_eq!(csc(&k, a, &mut am, nr::prctl, &[PR_GET_CHILD_SUBREAPER, ARG, 0, 0, 0]), 0);
    assert_eq!(u32::from_le_bytes(am.get(ARG, 4).try_into().unwrap()), 0);
    assert_eq!(csc(&k, a, &mut am, nr::prctl, &[PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0]), 0);
    assert_eq!(csc(&k, a, &mut am, nr::prctl, &[PR_GET_CHILD_SUBREAPER, ARG, 0, 0, 0]), 0);
    assert_eq!(u32::from_le_bytes(am.get(ARG, 4).try_into().unwrap()), 1);
    assert_eq!(csc(&k, a, &mut am, nr::prctl, &[PR_GET_CHILD_SUBREAPER, 0xffff_fff0, 0, 0, 0]), EFAULT);
    let (b, mut bm) = fork_of(&mut e, a, &mut am);
    let (c, mut cm) = fork_of(&mut e, b, &mut bm);
    let (z, mut zm) = fork_of(&mut e, b, &mut bm);
    assert_eq!(csc(&k, b, &mut bm, nr::prctl, &[PR_GET_CHILD_SUBREAPER, ARG, 0, 0, 0]), 0);
    assert_eq!(u32::from_le_bytes(bm.get(ARG, 4).try_into().unwrap()), 0, "not inherited");
    // z dies first (a zombie of b), then b: both orphans go to a, not init.
    assert!(matches!(k.syscall(z, nr::exit_group, [9, 0, 0, 0, 0, 0], &mut zm), SyscallOutcome::Exit));
    assert!(matches!(k.syscall(b, nr::exit_group, [0, 0, 0, 0, 0, 0], &mut bm), SyscallOutcome::Exit));
    assert_eq!(csc(&k, c, &mut cm, nr::getppid, &[]), a);
    assert_eq!(csc(&k, a, &mut am, nr::waitid, &[P_PID, b as u32, BUF, WEXITED, 0]), 0);
    assert_eq!(csc(&k, a, &mut am, nr::waitid, &[P_PID, z as u32, BUF, WEXITED, 0]), 0, "adopted zombie reaped");
    assert_eq!(u32::from_le_bytes(am.get(BUF + 20, 4).try_into().unwrap()), 9);
    // With the subreaper gone, orphans go to init.
    assert!(matches!(k.syscall(a, nr::exit_group, [0, 0, 0, 0, 0, 0], &mut am), SyscallOutcome::Exit));
    assert_eq!(csc(&k, c, &mut cm, nr::getppid, &[]), 1);
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
    assert_eq!(csc(&k, child, &mut cm, nr::getpid, &[]), child);
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
    assert_eq!(ret(csc_outcome(&e.k, child, &mut cmem, nr::getppid, &[])), 1);
    assert_eq!(ret(csc_outcome(&e.k, child, &mut cmem, nr::getpid, &[])), child);
    assert_eq!(ret(csc_outcome(&e.k, child, &mut cmem, nr::getpgid, &[0])), 1);
    // Nothing ready yet: WNOHANG returns 0 with a zeroed siginfo.
    e.put(SCRATCH, &[0xff; 128]);
    assert_eq!(e.call(nr::waitid, &[P_ALL, 0, SCRATCH, WEXITED | WNOHANG, 0]), 0);
    assert_eq!(e.u32_at(SCRATCH), 0);
    assert_eq!(e.u32_at(SCRATCH + 12), 0);
    assert!(matches!(csc_outcome(&e.k, child, &mut cmem, nr::exit_group, &[7]), SyscallOutcome::Exit));
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
    assert_eq!(ret(csc_outcome(&e.k, grandchild, &mut gmem, nr::getppid, &[])), child);
    assert!(matches!(csc_outcome(&e.k, child, &mut cmem, nr::exit_group, &[0]), SyscallOutcome::Exit));
    assert_eq!(ret(csc_outcome(&e.k, grandchild, &mut gmem, nr::getppid, &[])), 1);
    assert!(matches!(csc_outcome(&e.k, grandchild, &mut gmem, nr::exit_group, &[1]), SyscallOutcome::Exit));
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
    assert!(matches!(csc_outcome(&e.k, child, &mut cmem, nr::exit, &[0]), SyscallOutcome::Exit));
    assert!(!e.k.signal_pending(1));
    assert_eq!(e.call(nr::waitid, &[P_PID, child as u32, SCRATCH, WEXITED, 0]), 0);
}

#[test]
fn process_groups_and_sessions() {
    let mut e = Env::new();
    assert_eq!(e.call(nr::setsid, &[]), EPERM, "init leads its group");
    let (child, mut cmem) = fork(&mut e);
    assert_eq!(e.call(nr::setpgid, &[child as u32, 0]), 0);
    assert_eq!(ret(csc_outcome(&e.k, child, &mut cmem, nr::getpgid, &[0])), child);
    assert_eq!(e.call(nr::setpgid, &[child as u32, 1]), 0);
    assert_eq!(e.call(nr::setpgid, &[child as u32, 4242]), EPERM);
    assert_eq!(e.call(nr::setpgid, &[child as u32, (-1i32) as u32]), EINVAL);
    assert_eq!(e.call(nr::setpgid, &[999, 0]), ESRCH);
    assert_eq!(ret(csc_outcome(&e.k, child, &mut cmem, nr::setsid, &[])), child);
    assert_eq!(ret(csc_outcome(&e.k, child, &mut cmem, nr::getsid, &[0])), child);
    assert_eq!(e.call(nr::getsid, &[child as u32]), child);
    assert_eq!(e.call(nr::setpgid, &[child as u32, 0]), EPERM, "other session");
    assert_eq!(ret(csc_outcome(&e.k, child, &mut cmem, nr::setpgid, &[0, 0])), EPERM, "session leader");
    assert_eq!(ret(csc_outcome(&e.k, child, &mut cmem, nr::setsid, &[])), EPERM);
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

/// The first process starts in `InitSpec::cwd` or not at all.
#[test]
fn spawn_init_fails_on_a_cwd_it_cannot_enter() {
    let spec =
        |cwd: &str| InitSpec { argv: vec![b"/sbin/init".to_vec()], envp: vec![], cwd: cwd.into(), uid: 0, gid: 0 };
    let k = Kernel::new(KernelConfig::default(), FakeHost::new()).unwrap();
    assert_eq!(k.spawn_init(spec("/no/such/dir")), Err(wasmlinux_kernel::error::Errno::ENOENT));
    assert_eq!(k.spawn_init(spec("/dev/null")), Err(wasmlinux_kernel::error::Errno::ENOTDIR));
    assert_eq!(k.spawn_init(spec("/tmp")), Ok(1));
}
