//! The `wasmlinux` binary: exit codes and errors that do not depend on the
//! kernel's syscall coverage.

use std::process::{Command, Stdio};

fn wasmlinux() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wasmlinux"));
    c.env("WASMLINUX_CACHE_DIR", "off")
        .env_remove("WASMLINUX_ROOT")
        .stdin(Stdio::null());
    c
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = wasmlinux().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn tmp(name: &str, bytes: &[u8]) -> String {
    let p = std::env::temp_dir().join(format!("wasmlinux-cli-{}-{name}", std::process::id()));
    std::fs::write(&p, bytes).unwrap();
    p.to_string_lossy().into_owned()
}

/// The kernel's `exec_start` is still a stub (ENOSYS) in some trees: those
/// tests then have nothing to check.
fn kernel_cannot_exec(stderr: &str) -> bool {
    let stub = stderr.contains("exec_start failed (errno 38)");
    if stub {
        eprintln!("skipped: kernel exec_start returns ENOSYS");
    }
    stub
}

#[test]
fn version() {
    let (code, out, _) = run(&["--version"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("wasmlinux "), "{out}");
}

#[test]
fn bad_flag_is_2() {
    assert_eq!(run(&["run", "--no-such-flag", "x"]).0, 2);
    assert_eq!(run(&["run"]).0, 2);
}

#[test]
fn missing_program_is_127() {
    let (code, _, err) = run(&["run", "/definitely/not/here"]);
    assert_eq!(code, 127);
    assert!(err.contains("not found"), "{err}");
    assert_eq!(run(&["run", "no-such-command-xyz"]).0, 127);
}

#[test]
fn not_wasm_is_126() {
    let p = tmp("script.txt", b"hello, not wasm\n");
    let (code, _, err) = run(&["run", &p]);
    assert_eq!(code, 126);
    assert!(err.contains("not a wasm module"), "{err}");
    let p = tmp("bad.wasm", b"\0asm\x01\0\0\0garbage");
    assert_eq!(run(&["run", &p]).0, 126);
    // Valid wasm, but not a wasmlinux program (no _start(i32)/memory).
    let p = tmp("empty.wasm", &wat::parse_str("(module)").unwrap());
    let (code, _, err) = run(&["run", &p]);
    assert_eq!(code, 126, "{err}");
}

#[test]
fn exit_code_and_args_pass_through() {
    // Exits with argc + 40 (the initial-stack block's first word).
    let p = wat::parse_str(
        r#"(module
          (import "env" "wasmlinux_syscall32" (func $sys (param i32 i32) (result i32)))
          (memory (export "memory") 2)
          (func (export "_start") (param i32)
            (i32.store (i32.const 1024) (i32.add (i32.const 40) (i32.load (local.get 0))))
            (drop (call $sys (i32.const 94) (i32.const 1024)))
            unreachable))"#,
    )
    .unwrap();
    let p = tmp("argc.wasm", &p);
    let (code, _, err) = run(&["run", &p, "-x", "--y", "z"]);
    if kernel_cannot_exec(&err) {
        return;
    }
    assert_eq!(code, 44, "{err}");
}

#[test]
fn trap_is_128_plus_signal() {
    let p = wat::parse_str(
        r#"(module (memory (export "memory") 1) (func (export "_start") (param i32) unreachable))"#,
    )
    .unwrap();
    let p = tmp("ill.wasm", &p);
    let (code, _, err) = run(&["run", &p]);
    if kernel_cannot_exec(&err) {
        return;
    }
    assert_eq!(code, 128 + 4, "{err}");
}
