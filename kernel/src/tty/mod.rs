//! The console: what fds 0/1/2 of the first process are.
//!
//! For `ConsoleKind::Pipe` the console is a byte stream: reads take bytes
//! the bridge feeds through `Kernel::console_input` (EOF after
//! `console_eof`), writes go to `HostOps::console_write` on the stream of
//! the descriptor (stdout for fd 1, stderr for fd 2).
//!
//! Ttys (N_TTY line discipline, termios, job control, ptys) will live in
//! this module too: [`Console`] is where the line discipline plugs in for
//! `ConsoleKind::Tty`; until then a Tty console behaves like the pipe one
//! and answers the few termios ioctls isatty() needs.

use std::any::Any;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use crate::api::{ConsoleKind, ConsoleStream, HostOps};
use crate::error::{Errno, KResult};
use crate::file::{poll_bits, FileOps, Stat};
use crate::task::lock;
use crate::wait::WaitQueue;

/// Character device numbers of /dev/console (5, 1).
pub const CONSOLE_MAJOR: u64 = 5;
pub const CONSOLE_MINOR: u64 = 1;

pub struct Console {
    pub kind: ConsoleKind,
    host: Arc<dyn HostOps>,
    input: Mutex<ConsoleInput>,
    pub readers: WaitQueue,
}

#[derive(Default)]
struct ConsoleInput {
    buf: VecDeque<u8>,
    eof: bool,
}

impl Console {
    pub fn new(kind: ConsoleKind, host: Arc<dyn HostOps>) -> Arc<Console> {
        Arc::new(Console { kind, host, input: Mutex::new(ConsoleInput::default()), readers: WaitQueue::new() })
    }
    /// Host stdin bytes.
    pub fn feed(&self, data: &[u8]) {
        lock(&self.input).buf.extend(data);
        self.readers.wake_all();
    }
    pub fn feed_eof(&self) {
        lock(&self.input).eof = true;
        self.readers.wake_all();
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

/// An open console descriptor.
pub struct ConsoleFile {
    pub console: Arc<Console>,
    pub stream: ConsoleStream,
}

impl ConsoleFile {
    pub fn new(console: Arc<Console>, stream: ConsoleStream) -> Arc<ConsoleFile> {
        Arc::new(ConsoleFile { console, stream })
    }
}

impl FileOps for ConsoleFile {
    fn read(&self, buf: &mut [u8], _offset: u64) -> KResult<usize> {
        self.console.try_read(buf)
    }
    fn write(&self, data: &[u8], _offset: u64) -> KResult<usize> {
        self.console.host.console_write(self.stream, data);
        Ok(data.len())
    }
    fn stat(&self) -> KResult<Stat> {
        let (mode, rdev) = match self.console.kind {
            ConsoleKind::Tty { .. } => (0o020620, crate::vfs::makedev(CONSOLE_MAJOR, CONSOLE_MINOR)),
            ConsoleKind::Pipe => (0o010600, 0),
        };
        Ok(Stat { mode, nlink: 1, blksize: 4096, rdev, ino: 1, ..Default::default() })
    }
    fn poll(&self) -> u32 {
        let mut ev = poll_bits::POLLOUT | poll_bits::POLLWRNORM;
        if self.console.readable() {
            ev |= poll_bits::POLLIN | poll_bits::POLLRDNORM;
        }
        ev
    }
    fn wait_queue(&self) -> Option<&WaitQueue> {
        Some(&self.console.readers)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
