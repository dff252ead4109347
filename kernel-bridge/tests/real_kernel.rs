//! End-to-end: C programs built with wasmlinux-cc, run by the `wasmlinux`
//! binary on the real kernel (exec_start, fork, pipes, mmap, alarm,
//! signals, traps). Each test is skipped (passes with a note) when the
//! sysroot has not been built (`scripts/build-sysroot`), or fails if
//! `WASMLINUX_REQUIRE_TOOLS=1` (scripts/test).

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

/// Compile `tests/c/<name>.c`; `None` (test skipped) without a sysroot (see `common::wasmlinux_cc`).
fn build(name: &str) -> Option<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let cc = common::wasmlinux_cc()?;
    let out = std::env::temp_dir().join(format!("wasmlinux-rk-{}-{name}.wasm", std::process::id()));
    let st = Command::new(cc)
        .arg("-O2")
        .arg(root.join(format!("tests/c/{name}.c")))
        .arg("-o")
        .arg(&out)
        .status()
        .expect("wasmlinux-cc (build the sysroot first)");
    assert!(st.success());
    Some(out)
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
fn signal_handler_runs_in_busy_loop() {
    let Some(p) = build("signals") else { return };
    let (code, out) = run(&p, &[]);
    assert_eq!(code, 0);
    assert_eq!(out, "got signal 14 in busy loop\nraise -> 14\n");
}

#[test]
fn traps_kill_with_signals() {
    let Some(p) = build("signals") else { return };
    assert_eq!(run(&p, &["--env", "CRASH=1"]).0, 128 + 11);
    assert_eq!(run(&p, &["--env", "DIV=1"]).0, 128 + 8);
}

/// SIGFPE in a function called after sigsetjmp: the handler siglongjmps
/// out (the invoke_* frame catches it); a handler that returns, or a trap
/// in a child without a handler, kills with SIGFPE.
#[test]
fn trap_handler_siglongjmps_out() {
    let Some(p) = build("trap_handler") else { return };
    let (code, out) = run(&p, &[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out, "child: signal 8\nhandled 8 twice, mask restored\nreturning handler: signal 8\n");
}

#[test]
fn fork_inside_setjmp() {
    let Some(p) = build("fork_setjmp") else { return };
    let (code, out) = run(&p, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.ends_with("parent ok\n"), "{out}");
}

/// Errors writing to the host's stdout reach the guest as Linux gives
/// them: a closed pipe is EPIPE plus SIGPIPE (so `yes | head -1` ends), a
/// full device is ENOSPC, a closed stdout is EBADF — none is swallowed.
/// (pid 1 is immune to SIGPIPE's default action, as Linux's init is, and
/// sees the EPIPE; a child is killed by the signal.)
#[test]
fn host_stdout_errors_reach_the_guest() {
    let Some(p) = build("stdout_errors") else { return };
    let bin = env!("CARGO_BIN_EXE_wasmlinux");
    let sh = |script: &str, arg: &str| {
        let out = Command::new("sh")
            .arg("-c")
            .arg(script)
            .arg("sh")
            .arg(bin)
            .arg(&p)
            .arg(arg)
            .env("WASMLINUX_CACHE_DIR", "off")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    // A pipe whose reader goes away: a child is killed by SIGPIPE...
    let err = sh(r#"{ "$1" run "$2" $3; echo "status $?" >&2; } | head -c 10 >/dev/null"#, "child");
    assert!(err.contains("child signal 13") && err.contains("status 0"), "{err}");
    // ...pid 1 gets EPIPE (32).
    let err = sh(r#"{ "$1" run "$2" $3; echo "status $?" >&2; } | head -c 10 >/dev/null"#, "");
    assert!(err.contains("write: errno 32") && err.contains("status 3"), "{err}");
    // /dev/full: ENOSPC (28).
    let err = sh(r#""$1" run "$2" $3 >/dev/full; echo "status $?" >&2"#, "");
    assert!(err.contains("write: errno 28") && err.contains("status 3"), "{err}");
    // Closed stdout: EBADF (9).
    let err = sh(r#""$1" run "$2" $3 >&-; echo "status $?" >&2"#, "");
    assert!(err.contains("write: errno 9") && err.contains("status 3"), "{err}");
}

/// Fork bombs under a task limit (`WASMLINUX_MAX_PROCS`): admission is
/// atomic with creating the child, so exactly the limit is reached, every
/// failed fork is EAGAIN in the guest, everything is reaped and the host
/// exits normally (no panic, no abort).
#[test]
fn fork_bomb_under_a_task_limit_is_eagain() {
    let Some(p) = build("fork_bomb") else { return };
    for (mode, first) in [
        ("flat", "flat: 16 processes, 1 failed forks, EAGAIN 1"),
        ("tree", "tree: 16 processes, 16 failed forks, EAGAIN 16"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_wasmlinux"))
            .env("WASMLINUX_CACHE_DIR", "off")
            .env("WASMLINUX_MAX_PROCS", "16")
            .env_remove("WASMLINUX_LOG")
            .args(["run", p.to_str().unwrap(), mode])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(0), "{mode}: {stdout}{stderr}");
        let mut lines = stdout.lines();
        assert_eq!(lines.next(), Some(first), "{mode}: {stdout}");
        let reaped = lines.next().unwrap_or_default();
        let n: Vec<&str> = reaped.split(' ').collect();
        assert!(n.len() == 4 && n[0] == "reaped" && n[1] == n[3] && n[1] != "0", "{mode}: {stdout}");
        // One warning for the refusals; nothing went wrong in the host.
        assert_eq!(stderr.matches("fork: EAGAIN at 16 live tasks").count(), 1, "{stderr}");
        assert!(!stderr.contains("panicked") && !stderr.contains("internal error"), "{stderr}");
    }
}

/// A thread bomb under a task limit: threads count as tasks, so with 16
/// allowed the main thread makes 15 and the next pthread_create is EAGAIN;
/// all are joined and the host exits normally.
#[test]
fn thread_bomb_under_a_task_limit_is_eagain() {
    let Some(p) = build("thread_bomb") else { return };
    let out = Command::new(env!("CARGO_BIN_EXE_wasmlinux"))
        .env("WASMLINUX_CACHE_DIR", "off")
        .env("WASMLINUX_MAX_PROCS", "16")
        .env_remove("WASMLINUX_LOG")
        .args(["run", p.to_str().unwrap()])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert_eq!(stdout, "threads: 15 created, EAGAIN\njoined 15\n", "{stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("internal error"), "{stderr}");
}

/// busybox `ipcs` lists the System V objects a program made, `ipcrm` removes
/// them (needs the root file system with busybox: `$WASMLINUX_BUILD/rootfs`).
#[test]
fn busybox_ipcs_and_ipcrm() {
    let Some(p) = build("ipc_busybox") else { return };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let build = std::env::var_os("WASMLINUX_BUILD").map(std::path::PathBuf::from).unwrap_or_else(|| root.join("build"));
    let rootfs = build.join("rootfs");
    if !rootfs.join("bin/busybox").exists() {
        assert!(std::env::var_os("WASMLINUX_REQUIRE_TOOLS").is_none_or(|v| v != "1"), "{} missing", rootfs.display());
        eprintln!("skipped: {} not built", rootfs.display());
        return;
    }
    let (code, out) = run(&p, &["--root", rootfs.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("\n0x00005678 0          root       600        5            1"), "{out}");
    assert!(out.contains("\n0x00001234 0          root       640        3"), "{out}");
    assert!(out.ends_with("removed: sem 1 msg 1\n"), "{out}");
}

/// busybox `ipcs -m` lists System V shared memory segments with their size
/// and attach count, `ipcrm -M`/`-m` removes them (an attached one is
/// marked "dest" until its last detach).
#[test]
fn busybox_ipcs_and_ipcrm_shm() {
    let Some(p) = build("shm_busybox") else { return };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let build = std::env::var_os("WASMLINUX_BUILD").map(std::path::PathBuf::from).unwrap_or_else(|| root.join("build"));
    let rootfs = build.join("rootfs");
    if !rootfs.join("bin/busybox").exists() {
        assert!(std::env::var_os("WASMLINUX_REQUIRE_TOOLS").is_none_or(|v| v != "1"), "{} missing", rootfs.display());
        eprintln!("skipped: {} not built", rootfs.display());
        return;
    }
    let (code, out) = run(&p, &["--root", rootfs.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("\n0x00004321 0          root       600        5000       1  "), "{out}");
    assert!(out.contains("\n0x00008765 32769      root       640        4096       0  "), "{out}");
    assert!(out.contains("\n0x00000000 0          root       600        5000       1          dest "), "{out}");
    assert!(!out.split("dest").nth(1).unwrap_or_default().contains("0x00008765"), "{out}");
    assert!(out.ends_with("removed: marked 1 b 1 detached 1 a 1\n"), "{out}");
}
