//! Job control on terminals: controlling terminals of sessions, the
//! foreground process group, SIGTTIN/SIGTTOU for background access
//! (`__tty_check_change`), and the terminal ioctls (`tty_ioctl`,
//! `tty_mode_ioctl`, `pty_unix98_ioctl`).
//!
//! A session's controlling terminal is the terminal whose `session` is the
//! session id; it is forgotten when the session leader is gone (checked
//! lazily) or on hangup/TIOCNOTTY by the leader. TIOCNOTTY by a non-leader
//! succeeds without detaching the caller alone (Linux would clear its
//! per-process `signal->tty`).
//!
//! Orphaned process groups: unlike Linux, a parent that is init does not
//! make a group orphaned, because here init is usually the user's shell
//! (`wasmlinux run /bin/sh`) and its jobs must be stoppable.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::termios::ioctls::*;
use super::termios::*;
use super::{Tty, TtyEnd};
use crate::abi::uapi::{termios as Termios, termios2, winsize};
use crate::api::GuestMemory;
use crate::error::{Errno, KResult};
use crate::file::{oflags, OpenFile};
use crate::mem::UserPtr;
use crate::signal::{SigInfo, SIGCONT, SIGHUP, SIGTTOU, SIG_IGN};
use crate::task::{lock, Pid, ProcState, ProcTable, Task};
use crate::Kernel;

/// Send `sig` (from the kernel) to every live process of group `pgid`.
pub(crate) fn signal_pgrp(k: &Kernel, pgid: Pid, sig: u32) {
    let members = lock(&k.procs).group_members(pgid);
    for p in members {
        k.send_to_process(p, SigInfo::kernel(sig));
    }
}

pub(crate) fn signal_pid(k: &Kernel, pid: Pid, sig: u32) {
    k.send_to_process(pid, SigInfo::kernel(sig));
}

/// Is session `sid` still led by a live process?
fn session_alive(table: &ProcTable, sid: Pid) -> bool {
    table.procs.get(&sid).is_some_and(|e| e.sid == sid && !matches!(e.state, ProcState::Zombie(_)))
}

/// (pgid, sid) of a live process.
fn ids(k: &Kernel, pid: Pid) -> KResult<(Pid, Pid)> {
    let t = lock(&k.procs);
    t.entry(pid).map(|e| (e.pgid, e.sid)).ok_or(Errno::ESRCH)
}

/// A process group is orphaned when no member has a parent in another
/// group of the same session (see the module note about init).
pub(crate) fn is_orphaned_pgrp(table: &ProcTable, pgid: Pid) -> bool {
    !table.procs.values().any(|e| {
        e.pgid == pgid
            && !matches!(e.state, ProcState::Zombie(_))
            && table
                .procs
                .get(&e.ppid)
                .is_some_and(|p| !matches!(p.state, ProcState::Zombie(_)) && p.pgid != pgid && p.sid == e.sid)
    })
}

/// The session of `tty`, forgetting it (and the foreground group) when
/// the session leader is gone.
fn tty_session(k: &Kernel, tty: &Tty) -> Option<Pid> {
    let s = tty.state().session?;
    let alive = session_alive(&lock(&k.procs), s);
    if alive {
        return Some(s);
    }
    let mut st = tty.state();
    if st.session == Some(s) {
        st.session = None;
        st.pgrp = None;
    }
    None
}

/// The controlling terminal of process `pid`.
pub(crate) fn ctty_of(k: &Kernel, pid: Pid) -> Option<Arc<Tty>> {
    let (_, sid) = ids(k, pid).ok()?;
    k.console.layer.all_ttys().into_iter().find(|t| tty_session(k, t) == Some(sid))
}

/// Open of a terminal without O_NOCTTY: a session leader without a
/// controlling terminal acquires `tty` if no session has it.
pub(crate) fn maybe_acquire_ctty(k: &Kernel, pid: Pid, tty: &Arc<Tty>) {
    let Ok((pgid, sid)) = ids(k, pid) else { return };
    if sid != pid || tty_session(k, tty).is_some() || ctty_of(k, pid).is_some() {
        return;
    }
    let mut st = tty.state();
    if st.session.is_none() && !st.hung_up {
        st.session = Some(sid);
        st.pgrp = Some(pgid);
    }
}

/// Does the caller ignore or block `sig`?
fn ignored_or_blocked(task: &Task, sig: u32) -> bool {
    let ignored = lock(&task.process.sig).actions.get(sig).handler == SIG_IGN;
    ignored || lock(&task.sig).mask.has(sig)
}

/// `__tty_check_change`: may the caller read (`SIGTTIN`) or change/write
/// (`SIGTTOU`) its controlling terminal `tty`? A background caller gets
/// the signal sent to its group and `ERESTARTSYS`; `EIO` when its group
/// is orphaned, or for SIGTTIN when the signal is ignored or blocked.
pub(crate) fn check_change(k: &Kernel, task: &Task, tty: &Tty, sig: u32) -> KResult<()> {
    let Some(session) = tty_session(k, tty) else {
        return Ok(());
    };
    let (pgid, sid) = ids(k, task.pid())?;
    let fg = tty.state().pgrp;
    if session != sid || fg.is_none() || fg == Some(pgid) {
        return Ok(());
    }
    if ignored_or_blocked(task, sig) {
        return if sig == SIGTTOU { Ok(()) } else { Err(Errno::EIO) };
    }
    if is_orphaned_pgrp(&lock(&k.procs), pgid) {
        return Err(Errno::EIO);
    }
    signal_pgrp(k, pgid, sig);
    Err(Errno::ERESTARTSYS)
}

fn write_int(mem: &mut dyn GuestMemory, arg: u32, v: i32) -> KResult<i32> {
    UserPtr::<i32>::new(arg).write(mem, &v)?;
    Ok(0)
}

fn read_int(mem: &dyn GuestMemory, arg: u32) -> KResult<i32> {
    UserPtr::<i32>::new(arg).read(mem)
}

/// Dispatch a terminal ioctl on `end`.
pub(crate) fn tty_ioctl(
    k: &Kernel,
    task: &Task,
    mem: &mut dyn GuestMemory,
    file: &OpenFile,
    end: &TtyEnd,
    cmd: u32,
    arg: u32,
) -> KResult<i32> {
    let tty = end.tty().clone();
    let master = match end {
        TtyEnd::Master(p) => Some(p.clone()),
        TtyEnd::Tty(_) => None,
    };
    match cmd {
        TCGETS => {
            let t = match &master {
                Some(p) => *lock(&p.master_termios),
                None => tty.state().ld.termios,
            };
            UserPtr::<Termios>::new(arg).write(mem, &t)?;
            Ok(0)
        }
        TCSETS | TCSETSW | TCSETSF => {
            let t = UserPtr::<Termios>::new(arg).read(mem)?;
            set_termios(k, task, &tty, master.as_ref(), t, cmd == TCSETSF)
        }
        TCGETS2 => {
            let t = match &master {
                Some(p) => *lock(&p.master_termios),
                None => tty.state().ld.termios,
            };
            UserPtr::<termios2>::new(arg).write(mem, &to_termios2(&t))?;
            Ok(0)
        }
        TCSETS2 | TCSETSW2 | TCSETSF2 => {
            let t = UserPtr::<termios2>::new(arg).read(mem)?;
            set_termios(k, task, &tty, master.as_ref(), from_termios2(&t), cmd == TCSETSF2)
        }
        TIOCGWINSZ => {
            let ws = tty.state().winsize;
            UserPtr::<winsize>::new(arg).write(mem, &ws)?;
            Ok(0)
        }
        TIOCSWINSZ => {
            let ws = UserPtr::<winsize>::new(arg).read(mem)?;
            tty.set_winsize(ws);
            Ok(0)
        }
        FIONREAD => {
            let n = match &master {
                Some(p) => p.master_unread() as i32,
                None => tty.state().ld.available() as i32,
            };
            write_int(mem, arg, n)
        }
        TIOCOUTQ => {
            let n = match (&master, &tty.driver) {
                (None, super::Driver::PtySlave(link)) => (super::pty::PTY_OUT_CAP - link.room()) as i32,
                _ => 0,
            };
            write_int(mem, arg, n)
        }
        TCFLSH => {
            if arg > TCIOFLUSH {
                return Err(Errno::EINVAL);
            }
            check_change(k, task, &tty, SIGTTOU)?;
            let (input, output) = (arg == TCIFLUSH || arg == TCIOFLUSH, arg == TCOFLUSH || arg == TCIOFLUSH);
            // On the master, "input" is what the slave wrote.
            let (flush_ld, flush_link) = if master.is_some() { (output, input) } else { (input, output) };
            if flush_ld {
                tty.state().ld.flush_input();
            }
            if flush_link {
                if let super::Driver::PtySlave(link) = &tty.driver {
                    link.flush_output_keep_echo(&[]);
                }
            }
            tty.wq.wake_all();
            Ok(0)
        }
        TCXONC => {
            if arg > TCION {
                return Err(Errno::EINVAL);
            }
            check_change(k, task, &tty, SIGTTOU)?;
            match arg {
                TCOOFF => tty.state().ld.stopped = true,
                TCOON => {
                    tty.state().ld.stopped = false;
                    tty.wq.wake_all();
                }
                _ => {}
            }
            Ok(0)
        }
        TCSBRK | TCSBRKP => {
            check_change(k, task, &tty, SIGTTOU)?;
            Ok(0)
        }
        TIOCSBRK | TIOCCBRK => Ok(0),
        TIOCGETD => write_int(mem, arg, 0),
        TIOCSETD => match read_int(mem, arg)? {
            0 => Ok(0),
            _ => Err(Errno::EINVAL),
        },
        TIOCEXCL | TIOCNXCL => {
            tty.state().exclusive = cmd == TIOCEXCL;
            Ok(0)
        }
        TIOCGEXCL => {
            let x = tty.state().exclusive;
            write_int(mem, arg, x as i32)
        }
        TIOCSTI => {
            let is_ctty = master.is_none() && tty_session(k, &tty) == Some(ids(k, task.pid())?.1);
            if !is_ctty && task.process.creds_copy().euid != 0 {
                return Err(Errno::EPERM);
            }
            let c = UserPtr::<u8>::new(arg).read(mem)?;
            tty.receive(&[c], false);
            Ok(0)
        }
        TIOCSCTTY => tiocsctty(k, task, file, &tty, arg),
        TIOCNOTTY => {
            let (_, sid) = ids(k, task.pid())?;
            if master.is_some() || tty_session(k, &tty) != Some(sid) {
                return Err(Errno::ENOTTY);
            }
            if sid == task.pid() {
                let pgrp = {
                    let mut st = tty.state();
                    st.session = None;
                    st.pgrp.take()
                };
                if let Some(pg) = pgrp {
                    signal_pgrp(k, pg, SIGHUP);
                    signal_pgrp(k, pg, SIGCONT);
                }
            }
            Ok(0)
        }
        TIOCGPGRP => {
            let (_, sid) = ids(k, task.pid())?;
            if master.is_none() && tty_session(k, &tty) != Some(sid) {
                return Err(Errno::ENOTTY);
            }
            let pg = tty.state().pgrp.unwrap_or(0);
            write_int(mem, arg, pg)
        }
        TIOCSPGRP => {
            check_change(k, task, &tty, SIGTTOU)?;
            let (_, sid) = ids(k, task.pid())?;
            if tty_session(k, &tty) != Some(sid) {
                return Err(Errno::ENOTTY);
            }
            let pgrp = read_int(mem, arg)?;
            if pgrp < 0 {
                return Err(Errno::EINVAL);
            }
            {
                let table = lock(&k.procs);
                // Zombies are members until reaped (see setpgid).
                let mut members = table.procs.values().filter(|e| e.pgid == pgrp);
                match members.next() {
                    None => return Err(Errno::ESRCH),
                    Some(e) if e.sid != sid => return Err(Errno::EPERM),
                    Some(_) => {}
                }
            }
            tty.state().pgrp = Some(pgrp);
            Ok(0)
        }
        TIOCGSID => {
            let (_, sid) = ids(k, task.pid())?;
            let session = tty_session(k, &tty);
            if master.is_none() && session != Some(sid) {
                return Err(Errno::ENOTTY);
            }
            write_int(mem, arg, session.ok_or(Errno::ENOTTY)?)
        }
        TIOCVHANGUP => {
            if task.process.creds_copy().euid != 0 {
                return Err(Errno::EPERM);
            }
            tty.hangup();
            Ok(0)
        }
        // pty master only
        TIOCGPTN | TIOCSPTLCK | TIOCGPTLCK | TIOCGPTPEER | TIOCSIG | TIOCPKT | TIOCGPKT => {
            let Some(p) = master else {
                return Err(Errno::ENOTTY);
            };
            match cmd {
                TIOCGPTN => write_int(mem, arg, p.index as i32),
                TIOCSPTLCK => {
                    let v = read_int(mem, arg)?;
                    p.set_locked(v != 0);
                    Ok(0)
                }
                TIOCGPTLCK => write_int(mem, arg, p.is_locked() as i32),
                TIOCPKT => {
                    let v = read_int(mem, arg)?;
                    p.packet.store(v != 0, Ordering::Relaxed);
                    Ok(0)
                }
                TIOCGPKT => write_int(mem, arg, p.packet.load(Ordering::Relaxed) as i32),
                TIOCSIG => {
                    if arg == 0 || arg > crate::signal::NSIG {
                        return Err(Errno::EINVAL);
                    }
                    if let Some(pg) = tty.state().pgrp {
                        signal_pgrp(k, pg, arg);
                    }
                    Ok(0)
                }
                _ => {
                    // TIOCGPTPEER: open the slave; arg holds open flags.
                    if arg
                        & !(oflags::O_ACCMODE
                            | oflags::O_NOCTTY
                            | oflags::O_NONBLOCK
                            | oflags::O_CLOEXEC
                            | oflags::O_LARGEFILE)
                        != 0
                    {
                        return Err(Errno::EINVAL);
                    }
                    let f = super::pty::PtySlaveFile::open(p.clone())?;
                    let path = format!("/dev/pts/{}", p.index).into_bytes();
                    let of = OpenFile::new(f, arg & !oflags::O_CLOEXEC, path);
                    if arg & oflags::O_NOCTTY == 0 {
                        maybe_acquire_ctty(k, task.pid(), &p.tty);
                    }
                    task.process.install_fd(of, arg & oflags::O_CLOEXEC != 0)
                }
            }
        }
        _ => Err(Errno::ENOTTY),
    }
}

fn set_termios(
    k: &Kernel,
    task: &Task,
    tty: &Arc<Tty>,
    master: Option<&Arc<super::pty::Pty>>,
    t: Termios,
    flush: bool,
) -> KResult<i32> {
    if let Some(p) = master {
        *lock(&p.master_termios) = t;
        return Ok(0);
    }
    check_change(k, task, tty, SIGTTOU)?;
    tty.set_termios(t, flush);
    Ok(0)
}

/// TIOCSCTTY: make `tty` the caller's controlling terminal (`tiocsctty`).
fn tiocsctty(k: &Kernel, task: &Task, file: &OpenFile, tty: &Arc<Tty>, arg: u32) -> KResult<i32> {
    let me = task.pid();
    let (pgid, sid) = ids(k, me)?;
    let session = tty_session(k, tty);
    if sid == me && session == Some(sid) {
        return Ok(0);
    }
    if sid != me || ctty_of(k, me).is_some() {
        return Err(Errno::EPERM);
    }
    let root = task.process.creds_copy().euid == 0;
    if !file.readable() && !root {
        return Err(Errno::EPERM);
    }
    if session.is_some() && !(arg == 1 && root) {
        return Err(Errno::EPERM);
    }
    let mut st = tty.state();
    if st.hung_up {
        return Err(Errno::EIO);
    }
    st.session = Some(sid);
    st.pgrp = Some(pgid);
    Ok(0)
}
