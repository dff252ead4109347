//! Terminals: the N_TTY line discipline ([`ldisc`]), the console, pseudo-
//! terminals ([`pty`], [`devpts`]) and job control ([`job`]: controlling
//! terminals, foreground process groups, SIGTTIN/SIGTTOU, terminal ioctls).
//!
//! - [`Tty`] is one terminal (the console, or a pty slave): termios and
//!   line discipline, window size, session and foreground process group,
//!   hangup state, and a driver that takes processed output (the host for
//!   the console, the master's buffer for a pty slave).
//! - [`Console`] is what `Kernel` holds: for `ConsoleKind::Pipe` a plain
//!   byte stream (fd 0 reads what the bridge feeds, fds 1/2 write to the
//!   host); for `ConsoleKind::Tty` it owns the console [`Tty`], which is the
//!   controlling terminal of session 1 (init) with foreground group 1. It is
//!   also the root of the tty layer ([`TtyLayer`]: the pty table, the
//!   kernel back-reference used to send tty-generated signals).
//!
//! Wiring for neighbours (all other entry points are private):
//! - open of a terminal device (`vfs::ops::Opened::Tty(rdev)`): [`open`]
//!   (/dev/tty 5:0, /dev/console 5:1, /dev/ptmx 5:2, /dev/pts/N 136:N);
//!   install the returned ops as they are (not wrapped), they are found
//!   again by downcasting.
//! - ioctl: [`ioctl`] returns `None` for files that are not terminals and
//!   for the generic requests (FIONBIO, FIOCLEX, FIONCLEX, FIOASYNC).
//! - read/write: [`read`] (job control + VMIN/VTIME blocking) and
//!   [`check_write`] (TOSTOP → SIGTTOU) are called by `syscall::io`.
//! - `/dev/pts`: mount [`Console::devpts`] there.
//!
//! Lock order: `Kernel::procs` is never held while a tty lock is taken by
//! this module's callers; `Tty::st` → `pty::PtyLink::out` → wait queues.
//! Signals are sent after every tty lock is released.

pub mod devpts;
pub mod job;
pub mod ldisc;
pub mod pty;
pub mod termios;

use std::any::Any;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, OnceLock, Weak};

use crate::abi::uapi::{termios as Termios, winsize};
use crate::api::{ConsoleKind, ConsoleStream, GuestMemory, HostClock, HostOps};
use crate::error::{Errno, KResult};
use crate::file::{oflags, poll_bits, FileOps, OpenFile, Stat};
use crate::task::{lock, Pid, Task};
use crate::vfs::makedev;
use crate::wait::WaitQueue;
use crate::Kernel;

use ldisc::{Ldisc, RxEffects};
use pty::{Pty, PtyLink, PtyMaster, PtySlaveFile};
use termios::*;

/// Character device numbers of /dev/console (5, 1).
pub const CONSOLE_MAJOR: u64 = 5;
pub const CONSOLE_MINOR: u64 = 1;
/// /dev/tty (5, 0) and /dev/ptmx (5, 2).
pub const TTY_MINOR: u64 = 0;
pub const PTMX_MINOR: u64 = 2;
/// Unix98 pty slaves (`/dev/pts/N` = 136:N).
pub const PTS_MAJOR: u64 = 136;
/// Virtual consoles (`/dev/tty0`...): tty0 is the console here.
pub const VT_MAJOR: u64 = 4;

/// Where a tty's processed output goes.
enum Driver {
    /// The host terminal (`HostOps::console_write`).
    Host(Arc<dyn HostOps>),
    /// A pty slave: into the master's read buffer.
    PtySlave(Arc<PtyLink>),
}

/// Mutable state of one terminal.
pub struct TtyState {
    pub ld: Ldisc,
    pub winsize: winsize,
    /// Session whose controlling terminal this is.
    pub session: Option<Pid>,
    /// Foreground process group.
    pub pgrp: Option<Pid>,
    /// Hung up (pty master closed): reads return 0, writes EIO.
    pub hung_up: bool,
    /// Console: the host's stdin ended (reads return 0 once drained).
    pub input_eof: bool,
    /// Monotonic time of the last input byte (VTIME inter-byte timer).
    pub last_rx_ns: u64,
    /// TIOCEXCL.
    pub exclusive: bool,
}

/// One terminal: the console or a pty slave.
pub struct Tty {
    /// `console` or `pts/N` (for logs and ttyname-like uses).
    pub name: String,
    pub rdev: u64,
    pub(crate) st: Mutex<TtyState>,
    /// Woken on input, output room, termios changes and hangup.
    pub wq: WaitQueue,
    driver: Driver,
    layer: Weak<TtyLayer>,
}

impl Tty {
    fn new(name: String, rdev: u64, t: Termios, ws: winsize, driver: Driver, layer: Weak<TtyLayer>) -> Arc<Tty> {
        Arc::new(Tty {
            name,
            rdev,
            st: Mutex::new(TtyState {
                ld: Ldisc::new(t),
                winsize: ws,
                session: None,
                pgrp: None,
                hung_up: false,
                input_eof: false,
                last_rx_ns: 0,
                exclusive: false,
            }),
            wq: WaitQueue::new(),
            driver,
            layer,
        })
    }

    pub(crate) fn state(&self) -> std::sync::MutexGuard<'_, TtyState> {
        lock(&self.st)
    }

    fn layer(&self) -> Option<Arc<TtyLayer>> {
        self.layer.upgrade()
    }

    fn now(&self) -> u64 {
        self.layer().map(|l| l.host.now_ns(HostClock::Monotonic)).unwrap_or(0)
    }

    fn is_console(&self) -> bool {
        matches!(self.driver, Driver::Host(_))
    }

    /// Output room of the driver.
    fn write_room(&self) -> usize {
        match &self.driver {
            Driver::Host(_) => usize::MAX,
            Driver::PtySlave(link) => link.room(),
        }
    }

    fn emit(&self, data: &[u8], stream: ConsoleStream) {
        if data.is_empty() {
            return;
        }
        match &self.driver {
            // A terminal's output has no error path back to the writer (like a
            // hung-up line): drop what the host refuses.
            Driver::Host(h) => {
                let mut rest = data;
                while let Ok(n @ 1..) = h.console_write(stream, rest) {
                    rest = &rest[n.min(rest.len())..];
                    if rest.is_empty() {
                        break;
                    }
                }
            }
            Driver::PtySlave(link) => link.push_output(data),
        }
    }

    /// Input from the other side (host keyboard, pty master). With
    /// `limited` stops when the input buffer is full and returns what was
    /// consumed. Echo goes out at once; ISIG signals go to the foreground
    /// process group.
    pub fn receive(&self, data: &[u8], limited: bool) -> usize {
        let mut fx = RxEffects::default();
        let now = self.now();
        let (n, pgrp) = {
            let mut st = self.state();
            if st.hung_up {
                return data.len();
            }
            let n = st.ld.receive(data, limited, &mut fx);
            if n > 0 {
                st.last_rx_ns = now;
            }
            self.emit(&fx.echo, ConsoleStream::Stdout);
            (n, st.pgrp)
        };
        if fx.flush_output {
            if let Driver::PtySlave(link) = &self.driver {
                link.flush_output_keep_echo(&fx.echo);
            }
        }
        self.wq.wake_all();
        if let Driver::PtySlave(link) = &self.driver {
            link.master_wq.wake_all();
        }
        if !fx.signals.is_empty() {
            if let (Some(pg), Some(k)) = (pgrp, self.layer().and_then(|l| l.kernel())) {
                for sig in fx.signals {
                    job::signal_pgrp(&k, pg, sig);
                }
            }
        }
        n
    }

    /// Write from a process: output processing, then the driver.
    /// `EAGAIN` while output is stopped or the pty buffer is full.
    pub fn write(&self, data: &[u8], stream: ConsoleStream) -> KResult<usize> {
        let mut st = self.state();
        if st.hung_up {
            return Err(Errno::EIO);
        }
        if data.is_empty() {
            return Ok(0);
        }
        if st.ld.stopped {
            return Err(Errno::EAGAIN);
        }
        let room = self.write_room();
        if room == 0 {
            return Err(Errno::EAGAIN);
        }
        // Processing may double newlines: keep the expansion within room.
        let take = data.len().min(if room == usize::MAX { usize::MAX } else { (room / 2).max(1) });
        let mut out = Vec::new();
        st.ld.process_output(&data[..take], &mut out);
        self.emit(&out, stream);
        Ok(take)
    }

    /// One attempt of a read. `start_ns` is when the read began (VTIME
    /// without VMIN).
    fn try_read(&self, buf: &mut [u8], start_ns: u64) -> ReadStep {
        let now = self.now();
        let mut st = self.state();
        if st.hung_up {
            return ReadStep::Ready(0);
        }
        let r = if st.ld.canonical() {
            match st.ld.read_canon(buf) {
                Some(n) => ReadStep::Ready(n),
                None if st.input_eof => ReadStep::Ready(0),
                None => ReadStep::Wait(None),
            }
        } else {
            let (vmin, vtime) = (st.ld.vmin() as usize, st.ld.vtime() as u64 * 100_000_000);
            let avail = st.ld.available();
            if st.input_eof && avail == 0 {
                ReadStep::Ready(0)
            } else if vmin == 0 && vtime == 0 {
                ReadStep::Ready(st.ld.read_raw(buf))
            } else if vmin == 0 {
                if avail > 0 || now >= start_ns + vtime {
                    ReadStep::Ready(st.ld.read_raw(buf))
                } else {
                    ReadStep::Wait(Some(start_ns + vtime))
                }
            } else if avail >= vmin.min(buf.len()) || st.input_eof {
                ReadStep::Ready(st.ld.read_raw(buf))
            } else if vtime == 0 || avail == 0 {
                ReadStep::Wait(None)
            } else if now >= st.last_rx_ns + vtime {
                ReadStep::Ready(st.ld.read_raw(buf))
            } else {
                ReadStep::Wait(Some(st.last_rx_ns + vtime))
            }
        };
        drop(st);
        if matches!(r, ReadStep::Ready(n) if n > 0) {
            // Input room for a waiting pty master writer.
            if let Driver::PtySlave(link) = &self.driver {
                link.master_wq.wake_all();
            }
        }
        r
    }

    fn poll(&self) -> u32 {
        let st = self.state();
        if st.hung_up {
            return poll_bits::POLLIN | poll_bits::POLLRDNORM | poll_bits::POLLOUT | poll_bits::POLLHUP;
        }
        let mut ev = 0;
        if st.ld.readable() || st.input_eof {
            ev |= poll_bits::POLLIN | poll_bits::POLLRDNORM;
        }
        if !st.ld.stopped && self.write_room() > 0 {
            ev |= poll_bits::POLLOUT | poll_bits::POLLWRNORM;
        }
        ev
    }

    /// Set termios (TCSETS*), telling the host when the console's
    /// canonical mode changes.
    pub fn set_termios(&self, t: Termios, flush_input: bool) {
        let (was, now) = {
            let mut st = self.state();
            if flush_input {
                st.ld.flush_input();
            }
            let was = st.ld.canonical();
            st.ld.set_termios(t);
            (was, st.ld.canonical())
        };
        if was != now {
            if let Driver::Host(h) = &self.driver {
                h.console_mode_changed(now);
            }
        }
        self.wq.wake_all();
    }

    /// Set the window size; SIGWINCH to the foreground group on change.
    pub fn set_winsize(&self, ws: winsize) {
        let pgrp = {
            let mut st = self.state();
            if st.winsize == ws {
                return;
            }
            st.winsize = ws;
            st.pgrp
        };
        if let (Some(pg), Some(k)) = (pgrp, self.layer().and_then(|l| l.kernel())) {
            job::signal_pgrp(&k, pg, crate::signal::SIGWINCH);
        }
    }

    /// Hang up: discard input, wake everyone, SIGHUP + SIGCONT to the
    /// session leader and the foreground group, forget the session.
    pub fn hangup(&self) {
        let (session, pgrp) = {
            let mut st = self.state();
            if st.hung_up {
                return;
            }
            st.hung_up = true;
            st.ld.flush_input();
            (st.session.take(), st.pgrp.take())
        };
        self.wq.wake_all();
        if let Some(k) = self.layer().and_then(|l| l.kernel()) {
            use crate::signal::{SIGCONT, SIGHUP};
            if let Some(s) = session {
                job::signal_pid(&k, s, SIGHUP);
                job::signal_pid(&k, s, SIGCONT);
            }
            if let Some(pg) = pgrp {
                job::signal_pgrp(&k, pg, SIGHUP);
                job::signal_pgrp(&k, pg, SIGCONT);
            }
        }
    }

    fn stat(&self) -> Stat {
        let st_mode = 0o020620;
        Stat {
            mode: st_mode,
            nlink: 1,
            blksize: 1024,
            rdev: self.rdev,
            ino: self.rdev + 1,
            gid: 5,
            ..Default::default()
        }
    }
}

enum ReadStep {
    Ready(usize),
    /// Not yet: wait for input, or until the deadline (monotonic ns).
    Wait(Option<u64>),
}

/// Registry of terminals and the kernel back-reference.
pub struct TtyLayer {
    host: Arc<dyn HostOps>,
    kernel: OnceLock<Weak<Kernel>>,
    console: OnceLock<Arc<Tty>>,
    pub(crate) ptys: Mutex<pty::PtyTable>,
}

impl TtyLayer {
    pub(crate) fn kernel(&self) -> Option<Arc<Kernel>> {
        self.kernel.get().and_then(|w| w.upgrade())
    }

    /// Every terminal that can be a controlling terminal.
    pub(crate) fn all_ttys(&self) -> Vec<Arc<Tty>> {
        let mut v: Vec<Arc<Tty>> = self.console.get().cloned().into_iter().collect();
        v.extend(lock(&self.ptys).all().into_iter().map(|p| p.tty.clone()));
        v
    }
}

/// The console (what `Kernel` holds) and the root of the tty layer.
pub struct Console {
    pub kind: ConsoleKind,
    host: Arc<dyn HostOps>,
    /// Pipe console input.
    input: Mutex<ConsoleInput>,
    /// Pipe console readers.
    pub readers: WaitQueue,
    /// The console terminal (`ConsoleKind::Tty`).
    pub tty: Option<Arc<Tty>>,
    pub layer: Arc<TtyLayer>,
}

#[derive(Default)]
struct ConsoleInput {
    buf: VecDeque<u8>,
    eof: bool,
}

impl Console {
    pub fn new(kind: ConsoleKind, host: Arc<dyn HostOps>) -> Arc<Console> {
        let layer = Arc::new(TtyLayer {
            host: host.clone(),
            kernel: OnceLock::new(),
            console: OnceLock::new(),
            ptys: Mutex::new(Default::default()),
        });
        let tty = match kind {
            ConsoleKind::Tty { rows, cols } => {
                let mut t = std_termios();
                // The host terminal is UTF-8: erase whole characters.
                t.c_iflag |= IUTF8;
                let ws = winsize { ws_row: rows, ws_col: cols, ws_xpixel: 0, ws_ypixel: 0 };
                let tty = Tty::new(
                    "console".into(),
                    makedev(CONSOLE_MAJOR, CONSOLE_MINOR),
                    t,
                    ws,
                    Driver::Host(host.clone()),
                    Arc::downgrade(&layer),
                );
                // Controlling terminal of init's session, init in the foreground.
                {
                    let mut st = tty.state();
                    st.session = Some(1);
                    st.pgrp = Some(1);
                }
                let _ = layer.console.set(tty.clone());
                Some(tty)
            }
            ConsoleKind::Pipe => None,
        };
        Arc::new(Console {
            kind,
            host,
            input: Mutex::new(ConsoleInput::default()),
            readers: WaitQueue::new(),
            tty,
            layer,
        })
    }

    /// Give the tty layer its kernel (to send SIGINT/SIGWINCH/SIGHUP
    /// generated outside a system call). Called once by `Kernel::new`.
    pub fn set_kernel(&self, kernel: &Arc<Kernel>) {
        let _ = self.layer.kernel.set(Arc::downgrade(kernel));
    }

    /// Host stdin bytes.
    pub fn feed(&self, data: &[u8]) {
        if let Some(tty) = &self.tty {
            tty.receive(data, false);
            return;
        }
        lock(&self.input).buf.extend(data);
        self.readers.wake_all();
    }

    pub fn feed_eof(&self) {
        if let Some(tty) = &self.tty {
            tty.state().input_eof = true;
            tty.wq.wake_all();
            return;
        }
        lock(&self.input).eof = true;
        self.readers.wake_all();
    }

    /// The host terminal was resized.
    pub fn resize(&self, rows: u16, cols: u16) {
        if let Some(tty) = &self.tty {
            tty.set_winsize(winsize { ws_row: rows, ws_col: cols, ws_xpixel: 0, ws_ypixel: 0 });
        }
    }

    /// The devpts file system to mount on /dev/pts.
    pub fn devpts(&self) -> Arc<dyn crate::vfs::FileSystem> {
        devpts::DevPts::new(&self.layer)
    }

    fn try_read(&self, out: &mut [u8]) -> KResult<usize> {
        let mut inp = lock(&self.input);
        if inp.buf.is_empty() {
            if inp.eof || out.is_empty() {
                return Ok(0);
            }
            return Err(Errno::EAGAIN);
        }
        let n = out.len().min(inp.buf.len());
        for (i, b) in inp.buf.drain(..n).enumerate() {
            out[i] = b;
        }
        Ok(n)
    }

    fn readable(&self) -> bool {
        let inp = lock(&self.input);
        !inp.buf.is_empty() || inp.eof
    }
}

/// An open console descriptor (/dev/console, and fds 0/1/2 of init).
pub struct ConsoleFile {
    pub console: Arc<Console>,
    pub stream: ConsoleStream,
    /// Bypass the console terminal: write straight to the host stream
    /// (`StdioKind::Stream`).
    direct: bool,
}

impl ConsoleFile {
    pub fn new(console: Arc<Console>, stream: ConsoleStream) -> Arc<ConsoleFile> {
        Arc::new(ConsoleFile { console, stream, direct: false })
    }

    /// A descriptor on the host stream itself, never the terminal.
    pub fn new_stream(console: Arc<Console>, stream: ConsoleStream) -> Arc<ConsoleFile> {
        Arc::new(ConsoleFile { console, stream, direct: true })
    }

    /// The console terminal this descriptor uses, if any.
    pub fn tty(&self) -> Option<&Arc<Tty>> {
        if self.direct {
            None
        } else {
            self.console.tty.as_ref()
        }
    }
}

impl FileOps for ConsoleFile {
    fn read(&self, buf: &mut [u8], _offset: u64) -> KResult<usize> {
        match self.tty() {
            Some(tty) => match tty.try_read(buf, 0) {
                ReadStep::Ready(n) => Ok(n),
                ReadStep::Wait(_) => Err(Errno::EAGAIN),
            },
            None => self.console.try_read(buf),
        }
    }
    fn write(&self, data: &[u8], _offset: u64) -> KResult<usize> {
        match self.tty() {
            Some(tty) => tty.write(data, self.stream),
            None if data.is_empty() => Ok(0),
            None => self.console.host.console_write(self.stream, data),
        }
    }
    fn stat(&self) -> KResult<Stat> {
        match self.tty() {
            Some(tty) => Ok(tty.stat()),
            None => Ok(Stat { mode: 0o010600, nlink: 1, blksize: 4096, ino: 1, ..Default::default() }),
        }
    }
    fn poll(&self) -> u32 {
        if let Some(tty) = self.tty() {
            return tty.poll();
        }
        let mut ev = poll_bits::POLLOUT | poll_bits::POLLWRNORM;
        if self.console.readable() {
            ev |= poll_bits::POLLIN | poll_bits::POLLRDNORM;
        }
        ev
    }
    fn wait_queue(&self) -> Option<&WaitQueue> {
        match self.tty() {
            Some(tty) => Some(&tty.wq),
            None => Some(&self.console.readers),
        }
    }
    fn nread(&self) -> Option<usize> {
        match self.tty() {
            Some(tty) => Some(tty.state().ld.available()),
            None => Some(lock(&self.console.input).buf.len()),
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Which side of a terminal an open file is.
#[derive(Clone)]
pub(crate) enum TtyEnd {
    /// The console or a pty slave.
    Tty(Arc<Tty>),
    /// A pty master (its slave is `pty.tty`).
    Master(Arc<Pty>),
}

impl TtyEnd {
    /// The terminal the line-discipline requests act on.
    pub(crate) fn tty(&self) -> &Arc<Tty> {
        match self {
            TtyEnd::Tty(t) => t,
            TtyEnd::Master(p) => &p.tty,
        }
    }
}

/// The terminal behind an open file, if it is one.
pub(crate) fn end_of(file: &OpenFile) -> Option<TtyEnd> {
    let any = file.ops.as_any();
    if let Some(c) = any.downcast_ref::<ConsoleFile>() {
        return c.tty().cloned().map(TtyEnd::Tty);
    }
    if let Some(s) = any.downcast_ref::<PtySlaveFile>() {
        return Some(TtyEnd::Tty(s.pty.tty.clone()));
    }
    if let Some(m) = any.downcast_ref::<PtyMaster>() {
        return Some(TtyEnd::Master(m.pty.clone()));
    }
    None
}

/// Is `file` a terminal (isatty)?
pub fn is_tty(file: &OpenFile) -> bool {
    end_of(file).is_some()
}

/// Open terminal device `rdev` for the caller (`vfs::ops::Opened::Tty`):
/// /dev/tty (the caller's controlling terminal, ENXIO without one),
/// /dev/console and tty0, /dev/ptmx (a new pty pair), /dev/pts/N (EIO while
/// locked or after the master closed). A session leader without a
/// controlling terminal acquires the opened terminal unless `O_NOCTTY`
/// (not for /dev/console, as on Linux).
pub fn open(k: &Kernel, task: &Task, rdev: u64, flags: u32) -> KResult<Arc<dyn FileOps>> {
    use crate::vfs::{major, minor};
    let console = &k.console;
    let layer = &console.layer;
    let (maj, min) = (major(rdev), minor(rdev));
    let console_file = || -> Arc<dyn FileOps> { ConsoleFile::new(console.clone(), ConsoleStream::Stdout) };
    match (maj, min) {
        (CONSOLE_MAJOR, TTY_MINOR) => {
            let tty = job::ctty_of(k, task.pid()).ok_or(Errno::ENXIO)?;
            if tty.is_console() {
                return Ok(console_file());
            }
            let pty = lock(&layer.ptys).by_tty(&tty).ok_or(Errno::EIO)?;
            Ok(PtySlaveFile::open(pty)?)
        }
        (CONSOLE_MAJOR, CONSOLE_MINOR) | (VT_MAJOR, 0) => Ok(console_file()),
        (CONSOLE_MAJOR, PTMX_MINOR) => {
            let pty = Pty::alloc(layer, task.process.creds_copy().uid)?;
            Ok(PtyMaster::new(pty))
        }
        (PTS_MAJOR, n) => {
            let pty = lock(&layer.ptys).get(n as u32).ok_or(Errno::EIO)?;
            if pty.is_locked() || !pty.master_open() {
                return Err(Errno::EIO);
            }
            if pty.tty.state().exclusive && task.process.creds_copy().euid != 0 {
                return Err(Errno::EBUSY);
            }
            let f = PtySlaveFile::open(pty.clone())?;
            if flags & oflags::O_NOCTTY == 0 {
                job::maybe_acquire_ctty(k, task.pid(), &pty.tty);
            }
            Ok(f)
        }
        _ => Err(Errno::ENXIO),
    }
}

/// Terminal ioctls for `file` (`syscall::io::sys_ioctl` calls this after
/// the generic requests); `None` when `file` is no terminal or `cmd` is
/// one of the generic requests.
pub fn ioctl(
    k: &Kernel,
    task: &Task,
    mem: &mut dyn GuestMemory,
    file: &OpenFile,
    cmd: u32,
    arg: u32,
) -> Option<KResult<i32>> {
    use termios::ioctls::*;
    if matches!(cmd, FIONBIO | FIOCLEX | FIONCLEX | FIOASYNC) {
        return None;
    }
    let end = end_of(file)?;
    Some(job::tty_ioctl(k, task, mem, file, &end, cmd, arg))
}

/// Read from a terminal: job control (background readers get SIGTTIN,
/// EIO when it is ignored/blocked or the group is orphaned), canonical
/// lines, VMIN/VTIME. `None` when `file` is no terminal (or a pipe
/// console): the caller reads it the generic way.
pub fn read(k: &Kernel, task: &Task, file: &Arc<OpenFile>, len: usize) -> Option<KResult<Vec<u8>>> {
    let end = end_of(file)?;
    if !file.readable() {
        return Some(Err(Errno::EBADF));
    }
    Some(match end {
        TtyEnd::Master(p) => {
            let mut buf = vec![0u8; len.min(1 << 16)];
            task.block_on(&k.host, &[&p.link.master_wq], None, file.nonblocking(), || p.master_read(&mut buf)).map(
                |n| {
                    buf.truncate(n);
                    buf
                },
            )
        }
        TtyEnd::Tty(tty) => tty_read(k, task, file, &tty, len),
    })
}

fn tty_read(k: &Kernel, task: &Task, file: &Arc<OpenFile>, tty: &Arc<Tty>, len: usize) -> KResult<Vec<u8>> {
    job::check_change(k, task, tty, crate::signal::SIGTTIN)?;
    let mut buf = vec![0u8; len.min(1 << 16)];
    let start = k.host.now_ns(HostClock::Monotonic);
    let nonblock = file.nonblocking();
    let mut deadline = None;
    loop {
        let mut next_deadline = None;
        // try_read runs after block_on registered on the queue, so no
        // wake-up between the check and the park is lost.
        let r = task.block_on(&k.host, &[&tty.wq], deadline, nonblock, || match tty.try_read(&mut buf, start) {
            ReadStep::Ready(n) => Ok(Some(n)),
            ReadStep::Wait(d) if d == deadline => Err(Errno::EAGAIN),
            ReadStep::Wait(d) => {
                next_deadline = d;
                Ok(None)
            }
        });
        match r {
            Ok(Some(n)) => {
                buf.truncate(n);
                return Ok(buf);
            }
            Ok(None) if nonblock => return Err(Errno::EAGAIN),
            Ok(None) => deadline = next_deadline,
            // At the deadline try_read returns what there is.
            Err(Errno::ETIMEDOUT) => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Before a write to a terminal: with TOSTOP, a background writer gets
/// SIGTTOU (unless ignored/blocked) or EIO (orphaned group).
pub fn check_write(k: &Kernel, task: &Task, file: &Arc<OpenFile>) -> KResult<()> {
    let Some(TtyEnd::Tty(tty)) = end_of(file) else {
        return Ok(());
    };
    let tostop = tty.state().ld.termios.c_lflag & TOSTOP != 0;
    if tostop {
        job::check_change(k, task, &tty, crate::signal::SIGTTOU)?;
    }
    Ok(())
}
