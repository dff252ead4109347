//! Unix98 pseudo-terminals: /dev/ptmx allocates a pair, the master reads
//! what the slave's line discipline outputs and writes the slave's input;
//! /dev/pts/N opens the slave once unlocked (TIOCSPTLCK). Closing the
//! master hangs the slave up (reads 0, writes EIO, SIGHUP); closing every
//! slave makes master reads fail with EIO once drained.

use std::any::Any;
use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use super::termios::*;
use super::{Driver, Tty, TtyLayer, PTS_MAJOR};
use crate::abi::uapi::{termios as Termios, winsize};
use crate::api::ConsoleStream;
use crate::error::{Errno, KResult};
use crate::file::{poll_bits, FileOps, Stat};
use crate::task::lock;
use crate::vfs::makedev;
use crate::wait::WaitQueue;

/// Most ptys at once (`/proc/sys/kernel/pty/max` is 4096 on Linux).
pub const PTY_MAX: u32 = 4096;
/// Slave output the master has not read yet, before slave writers wait.
pub const PTY_OUT_CAP: usize = 65536;

/// The slave → master direction.
pub struct PtyLink {
    out: Mutex<VecDeque<u8>>,
    /// Master readers and writers wait here.
    pub master_wq: WaitQueue,
    /// Open slave descriptions.
    slaves: AtomicUsize,
    /// A slave was opened once (master reads EIO only after that).
    slave_seen: AtomicBool,
}

impl PtyLink {
    pub(crate) fn room(&self) -> usize {
        PTY_OUT_CAP.saturating_sub(lock(&self.out).len())
    }
    /// Output of the slave's line discipline (writes and echo). Echo may
    /// exceed the capacity a little; beyond twice of it, bytes are dropped.
    pub(crate) fn push_output(&self, data: &[u8]) {
        {
            let mut out = lock(&self.out);
            let room = (2 * PTY_OUT_CAP).saturating_sub(out.len());
            out.extend(&data[..data.len().min(room)]);
        }
        self.master_wq.wake_all();
    }
    /// ISIG flush: drop unread output except the echo just produced.
    pub(crate) fn flush_output_keep_echo(&self, echo: &[u8]) {
        let mut out = lock(&self.out);
        let keep = echo.len().min(out.len());
        let start = out.len() - keep;
        out.drain(..start);
    }
    fn other_closed(&self) -> bool {
        self.slave_seen.load(Ordering::Acquire) && self.slaves.load(Ordering::Acquire) == 0
    }
}

/// One pty pair.
pub struct Pty {
    pub index: u32,
    /// The slave terminal.
    pub tty: Arc<Tty>,
    pub link: Arc<PtyLink>,
    locked: AtomicBool,
    master_open: AtomicBool,
    /// The master side's own termios (TCGETS/TCSETS on the master).
    pub master_termios: Mutex<Termios>,
    /// TIOCPKT mode on the master.
    pub packet: AtomicBool,
    /// Owner and mode of /dev/pts/N.
    pub uid: AtomicU32,
    pub mode: AtomicU32,
}

/// The table of live ptys (indexes are reused once a pair is gone).
#[derive(Default)]
pub struct PtyTable {
    map: BTreeMap<u32, Arc<Pty>>,
}

impl PtyTable {
    pub fn get(&self, n: u32) -> Option<Arc<Pty>> {
        self.map.get(&n).cloned()
    }
    pub fn all(&self) -> Vec<Arc<Pty>> {
        self.map.values().cloned().collect()
    }
    pub fn by_tty(&self, tty: &Arc<Tty>) -> Option<Arc<Pty>> {
        self.map.values().find(|p| Arc::ptr_eq(&p.tty, tty)).cloned()
    }
}

impl Pty {
    /// Allocate the lowest free index (ENOSPC past [`PTY_MAX`]); the slave
    /// starts locked, with `tty_std_termios` and a 0x0 window.
    pub(crate) fn alloc(layer: &Arc<TtyLayer>, uid: u32) -> KResult<Arc<Pty>> {
        let mut table = lock(&layer.ptys);
        let index = (0..PTY_MAX).find(|i| !table.map.contains_key(i)).ok_or(Errno::ENOSPC)?;
        let link = Arc::new(PtyLink {
            out: Mutex::new(VecDeque::new()),
            master_wq: WaitQueue::new(),
            slaves: AtomicUsize::new(0),
            slave_seen: AtomicBool::new(false),
        });
        let ws = winsize { ws_row: 0, ws_col: 0, ws_xpixel: 0, ws_ypixel: 0 };
        let tty = Tty::new(
            format!("pts/{index}"),
            makedev(PTS_MAJOR, index as u64),
            std_termios(),
            ws,
            Driver::PtySlave(link.clone()),
            Arc::downgrade(layer),
        );
        let master_t =
            Termios { c_iflag: 0, c_oflag: 0, c_cflag: B38400 | CS8 | CREAD, c_lflag: 0, c_line: 0, c_cc: INIT_C_CC };
        let pty = Arc::new(Pty {
            index,
            tty,
            link,
            locked: AtomicBool::new(true),
            master_open: AtomicBool::new(true),
            master_termios: Mutex::new(master_t),
            packet: AtomicBool::new(false),
            uid: AtomicU32::new(uid),
            mode: AtomicU32::new(0o620),
        });
        table.map.insert(index, pty.clone());
        Ok(pty)
    }

    pub fn is_locked(&self) -> bool {
        self.locked.load(Ordering::Acquire)
    }
    pub fn set_locked(&self, locked: bool) {
        self.locked.store(locked, Ordering::Release)
    }
    pub fn master_open(&self) -> bool {
        self.master_open.load(Ordering::Acquire)
    }

    /// Non-blocking master read: slave output, else EIO once every slave
    /// closed, else EAGAIN.
    pub(crate) fn master_read(&self, buf: &mut [u8]) -> KResult<usize> {
        let packet = self.packet.load(Ordering::Relaxed);
        let n = {
            let mut out = lock(&self.link.out);
            if out.is_empty() {
                drop(out);
                if self.link.other_closed() {
                    return Err(Errno::EIO);
                }
                return if buf.is_empty() { Ok(0) } else { Err(Errno::EAGAIN) };
            }
            let (dst, skip) = if packet && !buf.is_empty() {
                buf[0] = 0; // TIOCPKT_DATA
                (&mut buf[1..], 1)
            } else {
                (&mut buf[..], 0)
            };
            let n = dst.len().min(out.len());
            for (i, b) in out.drain(..n).enumerate() {
                dst[i] = b;
            }
            n + skip
        };
        self.tty.wq.wake_all();
        Ok(n)
    }

    /// Master write: slave input through its line discipline; EAGAIN
    /// when its input buffer is full.
    pub(crate) fn master_write(&self, data: &[u8]) -> KResult<usize> {
        if data.is_empty() {
            return Ok(0);
        }
        let n = self.tty.receive(data, true);
        if n == 0 {
            return Err(Errno::EAGAIN);
        }
        Ok(n)
    }

    /// Slave output the master has not read (FIONREAD on the master).
    pub(crate) fn master_unread(&self) -> usize {
        lock(&self.link.out).len()
    }

    fn master_poll(&self) -> u32 {
        let mut ev = 0;
        if !lock(&self.link.out).is_empty() {
            ev |= poll_bits::POLLIN | poll_bits::POLLRDNORM;
        }
        if self.link.other_closed() {
            ev |= poll_bits::POLLHUP;
        }
        if self.tty.state().ld.input_room() > 0 {
            ev |= poll_bits::POLLOUT | poll_bits::POLLWRNORM;
        }
        ev
    }

    fn master_closed(self: &Arc<Self>) {
        self.master_open.store(false, Ordering::Release);
        self.tty.hangup();
        self.link.master_wq.wake_all();
        if let Some(layer) = self.tty.layer() {
            let mut t = lock(&layer.ptys);
            if t.map.get(&self.index).is_some_and(|p| Arc::ptr_eq(p, self)) {
                t.map.remove(&self.index);
            }
        }
    }
}

/// The master side (/dev/ptmx). Dropping the last reference closes it.
pub struct PtyMaster {
    pub pty: Arc<Pty>,
}

impl PtyMaster {
    pub(crate) fn new(pty: Arc<Pty>) -> Arc<PtyMaster> {
        Arc::new(PtyMaster { pty })
    }
}

impl Drop for PtyMaster {
    fn drop(&mut self) {
        self.pty.master_closed();
    }
}

impl FileOps for PtyMaster {
    fn read(&self, buf: &mut [u8], _offset: u64) -> KResult<usize> {
        self.pty.master_read(buf)
    }
    fn write(&self, data: &[u8], _offset: u64) -> KResult<usize> {
        self.pty.master_write(data)
    }
    fn stat(&self) -> KResult<Stat> {
        Ok(Stat { mode: 0o020666, nlink: 1, blksize: 1024, rdev: makedev(5, 2), ino: 2, gid: 5, ..Default::default() })
    }
    fn poll(&self) -> u32 {
        self.pty.master_poll()
    }
    fn wait_queue(&self) -> Option<&WaitQueue> {
        Some(&self.pty.link.master_wq)
    }
    fn nread(&self) -> Option<usize> {
        Some(lock(&self.pty.link.out).len())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// An open slave (/dev/pts/N, TIOCGPTPEER, /dev/tty on a pty).
pub struct PtySlaveFile {
    pub pty: Arc<Pty>,
}

impl PtySlaveFile {
    pub(crate) fn open(pty: Arc<Pty>) -> KResult<Arc<PtySlaveFile>> {
        if !pty.master_open() {
            return Err(Errno::EIO);
        }
        pty.link.slaves.fetch_add(1, Ordering::AcqRel);
        pty.link.slave_seen.store(true, Ordering::Release);
        Ok(Arc::new(PtySlaveFile { pty }))
    }
}

impl Drop for PtySlaveFile {
    fn drop(&mut self) {
        if self.pty.link.slaves.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.pty.link.master_wq.wake_all();
        }
    }
}

impl FileOps for PtySlaveFile {
    fn read(&self, buf: &mut [u8], _offset: u64) -> KResult<usize> {
        match self.pty.tty.try_read(buf, 0) {
            super::ReadStep::Ready(n) => Ok(n),
            super::ReadStep::Wait(_) => Err(Errno::EAGAIN),
        }
    }
    fn write(&self, data: &[u8], _offset: u64) -> KResult<usize> {
        self.pty.tty.write(data, ConsoleStream::Stdout)
    }
    fn stat(&self) -> KResult<Stat> {
        let mut st = self.pty.tty.stat();
        st.uid = self.pty.uid.load(Ordering::Relaxed);
        st.mode = 0o020000 | self.pty.mode.load(Ordering::Relaxed);
        Ok(st)
    }
    fn poll(&self) -> u32 {
        self.pty.tty.poll()
    }
    fn wait_queue(&self) -> Option<&WaitQueue> {
        Some(&self.pty.tty.wq)
    }
    fn nread(&self) -> Option<usize> {
        Some(self.pty.tty.state().ld.available())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ConsoleKind, HostClock, HostOps, Tid};
    use crate::tty::Console;

    struct NullHost;
    impl HostOps for NullHost {
        fn now_ns(&self, _c: HostClock) -> u64 {
            1
        }
        fn park(&self, _tid: Tid, _d: Option<u64>) {}
        fn unpark(&self, _tid: Tid) {}
        fn random(&self, _b: &mut [u8]) {}
        fn console_write(&self, _s: ConsoleStream, d: &[u8]) -> Result<usize, Errno> {
            Ok(d.len())
        }
    }

    fn pair() -> (Arc<Console>, Arc<PtyMaster>) {
        let c = Console::new(ConsoleKind::Pipe, Arc::new(NullHost));
        let p = Pty::alloc(&c.layer, 0).unwrap();
        (c, PtyMaster::new(p))
    }

    #[test]
    fn round_trip_through_line_discipline() {
        let (_c, m) = pair();
        let s = PtySlaveFile::open(m.pty.clone()).unwrap();
        assert_eq!(m.write(b"ls -l\r", 0), Ok(6));
        let mut b = [0u8; 64];
        // Echo with ONLCR.
        assert_eq!(m.read(&mut b, 0), Ok(7));
        assert_eq!(&b[..7], b"ls -l\r\n");
        assert_eq!(s.read(&mut b, 0), Ok(6));
        assert_eq!(&b[..6], b"ls -l\n");
        assert_eq!(s.write(b"out\n", 0), Ok(4));
        assert_eq!(m.read(&mut b, 0), Ok(5));
        assert_eq!(&b[..5], b"out\r\n");
        assert_eq!(m.read(&mut b, 0), Err(Errno::EAGAIN));
    }

    #[test]
    fn master_close_hangs_up_slave_and_slave_close_gives_eio() {
        let (c, m) = pair();
        let s = PtySlaveFile::open(m.pty.clone()).unwrap();
        let pty = m.pty.clone();
        drop(m);
        let mut b = [0u8; 8];
        assert_eq!(s.read(&mut b, 0), Ok(0));
        assert_eq!(s.write(b"x", 0), Err(Errno::EIO));
        assert!(lock(&c.layer.ptys).get(pty.index).is_none());
        assert_eq!(PtySlaveFile::open(pty).err(), Some(Errno::EIO));

        let p2 = Pty::alloc(&c.layer, 0).unwrap();
        assert_eq!(p2.index, 0);
        let m2 = PtyMaster::new(p2);
        let s2 = PtySlaveFile::open(m2.pty.clone()).unwrap();
        s2.write(b"bye", 0).unwrap();
        drop(s2);
        assert_eq!(m2.read(&mut b, 0), Ok(3));
        assert_eq!(m2.read(&mut b, 0), Err(Errno::EIO));
        assert!(m2.poll() & poll_bits::POLLHUP != 0);
    }

    #[test]
    fn slave_writer_waits_when_master_does_not_read() {
        let (_c, m) = pair();
        let s = PtySlaveFile::open(m.pty.clone()).unwrap();
        let mut t = std_termios();
        t.c_oflag = 0;
        m.pty.tty.set_termios(t, false);
        let big = vec![b'x'; PTY_OUT_CAP + 100];
        let mut done = 0;
        while let Ok(n) = s.write(&big[done..], 0) {
            done += n;
        }
        assert_eq!(done, PTY_OUT_CAP);
        assert_eq!(s.write(b"y", 0), Err(Errno::EAGAIN));
        assert_eq!(s.poll() & poll_bits::POLLOUT, 0);
        let mut b = vec![0u8; 1000];
        assert_eq!(m.read(&mut b, 0), Ok(1000));
        assert_eq!(s.write(b"y", 0), Ok(1));
    }
}
