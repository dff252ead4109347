//! Test harness shared by every test file: a fake host with real
//! park/unpark across threads, a kernel with an init process, helpers to
//! issue raw syscalls (as init or as any task), the guest memory map the
//! helpers use, and the Linux constants (errnos, flags, signals) the tests
//! need. A constant or helper used by more than one test file lives here.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use wasmlinux_kernel::error::Errno;
use wasmlinux_kernel::file::FileOps;
use wasmlinux_kernel::syscall::nr;
use wasmlinux_kernel::*;

pub struct FakeHost {
    start: Instant,
    permits: Mutex<HashMap<Tid, bool>>,
    cv: Condvar,
    pub stdout: Mutex<Vec<u8>>,
    pub stderr: Mutex<Vec<u8>>,
    pub exited: Mutex<Vec<(Tid, ExitStatus)>>,
    rng: Mutex<u64>,
    /// `new_shared_pages` makes [`FakePages`] (default: ENODEV, no sharing).
    pub share: std::sync::atomic::AtomicBool,
}

impl FakeHost {
    pub fn new() -> Arc<FakeHost> {
        Arc::new(FakeHost {
            start: Instant::now(),
            permits: Mutex::new(HashMap::new()),
            cv: Condvar::new(),
            stdout: Mutex::new(Vec::new()),
            stderr: Mutex::new(Vec::new()),
            exited: Mutex::new(Vec::new()),
            rng: Mutex::new(0x1234_5678_9abc_def0),
            share: std::sync::atomic::AtomicBool::new(false),
        })
    }
    pub fn stdout_string(&self) -> String {
        String::from_utf8_lossy(&self.stdout.lock().unwrap()).into_owned()
    }
}

impl HostOps for FakeHost {
    fn now_ns(&self, clock: HostClock) -> u64 {
        match clock {
            HostClock::Realtime => SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos() as u64,
            HostClock::Monotonic => self.start.elapsed().as_nanos() as u64 + 1_000_000_000,
            HostClock::ProcessCpu => self.start.elapsed().as_nanos() as u64 / 2,
        }
    }
    fn park(&self, tid: Tid, deadline_ns: Option<u64>) {
        let mut p = self.permits.lock().unwrap();
        loop {
            if p.remove(&tid).unwrap_or(false) {
                return;
            }
            match deadline_ns {
                Some(d) => {
                    let now = self.now_ns(HostClock::Monotonic);
                    if now >= d {
                        return;
                    }
                    let (g, _) = self.cv.wait_timeout(p, Duration::from_nanos(d - now)).unwrap();
                    p = g;
                }
                None => p = self.cv.wait(p).unwrap(),
            }
        }
    }
    fn unpark(&self, tid: Tid) {
        self.permits.lock().unwrap().insert(tid, true);
        self.cv.notify_all();
    }
    fn random(&self, buf: &mut [u8]) {
        let mut s = self.rng.lock().unwrap();
        for b in buf {
            *s ^= *s << 13;
            *s ^= *s >> 7;
            *s ^= *s << 17;
            *b = *s as u8;
        }
    }
    fn console_write(&self, stream: ConsoleStream, data: &[u8]) -> Result<usize, wasmlinux_kernel::error::Errno> {
        match stream {
            ConsoleStream::Stdout => self.stdout.lock().unwrap().extend_from_slice(data),
            ConsoleStream::Stderr => self.stderr.lock().unwrap().extend_from_slice(data),
        }
        Ok(data.len())
    }
    fn process_exited(&self, pid: Tid, status: ExitStatus) {
        self.exited.lock().unwrap().push((pid, status));
    }
    fn new_shared_pages(&self, len: u64) -> Result<Arc<dyn SharedPages>, wasmlinux_kernel::Errno> {
        if !self.share.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(Errno::ENODEV.code());
        }
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(Arc::new(FakePages { id, data: Mutex::new(vec![0; len as usize]) }))
    }
}

/// Host shared pages of the fake host: bytes every [`PagesMem`] mapping them sees.
#[derive(Debug)]
pub struct FakePages {
    id: u64,
    pub data: Mutex<Vec<u8>>,
}

impl SharedPages for FakePages {
    fn id(&self) -> u64 {
        self.id
    }
    fn len(&self) -> u64 {
        self.data.lock().unwrap().len() as u64
    }
    fn grow(&self, len: u64) -> Result<(), wasmlinux_kernel::Errno> {
        let mut d = self.data.lock().unwrap();
        if (d.len() as u64) < len {
            d.resize(len as usize, 0);
        }
        Ok(())
    }
    fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<(), wasmlinux_kernel::Errno> {
        let d = self.data.lock().unwrap();
        for (i, b) in buf.iter_mut().enumerate() {
            *b = d.get(offset as usize + i).copied().unwrap_or(0);
        }
        Ok(())
    }
    fn write_at(&self, data: &[u8], offset: u64) -> Result<(), wasmlinux_kernel::Errno> {
        let mut d = self.data.lock().unwrap();
        let end = offset as usize + data.len();
        if end > d.len() {
            return Err(Errno::EFAULT.code());
        }
        d[offset as usize..end].copy_from_slice(data);
        Ok(())
    }
    fn zero(&self, offset: u64, len: u64) -> Result<(), wasmlinux_kernel::Errno> {
        self.write_at(&vec![0; len as usize], offset)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Pages mapped at an address and the offset in them.
type Mapped = (Arc<dyn SharedPages>, u64);

/// A guest memory that can map shared pages (`GuestMemory::map_shared`):
/// a `VecMemory` with ranges redirected to [`FakePages`]-like objects. A
/// clone (a fork child's memory) maps the same pages, as the bridge does.
#[derive(Debug, Clone)]
pub struct PagesMem {
    pub base: VecMemory,
    /// start → (len, pages, offset)
    maps: std::collections::BTreeMap<u32, (u32, Arc<dyn SharedPages>, u64)>,
}

impl PagesMem {
    pub fn new(size: usize) -> PagesMem {
        PagesMem { base: VecMemory::new(size), maps: Default::default() }
    }
    /// The chunk at `a` (at most `n` bytes): its length and the mapping there, if any.
    fn chunk(&self, a: u32, n: usize) -> (usize, Option<Mapped>) {
        if let Some((&s, (len, p, off))) = self.maps.range(..=a).next_back() {
            if (a as u64) < s as u64 + *len as u64 {
                let left = (s as u64 + *len as u64 - a as u64) as usize;
                return (n.min(left), Some((p.clone(), off + (a - s) as u64)));
            }
        }
        let next = self.maps.range(a.saturating_add(1)..).next().map(|(&s, _)| (s - a) as usize);
        (next.map_or(n, |m| n.min(m)), None)
    }
    fn check(&self, addr: u32, len: usize) -> Result<(), wasmlinux_kernel::Errno> {
        if addr as u64 + len as u64 > self.base.bytes.len() as u64 {
            return Err(Errno::EFAULT.code());
        }
        Ok(())
    }
    pub fn u32_at(&self, addr: u32) -> u32 {
        let mut b = [0u8; 4];
        self.read(addr, &mut b).unwrap();
        u32::from_le_bytes(b)
    }
    pub fn mapped(&self) -> usize {
        self.maps.len()
    }
}

impl GuestMemory for PagesMem {
    fn size(&self) -> u64 {
        self.base.size()
    }
    fn read(&self, addr: u32, buf: &mut [u8]) -> Result<(), wasmlinux_kernel::Errno> {
        self.check(addr, buf.len())?;
        let mut done = 0;
        while done < buf.len() {
            let a = addr + done as u32;
            let (n, m) = self.chunk(a, buf.len() - done);
            match m {
                Some((p, off)) => p.read_at(&mut buf[done..done + n], off)?,
                None => self.base.read(a, &mut buf[done..done + n])?,
            }
            done += n;
        }
        Ok(())
    }
    fn write(&mut self, addr: u32, data: &[u8]) -> Result<(), wasmlinux_kernel::Errno> {
        self.check(addr, data.len())?;
        let mut done = 0;
        while done < data.len() {
            let a = addr + done as u32;
            let (n, m) = self.chunk(a, data.len() - done);
            match m {
                Some((p, off)) => p.write_at(&data[done..done + n], off)?,
                None => self.base.write(a, &data[done..done + n])?,
            }
            done += n;
        }
        Ok(())
    }
    fn fill(&mut self, addr: u32, len: u32, byte: u8) -> Result<(), wasmlinux_kernel::Errno> {
        self.write(addr, &vec![byte; len as usize])
    }
    fn grow(&mut self, new_size: u64) -> Result<(), wasmlinux_kernel::Errno> {
        self.base.grow(new_size)
    }
    /// Shared ranges keep their bytes (as MADV_DONTNEED on a shared mapping).
    fn discard(&mut self, addr: u32, len: u32) -> Result<(), wasmlinux_kernel::Errno> {
        self.check(addr, len as usize)?;
        let mut done = 0usize;
        while done < len as usize {
            let a = addr + done as u32;
            let (n, m) = self.chunk(a, len as usize - done);
            if m.is_none() {
                self.base.fill(a, n as u32, 0)?;
            }
            done += n;
        }
        Ok(())
    }
    fn map_shared(
        &mut self,
        addr: u32,
        len: u32,
        pages: &Arc<dyn SharedPages>,
        offset: u64,
    ) -> Result<(), wasmlinux_kernel::Errno> {
        self.check(addr, len as usize)?;
        self.unmap_shared(addr, len)?;
        self.maps.insert(addr, (len, pages.clone(), offset));
        Ok(())
    }
    fn unmap_shared(&mut self, addr: u32, len: u32) -> Result<(), wasmlinux_kernel::Errno> {
        let (s, e) = (addr as u64, addr as u64 + len as u64);
        let hit: Vec<u32> = self
            .maps
            .iter()
            .filter(|(&ms, (ml, _, _))| (ms as u64) < e && ms as u64 + *ml as u64 > s)
            .map(|(&ms, _)| ms)
            .collect();
        for ms in hit {
            let (ml, p, off) = self.maps.remove(&ms).unwrap();
            let me = ms as u64 + ml as u64;
            if (ms as u64) < s {
                self.maps.insert(ms, ((s - ms as u64) as u32, p.clone(), off));
            }
            if me > e {
                self.maps.insert(e as u32, ((me - e) as u32, p.clone(), off + (e - ms as u64)));
            }
            self.base.fill(s.max(ms as u64) as u32, (me.min(e) - s.max(ms as u64)) as u32, 0)?;
        }
        Ok(())
    }
}

/// A kernel with init (tid 1) and a 1 MiB guest memory for it.
pub struct Env {
    pub k: Arc<Kernel>,
    pub host: Arc<FakeHost>,
    pub mem: VecMemory,
}

/// The device lookup of VFS-level tests (vfs.rs, hostfs_escape.rs): no devices.
pub fn no_devs_fn(_: u64) -> Option<Result<Arc<dyn FileOps>, Errno>> {
    None
}

// ---- Guest memory map of the helpers (the memory is 1 MiB) ----

/// Scratch area in test memories (below is free for strings etc.).
pub const SCRATCH: u32 = 0x1000;
/// A path argument.
pub const PATH: u32 = SCRATCH;
/// Path written by `open`, `mkdir`, `stat`.
pub const P1: u32 = 0x2000;
/// A second path (rename, link, ...).
pub const P2: u32 = 0x3000;
/// The two descriptors `pipe` returns (shares `P1`'s page).
pub const FDS: u32 = 0x2000;
/// Small structs built by helpers (sigaction_as, pending, signalfd_mask).
pub const ARG: u32 = SCRATCH + 0x3000;
/// An `loff_t` in/out argument.
pub const OFF: u32 = 0x5000;
/// Header and data of the word-array helpers (capget, robust list, mmsghdr).
pub const HDR: u32 = 0x2000;
pub const DATA: u32 = 0x2100;
/// Data read and written by `read`, `write`, `stat` (up to 0xf0000 bytes).
pub const BUF: u32 = 0x10000;

impl Env {
    pub fn new() -> Env {
        Env::with_config(KernelConfig::default())
    }
    /// A kernel built with `config`, with init (tid 1).
    pub fn with_config(config: KernelConfig) -> Env {
        let host = FakeHost::new();
        let k = Kernel::new(config, host.clone()).unwrap();
        let tid = k
            .spawn_init(InitSpec { argv: vec![b"/sbin/init".to_vec()], envp: vec![], cwd: "/".into(), uid: 0, gid: 0 })
            .unwrap();
        assert_eq!(tid, 1);
        Env { k, host, mem: VecMemory::new(1 << 20) }
    }
    /// Raw syscall for init.
    pub fn sc(&mut self, nr: u32, args: &[u32]) -> SyscallOutcome {
        let mut a = [0u32; 6];
        a[..args.len()].copy_from_slice(args);
        self.k.syscall(1, nr, a, &mut self.mem)
    }
    /// Raw syscall returning the value (panics on other outcomes).
    pub fn call(&mut self, nr: u32, args: &[u32]) -> i32 {
        ret(self.sc(nr, args))
    }
    /// Write bytes at `addr`.
    pub fn put(&mut self, addr: u32, data: &[u8]) {
        self.mem.write(addr, data).unwrap();
    }
    pub fn get(&self, addr: u32, len: usize) -> Vec<u8> {
        let mut b = vec![0; len];
        self.mem.read(addr, &mut b).unwrap();
        b
    }
    pub fn u32_at(&self, addr: u32) -> u32 {
        u32::from_le_bytes(self.get(addr, 4).try_into().unwrap())
    }
    /// Put a NUL-terminated string at `addr`, returning `addr`.
    pub fn cstr(&mut self, addr: u32, s: &str) -> u32 {
        let mut v = s.as_bytes().to_vec();
        v.push(0);
        self.put(addr, &v);
        addr
    }
}

pub fn ret(o: SyscallOutcome) -> i32 {
    match o {
        SyscallOutcome::Return(v) => v,
        other => panic!("expected Return, got {other:?}"),
    }
}

/// `outcome.ret()`: the same as `ret(outcome)`.
pub trait RetExt {
    fn ret(self) -> i32;
}
impl RetExt for SyscallOutcome {
    fn ret(self) -> i32 {
        ret(self)
    }
}

pub fn err(e: i32) -> i32 {
    -e
}

// ---- errnos, negated as a syscall returns them (from the kernel's one errno definition) ----

pub const EPERM: i32 = wasmlinux_kernel::error::Errno::EPERM.to_ret();
pub const ENOENT: i32 = wasmlinux_kernel::error::Errno::ENOENT.to_ret();
pub const ESRCH: i32 = wasmlinux_kernel::error::Errno::ESRCH.to_ret();
pub const EINTR: i32 = wasmlinux_kernel::error::Errno::EINTR.to_ret();
pub const EIO: i32 = wasmlinux_kernel::error::Errno::EIO.to_ret();
pub const ENXIO: i32 = wasmlinux_kernel::error::Errno::ENXIO.to_ret();
pub const E2BIG: i32 = wasmlinux_kernel::error::Errno::E2BIG.to_ret();
pub const ENOEXEC: i32 = wasmlinux_kernel::error::Errno::ENOEXEC.to_ret();
pub const EBADF: i32 = wasmlinux_kernel::error::Errno::EBADF.to_ret();
pub const ECHILD: i32 = wasmlinux_kernel::error::Errno::ECHILD.to_ret();
pub const EAGAIN: i32 = wasmlinux_kernel::error::Errno::EAGAIN.to_ret();
pub const ENOMEM: i32 = wasmlinux_kernel::error::Errno::ENOMEM.to_ret();
pub const EACCES: i32 = wasmlinux_kernel::error::Errno::EACCES.to_ret();
pub const EFAULT: i32 = wasmlinux_kernel::error::Errno::EFAULT.to_ret();
pub const EBUSY: i32 = wasmlinux_kernel::error::Errno::EBUSY.to_ret();
pub const EEXIST: i32 = wasmlinux_kernel::error::Errno::EEXIST.to_ret();
pub const EXDEV: i32 = wasmlinux_kernel::error::Errno::EXDEV.to_ret();
pub const ENODEV: i32 = wasmlinux_kernel::error::Errno::ENODEV.to_ret();
pub const ENOTDIR: i32 = wasmlinux_kernel::error::Errno::ENOTDIR.to_ret();
pub const EISDIR: i32 = wasmlinux_kernel::error::Errno::EISDIR.to_ret();
pub const EINVAL: i32 = wasmlinux_kernel::error::Errno::EINVAL.to_ret();
pub const EMFILE: i32 = wasmlinux_kernel::error::Errno::EMFILE.to_ret();
pub const ENOTTY: i32 = wasmlinux_kernel::error::Errno::ENOTTY.to_ret();
pub const EFBIG: i32 = wasmlinux_kernel::error::Errno::EFBIG.to_ret();
pub const ESPIPE: i32 = wasmlinux_kernel::error::Errno::ESPIPE.to_ret();
pub const EROFS: i32 = wasmlinux_kernel::error::Errno::EROFS.to_ret();
pub const EPIPE: i32 = wasmlinux_kernel::error::Errno::EPIPE.to_ret();
pub const ERANGE: i32 = wasmlinux_kernel::error::Errno::ERANGE.to_ret();
pub const ENAMETOOLONG: i32 = wasmlinux_kernel::error::Errno::ENAMETOOLONG.to_ret();
pub const ENOSYS: i32 = wasmlinux_kernel::error::Errno::ENOSYS.to_ret();
pub const ENOTEMPTY: i32 = wasmlinux_kernel::error::Errno::ENOTEMPTY.to_ret();
pub const ELOOP: i32 = wasmlinux_kernel::error::Errno::ELOOP.to_ret();
pub const ENODATA: i32 = wasmlinux_kernel::error::Errno::ENODATA.to_ret();
pub const ENOTSOCK: i32 = wasmlinux_kernel::error::Errno::ENOTSOCK.to_ret();
pub const ENOPROTOOPT: i32 = wasmlinux_kernel::error::Errno::ENOPROTOOPT.to_ret();
pub const EPROTONOSUPPORT: i32 = wasmlinux_kernel::error::Errno::EPROTONOSUPPORT.to_ret();
pub const ESOCKTNOSUPPORT: i32 = wasmlinux_kernel::error::Errno::ESOCKTNOSUPPORT.to_ret();
pub const EOPNOTSUPP: i32 = wasmlinux_kernel::error::Errno::EOPNOTSUPP.to_ret();
pub const EAFNOSUPPORT: i32 = wasmlinux_kernel::error::Errno::EAFNOSUPPORT.to_ret();
pub const EADDRINUSE: i32 = wasmlinux_kernel::error::Errno::EADDRINUSE.to_ret();
pub const EISCONN: i32 = wasmlinux_kernel::error::Errno::EISCONN.to_ret();
pub const ENOTCONN: i32 = wasmlinux_kernel::error::Errno::ENOTCONN.to_ret();
pub const ETIMEDOUT: i32 = wasmlinux_kernel::error::Errno::ETIMEDOUT.to_ret();
pub const ECONNREFUSED: i32 = wasmlinux_kernel::error::Errno::ECONNREFUSED.to_ret();

// ---- flags and numbers ----

pub const AT_FDCWD: u32 = -100i32 as u32;
pub const AT_SYMLINK_NOFOLLOW: u32 = 0x100;
pub const AT_REMOVEDIR: u32 = 0x200;
pub const AT_EMPTY_PATH: u32 = 0x1000;
pub const O_RDONLY: u32 = 0;
pub const O_WRONLY: u32 = 1;
pub const O_RDWR: u32 = 2;
pub const O_CREAT: u32 = 0o100;
pub const O_EXCL: u32 = 0o200;
pub const O_NOCTTY: u32 = 0o400;
pub const O_TRUNC: u32 = 0o1000;
pub const O_APPEND: u32 = 0o2000;
pub const O_NONBLOCK: u32 = 0o4000;
pub const O_DIRECTORY: u32 = 0o200000;
pub const O_NOFOLLOW: u32 = 0o400000;
pub const O_CLOEXEC: u32 = 0o2000000;
pub const O_PATH: u32 = 0o10000000;
pub const S_IFIFO: u32 = 0o010000;
pub const S_IFCHR: u32 = 0o020000;
pub const F_DUPFD: u32 = 0;
pub const F_GETFD: u32 = 1;
pub const F_SETFD: u32 = 2;
pub const F_GETFL: u32 = 3;
pub const F_SETFL: u32 = 4;
pub const F_GETLK: u32 = 5;
pub const F_SETLK: u32 = 6;
pub const F_SETLK64: u32 = 13;
pub const F_OFD_SETLK: u32 = 37;
pub const F_DUPFD_CLOEXEC: u32 = 1030;
pub const F_SETPIPE_SZ: u32 = 1031;
pub const F_GETPIPE_SZ: u32 = 1032;
pub const F_RDLCK: i16 = 0;
pub const F_WRLCK: i16 = 1;
pub const F_UNLCK: i16 = 2;
pub const POLLIN: u16 = 1;
pub const POLLOUT: u16 = 4;
pub const POLLHUP: u16 = 0x10;
pub const POLLNVAL: u16 = 0x20;
pub const EPOLLIN: u32 = 1;
pub const EPOLLOUT: u32 = 4;
pub const EPOLLET: u32 = 1 << 31;
pub const EPOLLONESHOT: u32 = 1 << 30;
pub const EPOLL_CTL_ADD: u32 = 1;
pub const EPOLL_CTL_DEL: u32 = 2;
pub const EPOLL_CTL_MOD: u32 = 3;
pub const SIGUSR1: u32 = 10;
pub const SIGUSR2: u32 = 12;
pub const SIGCHLD: u32 = 17;
pub const SIGXFSZ: u32 = 25;
pub const SIGVTALRM: u32 = 26;
pub const SIGPROF: u32 = 27;
pub const WNOHANG: u32 = 1;
pub const WEXITED: u32 = 4;
pub const WNOWAIT: u32 = 0x0100_0000;
pub const P_ALL: u32 = 0;
pub const P_PID: u32 = 1;
pub const P_PGID: u32 = 2;
pub const P_PIDFD: u32 = 3;

// ---- syscalls as another task ----

/// Raw syscall as task `tid` with its own memory.
pub fn csc_outcome(k: &Kernel, tid: Tid, mem: &mut VecMemory, n: u32, args: &[u32]) -> SyscallOutcome {
    let mut a = [0u32; 6];
    a[..args.len()].copy_from_slice(args);
    k.syscall(tid, n, a, mem)
}
/// Raw syscall as task `tid`, returning the value (panics on other outcomes).
pub fn csc(k: &Kernel, tid: Tid, mem: &mut VecMemory, n: u32, args: &[u32]) -> i32 {
    ret(csc_outcome(k, tid, mem, n, args))
}
/// `clone(SIGCHLD)` by `parent` (with memory `mem`): (child tid, child memory).
pub fn fork_of(e: &mut Env, parent: Tid, mem: &mut VecMemory) -> (Tid, VecMemory) {
    let mut a = [0u32; 6];
    a[0] = SIGCHLD;
    assert!(matches!(e.k.syscall(parent, nr::clone, a, mem), SyscallOutcome::Fork { .. }));
    (e.k.fork(parent, SIGCHLD).unwrap(), mem.clone())
}
/// Fork init: (child tid, child memory).
pub fn fork(e: &mut Env) -> (Tid, VecMemory) {
    assert!(matches!(e.sc(nr::clone, &[SIGCHLD, 0, 0, 0, 0]), SyscallOutcome::Fork { flags: SIGCHLD }));
    let child = e.k.fork(1, SIGCHLD).unwrap();
    (child, e.mem.clone())
}
/// Put a NUL-terminated string at `addr` of `mem`, returning `addr`.
pub fn cstr(mem: &mut VecMemory, addr: u32, s: &str) -> u32 {
    let mut v = s.as_bytes().to_vec();
    v.push(0);
    mem.write(addr, &v).unwrap();
    addr
}
/// Byte reads of a task's memory.
pub trait Get {
    fn get(&self, addr: u32, len: usize) -> Vec<u8>;
}
impl Get for VecMemory {
    fn get(&self, addr: u32, len: usize) -> Vec<u8> {
        let mut b = vec![0; len];
        self.read(addr, &mut b).unwrap();
        b
    }
}
pub fn words(e: &Env, addr: u32, n: usize) -> Vec<u32> {
    (0..n).map(|i| e.u32_at(addr + 4 * i as u32)).collect()
}
pub fn put_words(e: &mut Env, addr: u32, w: &[u32]) {
    e.put(addr, &w.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>());
}

// ---- files ----

pub fn open(e: &mut Env, path: &str, flags: u32, mode: u32) -> i32 {
    let p = e.cstr(P1, path);
    e.call(nr::openat, &[AT_FDCWD, p, flags, mode])
}
pub fn mkdir(e: &mut Env, path: &str, mode: u32) -> i32 {
    let p = e.cstr(P1, path);
    e.call(nr::mkdirat, &[AT_FDCWD, p, mode])
}
pub fn write(e: &mut Env, fd: i32, data: &[u8]) -> i32 {
    e.put(BUF, data);
    e.call(nr::write, &[fd as u32, BUF, data.len() as u32])
}
pub fn read(e: &mut Env, fd: i32, len: usize) -> Vec<u8> {
    let n = e.call(nr::read, &[fd as u32, BUF, len as u32]);
    assert!(n >= 0, "read: {n}");
    e.get(BUF, n as usize)
}
pub fn close(e: &mut Env, fd: i32) {
    assert_eq!(e.call(nr::close, &[fd as u32]), 0);
}
/// fstatat64 → (mode, nlink, uid, size, blocks, ino)
pub fn stat(e: &mut Env, path: &str, flags: u32) -> Result<(u32, u32, u32, i64, i64, u64), i32> {
    let p = e.cstr(P1, path);
    let r = e.call(nr::fstatat64, &[AT_FDCWD, p, BUF, flags]);
    if r < 0 {
        return Err(r);
    }
    let b = e.get(BUF, 104);
    let u32_ = |o: usize| u32::from_le_bytes(b[o..o + 4].try_into().unwrap());
    let i64_ = |o: usize| i64::from_le_bytes(b[o..o + 8].try_into().unwrap());
    Ok((u32_(16), u32_(20), u32_(24), i64_(48), i64_(64), u64::from_le_bytes(b[8..16].try_into().unwrap())))
}
pub fn become_user(e: &mut Env, uid: u32) {
    assert_eq!(e.call(nr::setgid, &[uid]), 0);
    assert_eq!(e.call(nr::setuid, &[uid]), 0);
}
/// pipe2(flags) → (read end, write end).
pub fn pipe(e: &mut Env, flags: u32) -> (u32, u32) {
    assert_eq!(e.call(nr::pipe2, &[FDS, flags]), 0);
    (e.u32_at(FDS), e.u32_at(FDS + 4))
}
pub fn eventfd(e: &mut Env, init: u32, flags: u32) -> u32 {
    let fd = e.call(nr::eventfd2, &[init, flags]);
    assert!(fd >= 0, "eventfd2: {fd}");
    fd as u32
}
pub fn write_u64(e: &mut Env, fd: u32, v: u64) -> i32 {
    e.put(0x3100, &v.to_le_bytes());
    e.call(nr::write, &[fd, 0x3100, 8])
}
pub fn read_u64(e: &mut Env, fd: u32) -> Result<u64, i32> {
    let r = e.call(nr::read, &[fd, 0x3100, 8]);
    if r < 0 {
        return Err(r);
    }
    assert_eq!(r, 8);
    Ok(u64::from_le_bytes(e.get(0x3100, 8).try_into().unwrap()))
}

// ---- poll and epoll ----

/// Write pollfds at 0x4000; returns the address.
pub fn pollfds(e: &mut Env, fds: &[(i32, u16)]) -> u32 {
    for (i, (fd, ev)) in fds.iter().enumerate() {
        let a = 0x4000 + i as u32 * 8;
        e.put(a, &fd.to_le_bytes());
        e.put(a + 4, &ev.to_le_bytes());
        e.put(a + 6, &0xffffu16.to_le_bytes());
    }
    0x4000
}
pub fn revents(e: &Env, i: u32) -> u16 {
    u16::from_le_bytes(e.get(0x4000 + i * 8 + 6, 2).try_into().unwrap())
}
pub fn epoll_ctl(e: &mut Env, ep: u32, op: u32, fd: u32, events: u32, data: u64) -> i32 {
    e.put(0x5000, &events.to_le_bytes());
    e.put(0x5004, &[0xaa; 4]);
    e.put(0x5008, &data.to_le_bytes());
    e.call(nr::epoll_ctl, &[ep, op, fd, 0x5000])
}
/// epoll_pwait with `timeout_ms`; returns (count, [(events, data)]).
pub fn epoll_wait(e: &mut Env, ep: u32, max: u32, timeout_ms: i32) -> (i32, Vec<(u32, u64)>) {
    let n = e.call(nr::epoll_pwait, &[ep, 0x6000, max, timeout_ms as u32, 0, 8]);
    let evs = (0..n.max(0) as u32)
        .map(|i| (e.u32_at(0x6000 + i * 16), u64::from_le_bytes(e.get(0x6000 + i * 16 + 8, 8).try_into().unwrap())))
        .collect();
    (n, evs)
}

// ---- time ----

/// `struct timespec` (64-bit) at `addr`.
pub fn ts(e: &mut Env, addr: u32, sec: i64, nsec: i64) -> u32 {
    let mut b = sec.to_le_bytes().to_vec();
    b.extend_from_slice(&nsec.to_le_bytes());
    e.put(addr, &b);
    addr
}
/// `struct timespec` of `ns` nanoseconds at `addr`.
pub fn timespec(e: &mut Env, addr: u32, ns: u64) -> u32 {
    e.put(addr, &((ns / 1_000_000_000) as i64).to_le_bytes());
    e.put(addr + 8, &((ns % 1_000_000_000) as i64).to_le_bytes());
    addr
}
pub fn timespec_at(e: &Env, addr: u32) -> u64 {
    let s = i64::from_le_bytes(e.get(addr, 8).try_into().unwrap());
    let ns = i64::from_le_bytes(e.get(addr + 8, 8).try_into().unwrap());
    s as u64 * 1_000_000_000 + ns as u64
}
/// `struct itimerspec` at `addr`.
pub fn itimerspec(e: &mut Env, addr: u32, interval_ns: u64, value_ns: u64) -> u32 {
    timespec(e, addr, interval_ns);
    timespec(e, addr + 16, value_ns);
    addr
}
/// `struct itimerspec` bytes.
pub fn itimerspec_bytes(interval_ns: u64, value_ns: u64) -> Vec<u8> {
    let ts =
        |ns: u64| [((ns / 1_000_000_000) as i64).to_le_bytes(), ((ns % 1_000_000_000) as i64).to_le_bytes()].concat();
    [ts(interval_ns), ts(value_ns)].concat()
}
/// `struct itimerval` with 32-bit timevals: interval then value.
pub fn itimerval(e: &mut Env, addr: u32, interval_us: u32, value_us: u32) -> u32 {
    let mut b = Vec::new();
    for us in [interval_us, value_us] {
        b.extend_from_slice(&(us / 1_000_000).to_le_bytes());
        b.extend_from_slice(&(us % 1_000_000).to_le_bytes());
    }
    e.put(addr, &b);
    addr
}
pub fn timeval_us(e: &Env, addr: u32) -> u64 {
    u64::from(e.u32_at(addr)) * 1_000_000 + u64::from(e.u32_at(addr + 4))
}

// ---- signals ----

pub fn bit(sig: u32) -> u64 {
    1 << (sig - 1)
}
/// rt_sigaction(sig, {handler, flags, mask}) for init.
pub fn sigaction(e: &mut Env, sig: u32, handler: u32, flags: u32, mask: u64) -> i32 {
    let mut act = handler.to_le_bytes().to_vec();
    act.extend_from_slice(&flags.to_le_bytes());
    act.extend_from_slice(&mask.to_le_bytes());
    e.put(0x5000, &act);
    e.call(nr::rt_sigaction, &[sig, 0x5000, 0, 8])
}
/// rt_sigaction(sig, {handler}) for task `tid`.
pub fn sigaction_as(k: &Kernel, tid: Tid, mem: &mut VecMemory, sig: u32, handler: u32) -> i32 {
    let mut act = handler.to_le_bytes().to_vec();
    act.extend_from_slice(&0u32.to_le_bytes());
    act.extend_from_slice(&0u64.to_le_bytes());
    mem.write(ARG, &act).unwrap();
    csc(k, tid, mem, nr::rt_sigaction, &[sig, ARG, 0, 8])
}
/// Give init a SIGUSR1 handler (init only receives handled signals).
pub fn handle_sigusr1(e: &mut Env) {
    e.put(0x4c00, &[5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(e.call(nr::rt_sigaction, &[SIGUSR1, 0x4c00, 0, 8]), 0);
}
/// rt_sigpending of task `tid`.
pub fn pending(k: &Kernel, tid: Tid, mem: &mut VecMemory) -> u64 {
    assert_eq!(csc(k, tid, mem, nr::rt_sigpending, &[ARG, 8]), 0);
    let mut b = [0u8; 8];
    mem.read(ARG, &mut b).unwrap();
    u64::from_le_bytes(b)
}
/// A signal set at `ARG + 128` of `mem`; returns its address.
pub fn signalfd_mask(mem: &mut VecMemory, sigs: &[u32]) -> u32 {
    let m: u64 = sigs.iter().map(|&s| bit(s)).sum();
    mem.write(ARG + 128, &m.to_le_bytes()).unwrap();
    ARG + 128
}

// ---- threads ----

/// One guest memory shared by several tasks (a threaded process's linear
/// memory): every clone of the handle sees the same bytes.
#[derive(Clone, Default)]
pub struct SharedMem(pub Arc<Mutex<VecMemory>>);

impl SharedMem {
    pub fn new(size: usize) -> SharedMem {
        SharedMem(Arc::new(Mutex::new(VecMemory::new(size))))
    }
    pub fn u32_at(&self, addr: u32) -> u32 {
        let mut b = [0u8; 4];
        self.0.lock().unwrap().read(addr, &mut b).unwrap();
        u32::from_le_bytes(b)
    }
    pub fn put_u32(&self, addr: u32, v: u32) {
        self.0.lock().unwrap().write(addr, &v.to_le_bytes()).unwrap();
    }
    pub fn put(&self, addr: u32, data: &[u8]) {
        self.0.lock().unwrap().write(addr, data).unwrap();
    }
    pub fn get(&self, addr: u32, len: usize) -> Vec<u8> {
        let mut b = vec![0; len];
        self.0.lock().unwrap().read(addr, &mut b).unwrap();
        b
    }
}

impl GuestMemory for SharedMem {
    fn size(&self) -> u64 {
        self.0.lock().unwrap().size()
    }
    fn read(&self, addr: u32, buf: &mut [u8]) -> Result<(), wasmlinux_kernel::Errno> {
        self.0.lock().unwrap().read(addr, buf)
    }
    fn write(&mut self, addr: u32, data: &[u8]) -> Result<(), wasmlinux_kernel::Errno> {
        self.0.lock().unwrap().write(addr, data)
    }
    fn fill(&mut self, addr: u32, len: u32, byte: u8) -> Result<(), wasmlinux_kernel::Errno> {
        self.0.lock().unwrap().fill(addr, len, byte)
    }
    fn grow(&mut self, new_size: u64) -> Result<(), wasmlinux_kernel::Errno> {
        self.0.lock().unwrap().grow(new_size)
    }
}

pub const CLONE_VM: u32 = 0x100;
pub const CLONE_FS: u32 = 0x200;
pub const CLONE_FILES: u32 = 0x400;
pub const CLONE_SIGHAND: u32 = 0x800;
pub const CLONE_THREAD: u32 = 0x1_0000;
pub const CLONE_SETTLS: u32 = 0x8_0000;
pub const CLONE_PARENT_SETTID: u32 = 0x10_0000;
pub const CLONE_CHILD_CLEARTID: u32 = 0x20_0000;
pub const CLONE_CHILD_SETTID: u32 = 0x100_0000;
/// The flags of musl's pthread_create, without the tid/TLS ones.
pub const THREAD_FLAGS: u32 = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD;
/// A shadow-stack address for new threads.
pub const THREAD_STACK: u32 = 0x8_0000;

/// Raw syscall as task `tid` over any guest memory.
pub fn tsc_outcome(k: &Kernel, tid: Tid, mem: &mut dyn GuestMemory, n: u32, args: &[u32]) -> SyscallOutcome {
    let mut a = [0u32; 6];
    a[..args.len()].copy_from_slice(args);
    k.syscall(tid, n, a, mem)
}
/// Raw syscall as task `tid` over any guest memory, returning the value.
pub fn tsc(k: &Kernel, tid: Tid, mem: &mut dyn GuestMemory, n: u32, args: &[u32]) -> i32 {
    ret(tsc_outcome(k, tid, mem, n, args))
}
/// clone(THREAD_FLAGS | extra, THREAD_STACK, ptid, tls, ctid) by `parent`,
/// then `Kernel::clone_thread` as the bridge does: the new tid.
pub fn spawn_thread(k: &Kernel, parent: Tid, mem: &mut dyn GuestMemory, extra: u32, ptid: u32, ctid: u32) -> Tid {
    let args = [THREAD_FLAGS | extra, THREAD_STACK, ptid, 0x7000, ctid];
    match tsc_outcome(k, parent, mem, nr::clone, &args) {
        SyscallOutcome::Thread(req) => {
            assert_eq!(
                req,
                ThreadRequest { flags: args[0], stack: args[1], parent_tid: ptid, tls: 0x7000, child_tid: ctid }
            );
            k.clone_thread(parent, &req, mem).expect("clone_thread")
        }
        other => panic!("clone of a thread: {other:?}"),
    }
}
/// A process (forked from init) with a shared memory: (pid, memory).
pub fn threaded_process(e: &mut Env) -> (Tid, SharedMem) {
    let (pid, mem) = fork(e);
    (pid, SharedMem(Arc::new(Mutex::new(mem))))
}
/// Wait (up to 5 s) until `cond` holds.
pub fn wait_until(mut cond: impl FnMut() -> bool) -> bool {
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(5) {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    false
}

/// Read a whole file (up to 4 KiB) as task `tid` over memory `m`.
pub fn read_file_as(k: &Kernel, tid: Tid, m: &mut SharedMem, path: &str) -> Result<String, i32> {
    let mut p = path.as_bytes().to_vec();
    p.push(0);
    m.put(0x9000, &p);
    let fd = tsc(k, tid, m, nr::openat, &[AT_FDCWD, 0x9000, O_RDONLY, 0]);
    if fd < 0 {
        return Err(fd);
    }
    let n = tsc(k, tid, m, nr::read, &[fd as u32, 0xa000, 4096]);
    assert!(n >= 0, "read {path}: {n}");
    assert_eq!(tsc(k, tid, m, nr::close, &[fd as u32]), 0);
    Ok(String::from_utf8_lossy(&m.get(0xa000, n as usize)).into_owned())
}
/// Write `data` to the file at `path` as task `tid`: the write's result.
pub fn write_file_as(k: &Kernel, tid: Tid, m: &mut SharedMem, path: &str, data: &[u8]) -> i32 {
    let mut p = path.as_bytes().to_vec();
    p.push(0);
    m.put(0x9000, &p);
    let fd = tsc(k, tid, m, nr::openat, &[AT_FDCWD, 0x9000, O_WRONLY, 0]);
    if fd < 0 {
        return fd;
    }
    m.put(0xa000, data);
    let n = tsc(k, tid, m, nr::write, &[fd as u32, 0xa000, data.len() as u32]);
    assert_eq!(tsc(k, tid, m, nr::close, &[fd as u32]), 0);
    n
}
