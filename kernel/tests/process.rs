//! Tests of the syscall family in `kernel/src/syscall/process.rs`: tasks and processes: ids,
//! fork/clone, wait and reparenting, groups and sessions, credentials, umask and rlimits, execve,
//! rusage/times.
mod common;
use common::*;
use std::time::Duration;
use wasmlinux_kernel::error::Errno;
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
    assert_eq!(e.call(nr::clone, &[0x0001_0000 | 0x100 | 0x800, 0, 0, 0, 0]), EINVAL, "thread without FS|FILES");
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

// ---- threads ----

#[test]
fn clone_thread_flags_are_checked_like_linux() {
    let mut e = Env::new();
    let cl = |e: &mut Env, flags: u32, stack: u32| e.call(nr::clone, &[flags, stack, 0, 0, 0]);
    let st = THREAD_STACK;
    assert_eq!(cl(&mut e, CLONE_THREAD | CLONE_VM | CLONE_FS | CLONE_FILES, st), EINVAL, "THREAD without SIGHAND");
    assert_eq!(cl(&mut e, CLONE_SIGHAND | CLONE_FS | CLONE_FILES, st), EINVAL, "SIGHAND without VM");
    assert_eq!(cl(&mut e, CLONE_SIGHAND | CLONE_THREAD, st), EINVAL, "neither VM");
    assert_eq!(cl(&mut e, THREAD_FLAGS | 0x1000, st), EINVAL, "CLONE_PIDFD with THREAD");
    assert_eq!(cl(&mut e, THREAD_FLAGS | 0x2000_0000, st), EINVAL, "CLONE_NEWPID with THREAD");
    assert_eq!(cl(&mut e, THREAD_FLAGS | 0x1000_0000, st), EINVAL, "CLONE_NEWUSER with FS");
    assert_eq!(cl(&mut e, CLONE_FS | 0x0002_0000 | SIGCHLD, 0), EINVAL, "CLONE_NEWNS with FS");
    assert_eq!(cl(&mut e, 0x1000 | CLONE_PARENT_SETTID | SIGCHLD, 0), EINVAL, "PIDFD with PARENT_SETTID");
    assert_eq!(cl(&mut e, CLONE_VM | CLONE_SIGHAND | SIGCHLD, 0), ENOSYS, "process sharing memory");
    assert_eq!(cl(&mut e, CLONE_VM | SIGCHLD, 0), ENOSYS);
    assert_eq!(cl(&mut e, THREAD_FLAGS & !CLONE_FS, st), EINVAL, "tables are per process");
    assert_eq!(cl(&mut e, THREAD_FLAGS & !CLONE_FILES, st), EINVAL);
    assert_eq!(cl(&mut e, THREAD_FLAGS, 0), EINVAL, "a thread needs a stack");
    assert_eq!(cl(&mut e, 100, 0), EINVAL, "bad exit signal");
    match e.sc(nr::clone, &[THREAD_FLAGS | CLONE_SETTLS | CLONE_DETACHED, st, 0, 0x5000, 0]) {
        SyscallOutcome::Thread(r) => {
            assert_eq!((r.stack, r.tls), (st, 0x5000));
            assert_eq!(r.flags, THREAD_FLAGS | CLONE_SETTLS | CLONE_DETACHED);
        }
        o => panic!("{o:?}"),
    }
    // clone_thread checks again.
    let req = ThreadRequest { flags: THREAD_FLAGS, stack: 0, parent_tid: 0, tls: 0, child_tid: 0 };
    assert_eq!(e.k.clone_thread(1, &req, &mut e.mem), Err(Errno::EINVAL));
    let req = ThreadRequest { flags: CLONE_VM | SIGCHLD, stack: st, parent_tid: 0, tls: 0, child_tid: 0 };
    assert_eq!(e.k.clone_thread(1, &req, &mut e.mem), Err(Errno::ENOSYS));
    let req = ThreadRequest { flags: THREAD_FLAGS, stack: st, parent_tid: 0, tls: 0, child_tid: 0 };
    assert_eq!(e.k.clone_thread(4242, &req, &mut e.mem), Err(Errno::ESRCH), "ESRCH");
}

const CLONE_DETACHED: u32 = 0x40_0000;

#[test]
fn thread_ids_settid_and_shared_process() {
    let mut e = Env::new();
    let (pid, mut m) = threaded_process(&mut e);
    let t = spawn_thread(&e.k, pid, &mut m, CLONE_PARENT_SETTID | CLONE_CHILD_SETTID, 0x6000, 0x6004);
    assert_ne!(t, pid);
    assert_eq!((m.u32_at(0x6000), m.u32_at(0x6004)), (t as u32, t as u32));
    assert_eq!(tsc(&e.k, t, &mut m, nr::getpid, &[]), pid);
    assert_eq!(tsc(&e.k, t, &mut m, nr::gettid, &[]), t);
    assert_eq!(tsc(&e.k, t, &mut m, nr::getppid, &[]), 1);
    assert_eq!(tsc(&e.k, pid, &mut m, nr::gettid, &[]), pid);
    // The fd table is the process's: a descriptor opened by one thread is
    // there for the other.
    let fd = tsc(&e.k, t, &mut m, nr::dup, &[1]);
    assert!(fd > 2);
    assert_eq!(tsc(&e.k, pid, &mut m, nr::close, &[fd as u32]), 0);
    // EFAULT on a tid pointer fails before the task exists.
    let req = ThreadRequest {
        flags: THREAD_FLAGS | CLONE_PARENT_SETTID,
        stack: THREAD_STACK,
        parent_tid: 0x10,
        tls: 0,
        child_tid: 0,
    };
    assert_eq!(e.k.clone_thread(pid, &req, &mut m), Err(Errno::EFAULT));
    let req = ThreadRequest {
        flags: THREAD_FLAGS | CLONE_CHILD_SETTID,
        stack: THREAD_STACK,
        parent_tid: 0,
        tls: 0,
        child_tid: 0xffff_fff0,
    };
    assert_eq!(e.k.clone_thread(pid, &req, &mut m), Err(Errno::EFAULT));
    // A thread whose start failed disappears silently (no tid was used by
    // the failed calls).
    let t2 = spawn_thread(&e.k, pid, &mut m, 0, 0, 0);
    assert_eq!(t2, t + 1);
    e.k.thread_start_failed(t2);
    assert_eq!(tsc(&e.k, t2, &mut m, nr::gettid, &[]), ESRCH);
    // The signal mask is copied from the creator.
    let mut set = 0u64.to_le_bytes().to_vec();
    set[1] = 0x02; // SIGUSR1 (bit 9) -> byte 1 bit 1
    m.put(0x6100, &set);
    assert_eq!(tsc(&e.k, t, &mut m, nr::rt_sigprocmask, &[0, 0x6100, 0, 8]), 0);
    let t3 = spawn_thread(&e.k, t, &mut m, 0, 0, 0);
    assert_eq!(tsc(&e.k, t3, &mut m, nr::rt_sigprocmask, &[0, 0, 0x6200, 8]), 0);
    assert_eq!(m.get(0x6200, 8), set);
}

#[test]
fn rlimit_nproc_counts_threads() {
    let mut e = Env::new();
    let (pid, mut m) = threaded_process(&mut e);
    assert_eq!(tsc(&e.k, pid, &mut m, nr::setuid, &[1000]), 0);
    // RLIMIT_NPROC = 2: the process and one thread.
    m.put(0x6000, &[2, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(tsc(&e.k, pid, &mut m, nr::prlimit64, &[0, 6, 0x6000, 0]), 0);
    let _t = spawn_thread(&e.k, pid, &mut m, 0, 0, 0);
    assert_eq!(tsc(&e.k, pid, &mut m, nr::clone, &[THREAD_FLAGS, THREAD_STACK, 0, 0, 0]), EAGAIN);
    assert_eq!(tsc(&e.k, pid, &mut m, nr::clone, &[SIGCHLD, 0, 0, 0, 0]), EAGAIN);
}

#[test]
fn thread_exit_clears_tid_and_wakes_joiner_and_last_thread_ends_process() {
    let mut e = Env::new();
    let (pid, mut m) = threaded_process(&mut e);
    m.put_u32(0x6000, 0);
    let t = spawn_thread(&e.k, pid, &mut m, CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID, 0, 0x6000);
    assert_eq!(m.u32_at(0x6000), t as u32);
    // The leader waits on the tid word (pthread_join).
    let k = e.k.clone();
    let mut lm = m.clone();
    let joiner = std::thread::spawn(move || tsc(&k, pid, &mut lm, nr::futex_time64, &[0x6000, 0, t as u32, 0, 0, 0]));
    std::thread::sleep(Duration::from_millis(50));
    assert!(matches!(tsc_outcome(&e.k, t, &mut m, nr::exit, &[5]), SyscallOutcome::Exit));
    assert_eq!(joiner.join().unwrap(), 0);
    assert_eq!(m.u32_at(0x6000), 0);
    assert!(e.host.exited.lock().unwrap().is_empty(), "the process goes on");
    assert_eq!(tsc(&e.k, t, &mut m, nr::gettid, &[]), ESRCH);
    // The leader leaves with exit(3) first, then another thread with exit(9):
    // the process's status is the leader's code, as on Linux.
    let t2 = spawn_thread(&e.k, pid, &mut m, 0, 0, 0);
    assert!(matches!(tsc_outcome(&e.k, pid, &mut m, nr::exit, &[3]), SyscallOutcome::Exit));
    assert_eq!(tsc(&e.k, t2, &mut m, nr::getpid, &[]), pid);
    assert!(matches!(tsc_outcome(&e.k, t2, &mut m, nr::exit, &[9]), SyscallOutcome::Exit));
    assert_eq!(&*e.host.exited.lock().unwrap(), &[(pid, ExitStatus::Exited(3))]);
}

#[test]
fn exit_group_ends_threads_blocked_in_the_kernel() {
    let mut e = Env::new();
    let (pid, mut m) = threaded_process(&mut e);
    let t1 = spawn_thread(&e.k, pid, &mut m, 0, 0, 0);
    let t2 = spawn_thread(&e.k, pid, &mut m, 0, 0, 0);
    let t3 = spawn_thread(&e.k, pid, &mut m, 0, 0, 0);
    assert_eq!(tsc(&e.k, pid, &mut m, nr::pipe2, &[0x6000, 0]), 0);
    let rfd = m.u32_at(0x6000);
    m.put_u32(0x6100, 0);
    let spawn = |tid: Tid, n: u32, args: Vec<u32>, k: std::sync::Arc<Kernel>, mut mm: SharedMem| {
        std::thread::spawn(move || {
            let t0 = std::time::Instant::now();
            let o = tsc_outcome(&k, tid, &mut mm, n, &args);
            (matches!(o, SyscallOutcome::Exit), t0.elapsed())
        })
    };
    let a = spawn(t1, nr::futex_time64, vec![0x6100, 0, 0, 0, 0, 0], e.k.clone(), m.clone());
    let b = spawn(t2, nr::read, vec![rfd, 0x6200, 16], e.k.clone(), m.clone());
    assert!(matches!(tsc_outcome(&e.k, pid, &mut m, nr::clone, &[SIGCHLD]), SyscallOutcome::Fork { .. }));
    let _child = e.k.fork(pid, SIGCHLD).unwrap();
    let c = spawn(pid, nr::waitid, vec![P_ALL, 0, 0x6300, WEXITED, 0], e.k.clone(), m.clone());
    std::thread::sleep(Duration::from_millis(80));
    // A thread busy in guest code (t3) sees no pending signal yet.
    assert!(!e.k.signal_pending(t3));
    assert!(matches!(tsc_outcome(&e.k, t3, &mut m, nr::exit_group, &[4]), SyscallOutcome::Exit));
    for h in [a, b] {
        let (exited, took) = h.join().unwrap();
        assert!(exited && took < Duration::from_secs(2), "blocked thread returned Exit promptly");
    }
    let (exited, _) = c.join().unwrap();
    assert!(exited, "a wait blocked in the leader ends too");
    for t in [pid, t1, t2, t3] {
        assert!(e.k.signal_pending(t), "a killed thread sees a pending signal (the bridge's epoch callback ends it)");
        let mut vm = VecMemory::new(4096 * 4);
        assert!(matches!(e.k.check_signals(t, &mut vm, 0x3000), SignalAction::Exit));
    }
    assert_eq!(&*e.host.exited.lock().unwrap(), &[(pid, ExitStatus::Exited(4))]);
}

#[test]
fn execve_from_a_thread_kills_the_others_and_takes_the_pid() {
    let mut e = Env::new();
    create(&mut e, "/prog", b"\0asm\x01\0\0\0", 0o755);
    let (pid, mut m) = threaded_process(&mut e);
    let t1 = spawn_thread(&e.k, pid, &mut m, 0, 0, 0);
    let t2 = spawn_thread(&e.k, pid, &mut m, 0, 0, 0);
    // t1 blocks in the kernel; the exec waits for it to leave.
    m.put_u32(0x6100, 0);
    let (k, mut mm) = (e.k.clone(), m.clone());
    let blocked = std::thread::spawn(move || tsc_outcome(&k, t1, &mut mm, nr::futex_time64, &[0x6100, 0, 0, 0, 0, 0]));
    std::thread::sleep(Duration::from_millis(50));
    // A failed exec kills nobody.
    m.put(0x6000, b"/nope\0");
    m.put(0x6010, &[0; 4]);
    assert_eq!(tsc(&e.k, t2, &mut m, nr::execve, &[0x6000, 0x6010, 0x6010]), ENOENT);
    assert_eq!(tsc(&e.k, pid, &mut m, nr::gettid, &[]), pid);
    m.put(0x6000, b"/prog\0");
    match tsc_outcome(&e.k, t2, &mut m, nr::execve, &[0x6000, 0x6010, 0x6010]) {
        SyscallOutcome::Exec(img) => assert_eq!(img.new_tid, Some(pid), "the exec'ing thread takes the pid"),
        o => panic!("{o:?}"),
    }
    assert!(matches!(blocked.join().unwrap(), SyscallOutcome::Exit));
    assert_eq!(tsc(&e.k, t2, &mut m, nr::gettid, &[]), ESRCH, "the old tid is gone");
    assert_eq!(tsc(&e.k, t1, &mut m, nr::gettid, &[]), ESRCH);
    assert_eq!(tsc(&e.k, pid, &mut m, nr::gettid, &[]), pid);
    assert_eq!(tsc(&e.k, pid, &mut m, nr::getpid, &[]), pid);
    assert_eq!(tsc(&e.k, pid, &mut m, nr::getppid, &[]), 1);
    assert!(e.host.exited.lock().unwrap().is_empty());
    // From the leader, with no other thread: the tid stays.
    match tsc_outcome(&e.k, pid, &mut m, nr::execve, &[0x6000, 0x6010, 0x6010]) {
        SyscallOutcome::Exec(img) => assert_eq!(img.new_tid, None),
        o => panic!("{o:?}"),
    }
}

#[test]
fn threads_share_children_and_kill_of_a_tid_signals_the_group() {
    let mut e = Env::new();
    let (pid, mut m) = threaded_process(&mut e);
    let t = spawn_thread(&e.k, pid, &mut m, 0, 0, 0);
    // A child forked by the leader is waited for by the other thread.
    assert!(matches!(tsc_outcome(&e.k, pid, &mut m, nr::clone, &[SIGCHLD]), SyscallOutcome::Fork { .. }));
    let child = e.k.fork(pid, SIGCHLD).unwrap();
    let mut cm = VecMemory::new(1 << 16);
    assert_eq!(csc(&e.k, child, &mut cm, nr::getppid, &[]), pid);
    assert!(matches!(csc_outcome(&e.k, child, &mut cm, nr::exit_group, &[6]), SyscallOutcome::Exit));
    assert_eq!(tsc(&e.k, t, &mut m, nr::waitid, &[P_PID, child as u32, 0x6000, WEXITED, 0]), 0);
    assert_eq!(m.u32_at(0x6000 + 20), 6);
    // kill(tid of a non-leader thread) signals the whole thread group.
    assert_eq!(e.call(nr::kill, &[t as u32, 15]), 0);
    assert!(e.k.signal_pending(pid) || e.k.signal_pending(t));
    let mut vm = VecMemory::new(1 << 16);
    assert!(matches!(e.k.check_signals(t, &mut vm, 0x8000), SignalAction::Exit));
    assert_eq!(
        &*e.host.exited.lock().unwrap(),
        &[(child, ExitStatus::Exited(6)), (pid, ExitStatus::Signaled { signo: 15, core: false })]
    );
}
