//! strace: one line per syscall, decoded from the table's argument kinds.
//! `[pid 3] openat(AT_FDCWD, "/etc/passwd", O_RDONLY) = 3`

use crate::api::{GuestMemory, SyscallOutcome};
use crate::error::Errno;
use crate::syscall::{self, Arg};
use crate::task::Task;
use crate::Kernel;

pub(crate) fn format_call(_k: &Kernel, task: &Task, nr: u32, args: [u32; 6], mem: &dyn GuestMemory, out: &SyscallOutcome) -> String {
    let mut s = format!("[pid {}] ", task.tid);
    match syscall::lookup(nr) {
        Some(row) => {
            s.push_str(row.name);
            s.push('(');
            let mut i = 0;
            let mut first = true;
            for (k, a) in row.args.iter().enumerate() {
                if i >= 6 {
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
        None => s.push_str(&format!("syscall_{nr}({:#x}, {:#x}, {:#x}, {:#x}, {:#x}, {:#x})", args[0], args[1], args[2], args[3], args[4], args[5])),
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
        Arg::Mode => format!("{v:#o}"),
        Arg::Off64 => (w[0] as u64 | (w.get(1).copied().unwrap_or(0) as u64) << 32).to_string(),
        Arg::Off64Hi => ((w[0] as u64) << 32 | w.get(1).copied().unwrap_or(0) as u64).to_string(),
        _ => format!("{v:#x}"),
    }
}
