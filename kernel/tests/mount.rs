//! Tests of the syscall family in `kernel/src/syscall/mount.rs`: boot wiring (devtmpfs, procfs),
//! host mounts and the copied root.
mod common;
use common::*;
use wasmlinux_kernel::syscall::nr;
use wasmlinux_kernel::*;

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
    let mounts =
        vec![HostMount { host_path: dir.path().to_path_buf(), guest_path: "/mnt/host".into(), read_only: true }];
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
    assert_eq!(
        std::fs::read(dir.path().join("hello.txt")).unwrap(),
        b"from the host",
        "a copy: the host file is untouched"
    );
    assert!(open(&mut e, "/dev/null", 0, 0) >= 0);
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
