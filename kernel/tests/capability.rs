//! Tests of the syscall family in `kernel/src/syscall/capability.rs`: capget/capset: versions,
//! header errors, the sets of root and of other users.
mod common;
use common::*;
use wasmlinux_kernel::syscall::nr;
use wasmlinux_kernel::*;

const V1: u32 = 0x1998_0330;
const V3: u32 = 0x2008_0522;

#[test]
fn capget_capset() {
    let mut e = Env::new();
    put_words(&mut e, HDR, &[V3, 0]);
    assert_eq!(e.call(nr::capget, &[HDR, DATA]), 0);
    // Root: everything (CAP_LAST_CAP 40) effective and permitted.
    assert_eq!(words(&e, DATA, 6), vec![u32::MAX, u32::MAX, 0, 0x1ff, 0x1ff, 0]);
    // v1 has one set.
    put_words(&mut e, HDR, &[V1, 1]);
    put_words(&mut e, DATA, &[7; 6]);
    assert_eq!(e.call(nr::capget, &[HDR, DATA]), 0);
    assert_eq!(words(&e, DATA, 6), vec![u32::MAX, u32::MAX, 0, 7, 7, 7]);
    // A bad version: EINVAL and the preferred version written back, but 0
    // when probing with NULL data.
    put_words(&mut e, HDR, &[0x1234, 0]);
    assert_eq!(e.call(nr::capget, &[HDR, DATA]), EINVAL);
    assert_eq!(e.u32_at(HDR), V3);
    put_words(&mut e, HDR, &[0x1234, 0]);
    assert_eq!(e.call(nr::capget, &[HDR, 0]), 0);
    assert_eq!(e.u32_at(HDR), V3);
    put_words(&mut e, HDR, &[0x1234, 0]);
    assert_eq!(e.call(nr::capset, &[HDR, DATA]), EINVAL);
    assert_eq!(e.u32_at(HDR), V3);
    put_words(&mut e, HDR, &[V3, -1i32 as u32]);
    assert_eq!(e.call(nr::capget, &[HDR, DATA]), EINVAL);
    put_words(&mut e, HDR, &[V3, 999]);
    assert_eq!(e.call(nr::capget, &[HDR, DATA]), ESRCH);
    assert_eq!(e.call(nr::capget, &[0x10, DATA]), EFAULT);
    // capset: only the caller, only dropping.
    put_words(&mut e, HDR, &[V3, 999]);
    assert_eq!(e.call(nr::capset, &[HDR, DATA]), EPERM);
    put_words(&mut e, HDR, &[V3, 0]);
    // effective = CAP_KILL (5), permitted = CAP_KILL | CAP_CHOWN (0).
    put_words(&mut e, DATA, &[1 << 5, (1 << 5) | 1, 0, 0, 0, 0]);
    assert_eq!(e.call(nr::capset, &[HDR, DATA]), 0);
    assert_eq!(e.call(nr::capget, &[HDR, DATA + 64]), 0);
    assert_eq!(words(&e, DATA + 64, 6), vec![1 << 5, (1 << 5) | 1, 0, 0, 0, 0]);
    // Raising a dropped capability, or effective outside permitted: EPERM.
    put_words(&mut e, DATA, &[1 << 5, (1 << 5) | 3, 0, 0, 0, 0]);
    assert_eq!(e.call(nr::capset, &[HDR, DATA]), EPERM);
    put_words(&mut e, DATA, &[2, 1, 0, 0, 0, 0]);
    assert_eq!(e.call(nr::capset, &[HDR, DATA]), EPERM);
    put_words(&mut e, DATA, &[0, 1, 4, 0, 0, 0]);
    assert_eq!(e.call(nr::capset, &[HDR, DATA]), EPERM, "inheritable outside permitted");
    // A child inherits the reduced sets; a non-root process has none.
    let (child, mut cm) = fork(&mut e);
    assert_eq!(csc(&e.k, child, &mut cm, nr::capget, &[HDR, DATA]), 0);
    let mut v = vec![0u8; 24];
    cm.read(DATA, &mut v).unwrap();
    assert_eq!(&v[0..8], &[(1u8 << 5), 0, 0, 0, (1 << 5) | 1, 0, 0, 0]);
    assert_eq!(csc(&e.k, child, &mut cm, nr::setuid, &[1000]), 0);
    assert_eq!(csc(&e.k, child, &mut cm, nr::capget, &[HDR, DATA]), 0);
    cm.read(DATA, &mut v).unwrap();
    assert_eq!(v, vec![0; 24]);
    // Reading another process's sets.
    put_words(&mut e, HDR, &[V3, child as u32]);
    assert_eq!(e.call(nr::capget, &[HDR, DATA]), 0);
    assert_eq!(words(&e, DATA, 6), vec![0; 6]);
}
