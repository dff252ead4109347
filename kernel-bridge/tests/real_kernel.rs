//! End-to-end: C programs built with wasmlinux-cc, run by the `wasmlinux`
//! binary on the real kernel. Ignored by default while the kernel's syscall
//! coverage grows (they need exec_start, fork, pipes, mmap, alarm, signals):
//! `cargo test -p wasmlinux-bridge --test real_kernel -- --ignored`.

use std::process::{Command, Stdio};
use std::time::Duration;

fn build(name: &str) -> std::path::PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let cc = root.join("../build/sysroot/bin/wasmlinux-cc");
    let out = std::env::temp_dir().join(format!("wasmlinux-rk-{}-{name}.wasm", std::process::id()));
    let st = Command::new(cc)
        .arg("-O2")
        .arg(root.join(format!("tests/c/{name}.c")))
        .arg("-o")
        .arg(&out)
        .status()
        .expect("wasmlinux-cc (build the sysroot first)");
    assert!(st.success());
    out
}

/// Run with a 20 s limit; returns (exit code, stdout).
fn run(prog: &std::path::Path, args: &[&str]) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wasmlinux"))
        .env("WASMLINUX_CACHE_DIR", "off")
        .arg("run")
        .args(args)
        .arg(prog)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    for _ in 0..200 {
        if let Some(st) = child.try_wait().unwrap() {
            let out = std::io::read_to_string(child.stdout.take().unwrap()).unwrap();
            return (st.code().unwrap_or(-1), out);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    panic!("{} timed out", prog.display());
}

#[test]
#[ignore]
fn signal_handler_runs_in_busy_loop() {
    let p = build("signals");
    let (code, out) = run(&p, &[]);
    assert_eq!(code, 0);
    assert_eq!(out, "got signal 14 in busy loop\nraise -> 14\n");
}

#[test]
#[ignore]
fn traps_kill_with_signals() {
    let p = build("signals");
    assert_eq!(run(&p, &["--env", "CRASH=1"]).0, 128 + 11);
    assert_eq!(run(&p, &["--env", "DIV=1"]).0, 128 + 8);
}

#[test]
#[ignore]
fn fork_inside_setjmp() {
    let p = build("fork_setjmp");
    let (code, out) = run(&p, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.ends_with("parent ok\n"), "{out}");
}
