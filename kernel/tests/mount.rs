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
