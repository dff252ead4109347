//! The N_TTY line discipline as a pure state machine (no locks, no
//! kernel): input processing (ICRNL/INLCR/IGNCR/ISTRIP/IUCLC, IXON
//! START/STOP, ISIG characters, canonical editing with ERASE/KILL/WERASE/
//! LNEXT/REPRINT/EOF/EOL/EOL2), echo (ECHO, ECHOE, ECHOK, ECHOKE, ECHONL,
//! ECHOCTL), output post-processing (OPOST, ONLCR, OCRNL, ONOCR, ONLRET,
//! OLCUC, XTABS) and the read side (one line per canonical read; raw bytes
//! otherwise). [`super::Tty`] wraps it with a lock, a driver and job control;
//! VMIN/VTIME timing lives in the blocking read loop there.
//!
//! Behaviour follows Linux `drivers/tty/n_tty.c`; `c_cc` slots holding 0
//! (`_POSIX_VDISABLE`) are disabled.

use std::collections::VecDeque;

use super::termios::*;
use crate::abi::uapi::termios;
use crate::signal::{SIGINT, SIGQUIT, SIGTSTP};

/// `N_TTY_BUF_SIZE`: input buffered before the writer (pty master) waits.
pub const N_TTY_BUF_SIZE: usize = 4096;

/// What processing an input chunk produced besides buffered input.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RxEffects {
    /// Bytes to write to the terminal (echo), already output-processed.
    pub echo: Vec<u8>,
    /// Signals for the foreground process group, in order.
    pub signals: Vec<u32>,
    /// Pending output should be discarded (ISIG without NOFLSH).
    pub flush_output: bool,
    /// IXON: output was stopped (`Some(true)`) or restarted (`Some(false)`).
    pub stop_output: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EraseKind {
    Erase,
    WordErase,
    Kill,
}

/// N_TTY state of one terminal.
#[derive(Debug, Clone)]
pub struct Ldisc {
    pub termios: termios,
    /// Canonical mode: completed lines (the delimiter included, except for
    /// EOF, which ends a line without adding a byte).
    lines: VecDeque<Vec<u8>>,
    /// Canonical mode: the line being edited.
    line: Vec<u8>,
    /// Non-canonical mode: bytes ready to read.
    raw: VecDeque<u8>,
    /// The previous character was LNEXT.
    lnext: bool,
    /// Output column (for tab erasure and ONOCR).
    column: u32,
    /// Column where the current input line began.
    canon_column: u32,
    /// Output stopped by VSTOP (IXON) or TCOOFF.
    pub stopped: bool,
}

fn is_cntrl(c: u8) -> bool {
    c < 0x20 || c == 0x7f
}

impl Ldisc {
    pub fn new(termios: termios) -> Ldisc {
        Ldisc {
            termios,
            lines: VecDeque::new(),
            line: Vec::new(),
            raw: VecDeque::new(),
            lnext: false,
            column: 0,
            canon_column: 0,
            stopped: false,
        }
    }

    fn l(&self, f: u32) -> bool {
        self.termios.c_lflag & f != 0
    }
    fn i(&self, f: u32) -> bool {
        self.termios.c_iflag & f != 0
    }
    fn o(&self, f: u32) -> bool {
        self.termios.c_oflag & f != 0
    }
    /// Is `c` the (enabled) special character in slot `slot`?
    fn is(&self, c: u8, slot: usize) -> bool {
        let v = self.termios.c_cc[slot];
        v != 0 && v == c
    }
    pub fn canonical(&self) -> bool {
        self.l(ICANON)
    }
    pub fn vmin(&self) -> u8 {
        self.termios.c_cc[VMIN]
    }
    pub fn vtime(&self) -> u8 {
        self.termios.c_cc[VTIME]
    }

    /// Change termios (TCSETS*). Switching canonical mode off makes the
    /// edited line and pending lines readable as raw bytes; switching it on
    /// makes unread raw bytes the start of the line being edited.
    pub fn set_termios(&mut self, t: termios) {
        let was_canon = self.canonical();
        self.termios = t;
        let canon = self.canonical();
        if was_canon && !canon {
            for l in self.lines.drain(..) {
                self.raw.extend(l);
            }
            self.raw.extend(self.line.drain(..));
        } else if !was_canon && canon {
            let mut pending: Vec<u8> = self.raw.drain(..).collect();
            pending.append(&mut self.line);
            self.line = pending;
        }
        if !self.i(IXON) {
            self.stopped = false;
        }
    }

    /// Discard unread input (TCIFLUSH, ISIG flush, hangup).
    pub fn flush_input(&mut self) {
        self.lines.clear();
        self.line.clear();
        self.raw.clear();
        self.lnext = false;
    }

    /// Bytes a read could return now (FIONREAD): completed lines in
    /// canonical mode, everything in raw mode.
    pub fn available(&self) -> usize {
        if self.canonical() {
            self.lines.iter().map(|l| l.len()).sum()
        } else {
            self.raw.len()
        }
    }

    /// Would a read return without waiting (a line, an EOF, or ≥ 1 byte)?
    pub fn readable(&self) -> bool {
        if self.canonical() {
            !self.lines.is_empty()
        } else {
            !self.raw.is_empty()
        }
    }

    /// Room for more input from a writer that can wait (pty master).
    pub fn input_room(&self) -> usize {
        let used = self.lines.iter().map(|l| l.len()).sum::<usize>() + self.line.len() + self.raw.len();
        N_TTY_BUF_SIZE.saturating_sub(used)
    }

    /// Canonical read: one line (or part of it when `buf` is short).
    /// `None` when no line is complete. `Some(0)` is end of file.
    pub fn read_canon(&mut self, buf: &mut [u8]) -> Option<usize> {
        let first = self.lines.front_mut()?;
        let n = buf.len().min(first.len());
        buf[..n].copy_from_slice(&first[..n]);
        if n == first.len() {
            self.lines.pop_front();
        } else if n > 0 {
            first.drain(..n);
        }
        Some(n)
    }

    /// Non-canonical read of what is there (possibly 0 bytes).
    pub fn read_raw(&mut self, buf: &mut [u8]) -> usize {
        let n = buf.len().min(self.raw.len());
        for (i, b) in self.raw.drain(..n).enumerate() {
            buf[i] = b;
        }
        n
    }

    /// Process input bytes. With `limited`, stops at [`N_TTY_BUF_SIZE`]
    /// and returns how many bytes were consumed (the rest must be offered
    /// again later); otherwise consumes everything.
    pub fn receive(&mut self, data: &[u8], limited: bool, fx: &mut RxEffects) -> usize {
        for (n, &c) in data.iter().enumerate() {
            if limited && self.input_room() == 0 {
                return n;
            }
            self.receive_char(c, fx);
        }
        data.len()
    }

    fn receive_char(&mut self, mut c: u8, fx: &mut RxEffects) {
        if self.i(ISTRIP) {
            c &= 0x7f;
        }
        if self.i(IUCLC) && self.l(IEXTEN) {
            c = c.to_ascii_lowercase();
        }
        if self.lnext {
            self.lnext = false;
            self.put_char(c, fx);
            return;
        }
        if self.i(IXON) {
            if self.is(c, VSTART) {
                self.stopped = false;
                fx.stop_output = Some(false);
                return;
            }
            if self.is(c, VSTOP) {
                self.stopped = true;
                fx.stop_output = Some(true);
                return;
            }
            if self.stopped && self.i(IXANY) {
                self.stopped = false;
                fx.stop_output = Some(false);
            }
        }
        if self.l(ISIG) {
            let sig = if self.is(c, VINTR) {
                Some(SIGINT)
            } else if self.is(c, VQUIT) {
                Some(SIGQUIT)
            } else if self.is(c, VSUSP) {
                Some(SIGTSTP)
            } else {
                None
            };
            if let Some(sig) = sig {
                if !self.l(NOFLSH) {
                    self.flush_input();
                    fx.flush_output = true;
                }
                if self.i(IXON) && self.stopped {
                    self.stopped = false;
                    fx.stop_output = Some(false);
                }
                if self.l(ECHO) {
                    self.echo_char(c, fx);
                }
                fx.signals.push(sig);
                return;
            }
        }
        if c == b'\r' {
            if self.i(IGNCR) {
                return;
            }
            if self.i(ICRNL) {
                c = b'\n';
            }
        } else if c == b'\n' && self.i(INLCR) {
            c = b'\r';
        }
        if self.canonical() {
            if self.is(c, VERASE) {
                self.erase(EraseKind::Erase, fx);
                return;
            }
            if self.is(c, VKILL) {
                self.erase(EraseKind::Kill, fx);
                return;
            }
            if self.l(IEXTEN) {
                if self.is(c, VWERASE) {
                    self.erase(EraseKind::WordErase, fx);
                    return;
                }
                if self.is(c, VLNEXT) {
                    self.lnext = true;
                    if self.l(ECHO) && self.l(ECHOCTL) {
                        // "^" then backspace: the next character overwrites it.
                        fx.echo.extend_from_slice(b"^\x08");
                    }
                    return;
                }
                if self.is(c, VREPRINT) {
                    if self.l(ECHO) {
                        self.echo_char(c, fx);
                        self.echo_output(b'\n', fx);
                        let line = self.line.clone();
                        for ch in line {
                            self.echo_char(ch, fx);
                        }
                    }
                    return;
                }
            }
            if c == b'\n' {
                if self.l(ECHO) || self.l(ECHONL) {
                    self.echo_output(b'\n', fx);
                }
                self.line.push(c);
                self.finish_line();
                return;
            }
            if self.is(c, VEOF) {
                self.finish_line();
                return;
            }
            if self.is(c, VEOL) || self.is(c, VEOL2) {
                if self.l(ECHO) {
                    self.echo_char(c, fx);
                }
                self.line.push(c);
                self.finish_line();
                return;
            }
        }
        self.put_char(c, fx);
    }

    /// An ordinary character: echo and buffer it.
    fn put_char(&mut self, c: u8, fx: &mut RxEffects) {
        if self.canonical() {
            // Leave room for the line delimiter (n_tty keeps one slot).
            if self.line.len() >= N_TTY_BUF_SIZE - 1 {
                if self.i(IMAXBEL) && self.l(ECHO) {
                    fx.echo.push(0x07);
                }
                return;
            }
            if self.l(ECHO) {
                if c == b'\n' {
                    self.echo_output(b'\n', fx);
                } else {
                    self.echo_char(c, fx);
                }
            }
            self.line.push(c);
        } else {
            if self.l(ECHO) {
                if c == b'\n' {
                    self.echo_output(b'\n', fx);
                } else {
                    self.echo_char(c, fx);
                }
            }
            self.raw.push_back(c);
        }
    }

    fn finish_line(&mut self) {
        let line = std::mem::take(&mut self.line);
        self.lines.push_back(line);
        self.canon_column = self.column;
    }

    /// Echo a character: control characters as `^X` with ECHOCTL (except
    /// TAB and NL), others through output processing.
    fn echo_char(&mut self, c: u8, fx: &mut RxEffects) {
        if self.l(ECHOCTL) && is_cntrl(c) && c != b'\t' && c != b'\n' {
            fx.echo.push(b'^');
            fx.echo.push(c ^ 0o100);
            self.column += 2;
        } else {
            self.echo_output(c, fx);
        }
    }

    fn echo_output(&mut self, c: u8, fx: &mut RxEffects) {
        let mut out = std::mem::take(&mut fx.echo);
        self.output_char(c, &mut out);
        fx.echo = out;
    }

    /// Display width of `bytes` echoed starting at column `col`.
    fn echo_width(&self, bytes: &[u8], mut col: u32) -> u32 {
        for &c in bytes {
            if c == b'\t' {
                col = (col | 7) + 1;
            } else if is_cntrl(c) {
                if self.l(ECHOCTL) {
                    col += 2;
                }
            } else if !(self.i(IUTF8) && c & 0xc0 == 0x80) {
                col += 1;
            }
        }
        col
    }

    /// ERASE, WERASE and KILL in canonical mode (n_tty `eraser`).
    fn erase(&mut self, kind: EraseKind, fx: &mut RxEffects) {
        if self.line.is_empty() {
            return;
        }
        let echo = self.l(ECHO);
        if kind == EraseKind::Erase && !echo {
            self.pop_char();
            return;
        }
        if kind == EraseKind::Kill {
            if !echo {
                self.line.clear();
                return;
            }
            if !self.l(ECHOK) || !self.l(ECHOKE) || !self.l(ECHOE) {
                self.line.clear();
                let kill = self.termios.c_cc[VKILL];
                self.echo_char(kill, fx);
                if self.l(ECHOK) {
                    self.echo_output(b'\n', fx);
                }
                return;
            }
        }
        let mut seen_alnum = false;
        while !self.line.is_empty() {
            let last = *self.line.last().unwrap_or(&0);
            if kind == EraseKind::WordErase {
                if last.is_ascii_alphanumeric() || last == b'_' {
                    seen_alnum = true;
                } else if seen_alnum {
                    break;
                }
            }
            let width_before = self.echo_width(&self.line, self.canon_column);
            let removed = self.pop_char();
            if echo {
                if kind == EraseKind::Erase && !self.l(ECHOE) {
                    let erase = self.termios.c_cc[VERASE];
                    self.echo_char(erase, fx);
                } else if removed.first() == Some(&b'\t') {
                    let width_after = self.echo_width(&self.line, self.canon_column);
                    for _ in width_after..width_before {
                        fx.echo.push(0x08);
                    }
                    self.column = self.column.saturating_sub(width_before - width_after);
                } else {
                    let c = removed[0];
                    let cells = if is_cntrl(c) {
                        if self.l(ECHOCTL) {
                            2
                        } else {
                            0
                        }
                    } else {
                        1
                    };
                    for _ in 0..cells {
                        fx.echo.extend_from_slice(b"\x08 \x08");
                    }
                    self.column = self.column.saturating_sub(cells);
                }
            }
            if kind == EraseKind::Erase {
                break;
            }
        }
    }

    /// Remove the last character of the edited line (a whole UTF-8
    /// sequence with IUTF8); returns its bytes.
    fn pop_char(&mut self) -> Vec<u8> {
        let mut start = self.line.len() - 1;
        if self.i(IUTF8) {
            while start > 0 && self.line[start] & 0xc0 == 0x80 {
                start -= 1;
            }
        }
        self.line.split_off(start)
    }

    /// Output processing of one byte (n_tty `do_output_char`).
    fn output_char(&mut self, c: u8, out: &mut Vec<u8>) {
        if !self.o(OPOST) {
            out.push(c);
            return;
        }
        match c {
            b'\n' => {
                if self.o(ONLRET) {
                    self.column = 0;
                }
                if self.o(ONLCR) {
                    self.column = 0;
                    self.canon_column = 0;
                    out.extend_from_slice(b"\r\n");
                    return;
                }
                self.canon_column = self.column;
                out.push(b'\n');
            }
            b'\r' => {
                if self.o(ONOCR) && self.column == 0 {
                    return;
                }
                if self.o(OCRNL) {
                    if self.o(ONLRET) {
                        self.column = 0;
                        self.canon_column = 0;
                    }
                    out.push(b'\n');
                    return;
                }
                self.column = 0;
                self.canon_column = 0;
                out.push(b'\r');
            }
            b'\t' => {
                let spaces = 8 - (self.column & 7);
                self.column += spaces;
                if self.termios.c_oflag & TABDLY == XTABS {
                    out.extend(std::iter::repeat_n(b' ', spaces as usize));
                } else {
                    out.push(b'\t');
                }
            }
            0x08 => {
                self.column = self.column.saturating_sub(1);
                out.push(c);
            }
            _ => {
                let mut c = c;
                if !is_cntrl(c) {
                    if self.o(OLCUC) {
                        c = c.to_ascii_uppercase();
                    }
                    if !(self.i(IUTF8) && c & 0xc0 == 0x80) {
                        self.column += 1;
                    }
                }
                out.push(c);
            }
        }
    }

    /// Output post-processing of written data.
    pub fn process_output(&mut self, data: &[u8], out: &mut Vec<u8>) {
        if !self.o(OPOST) {
            out.extend_from_slice(data);
            return;
        }
        out.reserve(data.len() + data.len() / 8);
        for &c in data {
            self.output_char(c, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(ld: &mut Ldisc, data: &[u8]) -> RxEffects {
        let mut fx = RxEffects::default();
        ld.receive(data, false, &mut fx);
        fx
    }

    fn read_line(ld: &mut Ldisc) -> Option<Vec<u8>> {
        let mut b = [0u8; 256];
        ld.read_canon(&mut b).map(|n| b[..n].to_vec())
    }

    #[test]
    fn canonical_line_with_erase_and_kill() {
        let mut ld = Ldisc::new(std_termios());
        let fx = feed(&mut ld, b"helo\x7flo");
        assert_eq!(fx.echo, b"helo\x08 \x08lo");
        assert!(!ld.readable());
        assert_eq!(read_line(&mut ld), None);
        let fx = feed(&mut ld, b"\r");
        assert_eq!(fx.echo, b"\r\n");
        assert_eq!(read_line(&mut ld).unwrap(), b"hello\n");
        // KILL with ECHOKE erases visually.
        let fx = feed(&mut ld, b"abc\x15x\n");
        assert_eq!(fx.echo, b"abc\x08 \x08\x08 \x08\x08 \x08x\r\n");
        assert_eq!(read_line(&mut ld).unwrap(), b"x\n");
    }

    #[test]
    fn kill_without_echoke_echoes_kill_char_and_newline() {
        let mut t = std_termios();
        t.c_lflag &= !ECHOKE;
        let mut ld = Ldisc::new(t);
        let fx = feed(&mut ld, b"ab\x15");
        assert_eq!(fx.echo, b"ab^U\r\n");
    }

    #[test]
    fn werase_and_control_char_echo() {
        let mut ld = Ldisc::new(std_termios());
        let fx = feed(&mut ld, b"one two\x17");
        assert_eq!(fx.echo, b"one two\x08 \x08\x08 \x08\x08 \x08");
        let fx = feed(&mut ld, b"\x01\x7f");
        assert_eq!(fx.echo, b"^A\x08 \x08\x08 \x08");
        feed(&mut ld, b"\n");
        assert_eq!(read_line(&mut ld).unwrap(), b"one \n");
    }

    #[test]
    fn eof_and_lnext() {
        let mut ld = Ldisc::new(std_termios());
        feed(&mut ld, b"ab\x04");
        assert_eq!(read_line(&mut ld).unwrap(), b"ab");
        feed(&mut ld, b"\x04");
        assert_eq!(read_line(&mut ld).unwrap(), b"");
        let fx = feed(&mut ld, b"\x16\x03\n");
        assert_eq!(fx.echo, b"^\x08^C\r\n");
        assert!(fx.signals.is_empty());
        assert_eq!(read_line(&mut ld).unwrap(), b"\x03\n");
    }

    #[test]
    fn short_buffer_reads_rest_of_line_later() {
        let mut ld = Ldisc::new(std_termios());
        feed(&mut ld, b"abcdef\n");
        let mut b = [0u8; 4];
        assert_eq!(ld.read_canon(&mut b), Some(4));
        assert_eq!(&b, b"abcd");
        assert_eq!(ld.read_canon(&mut b), Some(3));
        assert_eq!(&b[..3], b"ef\n");
        assert_eq!(ld.read_canon(&mut b), None);
    }

    #[test]
    fn isig_flushes_and_signals() {
        let mut ld = Ldisc::new(std_termios());
        let fx = feed(&mut ld, b"partial\x03");
        assert_eq!(fx.signals, vec![SIGINT]);
        assert_eq!(fx.echo, b"partial^C");
        assert!(fx.flush_output);
        feed(&mut ld, b"\n");
        assert_eq!(read_line(&mut ld).unwrap(), b"\n");
        let fx = feed(&mut ld, b"\x1a\x1c");
        assert_eq!(fx.signals, vec![SIGTSTP, SIGQUIT]);
        let mut t = std_termios();
        t.c_lflag |= NOFLSH;
        t.c_lflag &= !ECHO;
        ld.set_termios(t);
        let fx = feed(&mut ld, b"keep\x03\n");
        assert_eq!(fx.echo, b"");
        assert_eq!(read_line(&mut ld).unwrap(), b"keep\n");
    }

    #[test]
    fn input_maps_and_raw_mode() {
        let mut t = std_termios();
        t.c_lflag &= !(ICANON | ECHO);
        let mut ld = Ldisc::new(t);
        feed(&mut ld, b"a\rb\x7f");
        let mut b = [0u8; 16];
        assert_eq!(ld.read_raw(&mut b), 4);
        assert_eq!(&b[..4], b"a\nb\x7f");
        t.c_iflag = IGNCR;
        ld.set_termios(t);
        feed(&mut ld, b"x\ry");
        assert_eq!(ld.read_raw(&mut b), 2);
        t.c_iflag = INLCR;
        ld.set_termios(t);
        feed(&mut ld, b"\n");
        assert_eq!(ld.read_raw(&mut b), 1);
        assert_eq!(b[0], b'\r');
    }

    #[test]
    fn mode_switch_moves_pending_input() {
        let mut ld = Ldisc::new(std_termios());
        feed(&mut ld, b"l1\nparti");
        let mut t = std_termios();
        t.c_lflag &= !ICANON;
        ld.set_termios(t);
        assert_eq!(ld.available(), 8);
        let mut b = [0u8; 16];
        assert_eq!(ld.read_raw(&mut b), 8);
        assert_eq!(&b[..8], b"l1\nparti");
    }

    #[test]
    fn output_processing() {
        let mut ld = Ldisc::new(std_termios());
        let mut out = Vec::new();
        ld.process_output(b"a\nb\tc", &mut out);
        assert_eq!(out, b"a\r\nb\tc");
        let mut t = std_termios();
        t.c_oflag |= XTABS | OLCUC;
        ld.set_termios(t);
        out.clear();
        ld.process_output(b"ab\tc\n", &mut out);
        // Column 9 after "a\r\nb\tc": "AB" ends at 11, the tab fills to 16.
        assert_eq!(out, b"AB     C\r\n");
        t.c_oflag = 0;
        ld.set_termios(t);
        out.clear();
        ld.process_output(b"x\n", &mut out);
        assert_eq!(out, b"x\n");
    }

    #[test]
    fn tab_erase_uses_columns() {
        let mut ld = Ldisc::new(std_termios());
        let fx = feed(&mut ld, b"ab\t\x7f");
        // "ab" then a tab to column 8; erasing it backs up 6 columns.
        assert_eq!(fx.echo, b"ab\t\x08\x08\x08\x08\x08\x08");
    }

    #[test]
    fn ixon_stop_start() {
        let mut ld = Ldisc::new(std_termios());
        let fx = feed(&mut ld, b"\x13");
        assert_eq!(fx.stop_output, Some(true));
        assert!(ld.stopped);
        feed(&mut ld, b"\x11");
        assert!(!ld.stopped);
        assert_eq!(ld.available(), 0);
    }

    #[test]
    fn buffer_limit_for_waiting_writers() {
        let mut t = std_termios();
        t.c_lflag &= !ICANON;
        let mut ld = Ldisc::new(t);
        let data = vec![b'x'; N_TTY_BUF_SIZE + 10];
        let mut fx = RxEffects::default();
        assert_eq!(ld.receive(&data, true, &mut fx), N_TTY_BUF_SIZE);
        assert_eq!(ld.input_room(), 0);
    }

    #[test]
    fn utf8_erase_removes_whole_character() {
        let mut t = std_termios();
        t.c_iflag |= IUTF8;
        let mut ld = Ldisc::new(t);
        let fx = feed(&mut ld, "é\x7f\n".as_bytes());
        assert_eq!(fx.echo, "é\x08 \x08\r\n".as_bytes());
        assert_eq!(read_line(&mut ld).unwrap(), b"\n");
    }
}
