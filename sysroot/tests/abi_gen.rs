//! `kernel/src/abi/uapi.rs` is what gen-abi generates today (fails when the committed file is
//! stale: regenerate with `cargo run -p wasmlinux-sysroot --bin gen-abi`).

use std::process::Command;

#[test]
fn committed_uapi_rs_is_fresh() {
    let status = Command::new(env!("CARGO_BIN_EXE_gen-abi")).arg("--check").status().expect("run gen-abi");
    assert!(
        status.success(),
        "kernel/src/abi/uapi.rs is stale or gen-abi failed; run \
         `cargo run -p wasmlinux-sysroot --bin gen-abi` and commit the result"
    );
}

/// The generated types round-trip through bytes the way the kernel uses them.
#[test]
fn zerocopy_round_trip() {
    use wasmlinux_kernel::abi::uapi::{epoll_event, stat64};
    use zerocopy::{FromBytes, FromZeros, IntoBytes};
    let mut st = stat64::new_zeroed();
    st.st_size = 0x1122_3344_5566;
    st.st_mode = 0o100644;
    let bytes = st.as_bytes().to_vec();
    assert_eq!(bytes.len(), 104);
    assert_eq!(&bytes[48..56], &0x1122_3344_5566i64.to_le_bytes());
    assert_eq!(stat64::read_from_bytes(&bytes).unwrap(), st);
    let mut ev = epoll_event::new_zeroed();
    ev.events = 1;
    ev.data = u64::MAX;
    assert_eq!(ev.as_bytes().len(), 16);
    assert_eq!(&ev.as_bytes()[8..], &[0xff; 8]);
}
