//! `HostOps` for the real host: per-task parking, clocks, random bytes, and
//! the console's output side (host stdout/stderr).
//!
//! Parking: every task runs on its own host thread, and the kernel blocks a
//! task by calling [`HostOps::park`] from that thread. Each tid owns a
//! `Parker` (a one-permit semaphore: `Mutex<bool>` + `Condvar`), created on
//! first use by either `park` or `unpark`, so an `unpark` that precedes the
//! `park` is never lost. The runtime drops a tid's parker when its thread ends.

use std::collections::HashMap;
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use wasmlinux_kernel::error::Errno;
use wasmlinux_kernel::{ConsoleStream, ExitStatus, HostClock, HostOps, Tid};

#[derive(Default)]
struct Parker {
    permit: Mutex<bool>,
    cv: Condvar,
}

type ExitHook = Box<dyn Fn(Tid, ExitStatus) + Send + Sync>;

pub struct Host {
    start: Instant,
    parkers: Mutex<HashMap<Tid, Arc<Parker>>>,
    exit_hook: Mutex<Option<ExitHook>>,
    /// Where console output goes (tests capture it).
    sink: ConsoleSink,
}

/// Destination of console writes.
pub enum ConsoleSink {
    /// Host stdout / stderr.
    Std,
    /// One in-memory buffer (tests).
    Buffer(Arc<Mutex<Vec<u8>>>),
}

impl Host {
    pub fn new(sink: ConsoleSink) -> Arc<Host> {
        Arc::new(Host { start: Instant::now(), parkers: Mutex::new(HashMap::new()), exit_hook: Mutex::new(None), sink })
    }

    /// Called from `process_exited` (the CLI learns init's status this way).
    pub fn set_exit_hook(&self, hook: ExitHook) {
        *lock(&self.exit_hook) = Some(hook);
    }

    fn parker(&self, tid: Tid) -> Arc<Parker> {
        lock(&self.parkers).entry(tid).or_default().clone()
    }

    /// The host thread of `tid` ended: forget its parker.
    pub fn task_ended(&self, tid: Tid) {
        lock(&self.parkers).remove(&tid);
    }

    fn monotonic_ns(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }
}

/// One `write(2)` to a host stdout/stderr, as the guest's write: the
/// count written, or the host's errno as the guest's (`EPIPE` when the
/// reader has gone, `ENOSPC` on /dev/full, `EBADF`...). A host fd that
/// someone left non-blocking is waited on, since the guest's is blocking.
/// Goes around Rust's `Stdout` buffer so nothing is held back or hidden.
fn write_host(fd: BorrowedFd<'_>, data: &[u8]) -> Result<usize, Errno> {
    loop {
        match nix::unistd::write(fd, data) {
            Ok(n) => return Ok(n),
            Err(nix::errno::Errno::EINTR) => continue,
            Err(nix::errno::Errno::EAGAIN) => {
                let mut fds = [nix::poll::PollFd::new(fd, nix::poll::PollFlags::POLLOUT)];
                let _ = nix::poll::poll(&mut fds, nix::poll::PollTimeout::NONE);
            }
            Err(e) => return Err(Errno::from_code(e as i32).unwrap_or(Errno::EIO)),
        }
    }
}

/// Lock ignoring poison: a panicking task thread must not wedge the others.
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn clock_ns(id: nix::time::ClockId) -> Option<u64> {
    let ts = nix::time::clock_gettime(id).ok()?;
    let secs = u64::try_from(ts.tv_sec()).ok()?;
    let nsecs = u64::try_from(ts.tv_nsec()).ok()?;
    Some(secs.saturating_mul(1_000_000_000).saturating_add(nsecs))
}

impl HostOps for Host {
    fn new_shared_pages(&self, len: u64) -> Result<Arc<dyn wasmlinux_kernel::SharedPages>, wasmlinux_kernel::Errno> {
        crate::shared_pages::MemfdPages::create(len)
    }

    fn now_ns(&self, clock: HostClock) -> u64 {
        match clock {
            HostClock::Realtime => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
                .unwrap_or(0),
            HostClock::Monotonic => {
                clock_ns(nix::time::ClockId::CLOCK_MONOTONIC).unwrap_or_else(|| self.monotonic_ns())
            }
            HostClock::ProcessCpu => clock_ns(nix::time::ClockId::CLOCK_PROCESS_CPUTIME_ID).unwrap_or(0),
        }
    }

    fn park(&self, tid: Tid, deadline_ns: Option<u64>) {
        let parker = self.parker(tid);
        let mut permit = lock(&parker.permit);
        while !*permit {
            match deadline_ns {
                None => permit = parker.cv.wait(permit).unwrap_or_else(|e| e.into_inner()),
                Some(deadline) => {
                    let now = self.now_ns(HostClock::Monotonic);
                    if now >= deadline {
                        return;
                    }
                    let (g, _) = parker
                        .cv
                        .wait_timeout(permit, Duration::from_nanos(deadline - now))
                        .unwrap_or_else(|e| e.into_inner());
                    permit = g;
                }
            }
        }
        *permit = false;
    }

    fn unpark(&self, tid: Tid) {
        let parker = self.parker(tid);
        *lock(&parker.permit) = true;
        parker.cv.notify_one();
    }

    fn random(&self, buf: &mut [u8]) {
        if getrandom::fill(buf).is_err() {
            // getrandom(2) cannot fail on Linux >= 3.17 with a valid buffer;
            // never hand out predictable bytes silently.
            panic!("host getrandom failed");
        }
    }

    fn console_write(&self, stream: ConsoleStream, data: &[u8]) -> Result<usize, Errno> {
        match &self.sink {
            ConsoleSink::Std => match stream {
                ConsoleStream::Stdout => write_host(std::io::stdout().as_fd(), data),
                ConsoleStream::Stderr => write_host(std::io::stderr().as_fd(), data),
            },
            ConsoleSink::Buffer(buf) => {
                lock(buf).extend_from_slice(data);
                Ok(data.len())
            }
        }
    }

    fn process_exited(&self, pid: Tid, status: ExitStatus) {
        if let Some(hook) = lock(&self.exit_hook).as_ref() {
            hook(pid, status);
        }
    }
}
