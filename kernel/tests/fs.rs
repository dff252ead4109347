//! Tests of the syscall family in `kernel/src/syscall/fs.rs`: whole-file and file-system calls:
//! lseek on devices, fsync/fdatasync, sync_file_range, syncfs (and openat2).
mod common;
use common::*;
use wasmlinux_kernel::syscall::nr;

#[test]
fn lseek_on_memory_devices_always_yields_zero() {
    let mut e = Env::new();
    for dev in ["/dev/null", "/dev/zero", "/dev/full", "/dev/urandom"] {
        let fd = open(&mut e, dev, O_RDWR, 0o644) as u32;
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
    let null = open(&mut e, "/dev/null", O_RDWR, 0o644) as u32;
    assert_eq!(e.call(nr::fsync, &[null]), EINVAL);
    assert_eq!(e.call(nr::eventfd2, &[0, 0]) as u32, null + 1);
    assert_eq!(e.call(nr::fsync, &[null + 1]), EINVAL);
    let f = open(&mut e, "/tmp/synced", O_CREAT | O_RDWR, 0o644) as u32;
    assert_eq!(e.call(nr::fsync, &[f]), 0);
    assert_eq!(e.call(nr::fdatasync, &[f]), 0);
    let d = open(&mut e, "/tmp", O_DIRECTORY, 0o644) as u32;
    assert_eq!(e.call(nr::fsync, &[d]), 0);
    assert_eq!(e.call(nr::fsync, &[99]), EBADF);
}

#[test]
fn sync_file_range_and_readahead() {
    let mut e = Env::new();
    let f = open(&mut e, "/f", O_CREAT | O_RDWR, 0o644) as u32;
    assert_eq!(e.call(nr::sync_file_range, &[f, 0, 0, 100, 0, 7]), 0);
    assert_eq!(e.call(nr::sync_file_range, &[f, 0, 0, 0, 0, 8]), EINVAL, "bad flag");
    assert_eq!(e.call(nr::sync_file_range, &[f, 0, 0x8000_0000, 0, 0, 0]), EINVAL, "negative offset");
    assert_eq!(e.call(nr::sync_file_range, &[f, 0, 0, 0, 0x8000_0000, 0]), EINVAL, "negative length");
    assert_eq!(e.call(nr::sync_file_range, &[f, 0xffff_ffff, 0x7fff_ffff, 2, 0, 0]), EINVAL, "overflow");
    assert_eq!(e.call(nr::sync_file_range, &[99, 0, 0, 0, 0, 0]), EBADF);
    assert_eq!(e.call(nr::sync_file_range, &[99, 0, 0, 0, 0, 8]), EINVAL, "flags are checked before the fd");
    let d = open(&mut e, "/", O_RDONLY, 0) as u32;
    assert_eq!(e.call(nr::sync_file_range, &[d, 0, 0, 0, 0, 0]), 0);
    assert_eq!(e.call(nr::pipe2, &[OFF, 0]), 0);
    let pr = e.u32_at(OFF);
    assert_eq!(e.call(nr::sync_file_range, &[pr, 0, 0, 0, 0, 0]), ESPIPE);
    let null = open(&mut e, "/dev/null", O_RDWR, 0) as u32;
    assert_eq!(e.call(nr::sync_file_range, &[null, 0, 0, 0, 0, 0]), ESPIPE);
    let p = open(&mut e, "/f", O_PATH, 0) as u32;
    assert_eq!(e.call(nr::sync_file_range, &[p, 0, 0, 0, 0, 0]), EBADF);

    assert_eq!(e.call(nr::readahead, &[f, 0, 0, 4096]), 0);
    assert_eq!(e.call(nr::readahead, &[d, 0, 0, 4096]), EINVAL);
    assert_eq!(e.call(nr::readahead, &[pr, 0, 0, 4096]), EINVAL);
    assert_eq!(e.call(nr::readahead, &[99, 0, 0, 4096]), EBADF);
    let wo = open(&mut e, "/f", O_WRONLY, 0) as u32;
    assert_eq!(e.call(nr::readahead, &[wo, 0, 0, 4096]), EBADF);
    assert_eq!(e.call(nr::readahead, &[p, 0, 0, 4096]), EBADF);
}

#[test]
fn syncfs_and_openat2() {
    let mut e = Env::new();
    let f = open(&mut e, "/f", O_CREAT | O_RDWR, 0o644);
    assert_eq!(e.call(nr::syncfs, &[f as u32]), 0);
    assert_eq!(e.call(nr::syncfs, &[99]), EBADF);
    // openat2 with struct open_how { flags, mode, resolve } (24 bytes).
    let how = |flags: u64, mode: u64, resolve: u64| -> Vec<u8> {
        [flags, mode, resolve].iter().flat_map(|x| x.to_le_bytes()).collect()
    };
    e.put(OFF, &how(O_RDWR as u64, 0, 0));
    e.cstr(P1, "/f");
    let g = e.call(nr::openat2, &[AT_FDCWD, P1, OFF, 24]);
    assert!(g > f, "{g}");
    assert_eq!(e.call(nr::openat2, &[AT_FDCWD, P1, OFF, 16]), EINVAL, "short open_how");
    // Non-zero bytes past the known struct: E2BIG; zero ones are fine.
    e.put(OFF, &[how(O_RDWR as u64, 0, 0), vec![0, 0, 0, 0, 0, 0, 0, 0]].concat());
    assert!(e.call(nr::openat2, &[AT_FDCWD, P1, OFF, 32]) >= 0);
    e.put(OFF + 24, &[1]);
    assert_eq!(e.call(nr::openat2, &[AT_FDCWD, P1, OFF, 32]), E2BIG);
    // A mode without O_CREAT is EINVAL (unlike openat); unknown RESOLVE_* too.
    e.put(OFF, &how(O_RDWR as u64, 0o644, 0));
    assert_eq!(e.call(nr::openat2, &[AT_FDCWD, P1, OFF, 24]), EINVAL);
    e.put(OFF, &how(O_RDWR as u64, 0, 0x01 /* RESOLVE_NO_XDEV */));
    assert_eq!(e.call(nr::openat2, &[AT_FDCWD, P1, OFF, 24]), EINVAL);
    // RESOLVE_IN_ROOT: "/f" is looked up below the dirfd.
    e.cstr(0x6000, "/d");
    assert_eq!(e.call(nr::mkdirat, &[AT_FDCWD, 0x6000, 0o755]), 0);
    assert!(open(&mut e, "/d/f", O_CREAT | O_RDWR, 0o644) >= 0);
    let d = open(&mut e, "/d", O_RDONLY, 0) as u32;
    assert_eq!(write(&mut e, f, b"outer"), 5);
    e.put(OFF, &how(O_RDONLY as u64, 0, 0x10));
    e.cstr(P1, "/f");
    let inner = e.call(nr::openat2, &[d, P1, OFF, 24]);
    assert!(inner >= 0);
    assert_eq!(e.call(nr::read, &[inner as u32, BUF, 10]), 0, "the empty /d/f, not /f");
    e.cstr(P1, "f/x");
    assert_eq!(e.call(nr::openat2, &[d, P1, OFF, 24]), ENOTDIR);
}
