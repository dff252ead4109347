//! The `wasmlinux` binary: exit codes and errors that do not depend on the
//! kernel's syscall coverage.

use std::process::{Command, Stdio};

fn wasmlinux() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wasmlinux"));
    c.env("WASMLINUX_CACHE_DIR", "off").env_remove("WASMLINUX_ROOT").stdin(Stdio::null());
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

/// A working directory the guest does not have, and a mount over the root,
/// are command-line errors (2) with one clear message, not silently ignored.
#[test]
fn bad_cwd_and_root_mount_are_2() {
    let tmp = std::env::temp_dir();
    let host = tmp.to_str().unwrap();
    let (code, _, err) = run(&["run", "--cwd", "/no/such/dir", "/bin/true"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--cwd /no/such/dir") && err.contains("ENOENT"), "{err}");
    for guest in ["/", "//", "/."] {
        let (code, _, err) = run(&["run", "--mount", &format!("{host}:{guest}"), "/bin/true"]);
        assert_eq!(code, 2, "{guest}: {err}");
        assert!(err.contains("cannot mount over the root"), "{err}");
    }
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
    assert_eq!(code, 44, "{err}");
}

#[test]
fn trap_is_128_plus_signal() {
    let p = wat::parse_str(r#"(module (memory (export "memory") 1) (func (export "_start") (param i32) unreachable))"#)
        .unwrap();
    let p = tmp("ill.wasm", &p);
    let (code, _, err) = run(&["run", &p]);
    assert_eq!(code, 128 + 4, "{err}");
}

/// `--no-preempt` (no epoch checks in compiled code) is accepted, documented,
/// and a compute loop still runs to completion: the sum of 0..1,000,000
/// (499,999,500,000; exit code = low byte = 224).
#[test]
fn no_preempt_runs_a_compute_loop() {
    let p = wat::parse_str(
        r#"(module
          (import "env" "wasmlinux_syscall32" (func $sys (param i32 i32) (result i32)))
          (memory (export "memory") 2)
          (func (export "_start") (param i32)
            (local $i i32) (local $sum i32)
            (loop $l
              (local.set $sum (i32.add (local.get $sum) (local.get $i)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $l (i32.lt_u (local.get $i) (i32.const 1000000))))
            (i32.store (i32.const 1024) (i32.and (local.get $sum) (i32.const 255)))
            (drop (call $sys (i32.const 94) (i32.const 1024)))
            unreachable))"#,
    )
    .unwrap();
    let p = tmp("sum.wasm", &p);
    for flags in [&["run", "--no-preempt"][..], &["run"][..]] {
        let (code, _, err) = run(&[flags, &[p.as_str()]].concat());
        assert_eq!(code, 224, "{flags:?}: {err}");
    }
    let (code, help, _) = run(&["run", "--help"]);
    assert_eq!(code, 0);
    assert!(help.contains("--no-preempt"), "{help}");
}

/// The real-kernel version of the many-process measurement: N forked
/// children blocked on one pipe, all in one `wasmlinux` host process.
/// Needs wasmlinux-cc and a kernel with fork, pipes and `map_anonymous`.
/// `WASMLINUX_BENCH_N=10000 cargo test --release -p wasmlinux-bridge --test cli -- --ignored --nocapture pipe`
#[test]
#[ignore]
fn many_children_blocked_on_a_pipe() {
    use std::io::{BufRead, BufReader};
    let n: usize = std::env::var("WASMLINUX_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let cc = root.join("build/sysroot/bin/wasmlinux-cc");
    let src = root.join("kernel-bridge/tests/c/pipe_many.c");
    let out = std::env::temp_dir().join(format!("wasmlinux-pipe-many-{}.wasm", std::process::id()));
    let st = Command::new(&cc).arg("-O2").arg(&src).arg("-o").arg(&out).status().unwrap();
    assert!(st.success());
    let t0 = std::time::Instant::now();
    let mut child = wasmlinux()
        .args(["run", out.to_str().unwrap(), &n.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().and_then(|l| l.ok()).unwrap_or_default();
    assert_eq!(first, "ready");
    let ready = t0.elapsed();
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    let field = |k: &str| {
        status
            .lines()
            .find(|l| l.starts_with(k))
            .map(|l| l.split_whitespace().nth(1).unwrap_or("").to_string())
            .unwrap_or_default()
    };
    let rss: f64 = field("VmRSS:").parse().unwrap_or(0.0);
    eprintln!(
        "N={n} children blocked on a pipe after {ready:?} ({:.0} us/fork); host RSS {rss} KiB ({:.1} KiB/process); threads {}",
        ready.as_secs_f64() * 1e6 / n as f64,
        rss / (n + 1) as f64,
        field("Threads:")
    );
    drop(child.stdin.take());
    let t1 = std::time::Instant::now();
    let rest: Vec<String> = lines.map_while(|l| l.ok()).collect();
    let code = child.wait().unwrap().code();
    eprintln!("released and reaped in {:?}: {rest:?}", t1.elapsed());
    let _ = std::fs::remove_file(&out);
    assert_eq!(code, Some(0));
}
