//! Terminal tests through the raw entry `Kernel::syscall`: the console tty
//! (canonical editing, exact echo bytes, output processing, VMIN/VTIME),
//! job control (^C → SIGINT for the foreground group, SIGTTIN/SIGTTOU,
//! TIOCSPGRP rules, orphaned groups → EIO), ptys (round trip through the
//! line discipline, locking, hangup on master close, controlling tty of a
//! new session) and ENOTTY for non-terminals.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use wasmlinux_kernel::syscall::nr;
use wasmlinux_kernel::*;

const TCGETS: u32 = 0x5401;
const TCSETS: u32 = 0x5402;
const TCSETSF: u32 = 0x5404;
const TIOCSCTTY: u32 = 0x540E;
const TIOCGPGRP: u32 = 0x540F;
const TIOCSPGRP: u32 = 0x5410;
const TIOCGWINSZ: u32 = 0x5413;
const TIOCSWINSZ: u32 = 0x5414;
const FIONREAD: u32 = 0x541B;
const TIOCNOTTY: u32 = 0x5422;
const TIOCGSID: u32 = 0x5429;
const TCGETS2: u32 = 0x802C_542A;
const TIOCGPTN: u32 = 0x8004_5430;
const TIOCSPTLCK: u32 = 0x4004_5431;
const TIOCGPTPEER: u32 = 0x5441;
const TCFLSH: u32 = 0x540B;

const ICANON: u32 = 2;
const ECHO: u32 = 8;
const TOSTOP: u32 = 0x100;
const VTIME: usize = 5;
const VMIN: usize = 6;

const TERMIOS: u32 = 0x2000;
const INT: u32 = 0x1800;

struct TtyEnv {
    k: Arc<Kernel>,
    host: Arc<FakeHost>,
    mem: VecMemory,
}

impl TtyEnv {
    fn new() -> TtyEnv {
        let host = FakeHost::new();
        let config = KernelConfig { console: ConsoleKind::Tty { rows: 24, cols: 80 }, ..Default::default() };
        let k = Kernel::new(config, host.clone()).unwrap();
        let tid = k
            .spawn_init(InitSpec { argv: vec![b"/bin/sh".to_vec()], envp: vec![], cwd: "/".into(), uid: 0, gid: 0 })
            .unwrap();
        assert_eq!(tid, 1);
        TtyEnv { k, host, mem: VecMemory::new(1 << 20) }
    }
    fn sc(&mut self, tid: Tid, nr: u32, args: &[u32]) -> SyscallOutcome {
        let mut a = [0u32; 6];
        a[..args.len()].copy_from_slice(args);
        self.k.syscall(tid, nr, a, &mut self.mem)
    }
    fn call(&mut self, tid: Tid, nr: u32, args: &[u32]) -> i32 {
        ret(self.sc(tid, nr, args))
    }
    fn stdout(&self) -> Vec<u8> {
        self.host.stdout.lock().unwrap().clone()
    }
    fn clear_stdout(&self) {
        self.host.stdout.lock().unwrap().clear();
    }
    fn read(&mut self, tid: Tid, fd: i32, len: u32) -> Result<Vec<u8>, i32> {
        let n = self.call(tid, nr::read, &[fd as u32, BUF, len]);
        if n < 0 {
            return Err(n);
        }
        Ok(self.get(BUF, n as usize))
    }
    fn write(&mut self, tid: Tid, fd: i32, data: &[u8]) -> i32 {
        self.mem.write(BUF + 0x1000, data).unwrap();
        self.call(tid, nr::write, &[fd as u32, BUF + 0x1000, data.len() as u32])
    }
    fn get(&self, addr: u32, len: usize) -> Vec<u8> {
        let mut b = vec![0; len];
        self.mem.read(addr, &mut b).unwrap();
        b
    }
    fn u32_at(&self, addr: u32) -> u32 {
        u32::from_le_bytes(self.get(addr, 4).try_into().unwrap())
    }
    fn put_u32(&mut self, addr: u32, v: u32) {
        self.mem.write(addr, &v.to_le_bytes()).unwrap();
    }
    fn path(&mut self, addr: u32, s: &str) -> u32 {
        let mut v = s.as_bytes().to_vec();
        v.push(0);
        self.mem.write(addr, &v).unwrap();
        addr
    }
    fn open(&mut self, tid: Tid, path: &str, flags: u32) -> i32 {
        let p = self.path(0x8000, path);
        self.call(tid, nr::openat, &[AT_FDCWD, p, flags, 0o644])
    }
    fn mknod_chr(&mut self, path: &str, major: u32, minor: u32) {
        let p = self.path(0x8000, path);
        assert_eq!(self.call(1, nr::mknodat, &[AT_FDCWD, p, S_IFCHR | 0o666, (major << 8) | minor]), 0);
    }
    /// Change termios of `fd` with `f` (TCGETS, edit, TCSETS).
    fn termios(&mut self, tid: Tid, fd: i32, f: impl FnOnce(&mut [u8])) {
        assert_eq!(self.call(tid, nr::ioctl, &[fd as u32, TCGETS, TERMIOS]), 0);
        let mut t = self.get(TERMIOS, 36);
        f(&mut t);
        self.mem.write(TERMIOS, &t).unwrap();
        assert_eq!(self.call(tid, nr::ioctl, &[fd as u32, TCSETS, TERMIOS]), 0);
    }
    fn fork(&mut self, parent: Tid) -> Tid {
        self.k.fork(parent, 17).unwrap()
    }
}

fn set_lflag(t: &mut [u8], clear: u32, set: u32) {
    let l = u32::from_le_bytes(t[12..16].try_into().unwrap());
    t[12..16].copy_from_slice(&((l & !clear) | set).to_le_bytes());
}

#[test]
fn canonical_line_editing_with_exact_echo() {
    let mut e = TtyEnv::new();
    e.k.console_input(b"helo\x7flo\r");
    assert_eq!(e.stdout(), b"helo\x08 \x08lo\r\n");
    assert_eq!(e.read(1, 0, 100).unwrap(), b"hello\n");
    e.clear_stdout();
    // KILL (^U) with ECHOKE erases the line visually; WERASE (^W) a word.
    e.k.console_input(b"abc\x15one two\x17x\n");
    assert_eq!(e.stdout(), b"abc\x08 \x08\x08 \x08\x08 \x08one two\x08 \x08\x08 \x08\x08 \x08x\r\n");
    assert_eq!(e.read(1, 0, 100).unwrap(), b"one x\n");
    // EOF (^D) on an empty line reads as end of file; a line ended by
    // ^D has no delimiter.
    e.k.console_input(b"ab\x04\x04");
    assert_eq!(e.read(1, 0, 100).unwrap(), b"ab");
    assert_eq!(e.read(1, 0, 100).unwrap(), b"");
    // A partial line is not readable (non-blocking fd: EAGAIN).
    e.k.console_input(b"part");
    let fd = e.open(1, "/dev/console", O_RDWR | O_NONBLOCK);
    if fd >= 0 {
        assert_eq!(e.read(1, fd, 100), Err(EAGAIN));
    }
    // FIONREAD counts completed lines only.
    assert_eq!(e.call(1, nr::ioctl, &[0, FIONREAD, INT]), 0);
    assert_eq!(e.u32_at(INT), 0);
    e.k.console_input(b"\n");
    assert_eq!(e.call(1, nr::ioctl, &[0, FIONREAD, INT]), 0);
    assert_eq!(e.u32_at(INT), 5);
}

#[test]
fn output_processing_and_echo_off() {
    let mut e = TtyEnv::new();
    assert_eq!(e.write(1, 1, b"a\nb"), 3);
    assert_eq!(e.host.stdout_string(), "a\r\nb");
    assert_eq!(e.write(1, 2, b"err\n"), 4);
    assert_eq!(e.host.stderr.lock().unwrap().as_slice(), b"err\r\n");
    e.clear_stdout();
    e.termios(1, 0, |t| set_lflag(t, ECHO, 0));
    e.k.console_input(b"secret\n");
    assert_eq!(e.stdout(), b"");
    assert_eq!(e.read(1, 0, 100).unwrap(), b"secret\n");
    // TCGETS2 reports the speed (B38400).
    assert_eq!(e.call(1, nr::ioctl, &[0, TCGETS2, TERMIOS]), 0);
    assert_eq!(e.u32_at(TERMIOS + 36), 38400);
}

#[test]
fn ctrl_c_sends_sigint_to_the_foreground_group_only() {
    let mut e = TtyEnv::new();
    let child = e.fork(1);
    assert_eq!(e.call(child, nr::setpgid, &[0, 0]), 0);
    e.put_u32(INT, child as u32);
    assert_eq!(e.call(1, nr::ioctl, &[0, TIOCSPGRP, INT]), 0);
    assert_eq!(e.call(1, nr::ioctl, &[0, TIOCGPGRP, INT]), 0);
    assert_eq!(e.u32_at(INT), child as u32);
    e.k.console_input(b"typed\x03");
    assert_eq!(e.stdout(), b"typed^C");
    assert!(e.k.signal_pending(child));
    assert!(!e.k.signal_pending(1));
    // The typed input was flushed (no NOFLSH).
    e.k.console_input(b"\n");
    assert_eq!(e.call(1, nr::ioctl, &[0, FIONREAD, INT]), 0);
    assert_eq!(e.u32_at(INT), 1);
}

#[test]
fn ctrl_z_and_ctrl_backslash_signal_the_foreground_group() {
    let mut e = TtyEnv::new();
    let child = e.fork(1);
    assert_eq!(e.call(child, nr::setpgid, &[0, 0]), 0);
    e.put_u32(INT, child as u32);
    assert_eq!(e.call(1, nr::ioctl, &[0, TIOCSPGRP, INT]), 0);
    e.k.console_input(b"\x1a");
    assert!(e.k.signal_pending(child));
    assert_eq!(e.stdout(), b"^Z");
}

#[test]
fn background_read_gets_sigttin_and_write_with_tostop_sigttou() {
    let mut e = TtyEnv::new();
    let child = e.fork(1);
    assert_eq!(e.call(child, nr::setpgid, &[0, 0]), 0);
    // init stays in the foreground; the child's group is in the background.
    assert!(matches!(e.sc(child, nr::read, &[0, BUF, 10]), SyscallOutcome::Restart));
    assert!(e.k.signal_pending(child));
    // Writes are allowed without TOSTOP.
    let child2 = e.fork(1);
    assert_eq!(e.call(child2, nr::setpgid, &[0, 0]), 0);
    assert_eq!(e.write(child2, 1, b"bg\n"), 3);
    e.termios(1, 0, |t| set_lflag(t, 0, TOSTOP));
    e.mem.write(BUF, b"x").unwrap();
    assert!(matches!(e.sc(child2, nr::write, &[1, BUF, 1]), SyscallOutcome::Restart));
    assert!(e.k.signal_pending(child2));
    // A foreground write is fine.
    assert_eq!(e.write(1, 1, b"fg"), 2);
}

#[test]
fn orphaned_background_group_reads_eio() {
    let mut e = TtyEnv::new();
    let child = e.fork(1);
    assert_eq!(e.call(child, nr::setpgid, &[0, 0]), 0);
    e.put_u32(INT, child as u32);
    assert_eq!(e.call(1, nr::ioctl, &[0, TIOCSPGRP, INT]), 0);
    // init's own group has no parent outside it: orphaned.
    assert_eq!(e.read(1, 0, 10), Err(EIO));
}

#[test]
fn tiocspgrp_and_tiocgsid_rules() {
    let mut e = TtyEnv::new();
    let other = e.fork(1);
    assert_eq!(e.call(other, nr::setsid, &[]), other);
    // Not the caller's controlling terminal: ENOTTY.
    e.put_u32(INT, other as u32);
    assert_eq!(e.call(other, nr::ioctl, &[0, TIOCSPGRP, INT]), ENOTTY);
    assert_eq!(e.call(other, nr::ioctl, &[0, TIOCGPGRP, INT]), ENOTTY);
    assert_eq!(e.call(other, nr::ioctl, &[0, TIOCGSID, INT]), ENOTTY);
    // A group of another session: EPERM; no such group: ESRCH; negative: EINVAL.
    assert_eq!(e.call(1, nr::ioctl, &[0, TIOCSPGRP, INT]), EPERM);
    e.put_u32(INT, 4242);
    assert_eq!(e.call(1, nr::ioctl, &[0, TIOCSPGRP, INT]), ESRCH);
    e.put_u32(INT, u32::MAX);
    assert_eq!(e.call(1, nr::ioctl, &[0, TIOCSPGRP, INT]), EINVAL);
    assert_eq!(e.call(1, nr::ioctl, &[0, TIOCGSID, INT]), 0);
    assert_eq!(e.u32_at(INT), 1);
    // A background caller changing the foreground group gets SIGTTOU.
    let bg = e.fork(1);
    assert_eq!(e.call(bg, nr::setpgid, &[0, 0]), 0);
    e.put_u32(INT, bg as u32);
    assert!(matches!(e.sc(bg, nr::ioctl, &[0, TIOCSPGRP, INT]), SyscallOutcome::Restart));
    assert!(e.k.signal_pending(bg));
    // Unknown request on a tty: ENOTTY; /dev/tty of a process without a
    // controlling terminal: ENXIO.
    assert_eq!(e.call(1, nr::ioctl, &[0, 0x54ff, INT]), ENOTTY);
    e.mknod_chr("/tty", 5, 0);
    assert_eq!(e.open(other, "/tty", O_RDWR), ENXIO);
    assert_eq!(e.call(other, nr::ioctl, &[0, TIOCNOTTY, 0]), ENOTTY);
}

#[test]
fn winsize_get_set_and_resize() {
    let mut e = TtyEnv::new();
    assert_eq!(e.call(1, nr::ioctl, &[1, TIOCGWINSZ, INT]), 0);
    assert_eq!(e.get(INT, 4), [24, 0, 80, 0]);
    e.k.console_resize(30, 100);
    assert_eq!(e.call(1, nr::ioctl, &[1, TIOCGWINSZ, INT]), 0);
    assert_eq!(e.get(INT, 4), [30, 0, 100, 0]);
    e.mem.write(INT, &[50, 0, 132, 0, 0, 0, 0, 0]).unwrap();
    assert_eq!(e.call(1, nr::ioctl, &[1, TIOCSWINSZ, INT]), 0);
    assert_eq!(e.call(1, nr::ioctl, &[0, TIOCGWINSZ, INT + 8]), 0);
    assert_eq!(e.get(INT + 8, 4), [50, 0, 132, 0]);
}

#[test]
fn non_canonical_vmin_vtime() {
    let mut e = TtyEnv::new();
    e.termios(1, 0, |t| {
        set_lflag(t, ICANON | ECHO, 0);
        t[17 + VMIN] = 0;
        t[17 + VTIME] = 0;
    });
    // VMIN 0, VTIME 0: return at once.
    assert_eq!(e.read(1, 0, 10).unwrap(), b"");
    e.k.console_input(b"ab");
    assert_eq!(e.read(1, 0, 10).unwrap(), b"ab");
    // VMIN 0, VTIME 1: 0 after ~100 ms without input.
    e.termios(1, 0, |t| t[17 + VTIME] = 1);
    let t0 = Instant::now();
    assert_eq!(e.read(1, 0, 10).unwrap(), b"");
    let waited = t0.elapsed();
    assert!(waited >= Duration::from_millis(90) && waited < Duration::from_secs(2), "{waited:?}");
    // VMIN 3, VTIME 0: wait for three bytes, fed from another thread.
    e.termios(1, 0, |t| {
        t[17 + VMIN] = 3;
        t[17 + VTIME] = 0;
    });
    let k = e.k.clone();
    let feeder = std::thread::spawn(move || {
        for b in [b"x", b"y", b"z"] {
            std::thread::sleep(Duration::from_millis(20));
            k.console_input(b);
        }
    });
    assert_eq!(e.read(1, 0, 10).unwrap(), b"xyz");
    feeder.join().unwrap();
    // VMIN 5, VTIME 1: the inter-byte timer returns a short read.
    e.termios(1, 0, |t| {
        t[17 + VMIN] = 5;
        t[17 + VTIME] = 1;
    });
    e.k.console_input(b"12");
    assert_eq!(e.read(1, 0, 10).unwrap(), b"12");
    // Switching back to canonical mode with TCSETSF flushes input.
    e.k.console_input(b"junk");
    assert_eq!(e.call(1, nr::ioctl, &[0, TCGETS, TERMIOS]), 0);
    let mut t = e.get(TERMIOS, 36);
    set_lflag(&mut t, 0, ICANON | ECHO);
    e.mem.write(TERMIOS, &t).unwrap();
    assert_eq!(e.call(1, nr::ioctl, &[0, TCSETSF, TERMIOS]), 0);
    e.k.console_input(b"ok\n");
    assert_eq!(e.read(1, 0, 10).unwrap(), b"ok\n");
}

#[test]
fn blocked_canonical_read_wakes_on_newline() {
    let mut e = TtyEnv::new();
    let k = e.k.clone();
    let feeder = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(30));
        k.console_input(b"abc");
        std::thread::sleep(Duration::from_millis(30));
        k.console_input(b"\r");
    });
    assert_eq!(e.read(1, 0, 100).unwrap(), b"abc\n");
    feeder.join().unwrap();
}

#[test]
fn non_terminals_are_enotty() {
    let mut e = TtyEnv::new();
    let fd = e.open(1, "/file", O_RDWR | O_CREAT);
    assert!(fd >= 0, "{fd}");
    assert_eq!(e.call(1, nr::ioctl, &[fd as u32, TCGETS, TERMIOS]), ENOTTY);
    assert_eq!(e.call(1, nr::ioctl, &[fd as u32, TIOCGWINSZ, TERMIOS]), ENOTTY);
    // A pipe console (host stdin not a terminal) is no tty either.
    let mut p = Env::new();
    assert_eq!(p.call(nr::ioctl, &[0, TCGETS, TERMIOS]), ENOTTY);
}

#[test]
fn pty_round_trip_lock_and_hangup() {
    let mut e = TtyEnv::new();
    e.mknod_chr("/ptmx", 5, 2);
    e.mknod_chr("/pts0", 136, 0);
    let m = e.open(1, "/ptmx", O_RDWR | O_NOCTTY);
    assert!(m >= 0, "{m}");
    assert_eq!(e.call(1, nr::ioctl, &[m as u32, TIOCGPTN, INT]), 0);
    assert_eq!(e.u32_at(INT), 0);
    // Locked until unlockpt.
    assert_eq!(e.open(1, "/pts0", O_RDWR | O_NOCTTY), EIO);
    e.put_u32(INT, 0);
    assert_eq!(e.call(1, nr::ioctl, &[m as u32, TIOCSPTLCK, INT]), 0);
    let s = e.open(1, "/pts0", O_RDWR | O_NOCTTY);
    assert!(s >= 0, "{s}");
    // The slave is a tty, the master too.
    assert_eq!(e.call(1, nr::ioctl, &[s as u32, TCGETS, TERMIOS]), 0);
    assert_eq!(e.call(1, nr::ioctl, &[s as u32, TIOCGPTN, INT]), ENOTTY);
    // master → slave input through the line discipline (echo back to the master).
    assert_eq!(e.write(1, m, b"hi\x7fo\r"), 5);
    assert_eq!(e.read(1, s, 100).unwrap(), b"ho\n");
    assert_eq!(e.read(1, m, 100).unwrap(), b"hi\x08 \x08o\r\n");
    // slave output, processed.
    assert_eq!(e.write(1, s, b"out\n"), 4);
    assert_eq!(e.call(1, nr::ioctl, &[m as u32, FIONREAD, INT]), 0);
    assert_eq!(e.u32_at(INT), 5);
    assert_eq!(e.read(1, m, 100).unwrap(), b"out\r\n");
    // TCFLSH on the slave input.
    assert_eq!(e.write(1, m, b"zz\n"), 3);
    let _ = e.read(1, m, 100);
    assert_eq!(e.call(1, nr::ioctl, &[s as u32, TCFLSH, 0]), 0);
    assert_eq!(e.call(1, nr::ioctl, &[s as u32, FIONREAD, INT]), 0);
    assert_eq!(e.u32_at(INT), 0);
    // TIOCGPTPEER opens another slave descriptor.
    let peer = e.call(1, nr::ioctl, &[m as u32, TIOCGPTPEER, O_RDWR | O_NOCTTY]);
    assert!(peer >= 0, "{peer}");
    // Master close: slave reads end of file, writes fail with EIO.
    assert_eq!(e.call(1, nr::close, &[m as u32]), 0);
    assert_eq!(e.read(1, s, 100).unwrap(), b"");
    assert_eq!(e.write(1, s, b"x"), EIO);
    assert_eq!(e.open(1, "/pts0", O_RDWR | O_NOCTTY), EIO);
}

#[test]
fn master_read_eio_after_last_slave_close() {
    let mut e = TtyEnv::new();
    e.mknod_chr("/ptmx", 5, 2);
    let m = e.open(1, "/ptmx", O_RDWR | O_NOCTTY | O_NONBLOCK);
    assert_eq!(e.read(1, m, 10), Err(EAGAIN));
    let s = e.call(1, nr::ioctl, &[m as u32, TIOCGPTPEER, O_RDWR | O_NOCTTY]);
    assert_eq!(e.write(1, s, b"last"), 4);
    assert_eq!(e.call(1, nr::close, &[s as u32]), 0);
    assert_eq!(e.read(1, m, 10).unwrap(), b"last");
    assert_eq!(e.read(1, m, 10), Err(EIO));
}

#[test]
fn pty_becomes_controlling_terminal_of_a_new_session() {
    let mut e = TtyEnv::new();
    e.mknod_chr("/ptmx", 5, 2);
    e.mknod_chr("/pts0", 136, 0);
    e.mknod_chr("/tty", 5, 0);
    let m = e.open(1, "/ptmx", O_RDWR | O_NOCTTY);
    e.put_u32(INT, 0);
    assert_eq!(e.call(1, nr::ioctl, &[m as u32, TIOCSPTLCK, INT]), 0);
    let leader = e.fork(1);
    assert_eq!(e.call(leader, nr::setsid, &[]), leader);
    // Opening without O_NOCTTY as a session leader acquires it.
    let s = e.open(leader, "/pts0", O_RDWR);
    assert!(s >= 0);
    assert_eq!(e.call(leader, nr::ioctl, &[s as u32, TIOCGSID, INT]), 0);
    assert_eq!(e.u32_at(INT), leader as u32);
    assert_eq!(e.call(leader, nr::ioctl, &[s as u32, TIOCGPGRP, INT]), 0);
    assert_eq!(e.u32_at(INT), leader as u32);
    // /dev/tty is now the pty for the leader, the console for init.
    let t = e.open(leader, "/tty", O_RDWR);
    assert!(t >= 0);
    assert_eq!(e.write(leader, t, b"via tty\n"), 8);
    assert_eq!(e.read(1, m, 100).unwrap(), b"via tty\r\n");
    // init cannot steal it (already another session's), nor is it init's.
    let s1 = e.open(1, "/pts0", O_RDWR | O_NOCTTY);
    assert_eq!(e.call(1, nr::ioctl, &[s1 as u32, TIOCSCTTY, 0]), EPERM);
    // ^C typed on the master reaches the leader's group.
    assert!(!e.k.signal_pending(leader));
    assert_eq!(e.write(1, m, b"\x03"), 1);
    assert!(e.k.signal_pending(leader));
    assert_eq!(e.read(1, m, 100).unwrap(), b"^C");
}

#[test]
fn master_close_sends_sighup_to_the_session() {
    let mut e = TtyEnv::new();
    e.mknod_chr("/ptmx", 5, 2);
    let m = e.open(1, "/ptmx", O_RDWR | O_NOCTTY);
    e.put_u32(INT, 0);
    assert_eq!(e.call(1, nr::ioctl, &[m as u32, TIOCSPTLCK, INT]), 0);
    let s = e.call(1, nr::ioctl, &[m as u32, TIOCGPTPEER, O_RDWR | O_NOCTTY]);
    let leader = e.fork(1);
    // Only init keeps the master open.
    assert_eq!(e.call(leader, nr::close, &[m as u32]), 0);
    assert_eq!(e.call(leader, nr::setsid, &[]), leader);
    assert_eq!(e.call(leader, nr::ioctl, &[s as u32, TIOCSCTTY, 0]), 0);
    assert!(!e.k.signal_pending(leader));
    assert_eq!(e.call(1, nr::close, &[m as u32]), 0);
    assert!(e.k.signal_pending(leader));
}

#[test]
fn dev_ptmx_and_dev_pts_through_devfs_and_devpts() {
    let mut e = TtyEnv::new();
    let m = e.open(1, "/dev/ptmx", O_RDWR | O_NOCTTY);
    assert!(m >= 0, "{m}");
    assert_eq!(e.call(1, nr::ioctl, &[m as u32, TIOCGPTN, INT]), 0);
    let n = e.u32_at(INT);
    let pts = format!("/dev/pts/{n}");
    // Listed by devpts while the pair lives; EIO while locked.
    assert_eq!(e.open(1, &pts, O_RDWR | O_NOCTTY), EIO);
    e.put_u32(INT, 0);
    assert_eq!(e.call(1, nr::ioctl, &[m as u32, TIOCSPTLCK, INT]), 0);
    let s = e.open(1, &pts, O_RDWR | O_NOCTTY);
    assert!(s >= 0, "{s}");
    assert_eq!(e.write(1, s, b"pts\n"), 4);
    assert_eq!(e.read(1, m, 100).unwrap(), b"pts\r\n");
    // /dev/tty and /dev/console of init are the console.
    let t = e.open(1, "/dev/tty", O_RDWR);
    assert!(t >= 0, "{t}");
    assert_eq!(e.write(1, t, b"tty\n"), 4);
    assert_eq!(e.host.stdout_string(), "tty\r\n");
    assert_eq!(e.call(1, nr::close, &[m as u32]), 0);
    assert_eq!(e.open(1, &pts, O_RDWR | O_NOCTTY), -2, "gone from devpts after the master closed");
}
