//! Process-machinery tests against the fake kernel in `common`.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{program, Mock};
use wasmlinux_bridge::host::{ConsoleSink, Host};
use wasmlinux_bridge::runtime::{CacheDir, Runtime, RuntimeConfig, TaskStart};
use wasmlinux_kernel::{ExecImage, ExitStatus};

struct Env {
    mock: Arc<Mock>,
    rt: Arc<Runtime>,
}

fn env() -> Env {
    let host = Host::new(ConsoleSink::Buffer(Default::default()));
    let mock = Mock::new(host.clone());
    let cfg = RuntimeConfig { cache_dir: CacheDir::Off, ..Default::default() };
    let rt = Runtime::new(mock.clone(), host, cfg).unwrap();
    Env { mock, rt }
}

fn image(bytes: Vec<u8>) -> Box<ExecImage> {
    Box::new(ExecImage {
        path: "/test".into(),
        module: Arc::new(bytes),
        argv: vec![b"test".to_vec()],
        envp: vec![],
        new_tid: None,
    })
}

impl Env {
    fn start(&self, bytes: Vec<u8>) -> i32 {
        let tid = self.mock.new_task(0);
        self.rt.spawn_task(tid, TaskStart::Exec(image(bytes))).unwrap();
        tid
    }
    fn run(&self, bytes: Vec<u8>) -> ExitStatus {
        let tid = self.start(bytes);
        self.mock.wait_status(tid, Duration::from_secs(20)).expect("process did not finish")
    }
}

const EXIT_WITH: &str = r#"(func $exit (param i32) (drop (call $sys3 (i32.const 94) (local.get 0) (i32.const 0) (i32.const 0))) (unreachable))"#;

#[test]
fn hello_and_exit_code() {
    let e = env();
    let p = program(&format!(
        r#"{EXIT_WITH}
        (data (i32.const 2048) "hello\n")
        (func (export "_start") (param i32)
          (drop (call $sys3 (i32.const 64) (i32.const 1) (i32.const 2048) (i32.const 6)))
          (call $exit (i32.const 3)))"#
    ));
    assert_eq!(e.run(p), ExitStatus::Exited(3));
    assert_eq!(e.mock.output(), "hello\n");
}

#[test]
fn returning_from_start_is_exit_0() {
    let e = env();
    assert_eq!(e.run(program(r#"(func (export "_start") (param i32))"#)), ExitStatus::Exited(0));
}

#[test]
fn bad_args_pointer_is_efault() {
    let e = env();
    let p = program(&format!(
        r#"{EXIT_WITH}
        (func (export "_start") (param i32)
          ;; args block beyond the end of memory, then straddling it
          (if (i32.ne (call $sys (i32.const 172) (i32.const -8)) (i32.const -14)) (then (call $exit (i32.const 1))))
          (if (i32.ne (call $sys (i32.const 172) (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 12))) (i32.const -14)) (then (call $exit (i32.const 2))))
          ;; a write whose buffer is out of range
          (call $exit (i32.sub (i32.const 0) (call $sys3 (i32.const 64) (i32.const 1) (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 100)) (i32.const 4096)))))"#
    ));
    assert_eq!(e.run(p), ExitStatus::Exited(14));
}

fn signaled(signo: u8) -> ExitStatus {
    ExitStatus::Signaled { signo, core: false }
}

#[test]
fn traps_become_signals() {
    let e = env();
    let cases = [
        (r#"(func (export "_start") (param i32) unreachable)"#, 4),
        (r#"(func (export "_start") (param i32) (drop (i32.div_u (i32.const 1) (i32.const 0))))"#, 8),
        (r#"(func (export "_start") (param i32) (drop (i32.load (i32.const -4))))"#, 11),
        (r#"(func $f (export "_start") (param i32) (call $f (i32.add (local.get 0) (i32.const 1))))"#, 11),
        (r#"(func (export "_start") (param i32) (call_indirect (type $handler) (i32.const 0) (i32.const 7)))"#, 4),
    ];
    for (body, sig) in cases {
        assert_eq!(e.run(program(body)), signaled(sig), "{body}");
    }
}

#[test]
fn exec_replaces_the_image() {
    let e = env();
    *e.mock.exec_image.lock().unwrap() = Some(program(&format!(
        r#"{EXIT_WITH}
        (data (i32.const 2048) "second\n")
        (func (export "_start") (param i32)
          (drop (call $sys3 (i32.const 64) (i32.const 1) (i32.const 2048) (i32.const 7)))
          (call $exit (i32.const 7)))"#
    )));
    let p = program(&format!(
        r#"{EXIT_WITH}
        (data (i32.const 2048) "first\n")
        (func (export "_start") (param i32)
          (drop (call $sys3 (i32.const 64) (i32.const 1) (i32.const 2048) (i32.const 6)))
          (drop (call $sys3 (i32.const 221) (i32.const 0) (i32.const 0) (i32.const 0)))
          (call $exit (i32.const 1)))"#
    ));
    assert_eq!(e.run(p), ExitStatus::Exited(7));
    assert_eq!(e.mock.output(), "first\nsecond\n");
}

/// Handler (table slot 1) writes "H" and bumps a counter at 4000.
const HANDLER: &str = r#"
  (data (i32.const 3000) "H")
  (func $on_sig (param i32)
    (i32.store (i32.const 4000) (i32.add (i32.load (i32.const 4000)) (i32.const 1))))
  (func $on_sig_write (param i32)
    (drop (call $sys3 (i32.const 64) (i32.const 1) (i32.const 3000) (i32.const 1))))
  (elem (i32.const 1) $on_sig $on_sig_write)
"#;

#[test]
fn signal_delivered_at_syscall_return() {
    let e = env();
    let p = program(&format!(
        r#"{EXIT_WITH} {HANDLER}
        (data (i32.const 2048) "after\n")
        (func (export "_start") (param i32)
          (drop (call $sys3 (i32.const 134) (i32.const 10) (i32.const 2) (i32.const 0)))
          (drop (call $sys3 (i32.const 129) (call $sys3 (i32.const 172) (i32.const 0) (i32.const 0) (i32.const 0)) (i32.const 10) (i32.const 0)))
          (drop (call $sys3 (i32.const 64) (i32.const 1) (i32.const 2048) (i32.const 6)))
          ;; the stack pointer was restored after the handler
          (if (i32.ne (global.get $sp) (i32.const 65536)) (then (call $exit (i32.const 9))))
          (call $exit (i32.const 0)))"#
    ));
    assert_eq!(e.run(p), ExitStatus::Exited(0));
    assert_eq!(e.mock.output(), "Hafter\n");
}

#[test]
fn restart_delivers_then_reissues() {
    let e = env();
    let tid = e.start(program(&format!(
        r#"{EXIT_WITH} {HANDLER}
        (func (export "_start") (param i32)
          (local $r i32)
          (drop (call $sys3 (i32.const 134) (i32.const 10) (i32.const 1) (i32.const 0)))
          (local.set $r (call $sys3 (i32.const 998) (i32.const 0) (i32.const 0) (i32.const 0)))
          (call $exit (i32.add (i32.mul (i32.const 100) (i32.load (i32.const 4000))) (local.get $r))))"#
    )));
    std::thread::sleep(Duration::from_millis(50));
    e.mock.kill(tid, 10);
    assert_eq!(e.mock.wait_status(tid, Duration::from_secs(10)), Some(ExitStatus::Exited(177)));
}

const SPIN_UNTIL_FLAG: &str = r#"
  (func (export "_start") (param i32)
    (drop (call $sys3 (i32.const 134) (i32.const 14) (i32.const 1) (i32.const 0)))
    (loop $l (br_if $l (i32.eqz (i32.load (i32.const 4000)))))
    (call $exit (i32.const 42)))
"#;

#[test]
fn busy_loop_gets_async_signal_handler() {
    let e = env();
    let tid = e.start(program(&format!("{EXIT_WITH} {HANDLER} {SPIN_UNTIL_FLAG}")));
    std::thread::sleep(Duration::from_millis(100));
    let t0 = Instant::now();
    e.mock.kill(tid, 14);
    assert_eq!(e.mock.wait_status(tid, Duration::from_secs(10)), Some(ExitStatus::Exited(42)));
    eprintln!("async handler latency: {:?}", t0.elapsed());
}

#[test]
fn busy_loop_dies_of_sigkill() {
    let e = env();
    let tid = e.start(program(r#"(func (export "_start") (param i32) (loop $l (br $l)))"#));
    std::thread::sleep(Duration::from_millis(50));
    e.mock.kill(tid, 9);
    assert_eq!(e.mock.wait_status(tid, Duration::from_secs(10)), Some(signaled(9)));
}

/// A hand-written asyncify protocol (what binaryen generates, reduced to a
/// `_start` that calls the fork import directly): state 1 unwinding, 2 rewinding.
const FORKER: &str = r#"
  (import "env" "wasmlinux_fork" (func $fork (param i32 i32) (result i32)))
  (global $astate (mut i32) (i32.const 0))
  (global $adata (mut i32) (i32.const 0))
  (global $counter (export "counter") (mut i32) (i32.const 0))
  (func (export "asyncify_start_unwind") (param i32) (global.set $astate (i32.const 1)) (global.set $adata (local.get 0)))
  (func (export "asyncify_stop_unwind") (global.set $astate (i32.const 0)))
  (func (export "asyncify_start_rewind") (param i32) (global.set $astate (i32.const 2)) (global.set $adata (local.get 0)))
  (func (export "asyncify_stop_rewind") (global.set $astate (i32.const 0)))
  (func (export "asyncify_get_state") (result i32) (global.get $astate))
  (data (i32.const 2048) "parent\n")
  (data (i32.const 2064) "child\n")
  (func (export "_start") (param i32)
    (local $r i32)
    (if (i32.ne (global.get $astate) (i32.const 2)) (then
      (global.set $counter (i32.const 5))
      (i32.store (i32.const 5000) (i32.const 77))
      ;; clone(SIGCHLD)
      (i32.store (i32.const 1024) (i32.const 17))))
    (local.set $r (call $fork (i32.const 220) (i32.const 1024)))
    (if (i32.eq (global.get $astate) (i32.const 1)) (then (return)))
    ;; memory and exported globals were copied
    (if (i32.ne (i32.load (i32.const 5000)) (i32.const 77)) (then (call $exit (i32.const 50))))
    (if (i32.ne (global.get $counter) (i32.const 5)) (then (call $exit (i32.const 51))))
    (if (i32.eqz (local.get $r)) (then
      (drop (call $sys3 (i32.const 64) (i32.const 1) (i32.const 2064) (i32.const 6)))
      (call $exit (i32.const 3))))
    (if (i32.lt_s (local.get $r) (i32.const 0)) (then (call $exit (i32.const 60))))
    ;; parent: wait4(child, &status) and exit with the child's code + 10
    (drop (call $sys3 (i32.const 260) (local.get $r) (i32.const 6000) (i32.const 0)))
    (drop (call $sys3 (i32.const 64) (i32.const 1) (i32.const 2048) (i32.const 7)))
    (call $exit (i32.add (i32.const 10) (i32.shr_u (i32.load (i32.const 6000)) (i32.const 8)))))
"#;

#[test]
fn fork_via_asyncify() {
    let e = env();
    assert_eq!(e.run(program(&format!("{EXIT_WITH} {FORKER}"))), ExitStatus::Exited(13));
    assert_eq!(e.mock.output(), "child\nparent\n");
}

/// Out of host resources (here the task limit): the guest's fork fails
/// with EAGAIN, the parent goes on, and the kernel never sees a child.
#[test]
fn fork_over_the_task_limit_is_eagain() {
    let host = Host::new(ConsoleSink::Buffer(Default::default()));
    let mock = Mock::new(host.clone());
    let cfg = RuntimeConfig { cache_dir: CacheDir::Off, max_processes: Some(1), ..Default::default() };
    let e = Env { rt: Runtime::new(mock.clone(), host, cfg).unwrap(), mock };
    // The parent exits with -r when fork returns r < 0.
    let forker = FORKER
        .replace("(then (call $exit (i32.const 60)))", "(then (call $exit (i32.sub (i32.const 0) (local.get $r))))");
    assert_ne!(forker, FORKER);
    assert_eq!(e.run(program(&format!("{EXIT_WITH} {forker}"))), ExitStatus::Exited(11));
    assert_eq!(e.mock.output(), "");
    assert_eq!(e.mock.task_count(), 1, "no child task in the kernel");
}

/// A panic in a task (here the kernel's, in the child) is contained: the
/// child is killed with SIGKILL through the kernel, the parent's wait sees
/// it (it is not hung), and the child's live-task slot is released.
#[test]
fn panic_in_a_task_kills_it_with_sigkill() {
    let e = env();
    // The child calls the panicking syscall; the parent exits with the
    // raw wait status (signal 9 → 9).
    let forker = FORKER
        .replace(
            "(drop (call $sys3 (i32.const 64) (i32.const 1) (i32.const 2064) (i32.const 6)))",
            "(drop (call $sys3 (i32.const 997) (i32.const 0) (i32.const 0) (i32.const 0)))",
        )
        .replace(
            "(call $exit (i32.add (i32.const 10) (i32.shr_u (i32.load (i32.const 6000)) (i32.const 8))))",
            "(call $exit (i32.load (i32.const 6000)))",
        );
    assert_eq!(forker.matches("997").count(), 1);
    assert!(forker.contains("(call $exit (i32.load (i32.const 6000)))"));
    let parent = e.start(program(&format!("{EXIT_WITH} {forker}")));
    let status = e.mock.wait_status(parent, Duration::from_secs(20)).expect("the parent is hung");
    assert_eq!(status, ExitStatus::Exited(9));
    assert_eq!(e.mock.status(parent + 1), Some(signaled(9)), "the child");
    let t0 = Instant::now();
    while e.rt.live_tasks() > 0 {
        assert!(t0.elapsed() < Duration::from_secs(20), "task slots leaked");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn fork_import_without_asyncify_is_enosys() {
    let e = env();
    let p = program(&format!(
        r#"{EXIT_WITH}
        (import "env" "wasmlinux_fork" (func $fork (param i32 i32) (result i32)))
        (func (export "_start") (param i32)
          (i32.store (i32.const 1024) (i32.const 17))
          (call $exit (i32.sub (i32.const 0) (call $fork (i32.const 220) (i32.const 1024)))))"#
    ));
    assert_eq!(e.run(p), ExitStatus::Exited(38));
}

/// emscripten SjLj: invoke_vii(fnidx, a, b) calls a function that longjmps;
/// the bridge calls setThrew(env, val) and returns 0.
#[test]
fn invoke_catches_longjmp() {
    let e = env();
    let p = program(&format!(
        r#"{EXIT_WITH}
        (import "env" "invoke_vii" (func $invoke_vii (param i32 i32 i32)))
        (import "env" "invoke_ii" (func $invoke_ii (param i32 i32) (result i32)))
        (import "env" "emscripten_longjmp" (func $longjmp (param i32 i32)))
        (global $threw (mut i32) (i32.const 0))
        (global $threw_value (mut i32) (i32.const 0))
        (func (export "setThrew") (param i32 i32)
          (if (i32.eqz (global.get $threw)) (then
            (global.set $threw (local.get 0))
            (global.set $threw_value (select (local.get 1) (i32.const 1) (local.get 1))))))
        (func $jumper (param i32 i32)
          (global.set $sp (i32.const 1000))
          (call $longjmp (local.get 0) (local.get 1)))
        (func $plus1 (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
        (elem (i32.const 3) $jumper $plus1)
        (func (export "_start") (param i32)
          (if (i32.ne (call $invoke_ii (i32.const 4) (i32.const 41)) (i32.const 42)) (then (call $exit (i32.const 1))))
          (call $invoke_vii (i32.const 3) (i32.const 7000) (i32.const 0))
          (if (i32.ne (global.get $threw) (i32.const 7000)) (then (call $exit (i32.const 2))))
          (if (i32.ne (global.get $threw_value) (i32.const 1)) (then (call $exit (i32.const 3))))
          (if (i32.ne (global.get $sp) (i32.const 65536)) (then (call $exit (i32.const 4))))
          (call $exit (i32.const 0)))"#
    ));
    assert_eq!(e.run(p), ExitStatus::Exited(0));
}

/// siglongjmp out of a handler that the epoch callback ran while the guest
/// was spinning inside an invoke_*: the invoke catches it.
#[test]
fn longjmp_out_of_async_handler() {
    let e = env();
    let tid = e.start(program(&format!(
        r#"{EXIT_WITH}
        (import "env" "invoke_v" (func $invoke_v (param i32)))
        (import "env" "emscripten_longjmp" (func $longjmp (param i32 i32)))
        (global $threw (mut i32) (i32.const 0))
        (global $threw_value (mut i32) (i32.const 0))
        (func (export "setThrew") (param i32 i32)
          (global.set $threw (local.get 0)) (global.set $threw_value (local.get 1)))
        (func $spin (loop $l (br $l)))
        (func $on_sig (param i32) (call $longjmp (i32.const 5000) (i32.const 3)))
        (elem (i32.const 1) $on_sig $spin)
        (func (export "_start") (param i32)
          (drop (call $sys3 (i32.const 134) (i32.const 14) (i32.const 1) (i32.const 0)))
          (call $invoke_v (i32.const 2))
          (if (i32.ne (global.get $threw) (i32.const 5000)) (then (call $exit (i32.const 1))))
          (if (i32.ne (global.get $threw_value) (i32.const 3)) (then (call $exit (i32.const 2))))
          (if (i32.ne (global.get $sp) (i32.const 65536)) (then (call $exit (i32.const 4))))
          ;; again: async delivery must still be armed after the longjmp
          (global.set $threw (i32.const 0))
          (call $invoke_v (i32.const 2))
          (if (i32.ne (global.get $threw) (i32.const 5000)) (then (call $exit (i32.const 5))))
          (call $exit (i32.const 0)))"#
    )));
    std::thread::sleep(Duration::from_millis(50));
    e.mock.kill(tid, 14);
    std::thread::sleep(Duration::from_millis(200));
    e.mock.kill(tid, 14);
    assert_eq!(e.mock.wait_status(tid, Duration::from_secs(10)), Some(ExitStatus::Exited(0)));
}

/// A trap inside an invoke_* (setjmp context) with a SIGFPE handler: the
/// handler runs and siglongjmps out (caught by the invoke); a handler that
/// returns, or no handler, kills the process with the signal.
#[test]
fn trap_in_setjmp_context_runs_handler() {
    let e = env();
    let body = |handler: &str, install: bool| {
        program(&format!(
            r#"{EXIT_WITH}
            (import "env" "invoke_ii" (func $invoke_ii (param i32 i32) (result i32)))
            (import "env" "emscripten_longjmp" (func $longjmp (param i32 i32)))
            (global $threw (mut i32) (i32.const 0))
            (global $threw_value (mut i32) (i32.const 0))
            (global $caught (mut i32) (i32.const 0))
            (global $hsp (mut i32) (i32.const 0))
            (func (export "setThrew") (param i32 i32)
              (global.set $threw (local.get 0)) (global.set $threw_value (local.get 1)))
            (func $div (param i32) (result i32)
              (global.set $sp (i32.const 30000))
              (i32.div_s (i32.const 7) (local.get 0)))
            (func $on_fpe (param i32)
              (global.set $caught (local.get 0)) (global.set $hsp (global.get $sp)) {handler})
            (elem (i32.const 1) $on_fpe $div)
            (func (export "_start") (param i32)
              {install}
              (if (i32.ne (call $invoke_ii (i32.const 2) (i32.const 0)) (i32.const 0)) (then (call $exit (i32.const 1))))
              (if (i32.ne (global.get $caught) (i32.const 8)) (then (call $exit (i32.const 2))))
              (if (i32.ne (global.get $threw) (i32.const 6000)) (then (call $exit (i32.const 3))))
              (if (i32.ne (global.get $threw_value) (i32.const 9)) (then (call $exit (i32.const 4))))
              (if (i32.ne (global.get $sp) (i32.const 65536)) (then (call $exit (i32.const 5))))
              ;; the handler ran below the trap's shadow stack pointer (mock: sp - 1024)
              (if (i32.ne (global.get $hsp) (i32.const 28976)) (then (call $exit (i32.const 6))))
              (call $exit (i32.const 0)))"#,
            install = if install {
                "(drop (call $sys3 (i32.const 134) (i32.const 8) (i32.const 1) (i32.const 0)))"
            } else {
                ""
            }
        ))
    };
    let jump = "(call $longjmp (i32.const 6000) (i32.const 9))";
    assert_eq!(e.run(body(jump, true)), ExitStatus::Exited(0));
    assert_eq!(e.mock.delivered.lock().unwrap().len(), 1);
    assert_eq!(e.run(body("", true)), signaled(8), "handler returned");
    assert_eq!(e.run(body(jump, false)), signaled(8), "no handler");
}

#[test]
fn uncaught_longjmp_is_segv() {
    let e = env();
    let p = program(
        r#"(import "env" "emscripten_longjmp" (func $longjmp (param i32 i32)))
        (func (export "_start") (param i32) (call $longjmp (i32.const 1) (i32.const 1)))"#,
    );
    assert_eq!(e.run(p), signaled(11));
}

#[test]
fn unknown_import_is_rejected_at_prepare() {
    let e = env();
    let p = wat::parse_str(r#"(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32))) (memory (export "memory") 1) (func (export "_start") (param i32)))"#).unwrap();
    assert!(e.rt.prepare(&p).is_err());
    assert!(e.rt.prepare(b"#!/bin/sh\n").is_err());
}

/// N processes blocked in read(): host threads, memory, spawn time.
/// `WASMLINUX_BENCH_N=10000 cargo test --release -p wasmlinux-bridge --test runtime -- --ignored --nocapture many_blocked`
#[test]
#[ignore]
fn many_blocked_processes() {
    let n: usize = std::env::var("WASMLINUX_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
    let e = env();
    // WASMLINUX_BENCH_WASM: a real program that blocks in read(0, ...) and
    // then exits 0 (e.g. built with wasmlinux-cc); default: a tiny WAT one.
    let p = match std::env::var_os("WASMLINUX_BENCH_WASM") {
        Some(path) => std::fs::read(path).unwrap(),
        None => program(&format!(
            r#"{EXIT_WITH}
            (func (export "_start") (param i32)
              (call $exit (call $sys3 (i32.const 63) (i32.const 0) (i32.const 0) (i32.const 0))))"#
        )),
    };
    e.rt.prepare(&p).unwrap();
    let rss0 = rss_kib();
    let maps0 = maps();
    let t0 = Instant::now();
    let mut tids = Vec::new();
    for _ in 0..n {
        tids.push(e.start(p.clone()));
    }
    let spawned = t0.elapsed();
    while e.mock.blocked_readers() < n {
        std::thread::sleep(Duration::from_millis(5));
    }
    let all_blocked = t0.elapsed();
    let rss1 = rss_kib();
    let maps1 = maps();
    eprintln!(
        "mappings {maps0} -> {maps1} ({:.1}/proc); VmSize {} KiB",
        (maps1 - maps0) as f64 / n as f64,
        vm_kib("VmSize:")
    );
    eprintln!(
        "N={n}: spawn {:?} ({:.1} us/proc), all blocked after {:?}; RSS {} -> {} KiB ({:.1} KiB/proc); threads {}",
        spawned,
        spawned.as_secs_f64() * 1e6 / n as f64,
        all_blocked,
        rss0,
        rss1,
        (rss1 - rss0) as f64 / n as f64,
        threads()
    );
    let t1 = Instant::now();
    e.mock.release_readers();
    for tid in tids {
        assert_eq!(e.mock.wait_status(tid, Duration::from_secs(60)), Some(ExitStatus::Exited(0)));
    }
    while e.rt.live_tasks() > 0 {
        std::thread::sleep(Duration::from_millis(5));
    }
    eprintln!("released and reaped in {:?}", t1.elapsed());
}

fn rss_kib() -> i64 {
    vm_kib("VmRSS:")
}

fn vm_kib(key: &str) -> i64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap();
    s.lines().find(|l| l.starts_with(key)).and_then(|l| l.split_whitespace().nth(1)).unwrap().parse().unwrap()
}

fn maps() -> i64 {
    std::fs::read_to_string("/proc/self/maps").unwrap().lines().count() as i64
}

fn threads() -> i64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap();
    s.lines().find(|l| l.starts_with("Threads:")).and_then(|l| l.split_whitespace().nth(1)).unwrap().parse().unwrap()
}

/// Baseline for the threads-vs-async figures: N bare host threads with the
/// task stack size, parked.
#[test]
#[ignore]
fn bare_parked_threads_baseline() {
    let n: usize = std::env::var("WASMLINUX_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
    let stack = RuntimeConfig::default().thread_stack;
    let (rss0, maps0) = (rss_kib(), maps());
    let t0 = Instant::now();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut hs = Vec::new();
    for _ in 0..n {
        let stop = stop.clone();
        hs.push(
            std::thread::Builder::new()
                .stack_size(stack)
                .spawn(move || {
                    while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                        std::thread::park();
                    }
                })
                .unwrap(),
        );
    }
    let spawned = t0.elapsed();
    std::thread::sleep(Duration::from_millis(200));
    eprintln!(
        "bare threads N={n}: spawn {:.1} us/thread, RSS {:.1} KiB/thread, {:.1} mappings/thread",
        spawned.as_secs_f64() * 1e6 / n as f64,
        (rss_kib() - rss0) as f64 / n as f64,
        (maps() - maps0) as f64 / n as f64
    );
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    for h in hs {
        h.thread().unpark();
        h.join().unwrap();
    }
}

/// Compile `tests/c/<name>.c` with the sysroot's wasmlinux-cc, if built.
fn compile_c(name: &str) -> Option<Vec<u8>> {
    compile_c_with(name, &[])
}

fn compile_c_with(name: &str, flags: &[&str]) -> Option<Vec<u8>> {
    let cc = common::wasmlinux_cc()?;
    let out = std::env::temp_dir().join(format!("wasmlinux-bridge-test-{}-{name}.wasm", std::process::id()));
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/c/{name}.c"));
    let st = std::process::Command::new(&cc).arg("-O2").args(flags).arg(&src).arg("-o").arg(&out).status().unwrap();
    assert!(st.success(), "wasmlinux-cc failed for {name}");
    let bytes = std::fs::read(&out).unwrap();
    let _ = std::fs::remove_file(&out);
    Some(bytes)
}

/// Real binaryen asyncify + emscripten SjLj from wasmlinux-cc: fork deep
/// inside a setjmp-protected function, longjmp in the child.
#[test]
fn c_fork_inside_setjmp() {
    let Some(p) = compile_c("fork_setjmp") else {
        return;
    };
    let e = env();
    assert_eq!(e.run(p), ExitStatus::Exited(0), "output: {}", e.mock.output());
    let out = e.mock.output();
    assert!(out.contains("child\nchild longjmp\n") && out.ends_with("parent ok\n"), "{out}");
}

/// N forked children blocked in read(): RSS and time per fork.
/// `WASMLINUX_BENCH_N=2000 cargo test -p wasmlinux-bridge --test runtime -- --ignored --nocapture many_forked`
#[test]
#[ignore]
fn many_forked_processes() {
    let n: usize = std::env::var("WASMLINUX_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
    let Some(p) = compile_c_with("fork_many", &[&format!("-DN={n}")]) else {
        return;
    };
    let e = env();
    e.rt.prepare(&p).unwrap();
    let rss0 = rss_kib();
    let t0 = Instant::now();
    let tid = e.start(p);
    while e.mock.blocked_readers() < n {
        std::thread::sleep(Duration::from_millis(5));
    }
    let forked = t0.elapsed();
    std::thread::sleep(Duration::from_millis(100));
    let rss1 = rss_kib();
    eprintln!(
        "fork N={n}: {:?} ({:.1} us/fork); RSS {} -> {} KiB ({:.1} KiB/child); threads {}",
        forked,
        forked.as_secs_f64() * 1e6 / n as f64,
        rss0,
        rss1,
        (rss1 - rss0) as f64 / n as f64,
        threads()
    );
    e.mock.release_readers();
    assert_eq!(e.mock.wait_status(tid, Duration::from_secs(120)), Some(ExitStatus::Exited(0)), "{}", e.mock.output());
}
