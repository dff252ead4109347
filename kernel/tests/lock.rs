//! Tests of the syscall family in `kernel/src/syscall/lock.rs`: file locks: flock on devices, fcntl
//! record locks (conflicts, release on close) and OFD locks.
mod common;
use common::*;
use wasmlinux_kernel::syscall::nr;
use wasmlinux_kernel::*;

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
fn devtmpfs_devices_and_flock() {
    let mut e = Env::new();
    let r = mkdir(&mut e, "/dev", 0o755);
    assert!(r == 0 || r == EEXIST, "{r}");
    let src = e.cstr(0x4000, "devtmpfs");
    let tgt = e.cstr(0x4100, "/dev");
    assert_eq!(e.call(nr::mount, &[src, tgt, src, 0, 0]), 0);
    let null = open(&mut e, "/dev/null", O_RDWR, 0);
    assert_eq!(write(&mut e, null, b"gone"), 4);
    assert_eq!(read(&mut e, null, 10), b"");
    let zero = open(&mut e, "/dev/zero", O_RDONLY, 0);
    e.put(BUF, &[1; 8]);
    assert_eq!(read(&mut e, zero, 8), [0; 8]);
    let full = open(&mut e, "/dev/full", O_WRONLY, 0);
    assert_eq!(write(&mut e, full, b"x"), -28);
    let ur = open(&mut e, "/dev/urandom", O_RDONLY, 0);
    assert_eq!(read(&mut e, ur, 16).len(), 16);
    assert_eq!(stat(&mut e, "/dev/null", 0).unwrap().0, 0o020666);
    assert_eq!(stat(&mut e, "/dev/fd", AT_SYMLINK_NOFOLLOW).unwrap().0 & 0o170000, 0o120000);
    // flock: exclusive conflicts across open file descriptions
    let a = open(&mut e, "/dev/null", O_RDONLY, 0);
    let b = open(&mut e, "/dev/null", O_RDONLY, 0);
    assert_eq!(e.call(nr::flock, &[a as u32, 2 | 4]), 0);
    assert_eq!(e.call(nr::flock, &[b as u32, 2 | 4]), EAGAIN);
    assert_eq!(e.call(nr::flock, &[b as u32, 1 | 4]), EAGAIN);
    assert_eq!(e.call(nr::flock, &[a as u32, 8]), 0);
    assert_eq!(e.call(nr::flock, &[b as u32, 1 | 4]), 0);
    assert_eq!(e.call(nr::flock, &[a as u32, 1 | 4]), 0);
    assert_eq!(e.call(nr::flock, &[a as u32, 99]), EINVAL);
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
