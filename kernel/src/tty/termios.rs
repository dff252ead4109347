//! termios constants (asm-generic `termbits.h`, `ioctls.h`) and the guest
//! encodings of `struct termios`, `struct termios2` and `struct winsize`
//! (the bindgen types of `abi::uapi`).

use crate::abi::uapi::{termios, termios2};

pub const NCCS: usize = 19;

// c_cc indices
pub const VINTR: usize = 0;
pub const VQUIT: usize = 1;
pub const VERASE: usize = 2;
pub const VKILL: usize = 3;
pub const VEOF: usize = 4;
pub const VTIME: usize = 5;
pub const VMIN: usize = 6;
pub const VSWTC: usize = 7;
pub const VSTART: usize = 8;
pub const VSTOP: usize = 9;
pub const VSUSP: usize = 10;
pub const VEOL: usize = 11;
pub const VREPRINT: usize = 12;
pub const VDISCARD: usize = 13;
pub const VWERASE: usize = 14;
pub const VLNEXT: usize = 15;
pub const VEOL2: usize = 16;

// c_iflag
pub const IGNBRK: u32 = 0x001;
pub const BRKINT: u32 = 0x002;
pub const IGNPAR: u32 = 0x004;
pub const PARMRK: u32 = 0x008;
pub const INPCK: u32 = 0x010;
pub const ISTRIP: u32 = 0x020;
pub const INLCR: u32 = 0x040;
pub const IGNCR: u32 = 0x080;
pub const ICRNL: u32 = 0x100;
pub const IUCLC: u32 = 0x0200;
pub const IXON: u32 = 0x0400;
pub const IXANY: u32 = 0x0800;
pub const IXOFF: u32 = 0x1000;
pub const IMAXBEL: u32 = 0x2000;
pub const IUTF8: u32 = 0x4000;

// c_oflag
pub const OPOST: u32 = 0x01;
pub const OLCUC: u32 = 0x02;
pub const ONLCR: u32 = 0x04;
pub const OCRNL: u32 = 0x08;
pub const ONOCR: u32 = 0x10;
pub const ONLRET: u32 = 0x20;
pub const TABDLY: u32 = 0x01800;
pub const XTABS: u32 = 0x01800;

// c_cflag
pub const CBAUD: u32 = 0x0000_100f;
pub const B38400: u32 = 0x0000_000f;
pub const CSIZE: u32 = 0x30;
pub const CS8: u32 = 0x30;
pub const CREAD: u32 = 0x80;
pub const HUPCL: u32 = 0x400;
pub const CLOCAL: u32 = 0x800;

// c_lflag
pub const ISIG: u32 = 0x00001;
pub const ICANON: u32 = 0x00002;
pub const XCASE: u32 = 0x00004;
pub const ECHO: u32 = 0x00008;
pub const ECHOE: u32 = 0x00010;
pub const ECHOK: u32 = 0x00020;
pub const ECHONL: u32 = 0x00040;
pub const NOFLSH: u32 = 0x00080;
pub const TOSTOP: u32 = 0x00100;
pub const ECHOCTL: u32 = 0x00200;
pub const ECHOPRT: u32 = 0x00400;
pub const ECHOKE: u32 = 0x00800;
pub const FLUSHO: u32 = 0x01000;
pub const PENDIN: u32 = 0x04000;
pub const IEXTEN: u32 = 0x08000;
pub const EXTPROC: u32 = 0x10000;

// tcflow / tcflush arguments
pub const TCOOFF: u32 = 0;
pub const TCOON: u32 = 1;
pub const TCIOFF: u32 = 2;
pub const TCION: u32 = 3;
pub const TCIFLUSH: u32 = 0;
pub const TCOFLUSH: u32 = 1;
pub const TCIOFLUSH: u32 = 2;

/// Terminal ioctl request numbers (asm-generic `ioctls.h`).
pub mod ioctls {
    pub const TCGETS: u32 = 0x5401;
    pub const TCSETS: u32 = 0x5402;
    pub const TCSETSW: u32 = 0x5403;
    pub const TCSETSF: u32 = 0x5404;
    pub const TCGETA: u32 = 0x5405;
    pub const TCSETA: u32 = 0x5406;
    pub const TCSETAW: u32 = 0x5407;
    pub const TCSETAF: u32 = 0x5408;
    pub const TCSBRK: u32 = 0x5409;
    pub const TCXONC: u32 = 0x540A;
    pub const TCFLSH: u32 = 0x540B;
    pub const TIOCEXCL: u32 = 0x540C;
    pub const TIOCNXCL: u32 = 0x540D;
    pub const TIOCSCTTY: u32 = 0x540E;
    pub const TIOCGPGRP: u32 = 0x540F;
    pub const TIOCSPGRP: u32 = 0x5410;
    pub const TIOCOUTQ: u32 = 0x5411;
    pub const TIOCSTI: u32 = 0x5412;
    pub const TIOCGWINSZ: u32 = 0x5413;
    pub const TIOCSWINSZ: u32 = 0x5414;
    pub const TIOCMGET: u32 = 0x5415;
    pub const TIOCMBIS: u32 = 0x5416;
    pub const TIOCMBIC: u32 = 0x5417;
    pub const TIOCMSET: u32 = 0x5418;
    pub const FIONREAD: u32 = 0x541B;
    pub const TIOCPKT: u32 = 0x5420;
    pub const FIONBIO: u32 = 0x5421;
    pub const TIOCNOTTY: u32 = 0x5422;
    pub const TIOCSETD: u32 = 0x5423;
    pub const TIOCGETD: u32 = 0x5424;
    pub const TCSBRKP: u32 = 0x5425;
    pub const TIOCSBRK: u32 = 0x5427;
    pub const TIOCCBRK: u32 = 0x5428;
    pub const TIOCGSID: u32 = 0x5429;
    pub const TCGETS2: u32 = 0x802C_542A;
    pub const TCSETS2: u32 = 0x402C_542B;
    pub const TCSETSW2: u32 = 0x402C_542C;
    pub const TCSETSF2: u32 = 0x402C_542D;
    pub const TIOCGPTN: u32 = 0x8004_5430;
    pub const TIOCSPTLCK: u32 = 0x4004_5431;
    pub const TIOCGDEV: u32 = 0x8004_5432;
    pub const TIOCSIG: u32 = 0x4004_5436;
    pub const TIOCVHANGUP: u32 = 0x5437;
    pub const TIOCGPKT: u32 = 0x8004_5438;
    pub const TIOCGPTLCK: u32 = 0x8004_5439;
    pub const TIOCGEXCL: u32 = 0x8004_5440;
    pub const TIOCGPTPEER: u32 = 0x5441;
    pub const FIONCLEX: u32 = 0x5450;
    pub const FIOCLEX: u32 = 0x5451;
    pub const FIOASYNC: u32 = 0x5452;
}

/// `INIT_C_CC`: ^C ^\ DEL ^U ^D, VTIME 0, VMIN 1, ^Q ^S ^Z, ^R ^O ^W ^V.
pub const INIT_C_CC: [u8; NCCS] =
    [3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0, 0, 0];

/// Linux `tty_std_termios`: what a fresh tty (console, pty slave) starts with.
pub fn std_termios() -> termios {
    termios {
        c_iflag: ICRNL | IXON,
        c_oflag: OPOST | ONLCR,
        c_cflag: B38400 | CS8 | CREAD | HUPCL,
        c_lflag: ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
        c_line: 0,
        c_cc: INIT_C_CC,
    }
}

/// Baud rate of a `CBAUD` code (for termios2's speed fields).
pub fn baud_of(cflag: u32) -> u32 {
    const LOW: [u32; 16] = [0, 50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600, 19200, 38400];
    const HIGH: [u32; 16] = [
        0, 57600, 115200, 230400, 460800, 500000, 576000, 921600, 1000000, 1152000, 1500000, 2000000, 2500000, 3000000,
        3500000, 4000000,
    ];
    let code = cflag & CBAUD;
    if code & 0x1000 != 0 {
        HIGH[(code & 0xf) as usize]
    } else {
        LOW[(code & 0xf) as usize]
    }
}

pub fn to_termios2(t: &termios) -> termios2 {
    let speed = baud_of(t.c_cflag);
    termios2 {
        c_iflag: t.c_iflag,
        c_oflag: t.c_oflag,
        c_cflag: t.c_cflag,
        c_lflag: t.c_lflag,
        c_line: t.c_line,
        c_cc: t.c_cc,
        c_ispeed: speed,
        c_ospeed: speed,
    }
}

pub fn from_termios2(t: &termios2) -> termios {
    termios {
        c_iflag: t.c_iflag,
        c_oflag: t.c_oflag,
        c_cflag: t.c_cflag,
        c_lflag: t.c_lflag,
        c_line: t.c_line,
        c_cc: t.c_cc,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zerocopy::{FromBytes, IntoBytes};

    #[test]
    fn std_termios_matches_linux() {
        let t = std_termios();
        assert_eq!(t.c_iflag, 0o2400);
        assert_eq!(t.c_oflag, 0o5);
        assert_eq!(t.c_cflag, 0o2277);
        assert_eq!(t.c_lflag, 0o105073);
        let b = t.as_bytes();
        assert_eq!(b.len(), 36);
        assert_eq!(termios::read_from_bytes(b).unwrap(), t);
        assert_eq!(b[17], 3);
        assert_eq!(baud_of(t.c_cflag), 38400);
    }
}
