//! The host terminal side of the guest console.
//!
//! - If host stdin is a terminal, it is put in raw mode while the guest runs
//!   (the kernel's N_TTY line discipline does echo, canonical editing and
//!   ^C → SIGINT) and is ALWAYS restored: on normal exit ([`restore`] plus
//!   the [`RawMode`] guard), on panic (hook installed by [`install_panic_hook`]),
//!   and on SIGTERM/SIGHUP/SIGINT/SIGQUIT to the host (signal thread).
//! - SIGWINCH → `Kernel::console_resize`.
//! - A reader thread feeds host stdin to `Kernel::console_input` and reports
//!   end of file with `Kernel::console_eof`.

use std::io::Read;
use std::os::fd::AsFd;
use std::path::Path;
use std::sync::{Arc, Mutex};

use nix::sys::signal::{SigSet, Signal};
use nix::sys::termios::{self, SetArg, Termios};
use wasmlinux_kernel::{Kernel, StdioKind};

use crate::host::lock;

static SAVED: Mutex<Option<Termios>> = Mutex::new(None);

/// Is host stdin a terminal? Returns its size if so.
pub fn stdin_tty_size() -> Option<(u16, u16)> {
    let stdin = std::io::stdin();
    if !rustix::termios::isatty(stdin.as_fd()) {
        return None;
    }
    match rustix::termios::tcgetwinsize(stdin.as_fd()) {
        Ok(ws) if ws.ws_row > 0 && ws.ws_col > 0 => Some((ws.ws_row, ws.ws_col)),
        _ => Some((24, 80)),
    }
}

/// What the host has on fds 0/1/2, as the first process should see them
/// (`KernelConfig::stdio`): a closed host fd stays closed in the guest,
/// and with a terminal console, stdout/stderr that are not terminals on the
/// host are plain streams in the guest too (`wasmlinux run yes | head`).
/// A closed host fd is then held open on /dev/null, so no file the host
/// opens later takes its number and receives guest output. Call first
/// thing in `main`, before anything opens a file.
pub fn claim_stdio(console_is_tty: bool) -> [StdioKind; 3] {
    let (stdin, stdout, stderr) = (std::io::stdin(), std::io::stdout(), std::io::stderr());
    let fds = [stdin.as_fd(), stdout.as_fd(), stderr.as_fd()];
    let mut kinds = [StdioKind::Console; 3];
    for (i, fd) in fds.into_iter().enumerate() {
        // Rust's runtime already put /dev/null (O_RDWR) on a closed 0/1/2
        // before `main`; a shell's `>/dev/null` opens it write-only.
        let std_filled = std::fs::read_link(format!("/proc/self/fd/{i}")).is_ok_and(|p| p == Path::new("/dev/null"))
            && nix::fcntl::fcntl(fd, nix::fcntl::FcntlArg::F_GETFL)
                .is_ok_and(|fl| fl & nix::libc::O_ACCMODE == nix::libc::O_RDWR);
        if std_filled {
            kinds[i] = StdioKind::Closed;
        } else if nix::fcntl::fcntl(fd, nix::fcntl::FcntlArg::F_GETFD) == Err(nix::errno::Errno::EBADF) {
            kinds[i] = StdioKind::Closed;
            if let Ok(f) = std::fs::OpenOptions::new().read(true).write(true).open("/dev/null") {
                // Lowest free number: this one (lower ones are open or were just filled).
                let _ = std::os::fd::IntoRawFd::into_raw_fd(f);
            }
        } else if i > 0 && console_is_tty && !rustix::termios::isatty(fd) {
            kinds[i] = StdioKind::Stream;
        }
    }
    kinds
}

/// Raw mode on host stdin while alive; restored on drop.
pub struct RawMode(());

impl RawMode {
    pub fn enable() -> nix::Result<RawMode> {
        let stdin = std::io::stdin();
        let saved = termios::tcgetattr(stdin.as_fd())?;
        let mut raw = saved.clone();
        termios::cfmakeraw(&mut raw);
        *lock(&SAVED) = Some(saved);
        termios::tcsetattr(stdin.as_fd(), SetArg::TCSANOW, &raw)?;
        Ok(RawMode(()))
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        restore();
    }
}

/// Restore the host terminal if we changed it (idempotent, any thread).
pub fn restore() {
    if let Some(saved) = lock(&SAVED).take() {
        let _ = termios::tcsetattr(std::io::stdin().as_fd(), SetArg::TCSANOW, &saved);
    }
}

/// Restore the terminal before the default panic message is printed —
/// unless the panic is contained to one task (the guest goes on; see
/// `runtime::in_contained_code`).
pub fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !crate::runtime::in_contained_code() {
            restore();
        }
        default(info);
    }));
}

/// The asynchronous host signals the signal thread handles. Block them in
/// the main thread before any other thread starts (the mask is inherited).
fn host_signals() -> SigSet {
    let mut set = SigSet::empty();
    for s in [Signal::SIGTERM, Signal::SIGHUP, Signal::SIGINT, Signal::SIGQUIT, Signal::SIGWINCH] {
        set.add(s);
    }
    set
}

pub fn block_host_signals() -> nix::Result<()> {
    host_signals().thread_block()
}

/// Handle host signals on a dedicated thread: SIGWINCH resizes the guest
/// console; termination signals restore the terminal and exit 128+sig.
pub fn start_signal_thread(kernel: Arc<Kernel>, tty: bool) {
    let set = host_signals();
    let _ = std::thread::Builder::new().name("host-signals".into()).stack_size(128 << 10).spawn(move || loop {
        let Ok(sig) = set.wait() else { continue };
        match sig {
            Signal::SIGWINCH => {
                if tty {
                    if let Some((rows, cols)) = stdin_tty_size() {
                        kernel.console_resize(rows, cols);
                    }
                }
            }
            other => {
                restore();
                std::process::exit(128 + other as i32);
            }
        }
    });
}

/// Feed host stdin to the kernel console until end of file.
pub fn start_stdin_thread(kernel: Arc<Kernel>) {
    let _ = std::thread::Builder::new().name("stdin".into()).stack_size(128 << 10).spawn(move || {
        let mut buf = [0u8; 4096];
        let mut stdin = std::io::stdin().lock();
        loop {
            match stdin.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => kernel.console_input(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            }
        }
        kernel.console_eof();
    });
}
