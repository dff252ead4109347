//! The VFS wired into the core, through the raw entry: the boot namespace
//! (/dev, host mounts, RootFs::CopyOf, /proc), fcntl record/OFD locks and
//! their release on close, FIFO open rules across two tasks.
mod common;
use common::*;
use std::sync::Arc;
use wasmlinux_kernel::syscall::nr;
use wasmlinux_kernel::*;

const AT_FDCWD: u32 = -100i32 as u32;
const O_WRONLY: u32 = 1;
const O_RDWR: u32 = 2;
const O_CREAT: u32 = 0o100;
const O_NONBLOCK: u32 = 0o4000;
const S_IFIFO: u32 = 0o010000;
const SIGCHLD: u32 = 17;
const ENXIO: i32 = -6;

const F_GETLK: u32 = 5;
const F_SETLK: u32 = 6;
const F_SETLK64: u32 = 13;
const F_OFD_SETLK: u32 = 37;
const F_RDLCK: i16 = 0;
const F_WRLCK: i16 = 1;
const F_UNLCK: i16 = 2;

fn fork(e: &mut Env) -> (Tid, VecMemory) {
    assert!(matches!(e.sc(nr::clone, &[SIGCHLD, 0, 0, 0, 0]), SyscallOutcome::Fork { .. }));
    let child = e.k.fork(1, SIGCHLD).unwrap();
    (child, e.mem.clone())
}

fn csc(k: &Kernel, tid: Tid, mem: &mut VecMemory, n: u32, args: &[u32]) -> i32 {
    let mut a = [0u32; 6];
    a[..args.len()].copy_from_slice(args);
    ret(k.syscall(tid, n, a, mem))
}

fn cstr(mem: &mut VecMemory, addr: u32, s: &str) -> u32 {
    let mut v = s.as_bytes().to_vec();
    v.push(0);
    mem.write(addr, &v).unwrap();
    addr
}

fn open(e: &mut Env, path: &str, flags: u32, mode: u32) -> i32 {
    let p = e.cstr(SCRATCH, path);
    e.call(nr::openat, &[AT_FDCWD, p, flags, mode])
}

fn read_all(e: &mut Env, fd: i32) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let n = e.call(nr::read, &[fd as u32, SCRATCH + 0x1000, 4096]);
        assert!(n >= 0, "read: {n}");
        if n == 0 {
            return out;
        }
        out.extend(e.get(SCRATCH + 0x1000, n as usize));
    }
}

/// A kernel built from `config` with init (tid 1) running as root.
fn env_with(config: KernelConfig) -> Env {
    let host = FakeHost::new();
    let k = Kernel::new(config, host.clone()).unwrap();
    let init = InitSpec { argv: vec![b"/sbin/init".to_vec()], envp: vec![], cwd: "/".into(), uid: 0, gid: 0 };
    assert_eq!(k.spawn_init(init).unwrap(), 1);
    Env { k, host, mem: VecMemory::new(1 << 20) }
}

#[test]
fn dev_null_and_proc_exist_after_boot() {
    let mut e = Env::new();
    let fd = open(&mut e, "/dev/null", O_RDWR, 0);
    assert!(fd >= 0, "open /dev/null: {fd}");
    e.put(SCRATCH + 0x100, b"abc");
    assert_eq!(e.call(nr::write, &[fd as u32, SCRATCH + 0x100, 3]), 3);
    assert_eq!(e.call(nr::read, &[fd as u32, SCRATCH + 0x100, 3]), 0);
    let fd = open(&mut e, "/dev/zero", 0, 0);
    assert_eq!(e.call(nr::read, &[fd as u32, SCRATCH + 0x100, 3]), 3);
    let fd = open(&mut e, "/proc/uptime", 0, 0);
    assert!(fd >= 0, "procfs is mounted on /proc: {fd}");
    let fd = open(&mut e, "/proc/mounts", 0, 0);
    let mounts = String::from_utf8(read_all(&mut e, fd)).unwrap();
    assert!(mounts.contains("proc /proc proc rw,nosuid,nodev,noexec"), "{mounts}");
    assert!(mounts.contains(" /dev devtmpfs "), "{mounts}");
}

#[test]
fn host_mount_and_copied_root_are_visible() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("hello.txt"), b"from the host").unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let mounts = vec![HostMount { host_path: dir.path().to_path_buf(), guest_path: "/mnt/host".into(), read_only: true }];
    let mut e = env_with(KernelConfig { mounts, ..Default::default() });
    let fd = open(&mut e, "/mnt/host/hello.txt", 0, 0);
    assert!(fd >= 0, "{fd}");
    assert_eq!(read_all(&mut e, fd), b"from the host");
    assert_eq!(open(&mut e, "/mnt/host/new", O_CREAT | O_WRONLY, 0o644), -30, "EROFS on a read-only host mount");

    let mut e = env_with(KernelConfig { root: RootFs::CopyOf(dir.path().to_path_buf()), ..Default::default() });
    let fd = open(&mut e, "/hello.txt", O_RDWR, 0);
    assert!(fd >= 0, "{fd}");
    assert_eq!(read_all(&mut e, fd), b"from the host");
    e.put(SCRATCH + 0x100, b"guest");
    assert_eq!(e.call(nr::pwrite64, &[fd as u32, SCRATCH + 0x100, 5, 0, 0]), 5);
    assert_eq!(std::fs::read(dir.path().join("hello.txt")).unwrap(), b"from the host", "a copy: the host file is untouched");
    assert!(open(&mut e, "/dev/null", 0, 0) >= 0);
}

/// A guest `struct flock64` (32 bytes).
fn flock64(kind: i16, start: i64, len: i64) -> Vec<u8> {
    let mut b = vec![0u8; 32];
    b[0..2].copy_from_slice(&kind.to_le_bytes());
    b[8..16].copy_from_slice(&start.to_le_bytes());
    b[16..24].copy_from_slice(&len.to_le_bytes());
    b
}

/// A guest `struct flock` (32-bit offsets, 16 bytes).
fn flock32(kind: i16, start: i32, len: i32) -> Vec<u8> {
    let mut b = vec![0u8; 16];
    b[0..2].copy_from_slice(&kind.to_le_bytes());
    b[4..8].copy_from_slice(&start.to_le_bytes());
    b[8..12].copy_from_slice(&len.to_le_bytes());
    b
}

#[test]
fn fcntl_record_locks_conflict_and_release_on_close() {
    let mut e = Env::new();
    let fd = open(&mut e, "/tmp/lockf", O_CREAT | O_RDWR, 0o644) as u32;
    let dup = e.call(nr::fcntl64, &[fd, 0 /* F_DUPFD */, 0]) as u32;
    const FL: u32 = SCRATCH + 0x200;
    e.put(FL, &flock64(F_WRLCK, 0, 100));
    assert_eq!(e.call(nr::fcntl64, &[fd, F_SETLK64, FL]), 0);
    let (child, mut cmem) = fork(&mut e);
    let k = e.k.clone();
    // The child (another process) conflicts on the overlapping range...
    cmem.write(FL, &flock64(F_RDLCK, 50, 10)).unwrap();
    assert_eq!(csc(&k, child, &mut cmem, nr::fcntl64, &[fd, F_SETLK64, FL]), EAGAIN);
    // ...F_GETLK (32-bit struct) names the holder...
    cmem.write(FL, &flock32(F_WRLCK, 0, 0)).unwrap();
    assert_eq!(csc(&k, child, &mut cmem, nr::fcntl64, &[fd, F_GETLK, FL]), 0);
    let mut got = [0u8; 16];
    cmem.read(FL, &mut got).unwrap();
    assert_eq!(i16::from_le_bytes([got[0], got[1]]), F_WRLCK);
    assert_eq!(i32::from_le_bytes(got[8..12].try_into().unwrap()), 100, "l_len");
    assert_eq!(i32::from_le_bytes(got[12..16].try_into().unwrap()), 1, "l_pid");
    // ...but a range past it is free.
    cmem.write(FL, &flock32(F_WRLCK, 100, 10)).unwrap();
    assert_eq!(csc(&k, child, &mut cmem, nr::fcntl64, &[fd, F_SETLK, FL]), 0);
    // Closing ANY descriptor of the file drops the process's locks (POSIX).
    assert_eq!(e.call(nr::close, &[dup]), 0);
    cmem.write(FL, &flock64(F_WRLCK, 0, 100)).unwrap();
    assert_eq!(csc(&k, child, &mut cmem, nr::fcntl64, &[fd, F_SETLK64, FL]), 0);
    // Init now conflicts with the child's lock; the child's exit frees it.
    e.put(FL, &flock64(F_WRLCK, 0, 0));
    assert_eq!(e.call(nr::fcntl64, &[fd, F_SETLK64, FL]), EAGAIN);
    assert!(matches!(k.syscall(child, nr::exit_group, [0; 6], &mut cmem), SyscallOutcome::Exit));
    assert_eq!(e.call(nr::fcntl64, &[fd, F_SETLK64, FL]), 0);
    e.put(FL, &flock64(F_UNLCK, 0, 0));
    assert_eq!(e.call(nr::fcntl64, &[fd, F_SETLK64, FL]), 0);
    e.put(FL, &flock64(7, 0, 0));
    assert_eq!(e.call(nr::fcntl64, &[fd, F_SETLK64, FL]), EINVAL);
}

#[test]
fn ofd_locks_belong_to_the_open_file_and_go_with_its_last_close() {
    let mut e = Env::new();
    let a = open(&mut e, "/tmp/ofd", O_CREAT | O_RDWR, 0o644) as u32;
    let b = open(&mut e, "/tmp/ofd", O_RDWR, 0) as u32;
    const FL: u32 = SCRATCH + 0x200;
    e.put(FL, &flock64(F_WRLCK, 0, 0));
    assert_eq!(e.call(nr::fcntl64, &[a, F_OFD_SETLK, FL]), 0);
    // Same process, other open file description: conflict.
    assert_eq!(e.call(nr::fcntl64, &[b, F_OFD_SETLK, FL]), EAGAIN);
    let a2 = e.call(nr::fcntl64, &[a, 0, 0]) as u32;
    assert_eq!(e.call(nr::close, &[a]), 0);
    assert_eq!(e.call(nr::fcntl64, &[b, F_OFD_SETLK, FL]), EAGAIN, "a dup still holds the description");
    assert_eq!(e.call(nr::close, &[a2]), 0);
    assert_eq!(e.call(nr::fcntl64, &[b, F_OFD_SETLK, FL]), 0, "last close released it");
}

#[test]
fn fifo_open_rules_and_data_across_two_tasks() {
    let mut e = Env::new();
    let p = e.cstr(SCRATCH, "/tmp/fifo");
    assert_eq!(e.call(nr::mknodat, &[AT_FDCWD, p, S_IFIFO | 0o666, 0]), 0);
    // No reader: a non-blocking writer fails with ENXIO.
    assert_eq!(open(&mut e, "/tmp/fifo", O_WRONLY | O_NONBLOCK, 0), ENXIO);
    // A non-blocking reader succeeds at once, and reads EAGAIN-free EOF
    // (no writer ever opened, Linux returns 0).
    let r = open(&mut e, "/tmp/fifo", O_NONBLOCK, 0);
    assert!(r >= 0, "{r}");
    assert_eq!(e.call(nr::close, &[r as u32]), 0);

    let (child, mut cmem) = fork(&mut e);
    let k: Arc<Kernel> = e.k.clone();
    let reader = std::thread::spawn(move || {
        let p = cstr(&mut cmem, SCRATCH, "/tmp/fifo");
        // Blocks until the writer opens.
        let fd = csc(&k, child, &mut cmem, nr::openat, &[AT_FDCWD, p, 0, 0]);
        assert!(fd >= 0, "reader open: {fd}");
        let mut got = Vec::new();
        loop {
            let n = csc(&k, child, &mut cmem, nr::read, &[fd as u32, SCRATCH + 0x100, 64]);
            assert!(n >= 0, "read: {n}");
            if n == 0 {
                break;
            }
            let mut b = vec![0u8; n as usize];
            cmem.read(SCRATCH + 0x100, &mut b).unwrap();
            got.extend(b);
        }
        got
    });
    std::thread::sleep(std::time::Duration::from_millis(50));
    // Blocks until the reader opened (it has, or will).
    let w = open(&mut e, "/tmp/fifo", O_WRONLY, 0);
    assert!(w >= 0, "writer open: {w}");
    e.put(SCRATCH + 0x100, b"through the fifo");
    assert_eq!(e.call(nr::write, &[w as u32, SCRATCH + 0x100, 16]), 16);
    assert_eq!(e.call(nr::close, &[w as u32]), 0);
    assert_eq!(reader.join().unwrap(), b"through the fifo");
    // O_RDWR never waits.
    let rw = open(&mut e, "/tmp/fifo", O_RDWR, 0);
    assert!(rw >= 0);
    assert_eq!(e.call(nr::write, &[rw as u32, SCRATCH + 0x100, 3]), 3);
    assert_eq!(e.call(nr::read, &[rw as u32, SCRATCH + 0x200, 3]), 3);
}

/// The root copy (`RootFs::CopyOf`) reads a file's contents on first
/// access. A guest with a writable mount of the same host tree swaps files
/// and a directory it has not read through the copy yet for a symlink to a
/// host secret, a symlink to a host directory, a FIFO: reading them through
/// the copy then gives EIO — never the secret, never a hang — and files it
/// left alone still read normally.
#[test]
fn root_copy_never_follows_host_symlinks_or_opens_fifos() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(root.join("d")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret"), b"host secret").unwrap();
    std::fs::write(outside.join("e"), b"host secret in a dir").unwrap();
    for f in ["a", "c", "ok", "d/e"] {
        std::fs::write(root.join(f), f.as_bytes()).unwrap();
    }
    let mounts = vec![HostMount { host_path: root.clone(), guest_path: "/mnt/r".into(), read_only: false }];
    let mut e = env_with(KernelConfig { root: RootFs::CopyOf(root.clone()), mounts, ..Default::default() });
    let path = |e: &mut Env, p: &str| e.cstr(SCRATCH + 0x400, p);
    let secret = outside.join("secret").display().to_string();
    let p = path(&mut e, "/mnt/r/a");
    assert_eq!(e.call(nr::unlinkat, &[AT_FDCWD, p, 0]), 0);
    let t = e.cstr(SCRATCH + 0x800, &secret);
    let p = path(&mut e, "/mnt/r/a");
    assert_eq!(e.call(nr::symlinkat, &[t, AT_FDCWD, p]), 0);
    let (from, to) = (e.cstr(SCRATCH + 0x800, "/mnt/r/d"), e.cstr(SCRATCH + 0xc00, "/mnt/r/d2"));
    assert_eq!(e.call(nr::renameat2, &[AT_FDCWD, from, AT_FDCWD, to, 0]), 0);
    let t = e.cstr(SCRATCH + 0x800, &outside.display().to_string());
    let p = path(&mut e, "/mnt/r/d");
    assert_eq!(e.call(nr::symlinkat, &[t, AT_FDCWD, p]), 0);
    let p = path(&mut e, "/mnt/r/c");
    assert_eq!(e.call(nr::unlinkat, &[AT_FDCWD, p, 0]), 0);
    let p = path(&mut e, "/mnt/r/c");
    assert_eq!(e.call(nr::mknodat, &[AT_FDCWD, p, S_IFIFO | 0o644, 0]), 0);
    assert!(std::fs::symlink_metadata(root.join("a")).unwrap().file_type().is_symlink(), "the guest really swapped it");

    const EIO: i32 = -5;
    for f in ["/a", "/d/e", "/c"] {
        let fd = open(&mut e, f, 0, 0);
        assert!(fd >= 0, "{f}: the copy's directory entry is still there: {fd}");
        assert_eq!(e.call(nr::read, &[fd as u32, SCRATCH + 0x100, 64]), EIO, "{f}");
    }
    let fd = open(&mut e, "/ok", 0, 0);
    assert_eq!(read_all(&mut e, fd), b"ok");
}
