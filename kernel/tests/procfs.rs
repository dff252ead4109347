//! procfs through the raw entry: /proc/self, per-process files and fd
//! links, global files, lifetime of /proc/<pid>, read-only errors,
//! mount("proc").
mod common;
use common::*;
use wasmlinux_kernel::syscall::nr;
use wasmlinux_kernel::*;

fn slurp(e: &mut Env, path: &str) -> Result<String, i32> {
    let fd = open(e, path, O_RDONLY, 0o644);
    if fd < 0 {
        return Err(fd);
    }
    let n = e.call(nr::read, &[fd as u32, BUF, 512]);
    assert!(n >= 0);
    e.call(nr::close, &[fd as u32]);
    Ok(String::from_utf8(e.get(BUF, n as usize)).unwrap())
}

fn open_as(e: &mut Env, tid: Tid, path: &str, flags: u32) -> i32 {
    let p = e.cstr(SCRATCH, path);
    sc_as(e, tid, nr::openat, &[AT_FDCWD, p, flags, 0o644])
}

fn readlink_as(e: &mut Env, tid: Tid, path: &str) -> Result<String, i32> {
    let p = e.cstr(SCRATCH, path);
    let n = sc_as(e, tid, nr::readlinkat, &[AT_FDCWD, p, BUF, 256]);
    if n < 0 {
        return Err(n);
    }
    Ok(String::from_utf8(e.get(BUF, n as usize)).unwrap())
}

fn readlink(e: &mut Env, path: &str) -> Result<String, i32> {
    readlink_as(e, 1, path)
}

fn as_task<R>(e: &mut Env, tid: Tid, mem: &mut VecMemory, f: impl FnOnce(&mut Env, Tid) -> R) -> R {
    std::mem::swap(&mut e.mem, mem);
    let r = f(e, tid);
    std::mem::swap(&mut e.mem, mem);
    r
}

fn sc_as(e: &mut Env, tid: Tid, n: u32, args: &[u32]) -> i32 {
    let mut a = [0u32; 6];
    a[..args.len()].copy_from_slice(args);
    ret(e.k.syscall(tid, n, a, &mut e.mem))
}

/// Names in a directory (getdents64).
fn ls(e: &mut Env, path: &str) -> Vec<String> {
    let fd = open_as(e, 1, path, O_DIRECTORY);
    assert!(fd >= 0, "open {path}: {fd}");
    let mut names = Vec::new();
    loop {
        let n = e.call(nr::getdents64, &[fd as u32, BUF, 4096]);
        assert!(n >= 0);
        if n == 0 {
            break;
        }
        let buf = e.get(BUF, n as usize);
        let mut off = 0;
        while off < buf.len() {
            let reclen = u16::from_le_bytes([buf[off + 16], buf[off + 17]]) as usize;
            let name = &buf[off + 19..off + reclen];
            let end = name.iter().position(|&c| c == 0).unwrap();
            names.push(String::from_utf8_lossy(&name[..end]).into_owned());
            off += reclen;
        }
    }
    e.call(nr::close, &[fd as u32]);
    names
}

/// Open and read a whole file as task `tid`; `Err(errno)` if open fails.
fn cat_as(e: &mut Env, tid: Tid, path: &str) -> Result<String, i32> {
    let fd = open_as(e, tid, path, 0);
    if fd < 0 {
        return Err(fd);
    }
    let mut out = Vec::new();
    loop {
        let n = sc_as(e, tid, nr::read, &[fd as u32, BUF, 100]);
        assert!(n >= 0, "read {path}: {n}");
        if n == 0 {
            break;
        }
        out.extend(e.get(BUF, n as usize));
    }
    assert_eq!(sc_as(e, tid, nr::close, &[fd as u32]), 0);
    Ok(String::from_utf8_lossy(&out).into_owned())
}

fn cat(e: &mut Env, path: &str) -> Result<String, i32> {
    cat_as(e, 1, path)
}

#[test]
fn proc_fdinfo_shows_position_flags_and_mount() {
    let mut e = Env::new();
    let fd = open(&mut e, "/tmp/info", O_CREAT | O_RDWR | O_CLOEXEC, 0o644) as u32;
    e.put(BUF, b"hello");
    assert_eq!(e.call(nr::write, &[fd, BUF, 5]), 5);
    assert_eq!(e.call(nr::_llseek, &[fd, 0, 1, BUF, 0]), 0);
    let info = slurp(&mut e, &format!("/proc/self/fdinfo/{fd}")).unwrap();
    assert!(info.starts_with("pos:\t1\nflags:\t02000002\nmnt_id:\t"), "{info:?}");
    assert!(info.contains("\nino:\t"), "{info:?}");
    let list = open(&mut e, "/proc/self/fdinfo", O_DIRECTORY, 0o644) as u32;
    let n = e.call(nr::getdents64, &[list, BUF, 4096]);
    assert!(n > 0);
    assert!(String::from_utf8_lossy(&e.get(BUF, n as usize)).contains(&fd.to_string()));
    assert_eq!(slurp(&mut e, "/proc/self/fdinfo/77"), Err(ENOENT));
    assert_eq!(slurp(&mut e, "/proc/1/fdinfo/x"), Err(ENOENT));
    assert_eq!(open(&mut e, &format!("/proc/self/fdinfo/{fd}"), O_WRONLY, 0o644), EACCES);
}

#[test]
fn self_status_stat_cmdline() {
    let mut e = Env::new();
    assert_eq!(readlink(&mut e, "/proc/self").unwrap(), "1");
    let st = cat(&mut e, "/proc/self/status").unwrap();
    assert!(st.starts_with("Name:\tinit\n"), "{st}");
    assert!(st.contains("\nState:\tR (running)\n"), "{st}");
    assert!(st.contains("\nPid:\t1\n"), "{st}");
    assert!(st.contains("\nPPid:\t0\n"), "{st}");
    assert!(st.contains("\nUid:\t0\t0\t0\t0\n"), "{st}");
    assert!(st.contains("\nVmRSS:\t"), "{st}");
    let stat = cat(&mut e, "/proc/1/stat").unwrap();
    let fields: Vec<&str> = stat.split_whitespace().collect();
    assert_eq!(fields.len(), 52, "{stat}");
    assert_eq!(&fields[..8], &["1", "(init)", "R", "0", "1", "1", "0", "-1"]);
    assert_eq!(cat(&mut e, "/proc/self/cmdline").unwrap(), "/sbin/init\0");
    assert_eq!(cat(&mut e, "/proc/self/comm").unwrap(), "init\n");
    assert_eq!(readlink(&mut e, "/proc/self/exe").unwrap(), "/sbin/init");
    assert_eq!(readlink(&mut e, "/proc/self/cwd").unwrap(), "/");
    assert_eq!(readlink(&mut e, "/proc/1/root").unwrap(), "/");
    let statm = cat(&mut e, "/proc/self/statm").unwrap();
    assert_eq!(statm.split_whitespace().count(), 7);

    // A child sees itself through /proc/self, and its parent.
    let (child, mut cmem) = fork(&mut e);
    let st = as_task(&mut e, child, &mut cmem, |e, t| cat_as(e, t, "/proc/self/status")).unwrap();
    assert!(st.contains(&format!("\nPid:\t{child}\n")), "{st}");
    assert!(st.contains("\nPPid:\t1\n"), "{st}");
    // ...and init, seen by the child, is sleeping.
    let st = as_task(&mut e, child, &mut cmem, |e, t| cat_as(e, t, "/proc/1/status")).unwrap();
    assert!(st.contains("\nState:\tS (sleeping)\n"), "{st}");
    let names = ls(&mut e, "/proc");
    for n in ["1", &child.to_string(), "self", "meminfo", "sys", "mounts"] {
        assert!(names.iter().any(|x| x == n), "{n} in {names:?}");
    }
}

#[test]
fn fd_links_and_fd_dir() {
    let mut e = Env::new();
    let fd = open_as(&mut e, 1, "/tmp/file.txt", O_CREAT | O_RDWR);
    assert!(fd >= 3);
    assert_eq!(readlink(&mut e, &format!("/proc/self/fd/{fd}")).unwrap(), "/tmp/file.txt");
    assert_eq!(readlink(&mut e, "/proc/self/fd/0").unwrap(), "/dev/console");
    // Following the link reaches the file.
    e.put(SCRATCH + 0x100, b"data");
    assert_eq!(e.call(nr::write, &[fd as u32, SCRATCH + 0x100, 4]), 4);
    assert_eq!(cat(&mut e, &format!("/proc/self/fd/{fd}")).unwrap(), "data");
    // Pipes.
    assert_eq!(e.call(nr::pipe2, &[SCRATCH + 0x200, 0]), 0);
    let rfd = e.u32_at(SCRATCH + 0x200);
    let link = readlink(&mut e, &format!("/proc/1/fd/{rfd}")).unwrap();
    assert!(link.starts_with("pipe:[") && link.ends_with(']'), "{link}");
    let names = ls(&mut e, "/proc/self/fd");
    assert!(names.contains(&fd.to_string()) && names.contains(&rfd.to_string()), "{names:?}");
    // A directory fd shows its current path.
    let d = open_as(&mut e, 1, "/tmp", O_DIRECTORY);
    assert_eq!(readlink(&mut e, &format!("/proc/self/fd/{d}")).unwrap(), "/tmp");
    assert_eq!(readlink(&mut e, "/proc/self/fd/999"), Err(ENOENT));
    assert_eq!(readlink(&mut e, "/proc/self/fd/abc"), Err(ENOENT));
}

#[test]
fn pid_dir_disappears_after_reap_and_unknown_pids_are_enoent() {
    let mut e = Env::new();
    assert_eq!(cat(&mut e, "/proc/9999/status"), Err(ENOENT));
    assert_eq!(cat(&mut e, "/proc/0/status"), Err(ENOENT));
    assert_eq!(readlink(&mut e, "/proc/9999/exe"), Err(ENOENT));
    let (child, mut cmem) = fork(&mut e);
    let path = format!("/proc/{child}/status");
    assert!(cat(&mut e, &path).unwrap().contains("State:\tS (sleeping)"));
    assert!(matches!(e.k.syscall(child, nr::exit_group, [3, 0, 0, 0, 0, 0], &mut cmem), SyscallOutcome::Exit));
    // A zombie is still listed.
    assert!(cat(&mut e, &path).unwrap().contains("State:\tZ (zombie)"));
    assert_eq!(e.call(nr::waitid, &[P_PID, child as u32, SCRATCH + 0x300, WEXITED, 0]), 0);
    assert_eq!(cat(&mut e, &path), Err(ENOENT));
    assert!(!ls(&mut e, "/proc").contains(&child.to_string()));
}

#[test]
fn global_files() {
    let mut e = Env::new();
    let mi = cat(&mut e, "/proc/meminfo").unwrap();
    for k in ["MemTotal:", "MemFree:", "MemAvailable:", "Buffers:", "Cached:", "SwapTotal:"] {
        assert!(mi.lines().any(|l| l.starts_with(k) && l.ends_with(" kB")), "{k} in {mi}");
    }
    let up = cat(&mut e, "/proc/uptime").unwrap();
    assert_eq!(up.split_whitespace().count(), 2, "{up}");
    let la = cat(&mut e, "/proc/loadavg").unwrap();
    assert!(la.starts_with("0.00 0.00 0.00 1/1 1"), "{la}");
    assert!(cat(&mut e, "/proc/version").unwrap().starts_with("Linux version "));
    assert!(cat(&mut e, "/proc/cpuinfo").unwrap().starts_with("processor\t: 0\n"));
    assert!(cat(&mut e, "/proc/filesystems").unwrap().contains("\tproc\n"));
    assert!(cat(&mut e, "/proc/stat").unwrap().starts_with("cpu  "));
    assert_eq!(cat(&mut e, "/proc/sys/kernel/hostname").unwrap(), "wasmlinux\n");
    assert_eq!(cat(&mut e, "/proc/sys/kernel/ostype").unwrap(), "Linux\n");
    assert!(cat(&mut e, "/proc/sys/kernel/osrelease").unwrap().ends_with("-wasmlinux\n"));
    assert_eq!(readlink(&mut e, "/proc/mounts").unwrap(), "self/mounts");
    assert!(cat(&mut e, "/proc/self/mounts").unwrap().contains(" / tmpfs rw"));
    assert_eq!(
        ls(&mut e, "/proc/sys/kernel"),
        vec![
            ".",
            "..",
            "hostname",
            "msgmax",
            "msgmnb",
            "msgmni",
            "osrelease",
            "ostype",
            "pid_max",
            "sem",
            "shmall",
            "shmmax",
            "shmmni"
        ]
    );
    assert_eq!(ls(&mut e, "/proc/sysvipc"), vec![".", "..", "msg", "sem", "shm"]);
    assert_eq!(ls(&mut e, "/proc/sys/fs/mqueue"), vec![".", "..", "msg_max", "msgsize_max", "queues_max"]);
}

#[test]
fn writes_are_refused() {
    let mut e = Env::new();
    assert_eq!(open_as(&mut e, 1, "/proc/meminfo", O_WRONLY), EACCES);
    assert_eq!(open_as(&mut e, 1, "/proc/self/status", O_RDWR), EACCES);
    assert_eq!(open_as(&mut e, 1, "/proc/newfile", O_CREAT | O_WRONLY), EACCES);
    let p = e.cstr(SCRATCH, "/proc/dir");
    assert_eq!(e.call(nr::mkdirat, &[AT_FDCWD, p, 0o755]), EPERM);
    let p = e.cstr(SCRATCH, "/proc/meminfo");
    assert_eq!(e.call(nr::unlinkat, &[AT_FDCWD, p, 0]), EPERM);
    let fd = open_as(&mut e, 1, "/proc/meminfo", 0);
    assert_eq!(e.call(nr::write, &[fd as u32, SCRATCH, 1]), EBADF);
    // An unprivileged process cannot read another user's environ.
    let (child, mut cmem) = fork(&mut e);
    as_task(&mut e, child, &mut cmem, |e, t| {
        assert_eq!(sc_as(e, t, nr::setuid, &[1000]), 0);
        assert_eq!(cat_as(e, t, "/proc/1/environ"), Err(EACCES));
        assert_eq!(cat_as(e, t, "/proc/self/environ").unwrap(), "");
        let p = e.cstr(SCRATCH, "/proc/1/fd");
        assert_eq!(sc_as(e, t, nr::openat, &[AT_FDCWD, p, O_DIRECTORY, 0]), EACCES);
    });
}

#[test]
fn mount_proc_elsewhere() {
    let mut e = Env::new();
    let dir = e.cstr(SCRATCH + 0x400, "/tmp/p");
    assert_eq!(e.call(nr::mkdirat, &[AT_FDCWD, dir, 0o755]), 0);
    let src = e.cstr(SCRATCH + 0x500, "proc");
    assert_eq!(e.call(nr::mount, &[src, dir, src, 0, 0]), 0);
    assert!(cat(&mut e, "/tmp/p/self/status").unwrap().contains("\nPid:\t1\n"));
    assert_eq!(readlink(&mut e, "/tmp/p/self").unwrap(), "1");
    assert!(cat(&mut e, "/proc/mounts").unwrap().contains("proc /tmp/p proc rw"));
    // getcwd inside procfs works (directories know their parents).
    let p = e.cstr(SCRATCH, "/proc/1/fd");
    assert_eq!(e.call(nr::chdir, &[p]), 0);
    let n = e.call(nr::getcwd, &[BUF, 256]);
    assert!(n > 0);
    assert_eq!(e.get(BUF, n as usize - 1), b"/proc/1/fd");
}

/// /proc/<pid>/task/<tid>/ for each thread, per-thread names (prctl and
/// writing comm), the Threads: count and /proc/thread-self.
#[test]
fn task_directories_and_thread_names() {
    let mut e = Env::new();
    let (pid, mut m) = threaded_process(&mut e);
    let t = spawn_thread(&e.k, pid, &mut m, 0, 0, 0);
    let k = e.k.clone();
    let status = read_file_as(&k, pid, &mut m, &format!("/proc/{pid}/status")).unwrap();
    assert!(status.contains("Threads:\t2\n"), "{status}");
    // The directory lists both threads.
    m.put(0x9000, format!("/proc/{pid}/task\0").as_bytes());
    let fd = tsc(&k, t, &mut m, nr::openat, &[AT_FDCWD, 0x9000, O_RDONLY | O_DIRECTORY, 0]);
    assert!(fd >= 0);
    let n = tsc(&k, t, &mut m, nr::getdents64, &[fd as u32, 0xa000, 4096]);
    assert!(n > 0);
    let listing = String::from_utf8_lossy(&m.get(0xa000, n as usize)).into_owned();
    assert!(listing.contains(&format!("{pid}\0")) && listing.contains(&format!("{t}\0")), "{listing:?}");
    // Per-thread names: PR_SET_NAME names the calling thread only.
    m.put(0x6000, b"worker\0");
    assert_eq!(tsc(&k, t, &mut m, nr::prctl, &[15, 0x6000]), 0);
    assert_eq!(tsc(&k, t, &mut m, nr::prctl, &[16, 0x6100]), 0);
    assert_eq!(m.get(0x6100, 7), b"worker\0");
    let lead_comm = read_file_as(&k, t, &mut m, &format!("/proc/{pid}/comm")).unwrap();
    assert_ne!(lead_comm, "worker\n", "the leader keeps its name");
    assert_eq!(read_file_as(&k, pid, &mut m, &format!("/proc/{pid}/task/{t}/comm")).unwrap(), "worker\n");
    assert_eq!(read_file_as(&k, pid, &mut m, &format!("/proc/{pid}/task/{pid}/comm")).unwrap(), lead_comm);
    let tstat = read_file_as(&k, pid, &mut m, &format!("/proc/{pid}/task/{t}/stat")).unwrap();
    assert!(tstat.starts_with(&format!("{t} (worker) ")), "{tstat}");
    let tstatus = read_file_as(&k, pid, &mut m, &format!("/proc/{pid}/task/{t}/status")).unwrap();
    assert!(tstatus.contains("Name:\tworker\n") && tstatus.contains(&format!("Pid:\t{t}\n")), "{tstatus}");
    assert!(tstatus.contains(&format!("Tgid:\t{pid}\n")));
    assert!(read_file_as(&k, pid, &mut m, &format!("/proc/{pid}/task/{t}/cmdline")).is_ok());
    // comm is writable by the threads of the process (the bytes as written,
    // 15 at most), not by another process (EINVAL).
    assert_eq!(write_file_as(&k, pid, &mut m, &format!("/proc/{pid}/task/{t}/comm"), b"renamed-thread-x"), 16);
    assert_eq!(read_file_as(&k, t, &mut m, &format!("/proc/{pid}/task/{t}/comm")).unwrap(), "renamed-thread-\n");
    assert_eq!(write_file_as(&k, t, &mut m, &format!("/proc/{pid}/comm"), b"lead"), 4);
    assert_eq!(read_file_as(&k, t, &mut m, &format!("/proc/{pid}/comm")).unwrap(), "lead\n");
    e.cstr(0x9000, &format!("/proc/{pid}/task/{t}/comm"));
    let fd = e.call(nr::openat, &[AT_FDCWD, 0x9000, O_WRONLY, 0]);
    assert!(fd >= 0);
    e.put(0xa000, b"x");
    assert_eq!(e.call(nr::write, &[fd as u32, 0xa000, 1]), EINVAL, "another process");
    assert_eq!(read_file_as(&k, pid, &mut m, &format!("/proc/{pid}/task/9999/stat")), Err(ENOENT));
    assert_eq!(read_file_as(&k, pid, &mut m, &format!("/proc/{pid}/task/{t}/nothing")), Err(ENOENT));
    // /proc/thread-self is the calling thread's directory.
    m.put(0x9000, b"/proc/thread-self\0");
    let n = tsc(&k, t, &mut m, nr::readlinkat, &[AT_FDCWD, 0x9000, 0xa000, 256]);
    assert_eq!(String::from_utf8_lossy(&m.get(0xa000, n as usize)), format!("{pid}/task/{t}"));
    assert_eq!(read_file_as(&k, t, &mut m, "/proc/thread-self/comm").unwrap(), "renamed-thread-\n");
    // A thread that exits leaves the directory.
    assert!(matches!(tsc_outcome(&k, t, &mut m, nr::exit, &[0]), SyscallOutcome::Exit));
    assert_eq!(read_file_as(&k, pid, &mut m, &format!("/proc/{pid}/task/{t}/stat")), Err(ENOENT));
    assert!(read_file_as(&k, pid, &mut m, &format!("/proc/{pid}/status")).unwrap().contains("Threads:\t1\n"));
}
