//! strace: one line per syscall, decoded from the table's argument kinds.
//! `[pid 3] openat(AT_FDCWD, "/etc/passwd", O_RDONLY) = 3`

use crate::api::{GuestMemory, SyscallOutcome};
use crate::error::Errno;
use crate::syscall::{self, Arg};
use crate::task::Task;
use crate::Kernel;

pub(crate) fn format_call(
    _k: &Kernel,
    task: &Task,
    nr: u32,
    args: [u32; 6],
    mem: &dyn GuestMemory,
    out: &SyscallOutcome,
) -> String {
    let mut s = format!("[pid {}] ", task.tid);
    match syscall::lookup(nr) {
        Some(row) => {
            s.push_str(row.name);
            s.push('(');
            let mut i = 0;
            let mut first = true;
            let creat = row.args.iter().zip(args_positions(row.args)).any(|(a, p)| {
                *a == Arg::OFlags && p < 6 && (args[p] & 0o100 != 0 || args[p] & 0o20200000 == 0o20200000)
            });
            for (k, a) in row.args.iter().enumerate() {
                if i >= 6 {
                    break;
                }
                // open's mode only matters with O_CREAT/O_TMPFILE.
                if *a == Arg::Mode && k == row.args.len() - 1 && k > 0 && row.args[k - 1] == Arg::OFlags && !creat {
                    break;
                }
                if !first {
                    s.push_str(", ");
                }
                first = false;
                let next = row.args.get(k + 1).map(|_| args.get(i + a.words()).copied().unwrap_or(0));
                s.push_str(&format_arg(*a, &args[i..], next, mem));
                i += a.words();
            }
            s.push(')');
        }
        None => s.push_str(&format!(
            "syscall_{nr}({:#x}, {:#x}, {:#x}, {:#x}, {:#x}, {:#x})",
            args[0], args[1], args[2], args[3], args[4], args[5]
        )),
    }
    s.push_str(&format_outcome(out));
    s
}

fn format_outcome(out: &SyscallOutcome) -> String {
    match out {
        SyscallOutcome::Return(v) if *v < 0 && *v > -4096 => match Errno::from_code(-v) {
            Some(e) => format!(" = -1 {} ({})", e.name(), e.message()),
            None => format!(" = -1 errno {}", -v),
        },
        SyscallOutcome::Return(v) => format!(" = {v}"),
        SyscallOutcome::Exit => " = ?".to_string(),
        SyscallOutcome::Exec(_) => " = 0".to_string(),
        SyscallOutcome::Fork { .. } => " = ? <fork>".to_string(),
        SyscallOutcome::Thread(_) => " = ? <thread>".to_string(),
        SyscallOutcome::Restart => " = ? ERESTARTSYS (To be restarted)".to_string(),
    }
}

/// Quote like strace: C escapes, 32 bytes then `...`.
pub(crate) fn quote(bytes: &[u8], truncated: bool) -> String {
    let mut s = String::from("\"");
    for &b in bytes.iter().take(32) {
        match b {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            b'\n' => s.push_str("\\n"),
            b'\t' => s.push_str("\\t"),
            b'\r' => s.push_str("\\r"),
            0x20..=0x7e => s.push(b as char),
            _ => s.push_str(&format!("\\{b:o}")),
        }
    }
    s.push('"');
    if truncated || bytes.len() > 32 {
        s.push_str("...");
    }
    s
}

fn args_positions(args: &[Arg]) -> Vec<usize> {
    let mut v = Vec::new();
    let mut i = 0;
    for a in args {
        v.push(i);
        i += a.words();
    }
    v
}

/// `A|B|0x..` from a table of (bit, name).
fn flags(v: u32, names: &[(u32, &str)], zero: &str) -> String {
    if v == 0 {
        return zero.to_string();
    }
    let mut parts = Vec::new();
    let mut rest = v;
    for &(bit, name) in names {
        if bit != 0 && rest & bit == bit {
            parts.push(name.to_string());
            rest &= !bit;
        }
    }
    if rest != 0 {
        parts.push(format!("{rest:#x}"));
    }
    parts.join("|")
}

fn open_flags(v: u32) -> String {
    let acc = match v & 3 {
        0 => "O_RDONLY",
        1 => "O_WRONLY",
        2 => "O_RDWR",
        _ => "O_ACCMODE",
    };
    let rest = flags(
        v & !3,
        &[
            (0o100, "O_CREAT"),
            (0o200, "O_EXCL"),
            (0o400, "O_NOCTTY"),
            (0o1000, "O_TRUNC"),
            (0o2000, "O_APPEND"),
            (0o4000, "O_NONBLOCK"),
            (0o4010000, "O_SYNC"),
            (0o10000, "O_DSYNC"),
            (0o20000, "O_ASYNC"),
            (0o40000, "O_DIRECT"),
            (0o100000, "O_LARGEFILE"),
            (0o20200000, "O_TMPFILE"),
            (0o200000, "O_DIRECTORY"),
            (0o400000, "O_NOFOLLOW"),
            (0o1000000, "O_NOATIME"),
            (0o2000000, "O_CLOEXEC"),
            (0o10000000, "O_PATH"),
        ],
        "",
    );
    if rest.is_empty() {
        acc.to_string()
    } else {
        format!("{acc}|{rest}")
    }
}

fn clock_name(v: i32) -> String {
    const N: [&str; 12] = [
        "CLOCK_REALTIME",
        "CLOCK_MONOTONIC",
        "CLOCK_PROCESS_CPUTIME_ID",
        "CLOCK_THREAD_CPUTIME_ID",
        "CLOCK_MONOTONIC_RAW",
        "CLOCK_REALTIME_COARSE",
        "CLOCK_MONOTONIC_COARSE",
        "CLOCK_BOOTTIME",
        "CLOCK_REALTIME_ALARM",
        "CLOCK_BOOTTIME_ALARM",
        "10",
        "CLOCK_TAI",
    ];
    usize::try_from(v).ok().and_then(|i| N.get(i)).map(|s| s.to_string()).unwrap_or_else(|| v.to_string())
}

fn futex_op(v: u32) -> String {
    const N: [&str; 14] = [
        "FUTEX_WAIT",
        "FUTEX_WAKE",
        "FUTEX_FD",
        "FUTEX_REQUEUE",
        "FUTEX_CMP_REQUEUE",
        "FUTEX_WAKE_OP",
        "FUTEX_LOCK_PI",
        "FUTEX_UNLOCK_PI",
        "FUTEX_TRYLOCK_PI",
        "FUTEX_WAIT_BITSET",
        "FUTEX_WAKE_BITSET",
        "FUTEX_WAIT_REQUEUE_PI",
        "FUTEX_CMP_REQUEUE_PI",
        "FUTEX_LOCK_PI2",
    ];
    let mut s = N.get((v & 127) as usize).map(|s| s.to_string()).unwrap_or_else(|| (v & 127).to_string());
    if v & 128 != 0 {
        s.push_str("_PRIVATE");
    }
    if v & 256 != 0 {
        s.push_str("|FUTEX_CLOCK_REALTIME");
    }
    s
}

fn fcntl_cmd(v: u32) -> String {
    let n = match v {
        0 => "F_DUPFD",
        1 => "F_GETFD",
        2 => "F_SETFD",
        3 => "F_GETFL",
        4 => "F_SETFL",
        5 => "F_GETLK",
        6 => "F_SETLK",
        7 => "F_SETLKW",
        8 => "F_SETOWN",
        9 => "F_GETOWN",
        12 => "F_GETLK64",
        13 => "F_SETLK64",
        14 => "F_SETLKW64",
        36 => "F_OFD_GETLK",
        37 => "F_OFD_SETLK",
        38 => "F_OFD_SETLKW",
        1030 => "F_DUPFD_CLOEXEC",
        1031 => "F_SETPIPE_SZ",
        1032 => "F_GETPIPE_SZ",
        _ => return v.to_string(),
    };
    n.to_string()
}

fn ioctl_name(v: u32) -> String {
    let n = match v {
        0x5401 => "TCGETS",
        0x5402 => "TCSETS",
        0x5403 => "TCSETSW",
        0x5404 => "TCSETSF",
        0x540f => "TIOCGPGRP",
        0x5410 => "TIOCSPGRP",
        0x5413 => "TIOCGWINSZ",
        0x5414 => "TIOCSWINSZ",
        0x540e => "TIOCSCTTY",
        0x541b => "FIONREAD",
        0x5421 => "FIONBIO",
        0x5450 => "FIONCLEX",
        0x5451 => "FIOCLEX",
        _ => return format!("{v:#x}"),
    };
    n.to_string()
}

fn argv(v: u32, mem: &dyn GuestMemory) -> String {
    let mut out = Vec::new();
    for i in 0..8u32 {
        let mut w = [0u8; 4];
        if mem.read(v.wrapping_add(i * 4), &mut w).is_err() {
            return format!("{v:#x}");
        }
        let p = u32::from_le_bytes(w);
        if p == 0 {
            return format!("[{}]", out.join(", "));
        }
        match crate::mem::read_cstr(mem, p, 4096, Errno::E2BIG) {
            Ok(b) => out.push(quote(&b, false)),
            Err(_) => out.push(format!("{p:#x}")),
        }
    }
    format!("[{}, ...]", out.join(", "))
}

fn format_arg(a: Arg, w: &[u32], next: Option<u32>, mem: &dyn GuestMemory) -> String {
    let v = w[0];
    let sv = v as i32;
    match a {
        Arg::I | Arg::Fd => sv.to_string(),
        Arg::Dirfd if sv == syscall::AT_FDCWD => "AT_FDCWD".into(),
        Arg::Dirfd => sv.to_string(),
        Arg::U => v.to_string(),
        Arg::P | Arg::OutBuf | Arg::Argv if v == 0 => "NULL".into(),
        Arg::Path | Arg::Str => match crate::mem::read_cstr(mem, v, 4096, Errno::ENAMETOOLONG) {
            Ok(b) => quote(&b, false),
            Err(_) if v == 0 => "NULL".into(),
            Err(_) => format!("{v:#x}"),
        },
        Arg::InBuf => {
            let len = next.unwrap_or(0).min(33) as usize;
            match crate::mem::read_bytes(mem, v, len) {
                Ok(b) => quote(&b[..b.len().min(32)], next.unwrap_or(0) > 32),
                Err(_) => format!("{v:#x}"),
            }
        }
        Arg::Mode => format!("0{v:o}"),
        Arg::OFlags => open_flags(v),
        Arg::Sig => crate::signal::signal_name(v),
        Arg::SigHow => ["SIG_BLOCK", "SIG_UNBLOCK", "SIG_SETMASK"]
            .get(v as usize)
            .map(|s| s.to_string())
            .unwrap_or_else(|| v.to_string()),
        Arg::Clock => clock_name(sv),
        Arg::FutexOp => futex_op(v),
        Arg::Prot => flags(v, &[(1, "PROT_READ"), (2, "PROT_WRITE"), (4, "PROT_EXEC")], "PROT_NONE"),
        Arg::MapFlags => {
            let kind = match v & 0xf {
                1 => "MAP_SHARED",
                2 => "MAP_PRIVATE",
                3 => "MAP_SHARED_VALIDATE",
                _ => "0",
            };
            let rest = flags(
                v & !0xf,
                &[
                    (0x10, "MAP_FIXED"),
                    (0x20, "MAP_ANONYMOUS"),
                    (0x100, "MAP_GROWSDOWN"),
                    (0x4000, "MAP_NORESERVE"),
                    (0x8000, "MAP_POPULATE"),
                    (0x20000, "MAP_STACK"),
                    (0x100000, "MAP_FIXED_NOREPLACE"),
                ],
                "",
            );
            if rest.is_empty() {
                kind.to_string()
            } else {
                format!("{kind}|{rest}")
            }
        }
        Arg::Whence => ["SEEK_SET", "SEEK_CUR", "SEEK_END", "SEEK_DATA", "SEEK_HOLE"]
            .get(v as usize)
            .map(|s| s.to_string())
            .unwrap_or_else(|| v.to_string()),
        Arg::AtFlags => flags(
            v,
            &[
                (0x100, "AT_SYMLINK_NOFOLLOW"),
                (0x200, "AT_REMOVEDIR"),
                (0x400, "AT_SYMLINK_FOLLOW"),
                (0x800, "AT_NO_AUTOMOUNT"),
                (0x1000, "AT_EMPTY_PATH"),
            ],
            "0",
        ),
        Arg::Fcntl => fcntl_cmd(v),
        Arg::Ioctl => ioctl_name(v),
        Arg::Clone => {
            let sig = v & 0xff;
            let rest = flags(
                v & !0xff,
                &[
                    (0x100, "CLONE_VM"),
                    (0x200, "CLONE_FS"),
                    (0x400, "CLONE_FILES"),
                    (0x800, "CLONE_SIGHAND"),
                    (0x4000, "CLONE_VFORK"),
                    (0x10000, "CLONE_THREAD"),
                    (0x80000, "CLONE_SETTLS"),
                    (0x100000, "CLONE_PARENT_SETTID"),
                    (0x200000, "CLONE_CHILD_CLEARTID"),
                    (0x1000000, "CLONE_CHILD_SETTID"),
                ],
                "",
            );
            match (rest.is_empty(), sig) {
                (true, 0) => "0".into(),
                (true, s) => crate::signal::signal_name(s),
                (false, 0) => rest,
                (false, s) => format!("{rest}|{}", crate::signal::signal_name(s)),
            }
        }
        Arg::Argv => argv(v, mem),
        Arg::Off64 => (w[0] as u64 | (w.get(1).copied().unwrap_or(0) as u64) << 32).to_string(),
        Arg::Off64Hi => ((w[0] as u64) << 32 | w.get(1).copied().unwrap_or(0) as u64).to_string(),
        _ => format!("{v:#x}"),
    }
}
