//! Shared by the sysroot tests: where the repository and the build
//! directory are, and what a test does when a prerequisite is missing.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// `$WASMLINUX_BUILD`, else `<root>/build` (as in scripts/lib.sh).
pub fn build_dir() -> PathBuf {
    std::env::var_os("WASMLINUX_BUILD").map(PathBuf::from).unwrap_or_else(|| root().join("build"))
}

/// A prerequisite (the built sysroot, a tool) is missing. With
/// `WASMLINUX_REQUIRE_TOOLS=1` (scripts/test sets it) the test fails;
/// otherwise it says so and the caller skips its checks.
pub fn missing_prerequisite(what: &str) {
    assert!(
        std::env::var_os("WASMLINUX_REQUIRE_TOOLS").is_none_or(|v| v != "1"),
        "{what} (WASMLINUX_REQUIRE_TOOLS=1: a missing prerequisite is an error)"
    );
    eprintln!("skipped: {what}");
}
