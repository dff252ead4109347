//! `wasmlinux run [OPTIONS] PROGRAM [ARGS...]`.
//!
//! Exit code: the guest init's exit code, or 128+signal; 127 when PROGRAM is
//! not found, 126 when it is not a runnable wasm module, 2 for bad flags
//! (clap), 1 for setup errors (bad --root/--mount...).

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use wasmlinux_kernel::{
    ConsoleKind, ExecImage, ExitStatus, HostMount, InitSpec, Kernel, KernelConfig, RootFs, Tid, TrapSignal,
};

use wasmlinux_kernel::error::Errno;

use crate::console;
use crate::host::{ConsoleSink, Host};
use crate::runtime::{PrepareError, Runtime, RuntimeConfig, TaskEnd, TaskStart};

#[derive(Parser, Debug)]
#[command(name = "wasmlinux", version, about = "Run Linux userland programs compiled to WebAssembly")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run PROGRAM as the first process (pid 1) of a new kernel.
    Run(RunArgs),
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// Root file system: a tmpfs populated from this host directory. Default:
    /// $WASMLINUX_ROOT, else <dir of wasmlinux>/../../build/rootfs if it
    /// exists, else an empty tmpfs.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Mount a host directory: HOST:GUEST[:ro] (repeatable).
    #[arg(long = "mount", value_name = "HOST:GUEST[:ro]", value_parser = parse_mount)]
    pub mounts: Vec<HostMount>,
    /// Add or override an environment variable K=V (repeatable).
    #[arg(long = "env", value_name = "K=V", value_parser = parse_env)]
    pub env: Vec<(String, String)>,
    /// Working directory (guest path).
    #[arg(long, value_name = "DIR", default_value = "/")]
    pub cwd: String,
    /// Trace system calls to FILE (default: stderr).
    #[arg(long, value_name = "FILE", num_args = 0..=1, require_equals = true, default_missing_value = "-")]
    pub strace: Option<PathBuf>,
    /// Host name of the guest.
    #[arg(long, value_name = "NAME", default_value = "wasmlinux")]
    pub hostname: String,
    /// User id of the first process.
    #[arg(long, default_value_t = 0)]
    pub uid: u32,
    /// Group id of the first process.
    #[arg(long, default_value_t = 0)]
    pub gid: u32,
    /// Do not preempt running guest code. By default (Linux semantics) a
    /// signal reaches a process that is computing without syscalls within
    /// ~10 ms (SIGALRM/SIGINT handlers, SIGKILL of a busy loop), which costs
    /// compiled code an epoch check in every loop: up to 2.5x on tight
    /// compute loops (matmul: 21 ms -> 6.5 ms per op) and 10-20 % on
    /// interpreters. With --no-preempt such signals wait for the process's
    /// next syscall (a loop without syscalls cannot be interrupted, not even
    /// by SIGKILL). Also: WASMLINUX_PREEMPT=0.
    #[arg(long)]
    pub no_preempt: bool,
    /// The program (guest path, name in the guest PATH, or host file) and
    /// its arguments.
    #[arg(
        required = true,
        trailing_var_arg = true,
        value_names = ["PROGRAM", "ARGS"]
    )]
    pub command: Vec<OsString>,
}

fn parse_mount(s: &str) -> Result<HostMount, String> {
    let (rest, read_only) = match s.strip_suffix(":ro") {
        Some(r) => (r, true),
        None => (s.strip_suffix(":rw").unwrap_or(s), false),
    };
    let (host, guest) = rest.rsplit_once(':').ok_or("expected HOST:GUEST[:ro]")?;
    if host.is_empty() || !guest.starts_with('/') {
        return Err("expected HOST:GUEST[:ro] with an absolute GUEST path".into());
    }
    if guest.split('/').all(|c| c.is_empty() || c == ".") {
        return Err("cannot mount over the root file system / (use --root DIR)".into());
    }
    Ok(HostMount { host_path: PathBuf::from(host), guest_path: guest.to_string(), read_only })
}

fn parse_env(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err("expected K=V".into()),
    }
}

/// A failure before the guest runs: message and exit code.
#[derive(Debug)]
pub struct Fail(pub String, pub i32);

fn default_root() -> RootFs {
    if let Some(r) = std::env::var_os("WASMLINUX_ROOT").filter(|v| !v.is_empty()) {
        return RootFs::CopyOf(PathBuf::from(r));
    }
    if let Ok(exe) = std::env::current_exe() {
        if let Some(dir) = exe.parent() {
            let cand = dir.join("../../build/rootfs");
            if cand.is_dir() {
                return RootFs::CopyOf(cand);
            }
        }
    }
    RootFs::Tmpfs
}

fn build_env(extra: &[(String, String)]) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> =
        vec![("PATH".into(), "/bin:/usr/bin:/sbin:/usr/sbin".into()), ("HOME".into(), "/root".into())];
    if let Ok(term) = std::env::var("TERM") {
        env.push(("TERM".into(), term));
    }
    for (k, v) in extra {
        match env.iter_mut().find(|(ek, _)| ek == k) {
            Some(e) => e.1 = v.clone(),
            None => env.push((k.clone(), v.clone())),
        }
    }
    env
}

/// Find PROGRAM: in the guest (absolute/relative path, or bare name through
/// the guest PATH), else a host file at that path.
fn resolve_program(
    kernel: &Kernel,
    tid: Tid,
    prog: &str,
    argv: &[Vec<u8>],
    envp: &[Vec<u8>],
    guest_path: &str,
) -> Result<ExecImage, Fail> {
    let mut denied = None;
    let candidates: Vec<String> = if prog.contains('/') {
        vec![prog.to_string()]
    } else {
        guest_path.split(':').filter(|d| !d.is_empty()).map(|d| format!("{}/{prog}", d.trim_end_matches('/'))).collect()
    };
    for cand in &candidates {
        match kernel.resolve_exec(tid, cand, argv.to_vec(), envp.to_vec()) {
            Ok(img) => return Ok(img),
            Err(Errno::EACCES) => denied = Some(format!("{cand}: permission denied")),
            Err(Errno::ENOEXEC) => denied = Some(format!("{cand}: exec format error")),
            Err(Errno::ENOENT | Errno::ENOTDIR) => {}
            Err(e) => tracing::debug!("resolve {cand}: {}", e.name()),
        }
    }
    // A host file at that path.
    match std::fs::read(prog) {
        Ok(bytes) => {
            if !bytes.starts_with(b"\0asm") {
                return Err(Fail(format!("{prog}: not a wasm module"), 126));
            }
            Ok(ExecImage {
                path: prog.to_string(),
                module: Arc::new(bytes),
                argv: argv.to_vec(),
                envp: envp.to_vec(),
                new_tid: None,
            })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => match denied {
            Some(msg) => Err(Fail(msg, 126)),
            None => Err(Fail(format!("{prog}: command not found"), 127)),
        },
        Err(e) => Err(Fail(format!("{prog}: {e}"), 126)),
    }
}

type StraceSink = Box<dyn Fn(&str) + Send + Sync>;

fn open_strace(target: &std::path::Path) -> Result<StraceSink, Fail> {
    use std::io::Write;
    if target.as_os_str() == "-" {
        return Ok(Box::new(|line: &str| {
            let _ = writeln!(std::io::stderr().lock(), "{line}");
        }));
    }
    let file = std::fs::File::create(target).map_err(|e| Fail(format!("--strace {}: {e}", target.display()), 1))?;
    let file = std::sync::Mutex::new(std::io::LineWriter::new(file));
    Ok(Box::new(move |line: &str| {
        let _ = writeln!(crate::host::lock(&file), "{line}");
    }))
}

enum InitMsg {
    Status(ExitStatus),
    ThreadEnded(TaskEnd),
}

/// `wasmlinux run`: returns the host exit code.
pub fn run(args: RunArgs) -> Result<i32, Fail> {
    let mut words = args.command.iter().map(|a| a.as_encoded_bytes().to_vec());
    let argv: Vec<Vec<u8>> = words.by_ref().collect();
    let prog = args.command[0].to_string_lossy().into_owned();
    let env = build_env(&args.env);
    let envp: Vec<Vec<u8>> = env.iter().map(|(k, v)| format!("{k}={v}").into_bytes()).collect();
    let guest_path = env.iter().find(|(k, _)| k == "PATH").map(|(_, v)| v.clone()).unwrap_or_default();

    let tty = console::stdin_tty_size();
    let stdio = console::claim_stdio(tty.is_some());
    let config = KernelConfig {
        hostname: args.hostname.clone(),
        root: args.root.clone().map(RootFs::CopyOf).unwrap_or_else(default_root),
        mounts: args.mounts.clone(),
        console: match tty {
            Some((rows, cols)) => ConsoleKind::Tty { rows, cols },
            None => ConsoleKind::Pipe,
        },
        stdio,
        cpus: std::thread::available_parallelism().map_or(1, |n| n.get().min(1024) as u32),
    };
    // The guest must never reach the compiled-module cache (native code the
    // host runs): no disk cache for a run whose root or mounts expose it.
    let cache_exposed_by = {
        let mut exposed: Vec<&std::path::Path> = config.mounts.iter().map(|m| m.host_path.as_path()).collect();
        match &config.root {
            RootFs::CopyOf(dir) => exposed.push(dir),
            RootFs::Host { host_path, .. } => exposed.push(host_path),
            RootFs::Tmpfs => {}
        }
        crate::cache::default_dir().and_then(|d| crate::cache::exposing_path(&d, &exposed).map(|e| (d, e)))
    };
    if let Some((dir, by)) = &cache_exposed_by {
        tracing::warn!(
            "module cache {} is reachable through {}, which the guest can see: disk cache off for this run",
            dir.display(),
            by.display()
        );
    }
    // Block host termination signals before any thread exists.
    let _ = console::block_host_signals();

    let host = Host::new(ConsoleSink::Std);
    let kernel = Kernel::new(config, host.clone()).map_err(|m| Fail(m, 1))?;
    if let Some(target) = &args.strace {
        kernel.set_strace(Some(open_strace(target)?));
    }
    let spec = InitSpec { argv: argv.clone(), envp: envp.clone(), cwd: args.cwd.clone(), uid: args.uid, gid: args.gid };
    let tid = kernel.spawn_init(spec).map_err(|e| match e {
        Errno::ENOENT | Errno::ENOTDIR | Errno::EACCES => {
            Fail(format!("--cwd {}: cannot enter it in the guest ({})", args.cwd, e.name()), 2)
        }
        e => Fail(format!("cannot create the first process: {}", e.name()), 1),
    })?;
    let image = resolve_program(&kernel, tid, &prog, &argv, &envp, &guest_path)?;

    let mut rt_config = RuntimeConfig::default();
    rt_config.preempt &= !args.no_preempt;
    if cache_exposed_by.is_some() {
        rt_config.cache_dir = crate::runtime::CacheDir::Off;
    }
    let rt = Runtime::new(kernel.clone(), host.clone(), rt_config).map_err(|e| Fail(format!("wasmtime: {e:#}"), 1))?;
    if let Err(e) = rt.prepare(&image.module) {
        let code = match e {
            PrepareError::NotWasm | PrepareError::Compile(_) | PrepareError::NotProgram(_) => 126,
        };
        return Err(Fail(format!("{prog}: {e}"), code));
    }

    let (tx, rx) = mpsc::channel();
    let tx_hook = tx.clone();
    host.set_exit_hook(Box::new(move |pid, status| {
        if pid == tid {
            let _ = tx_hook.send(InitMsg::Status(status));
        }
    }));

    console::install_panic_hook();
    let raw = match tty {
        Some(_) => Some(console::RawMode::enable().map_err(|e| Fail(format!("cannot set up the terminal: {e}"), 1))?),
        None => None,
    };
    console::start_signal_thread(kernel.clone(), tty.is_some());
    console::start_stdin_thread(kernel.clone());

    let handle = rt
        .spawn_task(tid, TaskStart::Exec(Box::new(image)))
        .map_err(|e| Fail(format!("cannot start a host thread: {e}"), 1))?;
    std::thread::Builder::new()
        .name("init-watch".into())
        .stack_size(64 << 10)
        .spawn(move || {
            let end = handle.join().unwrap_or(TaskEnd::Trapped(TrapSignal::Segv));
            let _ = tx.send(InitMsg::ThreadEnded(end));
        })
        .map_err(|e| Fail(format!("cannot start a host thread: {e}"), 1))?;

    let status = match rx.recv() {
        Ok(InitMsg::Status(s)) => s,
        // The kernel reports init's status from inside the exit path; give
        // it a moment, then fall back to what the thread saw. Init's first
        // thread may end while the process goes on (pthread_exit in main,
        // exec from another thread): then wait for the status.
        Ok(InitMsg::ThreadEnded(end)) => loop {
            match rx.recv_timeout(Duration::from_millis(200)) {
                Ok(InitMsg::Status(s)) => break s,
                Err(mpsc::RecvTimeoutError::Timeout) if kernel.process_running(tid) => continue,
                _ => break fallback_status(end),
            }
        },
        Err(_) => ExitStatus::Signaled { signo: 9, core: false },
    };
    drop(raw);
    console::restore();
    Ok(status.shell_code())
}

fn fallback_status(end: TaskEnd) -> ExitStatus {
    let signo = |s: TrapSignal| match s {
        TrapSignal::Segv => 11,
        TrapSignal::Ill => 4,
        TrapSignal::Fpe => 8,
    };
    match end {
        TaskEnd::Exited(code) => ExitStatus::Exited(code.unwrap_or(0)),
        TaskEnd::Trapped(s) => ExitStatus::Signaled { signo: signo(s), core: false },
        TaskEnd::Aborted(st) => st,
    }
}
