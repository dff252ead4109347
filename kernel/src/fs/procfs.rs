//! procfs (`proc` on /proc): a read-only view of the kernel's processes and
//! state, generated on demand from the core's snapshots
//! (`task::snapshot`). Nothing is cached: a lookup of `/proc/<pid>` checks
//! the process table, so a reaped process disappears at once; a file's
//! contents are produced when it is opened (like one `seq_file` pass) and
//! read from that copy.
//!
//! Tree: `self` and `thread-self` (symlinks resolved against the calling
//! task), `<pid>/{stat,statm,status,cmdline,environ,comm,mounts,fd/,exe,
//! cwd,root,task/}`, `<pid>/task/<tid>/{stat,statm,status,cmdline,environ,
//! comm}` (per thread: Pid, name, signal masks, Cpus_allowed; `comm` is
//! writable by the threads of the process), `meminfo`, `cpuinfo`, `stat`, `mounts` (→ `self/mounts`),
//! `uptime`, `loadavg`, `version`, `filesystems`, `sys/kernel/{hostname,
//! ostype,osrelease,pid_max,sem,msgmax,msgmnb,msgmni,shmall,shmmax,shmmni}`, `sys/fs/pipe-max-size`,
//! `sys/fs/mqueue/{msg_max,msgsize_max,queues_max}`, `sysvipc/{sem,msg,shm}`
//! (rows from `crate::ipc`; read-only values). Formats follow
//! Linux's `fs/proc` so busybox `ps`, `top`, `free` parse them.
//!
//! Known gaps: `/proc/<pid>/fd/N` are plain symlinks to the path the file
//! was opened by (`pipe:[ino]` for pipes), not Linux's "magic links" that
//! reopen the very object; no `maps` or per-task CPU times
//! (reported as 0); `State` cannot tell a sleeping task from a running one
//! and reports the reader `R`, every other live task `S`.
//!
//! Neighbours: `Kernel` (through `Weak`, set once the kernel exists),
//! `vfs` (inode traits, mount list for `mounts`).

use std::any::Any;
use std::fmt::Write as _;
use std::sync::{Arc, OnceLock, Weak};

use crate::error::{Errno, KResult};
use crate::file::{oflags, DirEntry, FileOps, Stat, Timespec};
use crate::task::{lock, Pid, ProcSnapshot};
use crate::vfs::inode::*;
use crate::vfs::path::path_of;
use crate::vfs::{FsContext, PathHandle, MS_NODEV, MS_NOEXEC, MS_NOSUID};
use crate::Kernel;

/// Memory reported by meminfo (the wasm32 address space of one process).
pub const MEM_TOTAL_BYTES: u64 = 4 << 30;
/// Clock ticks per second (`USER_HZ`, `AT_CLKTCK`).
const USER_HZ: u64 = 100;
const PAGE: u64 = 4096;

struct Shared {
    kernel: OnceLock<Weak<Kernel>>,
    dev: u64,
}

impl Shared {
    fn kernel(&self) -> KResult<Arc<Kernel>> {
        self.kernel.get().and_then(Weak::upgrade).ok_or(Errno::ENOENT)
    }
}

/// One procfs instance. Every mount of `proc` shares the kernel's instance
/// (there is one pid namespace).
pub struct ProcFs {
    sh: Arc<Shared>,
}

impl ProcFs {
    /// A procfs not yet connected to its kernel (lookups of processes find
    /// nothing until [`ProcFs::set_kernel`]).
    pub fn new() -> Arc<ProcFs> {
        Arc::new(ProcFs { sh: Arc::new(Shared { kernel: OnceLock::new(), dev: alloc_anon_dev() }) })
    }
    /// Connect to the kernel (once; later calls are ignored).
    pub fn set_kernel(&self, kernel: Weak<Kernel>) {
        let _ = self.sh.kernel.set(kernel);
    }
}

impl FileSystem for ProcFs {
    fn fs_type(&self) -> &'static str {
        "proc"
    }
    fn root(&self) -> InodeRef {
        node(&self.sh, Kind::Root)
    }
    fn dev(&self) -> u64 {
        self.sh.dev
    }
}

/// Files at the top level and under `sys/` that do not belong to a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Global {
    Meminfo,
    Cpuinfo,
    Stat,
    Uptime,
    Loadavg,
    Version,
    Filesystems,
    Hostname,
    Ostype,
    Osrelease,
    PidMax,
    PipeMaxSize,
    SysvSem,
    SysvMsg,
    SysvShm,
    KernelSem,
    KernelMsgmax,
    KernelMsgmnb,
    KernelMsgmni,
    KernelShmall,
    KernelShmmax,
    KernelShmmni,
    MqMsgMax,
    MqMsgsizeMax,
    MqQueuesMax,
}

/// Static directories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SDir {
    Sys,
    SysKernel,
    SysFs,
    SysFsMqueue,
    Sysvipc,
}

/// Files of `/proc/<pid>/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PidFile {
    Stat,
    Statm,
    Status,
    Cmdline,
    Environ,
    Comm,
    Mounts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PidLink {
    Exe,
    Cwd,
    Root,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Root,
    Dir(SDir),
    Global(Global),
    SelfLink,
    ThreadSelf,
    MountsLink,
    Pid(Pid),
    PidFile(Pid, PidFile),
    PidLink(Pid, PidLink),
    FdDir(Pid),
    Fd(Pid, i32),
    FdInfoDir(Pid),
    FdInfo(Pid, i32),
    /// `<pid>/task/`
    TaskDir(Pid),
    /// `<pid>/task/<tid>/`
    Task(Pid, Pid),
    /// `<pid>/task/<tid>/<file>`
    TaskFile(Pid, Pid, PidFile),
}

enum Entry {
    Dir(SDir),
    Global(Global),
    SelfLink,
    ThreadSelf,
    MountsLink,
}

const ROOT_ENTRIES: &[(&str, Entry)] = &[
    ("cpuinfo", Entry::Global(Global::Cpuinfo)),
    ("filesystems", Entry::Global(Global::Filesystems)),
    ("loadavg", Entry::Global(Global::Loadavg)),
    ("meminfo", Entry::Global(Global::Meminfo)),
    ("mounts", Entry::MountsLink),
    ("self", Entry::SelfLink),
    ("stat", Entry::Global(Global::Stat)),
    ("sys", Entry::Dir(SDir::Sys)),
    ("sysvipc", Entry::Dir(SDir::Sysvipc)),
    ("thread-self", Entry::ThreadSelf),
    ("uptime", Entry::Global(Global::Uptime)),
    ("version", Entry::Global(Global::Version)),
];

fn dir_entries(d: SDir) -> &'static [(&'static str, Entry)] {
    match d {
        SDir::Sys => &[("fs", Entry::Dir(SDir::SysFs)), ("kernel", Entry::Dir(SDir::SysKernel))],
        SDir::SysKernel => &[
            ("hostname", Entry::Global(Global::Hostname)),
            ("msgmax", Entry::Global(Global::KernelMsgmax)),
            ("msgmnb", Entry::Global(Global::KernelMsgmnb)),
            ("msgmni", Entry::Global(Global::KernelMsgmni)),
            ("osrelease", Entry::Global(Global::Osrelease)),
            ("ostype", Entry::Global(Global::Ostype)),
            ("pid_max", Entry::Global(Global::PidMax)),
            ("sem", Entry::Global(Global::KernelSem)),
            ("shmall", Entry::Global(Global::KernelShmall)),
            ("shmmax", Entry::Global(Global::KernelShmmax)),
            ("shmmni", Entry::Global(Global::KernelShmmni)),
        ],
        SDir::SysFs => {
            &[("mqueue", Entry::Dir(SDir::SysFsMqueue)), ("pipe-max-size", Entry::Global(Global::PipeMaxSize))]
        }
        SDir::SysFsMqueue => &[
            ("msg_max", Entry::Global(Global::MqMsgMax)),
            ("msgsize_max", Entry::Global(Global::MqMsgsizeMax)),
            ("queues_max", Entry::Global(Global::MqQueuesMax)),
        ],
        SDir::Sysvipc => &[
            ("msg", Entry::Global(Global::SysvMsg)),
            ("sem", Entry::Global(Global::SysvSem)),
            ("shm", Entry::Global(Global::SysvShm)),
        ],
    }
}

const PID_ENTRIES: &[(&str, Kind)] = &[
    ("cmdline", Kind::PidFile(0, PidFile::Cmdline)),
    ("comm", Kind::PidFile(0, PidFile::Comm)),
    ("cwd", Kind::PidLink(0, PidLink::Cwd)),
    ("environ", Kind::PidFile(0, PidFile::Environ)),
    ("exe", Kind::PidLink(0, PidLink::Exe)),
    ("fd", Kind::FdDir(0)),
    ("fdinfo", Kind::FdInfoDir(0)),
    ("mounts", Kind::PidFile(0, PidFile::Mounts)),
    ("root", Kind::PidLink(0, PidLink::Root)),
    ("stat", Kind::PidFile(0, PidFile::Stat)),
    ("statm", Kind::PidFile(0, PidFile::Statm)),
    ("status", Kind::PidFile(0, PidFile::Status)),
    ("task", Kind::TaskDir(0)),
];

/// Files of `<pid>/task/<tid>/`.
const TASK_ENTRIES: &[(&str, PidFile)] = &[
    ("cmdline", PidFile::Cmdline),
    ("comm", PidFile::Comm),
    ("environ", PidFile::Environ),
    ("stat", PidFile::Stat),
    ("statm", PidFile::Statm),
    ("status", PidFile::Status),
];

fn with_pid(k: Kind, pid: Pid) -> Kind {
    match k {
        Kind::PidFile(_, f) => Kind::PidFile(pid, f),
        Kind::PidLink(_, l) => Kind::PidLink(pid, l),
        Kind::FdDir(_) => Kind::FdDir(pid),
        Kind::FdInfoDir(_) => Kind::FdInfoDir(pid),
        Kind::TaskDir(_) => Kind::TaskDir(pid),
        other => other,
    }
}

fn entry_kind(e: &Entry) -> Kind {
    match e {
        Entry::Dir(d) => Kind::Dir(*d),
        Entry::Global(g) => Kind::Global(*g),
        Entry::SelfLink => Kind::SelfLink,
        Entry::ThreadSelf => Kind::ThreadSelf,
        Entry::MountsLink => Kind::MountsLink,
    }
}

struct ProcNode {
    sh: Arc<Shared>,
    kind: Kind,
}

fn node(sh: &Arc<Shared>, kind: Kind) -> InodeRef {
    Arc::new(ProcNode { sh: sh.clone(), kind })
}

impl Kind {
    fn file_type(self) -> FileType {
        match self {
            Kind::Root
            | Kind::Dir(_)
            | Kind::Pid(_)
            | Kind::FdDir(_)
            | Kind::FdInfoDir(_)
            | Kind::TaskDir(_)
            | Kind::Task(..) => FileType::Directory,
            Kind::SelfLink | Kind::ThreadSelf | Kind::MountsLink | Kind::PidLink(..) | Kind::Fd(..) => {
                FileType::Symlink
            }
            Kind::Global(_) | Kind::PidFile(..) | Kind::FdInfo(..) | Kind::TaskFile(..) => FileType::Regular,
        }
    }
    /// Inode numbers: 1 root, small numbers for global nodes, and
    /// `(pid + 1) << 32 | sub << 24 | fd` for per-process nodes.
    fn ino(self) -> u64 {
        let per_pid = |pid: Pid, sub: u64, low: u64| (u64::try_from(pid).unwrap_or(0) + 1) << 32 | sub << 24 | low;
        match self {
            Kind::Root => 1,
            Kind::SelfLink => 2,
            Kind::ThreadSelf => 3,
            Kind::MountsLink => 4,
            Kind::Dir(d) => 16 + d as u64,
            Kind::Global(g) => 32 + g as u64,
            Kind::Pid(p) => per_pid(p, 0, 0),
            Kind::PidFile(p, f) => per_pid(p, 1 + f as u64, 0),
            Kind::PidLink(p, l) => per_pid(p, 16 + l as u64, 0),
            Kind::FdDir(p) => per_pid(p, 32, 0),
            Kind::Fd(p, fd) => per_pid(p, 33, u64::try_from(fd).unwrap_or(0) & 0xff_ffff),
            Kind::FdInfoDir(p) => per_pid(p, 34, 0),
            Kind::FdInfo(p, fd) => per_pid(p, 35, u64::try_from(fd).unwrap_or(0) & 0xff_ffff),
            Kind::TaskDir(p) => per_pid(p, 36, 0),
            Kind::Task(p, t) => per_pid(p, 37, u64::try_from(t).unwrap_or(0) & 0xff_ffff),
            Kind::TaskFile(p, t, f) => per_pid(p, 40 + f as u64, u64::try_from(t).unwrap_or(0) & 0xff_ffff),
        }
    }
    fn pid(self) -> Option<Pid> {
        match self {
            Kind::Pid(p)
            | Kind::PidFile(p, _)
            | Kind::PidLink(p, _)
            | Kind::FdDir(p)
            | Kind::Fd(p, _)
            | Kind::FdInfoDir(p)
            | Kind::FdInfo(p, _)
            | Kind::TaskDir(p)
            | Kind::Task(p, _)
            | Kind::TaskFile(p, _, _) => Some(p),
            _ => None,
        }
    }
}

fn dirent(name: &str, k: Kind) -> DirEntry {
    DirEntry { ino: k.ino(), kind: k.file_type().dirent_type(), name: name.as_bytes().to_vec() }
}

/// The fs context of process `p` (for cwd/root/mounts); `None` in a kernel
/// without a root file system.
fn fs_of(s: &ProcSnapshot) -> Option<FsContext> {
    lock(&s.process.fs).clone()
}

impl ProcNode {
    fn snapshot(&self, k: &Kernel, pid: Pid) -> KResult<ProcSnapshot> {
        k.proc_snapshot(pid).ok_or(Errno::ENOENT)
    }

    /// Build the contents of a regular file.
    fn contents(&self) -> KResult<Vec<u8>> {
        let k = self.sh.kernel()?;
        match self.kind {
            Kind::Global(g) => Ok(global_contents(&k, g)),
            Kind::PidFile(pid, f) | Kind::TaskFile(pid, _, f) => {
                let mut s = self.snapshot(&k, pid)?;
                let tid = match self.kind {
                    Kind::TaskFile(_, tid, _) => {
                        s.comm = k.thread_comm(pid, tid).ok_or(Errno::ENOENT)?;
                        tid
                    }
                    _ => pid,
                };
                Ok(match f {
                    PidFile::Stat => pid_stat(&k, &s, tid).into_bytes(),
                    PidFile::Statm => {
                        let pages = s.vm_bytes.div_ceil(PAGE);
                        format!("{pages} {pages} 0 0 0 {pages} 0\n").into_bytes()
                    }
                    PidFile::Status => pid_status(&k, &s, tid).into_bytes(),
                    PidFile::Cmdline => nul_joined(&s.argv),
                    PidFile::Environ => nul_joined(&s.envp),
                    PidFile::Comm => {
                        let mut v = s.comm.clone();
                        v.push(b'\n');
                        v
                    }
                    PidFile::Mounts => mounts(&k, fs_of(&s).as_ref()).into_bytes(),
                })
            }
            Kind::FdInfo(pid, fd) => fd_info(&self.snapshot(&k, pid)?, fd),
            _ => Err(Errno::EINVAL),
        }
    }
}

fn nul_joined(v: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for a in v {
        out.extend_from_slice(a);
        out.push(0);
    }
    out
}

fn ticks(ns: u64) -> u64 {
    ns / (1_000_000_000 / USER_HZ)
}

/// Signal masks of thread `tid` (the leader's for `/proc/<pid>`): (pending
/// task+shared, blocked, ignored, caught).
fn sig_masks(k: &Kernel, s: &ProcSnapshot, tid: Pid) -> (u64, u64, u64, u64) {
    let (shared, ign, cgt) = {
        let sig = lock(&s.process.sig);
        let (mut ign, mut cgt) = (0u64, 0u64);
        for n in 1..=crate::signal::NSIG {
            let h = sig.actions.get(n).handler;
            if h == crate::signal::SIG_IGN {
                ign |= 1 << (n - 1);
            } else if h > crate::signal::SIG_IGN {
                cgt |= 1 << (n - 1);
            }
        }
        (sig.pending.set.0, ign, cgt)
    };
    let tid = if s.threads.contains(&tid) { tid } else { s.threads.first().copied().unwrap_or(tid) };
    let (pend, blk) = k.thread_sig_sets(tid);
    (pend | shared, blk, ign, cgt)
}

/// `/proc/<pid>/stat` (man 5 proc: 52 fields).
fn pid_stat(k: &Kernel, s: &ProcSnapshot, tid: Pid) -> String {
    let start = ticks(s.start_ns.saturating_sub(k.boot_ns));
    let rss = s.vm_bytes.div_ceil(PAGE);
    let (pend, blk, ign, cgt) = sig_masks(k, s, tid);
    let nthreads = s.threads.len().max(1);
    let comm = String::from_utf8_lossy(&s.comm);
    format!(
        "{pid} ({comm}) {st} {ppid} {pgid} {sid} 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 {nthreads} 0 {start} {vsize} {rss} 4294967295 \
         0 0 0 0 0 {pend} {blk} {ign} {cgt} 0 0 0 17 {cpu} 0 0 0 0 0 0 0 {brk} 0 0 0 0 0\n",
        pid = tid,
        cpu = k.thread_cpus(tid).first().copied().unwrap_or(0),
        st = s.state,
        ppid = s.ppid,
        pgid = s.pgid,
        sid = s.sid,
        vsize = s.vm_bytes,
        brk = s.brk,
    )
}

fn state_name(c: char) -> &'static str {
    match c {
        'R' => "R (running)",
        'S' => "S (sleeping)",
        'T' => "T (stopped)",
        'Z' => "Z (zombie)",
        _ => "D (disk sleep)",
    }
}

/// `/proc/<pid>/status`.
fn pid_status(k: &Kernel, s: &ProcSnapshot, tid: Pid) -> String {
    let creds = lock(&s.process.creds).clone();
    let umask = fs_of(s).map(|f| f.umask).unwrap_or(0o022);
    let fd_size = lock(&s.process.fds).high_water().max(64).next_power_of_two();
    let (pend, blk, ign, cgt) = sig_masks(k, s, tid);
    let shared_pend = lock(&s.process.sig).pending.set.0;
    let mut o = String::new();
    let _ = writeln!(o, "Name:\t{}", String::from_utf8_lossy(&s.comm));
    let _ = writeln!(o, "Umask:\t{umask:04o}");
    let _ = writeln!(o, "State:\t{}", state_name(s.state));
    let _ = writeln!(o, "Tgid:\t{}", s.pid);
    let _ = writeln!(o, "Ngid:\t0");
    let _ = writeln!(o, "Pid:\t{tid}");
    let _ = writeln!(o, "PPid:\t{}", s.ppid);
    let _ = writeln!(o, "TracerPid:\t0");
    let _ = writeln!(o, "Uid:\t{}\t{}\t{}\t{}", creds.uid, creds.euid, creds.suid, creds.fsuid);
    let _ = writeln!(o, "Gid:\t{}\t{}\t{}\t{}", creds.gid, creds.egid, creds.sgid, creds.fsgid);
    let _ = writeln!(o, "FDSize:\t{fd_size}");
    let groups: Vec<String> = creds.groups.iter().map(|g| g.to_string()).collect();
    let _ = writeln!(o, "Groups:\t{} ", groups.join(" "));
    let _ = writeln!(o, "NStgid:\t{}", s.pid);
    let _ = writeln!(o, "NSpid:\t{tid}");
    let _ = writeln!(o, "NSpgid:\t{}", s.pgid);
    let _ = writeln!(o, "NSsid:\t{}", s.sid);
    if s.state != 'Z' {
        let kb = s.vm_bytes / 1024;
        let data_kb = u64::from(s.brk) / 1024;
        for (name, v) in [("VmPeak", kb), ("VmSize", kb), ("VmLck", 0), ("VmPin", 0), ("VmHWM", kb), ("VmRSS", kb)] {
            let _ = writeln!(o, "{name}:\t{v:8} kB");
        }
        for (name, v) in [
            ("RssAnon", kb),
            ("RssFile", 0),
            ("RssShmem", 0),
            ("VmData", data_kb),
            ("VmStk", 0),
            ("VmExe", 0),
            ("VmLib", 0),
            ("VmPTE", 0),
            ("VmSwap", 0),
        ] {
            let _ = writeln!(o, "{name}:\t{v:8} kB");
        }
    }
    let _ = writeln!(o, "Threads:\t{}", s.threads.len().max(1));
    let _ = writeln!(o, "SigQ:\t0/1024");
    let _ = writeln!(o, "SigPnd:\t{:016x}", pend & !shared_pend);
    let _ = writeln!(o, "ShdPnd:\t{shared_pend:016x}");
    let _ = writeln!(o, "SigBlk:\t{blk:016x}");
    let _ = writeln!(o, "SigIgn:\t{ign:016x}");
    let _ = writeln!(o, "SigCgt:\t{cgt:016x}");
    let _ = writeln!(o, "CapInh:\t0000000000000000");
    let cap = if creds.euid == 0 { "000001ffffffffff" } else { "0000000000000000" };
    let _ = writeln!(o, "CapPrm:\t{cap}");
    let _ = writeln!(o, "CapEff:\t{cap}");
    let _ = writeln!(o, "CapBnd:\t000001ffffffffff");
    let _ = writeln!(o, "CapAmb:\t0000000000000000");
    let _ = writeln!(o, "NoNewPrivs:\t0");
    let _ = writeln!(o, "Seccomp:\t0");
    let cpus = k.thread_cpus(tid);
    let mut mask = vec![0u32; (k.config().cpus.clamp(1, 1024) as usize).div_ceil(32)];
    for &c in &cpus {
        mask[(c / 32) as usize] |= 1 << (c % 32);
    }
    let words: Vec<String> = mask.iter().rev().map(|w| format!("{w:08x}")).collect();
    let _ = writeln!(o, "Cpus_allowed:\t{}", words.join(","));
    let _ = writeln!(o, "Cpus_allowed_list:\t{}", cpu_list(&cpus));
    let _ = writeln!(o, "voluntary_ctxt_switches:\t0");
    let _ = writeln!(o, "nonvoluntary_ctxt_switches:\t0");
    o
}

/// `0-3,5` style list of CPU numbers (ascending).
fn cpu_list(cpus: &[u32]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < cpus.len() {
        let mut j = i;
        while j + 1 < cpus.len() && cpus[j + 1] == cpus[j] + 1 {
            j += 1;
        }
        parts.push(if i == j { cpus[i].to_string() } else { format!("{}-{}", cpus[i], cpus[j]) });
        i = j + 1;
    }
    parts.join(",")
}

/// Octal-escape space, tab, newline and backslash as /proc/mounts does.
fn mangle(s: &[u8]) -> String {
    let mut o = String::new();
    for &b in s {
        match b {
            b' ' | b'\t' | b'\n' | b'\\' => {
                let _ = write!(o, "\\{b:03o}");
            }
            _ => o.push(char::from(b)),
        }
    }
    o
}

/// `mounts` as seen from `fsx` (mounts outside its root are hidden).
fn mounts(k: &Kernel, fsx: Option<&FsContext>) -> String {
    let Some(ns) = k.mount_ns() else { return String::new() };
    let own;
    let fsx = match fsx {
        Some(f) => f,
        None => {
            own = FsContext::new(ns.clone());
            &own
        }
    };
    let mut o = String::new();
    for m in ns.mounts() {
        let h = PathHandle { mnt: m.clone(), inode: m.root.clone() };
        let Ok(path) = path_of(fsx, &h) else { continue };
        if path.starts_with(b"(unreachable)") {
            continue;
        }
        let f = m.flags();
        let mut opts = String::from(if m.read_only() { "ro" } else { "rw" });
        for (bit, name) in [(MS_NOSUID, ",nosuid"), (MS_NODEV, ",nodev"), (MS_NOEXEC, ",noexec")] {
            if f & bit != 0 {
                opts.push_str(name);
            }
        }
        opts.push_str(",relatime");
        let _ = writeln!(o, "{} {} {} {} 0 0", mangle(m.source.as_bytes()), mangle(&path), m.fs_type(), opts);
    }
    o
}

fn global_contents(k: &Kernel, g: Global) -> Vec<u8> {
    let (release, version, machine) = k.uts_strings();
    let s = match g {
        Global::Meminfo => {
            let snaps = k.procs_snapshot();
            let used: u64 = snaps.iter().filter(|s| s.state != 'Z').map(|s| s.vm_bytes).sum();
            let total = MEM_TOTAL_BYTES / 1024;
            let free = MEM_TOTAL_BYTES.saturating_sub(used) / 1024;
            let mut o = String::new();
            for (name, v) in [
                ("MemTotal", total),
                ("MemFree", free),
                ("MemAvailable", free),
                ("Buffers", 0),
                ("Cached", 0),
                ("SwapCached", 0),
                ("Active", used / 1024),
                ("Inactive", 0),
                ("SwapTotal", 0),
                ("SwapFree", 0),
                ("Dirty", 0),
                ("AnonPages", used / 1024),
                ("Mapped", 0),
                ("Shmem", 0),
                ("Slab", 0),
                ("SReclaimable", 0),
                ("SUnreclaim", 0),
                ("CommitLimit", total),
                ("Committed_AS", used / 1024),
            ] {
                let _ = writeln!(o, "{:<16}{v:>8} kB", format!("{name}:"));
            }
            o
        }
        Global::Cpuinfo => format!(
            "processor\t: 0\nvendor_id\t: wasmlinux\nmodel name\t: WebAssembly ({machine})\ncpu MHz\t\t: 1000.000\nbogomips\t: 2000.00\nflags\t\t:\n\n"
        ),
        Global::Stat => {
            let snaps = k.procs_snapshot();
            let idle = ticks(k.uptime_ns());
            let running = snaps.iter().filter(|s| s.state == 'R').count().max(1);
            format!(
                "cpu  0 0 0 {idle} 0 0 0 0 0 0\ncpu0 0 0 0 {idle} 0 0 0 0 0 0\nintr 0\nctxt 0\nbtime {}\nprocesses {}\nprocs_running {running}\nprocs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n",
                k.boot_realtime_ns() / 1_000_000_000,
                snaps.len(),
            )
        }
        Global::Uptime => {
            let up = k.uptime_ns();
            let cs = up / 10_000_000;
            format!("{}.{:02} {}.{:02}\n", cs / 100, cs % 100, cs / 100, cs % 100)
        }
        Global::Loadavg => {
            let pids = k.proc_pids();
            let last = pids.last().copied().unwrap_or(0);
            format!("0.00 0.00 0.00 1/{} {last}\n", pids.len())
        }
        Global::Version => format!("Linux version {release} (wasmlinux@wasmlinux) (rustc) {version}\n"),
        Global::Filesystems => "nodev\tproc\nnodev\ttmpfs\nnodev\tdevtmpfs\nnodev\tdevpts\nnodev\tmqueue\n\thostfs\n".into(),
        Global::Hostname => {
            let mut v = k.hostname_bytes();
            v.push(b'\n');
            return v;
        }
        Global::Ostype => "Linux\n".into(),
        Global::Osrelease => format!("{release}\n"),
        Global::PidMax => format!("{}\n", crate::task::PID_MAX),
        Global::PipeMaxSize => format!("{}\n", crate::pipe::PIPE_MAX_SIZE),
        Global::SysvSem => crate::ipc::proc_sysvipc_sem(k),
        Global::SysvMsg => crate::ipc::proc_sysvipc_msg(k),
        Global::SysvShm => crate::ipc::proc_sysvipc_shm(k),
        Global::KernelSem => {
            use crate::ipc::sem::*;
            format!("{SEMMSL}\t{SEMMNS}\t{SEMOPM}\t{SEMMNI}\n")
        }
        Global::KernelMsgmax => format!("{}\n", crate::ipc::msg::MSGMAX),
        Global::KernelMsgmnb => format!("{}\n", crate::ipc::msg::MSGMNB),
        Global::KernelMsgmni => format!("{}\n", crate::ipc::msg::MSGMNI),
        Global::KernelShmall => format!("{}\n", crate::ipc::shm::SHMALL),
        Global::KernelShmmax => format!("{}\n", crate::ipc::shm::SHMMAX),
        Global::KernelShmmni => format!("{}\n", crate::ipc::shm::SHMMNI),
        Global::MqMsgMax => format!("{}\n", crate::ipc::mqueue::MSG_MAX),
        Global::MqMsgsizeMax => format!("{}\n", crate::ipc::mqueue::MSGSIZE_MAX),
        Global::MqQueuesMax => format!("{}\n", crate::ipc::mqueue::QUEUES_MAX),
    };
    s.into_bytes()
}

/// What `/proc/<pid>/fd/<n>` points at.
fn fd_target(s: &ProcSnapshot, fd: i32) -> KResult<Vec<u8>> {
    let file = lock(&s.process.fds).get(fd).map_err(|_| Errno::ENOENT)?;
    if let Some(p) = crate::pipe::pipe_of(&*file.ops) {
        if file.path.starts_with(b"pipe:") {
            return Ok(format!("pipe:[{}]", p.ino).into_bytes());
        }
    }
    if let Some(h) = crate::vfs::file::node_of(&file) {
        if h.file_type() == FileType::Directory {
            if let Some(fsx) = fs_of(s) {
                if let Ok(p) = path_of(&fsx, &h) {
                    return Ok(p);
                }
            }
        }
    }
    Ok(file.path.clone())
}

/// `/proc/<pid>/fdinfo/<fd>` (man 5 proc): position, status flags in octal
/// (with `O_CLOEXEC` when the descriptor has close-on-exec), mount id, inode.
fn fd_info(s: &ProcSnapshot, fd: i32) -> KResult<Vec<u8>> {
    let (file, cloexec) = {
        let fds = lock(&s.process.fds);
        let e = fds.entry(fd).map_err(|_| Errno::ENOENT)?;
        (e.file.clone(), e.cloexec)
    };
    let pos = *lock(&file.pos);
    let flags = file.flags() | if cloexec { oflags::O_CLOEXEC } else { 0 };
    let mnt_id = crate::vfs::file::node_of(&file).map(|h| h.mnt.id).unwrap_or(0);
    let ino = file.ops.stat().map(|st| st.ino).unwrap_or(0);
    Ok(format!("pos:\t{pos}\nflags:\t0{flags:o}\nmnt_id:\t{mnt_id}\nino:\t{ino}\n").into_bytes())
}

impl Inode for ProcNode {
    fn stat(&self) -> KResult<Stat> {
        let k = self.sh.kernel().ok();
        let ft = self.kind.file_type();
        let mut st = Stat { ino: self.kind.ino(), nlink: 1, blksize: 1024, ..Default::default() };
        let perm = match self.kind {
            Kind::Root | Kind::Dir(_) | Kind::Pid(_) | Kind::TaskDir(_) | Kind::Task(..) => 0o555,
            Kind::PidFile(_, PidFile::Comm) | Kind::TaskFile(_, _, PidFile::Comm) => 0o644,
            Kind::TaskFile(_, _, PidFile::Environ) => 0o400,
            Kind::TaskFile(..) => 0o444,
            Kind::FdDir(_) => 0o500,
            Kind::FdInfoDir(_) => 0o555,
            Kind::FdInfo(..) => 0o444,
            Kind::PidFile(_, PidFile::Environ) => 0o400,
            Kind::Global(_) | Kind::PidFile(..) => 0o444,
            Kind::PidLink(..) | Kind::SelfLink | Kind::ThreadSelf | Kind::MountsLink => 0o777,
            Kind::Fd(..) => 0o700,
        };
        st.mode = ft.mode_bits() | perm;
        if ft == FileType::Directory {
            st.nlink = 2;
        }
        let boot = k.as_ref().map(|k| Timespec::from_ns(k.boot_realtime_ns())).unwrap_or_default();
        st.atime = boot;
        st.mtime = boot;
        st.ctime = boot;
        if let Some(pid) = self.kind.pid() {
            let k = k.ok_or(Errno::ENOENT)?;
            let s = k.proc_snapshot(pid).ok_or(Errno::ENOENT)?;
            st.uid = s.euid;
            st.gid = s.egid;
            let t = Timespec::from_ns(k.boot_realtime_ns().saturating_add(s.start_ns.saturating_sub(k.boot_ns)));
            st.atime = t;
            st.mtime = t;
            st.ctime = t;
            if let Kind::Fd(_, fd) = self.kind {
                let file = lock(&s.process.fds).get(fd).map_err(|_| Errno::ENOENT)?;
                let mut m = 0o100;
                if file.readable() {
                    m |= 0o400;
                }
                if file.writable() {
                    m |= 0o200;
                }
                st.mode = S_IFLNK | m;
                st.size = 64;
            }
        }
        Ok(st)
    }
    fn ino(&self) -> u64 {
        self.kind.ino()
    }
    fn file_type(&self) -> FileType {
        self.kind.file_type()
    }

    fn lookup(&self, name: &[u8]) -> KResult<InodeRef> {
        let find = |entries: &'static [(&'static str, Entry)]| -> KResult<InodeRef> {
            entries
                .iter()
                .find(|(n, _)| n.as_bytes() == name)
                .map(|(_, e)| node(&self.sh, entry_kind(e)))
                .ok_or(Errno::ENOENT)
        };
        match self.kind {
            Kind::Root => {
                if let Some(pid) = parse_num(name) {
                    let k = self.sh.kernel()?;
                    return if k.proc_exists(pid) { Ok(node(&self.sh, Kind::Pid(pid))) } else { Err(Errno::ENOENT) };
                }
                find(ROOT_ENTRIES)
            }
            Kind::Dir(d) => find(dir_entries(d)),
            Kind::Pid(pid) => {
                if !self.sh.kernel()?.proc_exists(pid) {
                    return Err(Errno::ENOENT);
                }
                PID_ENTRIES
                    .iter()
                    .find(|(n, _)| n.as_bytes() == name)
                    .map(|(_, k)| node(&self.sh, with_pid(*k, pid)))
                    .ok_or(Errno::ENOENT)
            }
            Kind::TaskDir(pid) => {
                let tid = parse_num(name).ok_or(Errno::ENOENT)?;
                let s = self.sh.kernel()?.proc_snapshot(pid).ok_or(Errno::ENOENT)?;
                if s.threads.contains(&tid) {
                    Ok(node(&self.sh, Kind::Task(pid, tid)))
                } else {
                    Err(Errno::ENOENT)
                }
            }
            Kind::Task(pid, tid) => TASK_ENTRIES
                .iter()
                .find(|(n, _)| n.as_bytes() == name)
                .map(|(_, f)| node(&self.sh, Kind::TaskFile(pid, tid, *f)))
                .ok_or(Errno::ENOENT),
            Kind::FdDir(pid) | Kind::FdInfoDir(pid) => {
                let fd = parse_num(name).ok_or(Errno::ENOENT)?;
                let s = self.sh.kernel()?.proc_snapshot(pid).ok_or(Errno::ENOENT)?;
                if !s.fds.iter().any(|(n, _, _)| *n == fd) {
                    Err(Errno::ENOENT)
                } else if matches!(self.kind, Kind::FdDir(_)) {
                    Ok(node(&self.sh, Kind::Fd(pid, fd)))
                } else {
                    Ok(node(&self.sh, Kind::FdInfo(pid, fd)))
                }
            }
            _ => Err(Errno::ENOTDIR),
        }
    }
    fn create(&self, _name: &[u8], node: NewNode<'_>, _mode: u32, _uid: u32, _gid: u32) -> KResult<InodeRef> {
        if self.kind.file_type() != FileType::Directory {
            return Err(Errno::ENOTDIR);
        }
        Err(if matches!(node, NewNode::Directory) { Errno::EPERM } else { Errno::EACCES })
    }
    fn link(&self, _name: &[u8], _target: &InodeRef) -> KResult<()> {
        Err(Errno::EPERM)
    }
    fn unlink(&self, _name: &[u8]) -> KResult<()> {
        Err(Errno::EPERM)
    }
    fn rmdir(&self, _name: &[u8]) -> KResult<()> {
        Err(Errno::EPERM)
    }
    fn rename(&self, _old_name: &[u8], _new_dir: &InodeRef, _new_name: &[u8], _flags: u32) -> KResult<()> {
        Err(Errno::EPERM)
    }
    fn readlink(&self) -> KResult<Vec<u8>> {
        let k = self.sh.kernel()?;
        match self.kind {
            Kind::SelfLink => Ok(k.current_pid().ok_or(Errno::ENOENT)?.to_string().into_bytes()),
            Kind::ThreadSelf => {
                let pid = k.current_pid().ok_or(Errno::ENOENT)?;
                let tid = crate::task::snapshot::current_tid().unwrap_or(pid);
                Ok(format!("{pid}/task/{tid}").into_bytes())
            }
            Kind::MountsLink => Ok(b"self/mounts".to_vec()),
            Kind::PidLink(pid, l) => {
                let s = k.proc_snapshot(pid).ok_or(Errno::ENOENT)?;
                match l {
                    PidLink::Exe => {
                        if s.exe.is_empty() {
                            Err(Errno::ENOENT)
                        } else {
                            Ok(s.exe.clone())
                        }
                    }
                    PidLink::Cwd | PidLink::Root => {
                        let fsx = fs_of(&s).ok_or(Errno::ENOENT)?;
                        let h = if l == PidLink::Cwd { &fsx.cwd } else { &fsx.root };
                        path_of(&fsx, h)
                    }
                }
            }
            Kind::Fd(pid, fd) => fd_target(&k.proc_snapshot(pid).ok_or(Errno::ENOENT)?, fd),
            _ => Err(Errno::EINVAL),
        }
    }
    fn open(&self, flags: u32) -> KResult<Arc<dyn FileOps>> {
        if self.kind.file_type() != FileType::Regular {
            return Err(Errno::ENXIO);
        }
        let comm_of = match self.kind {
            Kind::PidFile(pid, PidFile::Comm) => Some((pid, pid)),
            Kind::TaskFile(pid, tid, PidFile::Comm) => Some((pid, tid)),
            _ => None,
        };
        let writing = flags & oflags::O_ACCMODE != oflags::O_RDONLY;
        if (writing || flags & oflags::O_TRUNC != 0) && comm_of.is_none() {
            return Err(Errno::EACCES);
        }
        let st = self.stat()?;
        let comm = if writing { comm_of } else { None };
        Ok(Arc::new(ProcFile { data: self.contents()?, stat: st, comm, sh: self.sh.clone() }))
    }
    fn setattr(&self, _attr: &SetAttr) -> KResult<()> {
        Err(Errno::EPERM)
    }
    fn list(&self) -> KResult<Vec<DirEntry>> {
        let mut out = Vec::new();
        match self.kind {
            Kind::Root => {
                out.extend(ROOT_ENTRIES.iter().map(|(n, e)| dirent(n, entry_kind(e))));
                if let Ok(k) = self.sh.kernel() {
                    out.extend(k.proc_pids().into_iter().map(|p| dirent(&p.to_string(), Kind::Pid(p))));
                }
            }
            Kind::Dir(d) => out.extend(dir_entries(d).iter().map(|(n, e)| dirent(n, entry_kind(e)))),
            Kind::Pid(pid) => {
                if !self.sh.kernel()?.proc_exists(pid) {
                    return Err(Errno::ENOENT);
                }
                out.extend(PID_ENTRIES.iter().map(|(n, k)| dirent(n, with_pid(*k, pid))));
            }
            Kind::FdDir(pid) => {
                let s = self.sh.kernel()?.proc_snapshot(pid).ok_or(Errno::ENOENT)?;
                out.extend(s.fds.iter().map(|(fd, _, _)| dirent(&fd.to_string(), Kind::Fd(pid, *fd))));
            }
            Kind::TaskDir(pid) => {
                let s = self.sh.kernel()?.proc_snapshot(pid).ok_or(Errno::ENOENT)?;
                out.extend(s.threads.iter().map(|t| dirent(&t.to_string(), Kind::Task(pid, *t))));
            }
            Kind::Task(pid, tid) => {
                out.extend(TASK_ENTRIES.iter().map(|(n, f)| dirent(n, Kind::TaskFile(pid, tid, *f))));
            }
            Kind::FdInfoDir(pid) => {
                let s = self.sh.kernel()?.proc_snapshot(pid).ok_or(Errno::ENOENT)?;
                out.extend(s.fds.iter().map(|(fd, _, _)| dirent(&fd.to_string(), Kind::FdInfo(pid, *fd))));
            }
            _ => return Err(Errno::ENOTDIR),
        }
        Ok(out)
    }
    fn parent(&self) -> Option<(InodeRef, Vec<u8>)> {
        let (k, name): (Kind, Vec<u8>) = match self.kind {
            Kind::Dir(SDir::Sys) => (Kind::Root, b"sys".to_vec()),
            Kind::Dir(SDir::SysKernel) => (Kind::Dir(SDir::Sys), b"kernel".to_vec()),
            Kind::Dir(SDir::SysFs) => (Kind::Dir(SDir::Sys), b"fs".to_vec()),
            Kind::Dir(SDir::SysFsMqueue) => (Kind::Dir(SDir::SysFs), b"mqueue".to_vec()),
            Kind::Dir(SDir::Sysvipc) => (Kind::Root, b"sysvipc".to_vec()),
            Kind::Pid(pid) => (Kind::Root, pid.to_string().into_bytes()),
            Kind::FdDir(pid) => (Kind::Pid(pid), b"fd".to_vec()),
            Kind::FdInfoDir(pid) => (Kind::Pid(pid), b"fdinfo".to_vec()),
            Kind::TaskDir(pid) => (Kind::Pid(pid), b"task".to_vec()),
            Kind::Task(pid, tid) => (Kind::TaskDir(pid), tid.to_string().into_bytes()),
            _ => return None,
        };
        Some((node(&self.sh, k), name))
    }
    fn is_dead(&self) -> bool {
        match self.kind.pid() {
            Some(pid) => self.sh.kernel().map(|k| !k.proc_exists(pid)).unwrap_or(true),
            None => false,
        }
    }
    fn statfs(&self) -> KResult<StatFs> {
        Ok(StatFs {
            fs_type: PROC_SUPER_MAGIC,
            bsize: 4096,
            frsize: 4096,
            namelen: 255,
            fsid: self.sh.dev,
            ..Default::default()
        })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A decimal number without sign or leading zeros (`/proc/<pid>`, `fd/<n>`).
fn parse_num(name: &[u8]) -> Option<i32> {
    if name.is_empty() || name.len() > 10 || (name[0] == b'0' && name.len() > 1) || !name.iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    std::str::from_utf8(name).ok()?.parse().ok()
}

/// An opened procfs file: the contents generated at open; a `comm` file
/// opened for writing names its (pid, tid).
struct ProcFile {
    data: Vec<u8>,
    stat: Stat,
    comm: Option<(Pid, Pid)>,
    sh: Arc<Shared>,
}

impl FileOps for ProcFile {
    fn read(&self, buf: &mut [u8], offset: u64) -> KResult<usize> {
        let Ok(off) = usize::try_from(offset) else { return Ok(0) };
        if off >= self.data.len() {
            return Ok(0);
        }
        let n = buf.len().min(self.data.len() - off);
        buf[..n].copy_from_slice(&self.data[off..off + n]);
        Ok(n)
    }
    fn write(&self, data: &[u8], _offset: u64) -> KResult<usize> {
        let (pid, tid) = self.comm.ok_or(Errno::EBADF)?;
        self.sh.kernel()?.write_thread_comm(pid, tid, data)?;
        Ok(data.len())
    }
    fn seekable(&self) -> bool {
        true
    }
    fn stat(&self) -> KResult<Stat> {
        Ok(self.stat.clone())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_inos() {
        assert_eq!(parse_num(b"42"), Some(42));
        assert_eq!(parse_num(b"042"), None);
        assert_eq!(parse_num(b"self"), None);
        assert_eq!(parse_num(b""), None);
        assert_ne!(Kind::Pid(1).ino(), Kind::Pid(2).ino());
        assert_ne!(Kind::Fd(1, 0).ino(), Kind::Fd(1, 1).ino());
        assert_ne!(Kind::PidFile(1, PidFile::Stat).ino(), Kind::PidFile(1, PidFile::Status).ino());
        assert_eq!(mangle(b"a b\\"), "a\\040b\\134");
    }
}
