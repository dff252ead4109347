//! Tests of the syscall family in `kernel/src/syscall/stat.rs`: stat family and times: utimensat,
//! truncate/fallocate, statx, statfs.
mod common;
use common::*;
use wasmlinux_kernel::syscall::nr;

#[test]
fn times_truncate_fallocate_statx_statfs() {
    let mut e = Env::new();
    let fd = open(&mut e, "/f", O_CREAT | O_RDWR, 0o644);
    // utimensat with explicit times (time64 timespecs)
    let mut ts = Vec::new();
    for v in [1000i64, 5, 2000, 7] {
        ts.extend_from_slice(&v.to_le_bytes());
    }
    e.put(P2, &ts);
    let p = e.cstr(P1, "/f");
    assert_eq!(e.call(nr::utimensat_time64, &[AT_FDCWD, p, P2, 0]), 0);
    assert_eq!(e.call(nr::statx, &[AT_FDCWD, p, 0, 0xfff, BUF]), 0);
    let sx = e.get(BUF, 256);
    let i64_ = |o: usize| i64::from_le_bytes(sx[o..o + 8].try_into().unwrap());
    assert_eq!((i64_(64), i64_(112)), (1000, 2000));
    assert_eq!(u32::from_le_bytes(sx[120..124].try_into().unwrap()), 7);
    assert_eq!(u16::from_le_bytes(sx[28..30].try_into().unwrap()), 0o100644);
    // bad nsec
    let mut bad = ts.clone();
    bad[8..16].copy_from_slice(&2_000_000_000i64.to_le_bytes());
    e.put(P2, &bad);
    assert_eq!(e.call(nr::utimensat_time64, &[AT_FDCWD, p, P2, 0]), EINVAL);
    assert_eq!(e.call(nr::statx, &[AT_FDCWD, p, 0x6000, 0xfff, BUF]), EINVAL);
    // truncate64 / ftruncate64 / fallocate
    assert_eq!(e.call(nr::truncate64, &[p, 5000, 0]), 0);
    assert_eq!(stat(&mut e, "/f", 0).unwrap().3, 5000);
    assert_eq!(stat(&mut e, "/f", 0).unwrap().4, 0, "sparse: no blocks");
    assert_eq!(e.call(nr::ftruncate64, &[fd as u32, 10, 0]), 0);
    assert_eq!(e.call(nr::ftruncate64, &[fd as u32, u32::MAX, u32::MAX]), EINVAL);
    let ro = open(&mut e, "/f", O_RDONLY, 0);
    assert_eq!(e.call(nr::ftruncate64, &[ro as u32, 0, 0]), EINVAL);
    assert_eq!(e.call(nr::fallocate, &[fd as u32, 0, 0, 0, 8192, 0]), 0);
    assert_eq!(stat(&mut e, "/f", 0).unwrap().3, 8192);
    assert_eq!(e.call(nr::fallocate, &[fd as u32, 1, 0, 0, 16384, 0]), 0);
    assert_eq!(stat(&mut e, "/f", 0).unwrap().3, 8192);
    assert_eq!(e.call(nr::fallocate, &[fd as u32, 2, 0, 0, 10, 0]), EOPNOTSUPP);
    assert_eq!(e.call(nr::fallocate, &[ro as u32, 0, 0, 0, 10, 0]), EBADF);
    assert_eq!(e.call(nr::fallocate, &[fd as u32, 0, 0, 0, 0, 0]), EINVAL);
    let dir = e.cstr(P1, "/");
    assert_eq!(e.call(nr::truncate64, &[dir, 0, 0]), EISDIR);
    // statfs64
    assert_eq!(e.call(nr::statfs64, &[dir, 88, BUF]), 0);
    assert_eq!(e.u32_at(BUF), 0x0102_1994);
    assert_eq!(e.call(nr::statfs64, &[dir, 84, BUF]), EINVAL);
    assert_eq!(e.call(nr::fstatfs64, &[fd as u32, 88, BUF]), 0);
    assert_eq!(e.call(nr::fsync, &[fd as u32]), 0);
    assert_eq!(e.call(nr::fdatasync, &[fd as u32]), 0);
    assert_eq!(e.call(nr::fsync, &[99]), EBADF);
    assert_eq!(e.call(nr::sync, &[]), 0);
}
