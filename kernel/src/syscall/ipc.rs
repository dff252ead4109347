//! System V semaphores, message queues and shared memory, POSIX message
//! queues: argument decoding, validation order and copies (the objects are
//! `crate::ipc`); shmat/shmdt map and unmap segments here, in the caller's
//! memory map.
//!
//! musl for wasm32 uses `IPC_64 = 0`: control commands arrive without the
//! 0x100 flag (asm-generic kernels reject it, so do we) and IPC_STAT
//! buffers are the asm-generic `semid64_ds`/`msqid64_ds` (32-bit times
//! split low/high), which musl's own structs begin with. semctl's fourth
//! argument is the value of `union semun` (an int or a pointer).

use super::{Args, Ctx, Ret, SysResult};
use crate::abi::uapi;
use crate::api::HostClock;
use crate::cred::{MAY_EXEC, MAY_READ, MAY_WRITE};
use crate::error::Errno;
use crate::file::{oflags, OpenFile};
use crate::ipc::mqueue::{self, MqFile, Notify, SIGEV_NONE, SIGEV_SIGNAL, SIGEV_THREAD};
use crate::ipc::{msg, sem, shm, IPC_INFO, IPC_NOWAIT, IPC_RMID, IPC_SET, IPC_STAT};
use crate::mem::{KTimespec, UserPtr};
use crate::mm::{
    ensure_size, page_up, PagesBacking, Vma, MAP_SHARED, PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE, TASK_SIZE,
};
use crate::task::lock;
use std::sync::Arc;
use zerocopy::FromZeros;

// ---- semaphores ----

pub fn sys_semget(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let creds = ctx.creds();
    Ok(sem::semget(ctx.kernel, a.i32(0), a.i32(1), a.u32(2), &creds)?.into())
}

pub fn sys_semop(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    semtimedop(ctx, a.i32(0), a.u32(1), a.u32(2), 0)
}

pub fn sys_semtimedop_time64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    semtimedop(ctx, a.i32(0), a.u32(1), a.u32(2), a.u32(3))
}

fn semtimedop(ctx: &mut Ctx<'_>, id: i32, sops_ptr: u32, nsops: u32, timeout: u32) -> SysResult {
    if nsops < 1 || id < 0 {
        return Err(Errno::EINVAL);
    }
    if nsops as usize > sem::SEMOPM {
        return Err(Errno::E2BIG);
    }
    let mut sops = Vec::with_capacity(nsops as usize);
    for i in 0..nsops {
        let p = UserPtr::<uapi::sembuf>::new(sops_ptr).at(i)?;
        let s = ctx.read(p)?;
        sops.push(sem::SemOp { num: s.sem_num, op: s.sem_op, flg: s.sem_flg });
    }
    let deadline = if timeout != 0 {
        let ns = ctx.read(UserPtr::<KTimespec>::new(timeout))?.to_ns()?;
        Some(ctx.now(HostClock::Monotonic).saturating_add(ns))
    } else {
        None
    };
    let creds = ctx.creds();
    sem::semop(ctx.kernel, &ctx.task, &creds, id, &sops, deadline)?;
    Ok(0.into())
}

fn perm_of(p: &uapi::ipc64_perm) -> (u32, u32, u32) {
    (p.uid, p.gid, p.mode)
}

fn split_time(t: i64) -> (u32, u32) {
    (t as u64 as u32, ((t as u64) >> 32) as u32)
}

fn write_semid_ds(ctx: &mut Ctx<'_>, ptr: u32, st: &sem::SemStat) -> Result<(), Errno> {
    let (ol, oh) = split_time(st.otime);
    let (cl, ch) = split_time(st.ctime);
    let ds = uapi::semid64_ds {
        sem_perm: st.perm.to_abi(),
        sem_otime: ol,
        sem_otime_high: oh,
        sem_ctime: cl,
        sem_ctime_high: ch,
        sem_nsems: st.nsems as u32,
        ..FromZeros::new_zeroed()
    };
    ctx.write(UserPtr::new(ptr), &ds)
}

pub fn sys_semctl(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (id, num, cmd, arg) = (a.i32(0), a.i32(1), a.u32(2), a.u32(3));
    if id < 0 {
        return Err(Errno::EINVAL);
    }
    let k = ctx.kernel;
    let creds = ctx.creds();
    match cmd {
        IPC_INFO | sem::SEM_INFO => {
            let (i, max) = sem::info(k, cmd == sem::SEM_INFO);
            let out = uapi::seminfo {
                semmap: i.semmap,
                semmni: i.semmni,
                semmns: i.semmns,
                semmnu: i.semmnu,
                semmsl: i.semmsl,
                semopm: i.semopm,
                semume: i.semume,
                semusz: i.semusz,
                semvmx: i.semvmx,
                semaem: i.semaem,
            };
            ctx.write(UserPtr::new(arg), &out)?;
            Ok(max.into())
        }
        IPC_STAT => {
            let st = sem::stat(k, id, &creds)?;
            write_semid_ds(ctx, arg, &st)?;
            Ok(0.into())
        }
        sem::SEM_STAT | sem::SEM_STAT_ANY => {
            let st = sem::stat_index(k, id, &creds, cmd == sem::SEM_STAT_ANY)?;
            write_semid_ds(ctx, arg, &st)?;
            Ok(st.perm.id.into())
        }
        sem::GETVAL | sem::GETPID | sem::GETNCNT | sem::GETZCNT => Ok(sem::get_one(k, id, num, cmd, &creds)?.into()),
        sem::GETALL => {
            let vals = sem::get_all(k, id, &creds)?;
            let bytes: Vec<u8> = vals.iter().flat_map(|v| v.to_le_bytes()).collect();
            ctx.write_bytes(arg, &bytes)?;
            Ok(0.into())
        }
        sem::SETVAL => {
            let v = i32::from_ne_bytes(arg.to_ne_bytes());
            sem::set_vals(k, id, Some(num), &[v], ctx.pid(), &creds)?;
            Ok(0.into())
        }
        sem::SETALL => {
            let n = sem::nsems(k, id, &creds, MAY_WRITE)?;
            let bytes = ctx.read_bytes(arg, n * 2)?;
            let vals: Vec<i32> = bytes.chunks_exact(2).map(|c| i32::from(u16::from_le_bytes([c[0], c[1]]))).collect();
            sem::set_vals(k, id, None, &vals, ctx.pid(), &creds)?;
            Ok(0.into())
        }
        IPC_SET => {
            let ds = ctx.read(UserPtr::<uapi::semid64_ds>::new(arg))?;
            let (uid, gid, mode) = perm_of(&ds.sem_perm);
            sem::set(k, id, &creds, uid, gid, mode)?;
            Ok(0.into())
        }
        IPC_RMID => {
            sem::rmid(k, id, &creds)?;
            Ok(0.into())
        }
        _ => Err(Errno::EINVAL),
    }
}

// ---- message queues ----

pub fn sys_msgget(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let creds = ctx.creds();
    Ok(msg::msgget(ctx.kernel, a.i32(0), a.u32(1), &creds)?.into())
}

pub fn sys_msgsnd(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (id, msgp, msgsz, flags) = (a.i32(0), a.u32(1), a.u32(2), a.u32(3));
    let mtype = ctx.read(UserPtr::<i32>::new(msgp))?;
    if msgsz as usize > msg::MSGMAX || (msgsz as i32) < 0 || id < 0 {
        return Err(Errno::EINVAL);
    }
    if mtype < 1 {
        return Err(Errno::EINVAL);
    }
    let text = ctx.read_bytes(msgp.checked_add(4).ok_or(Errno::EFAULT)?, msgsz as usize)?;
    let creds = ctx.creds();
    msg::msgsnd(ctx.kernel, &ctx.task, &creds, id, mtype, text, flags & IPC_NOWAIT != 0)?;
    Ok(0.into())
}

pub fn sys_msgrcv(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (id, msgp, msgsz, msgtyp, flags) = (a.i32(0), a.u32(1), a.u32(2), a.i32(3), a.u32(4));
    if id < 0 || (msgsz as i32) < 0 {
        return Err(Errno::EINVAL);
    }
    let creds = ctx.creds();
    let (mtype, text) = msg::msgrcv(ctx.kernel, &ctx.task, &creds, id, msgsz as usize, msgtyp, flags)?;
    ctx.write(UserPtr::<i32>::new(msgp), &mtype)?;
    ctx.write_bytes(msgp.checked_add(4).ok_or(Errno::EFAULT)?, &text)?;
    Ok(text.len().into())
}

fn write_msqid_ds(ctx: &mut Ctx<'_>, ptr: u32, st: &msg::MsgStat) -> Result<(), Errno> {
    let (sl, sh) = split_time(st.stime);
    let (rl, rh) = split_time(st.rtime);
    let (cl, ch) = split_time(st.ctime);
    let clamp = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    let ds = uapi::msqid64_ds {
        msg_perm: st.perm.to_abi(),
        msg_stime: sl,
        msg_stime_high: sh,
        msg_rtime: rl,
        msg_rtime_high: rh,
        msg_ctime: cl,
        msg_ctime_high: ch,
        msg_cbytes: clamp(st.cbytes),
        msg_qnum: clamp(st.qnum),
        msg_qbytes: clamp(st.qbytes),
        msg_lspid: st.lspid,
        msg_lrpid: st.lrpid,
        ..FromZeros::new_zeroed()
    };
    ctx.write(UserPtr::new(ptr), &ds)
}

pub fn sys_msgctl(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (id, cmd, buf) = (a.i32(0), a.i32(1), a.u32(2));
    if id < 0 || cmd < 0 {
        return Err(Errno::EINVAL);
    }
    let cmd = cmd as u32;
    let k = ctx.kernel;
    let creds = ctx.creds();
    match cmd {
        IPC_INFO | msg::MSG_INFO => {
            let (i, max) = msg::info(k, cmd == msg::MSG_INFO);
            let out = uapi::msginfo {
                msgpool: i.msgpool,
                msgmap: i.msgmap,
                msgmax: i.msgmax,
                msgmnb: i.msgmnb,
                msgmni: i.msgmni,
                msgssz: i.msgssz,
                msgtql: i.msgtql,
                msgseg: i.msgseg,
                ..FromZeros::new_zeroed()
            };
            ctx.write(UserPtr::new(buf), &out)?;
            Ok(max.into())
        }
        IPC_STAT => {
            let st = msg::stat(k, id, &creds)?;
            write_msqid_ds(ctx, buf, &st)?;
            Ok(0.into())
        }
        msg::MSG_STAT | msg::MSG_STAT_ANY => {
            let st = msg::stat_index(k, id, &creds, cmd == msg::MSG_STAT_ANY)?;
            write_msqid_ds(ctx, buf, &st)?;
            Ok(st.perm.id.into())
        }
        IPC_SET => {
            let ds = ctx.read(UserPtr::<uapi::msqid64_ds>::new(buf))?;
            let (uid, gid, mode) = perm_of(&ds.msg_perm);
            msg::set(k, id, &creds, uid, gid, mode, u64::from(ds.msg_qbytes))?;
            Ok(0.into())
        }
        IPC_RMID => {
            msg::rmid(k, id, &creds)?;
            Ok(0.into())
        }
        _ => Err(Errno::EINVAL),
    }
}

// ---- shared memory ----

pub fn sys_shmget(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let creds = ctx.creds();
    Ok(shm::shmget(ctx.kernel, a.i32(0), a.u32(1), a.u32(2), &creds, ctx.pid())?.into())
}

/// shmat(id, addr, flags): the segment mapped like a shared anonymous
/// mapping at `addr` (rounded down with SHM_RND; replacing what is there
/// with SHM_REMAP) or at a free address.
pub fn sys_shmat(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (id, mut addr, flags) = (a.i32(0), a.u32(1), a.u32(2));
    if id < 0 {
        return Err(Errno::EINVAL);
    }
    let fixed = addr != 0;
    if addr != 0 {
        if !addr.is_multiple_of(shm::SHMLBA) {
            if flags & shm::SHM_RND == 0 {
                return Err(Errno::EINVAL);
            }
            addr &= !(shm::SHMLBA - 1);
            if addr == 0 && flags & shm::SHM_REMAP != 0 {
                return Err(Errno::EINVAL);
            }
        }
    } else if flags & shm::SHM_REMAP != 0 {
        return Err(Errno::EINVAL);
    }
    let (mut prot, mut may) = if flags & shm::SHM_RDONLY != 0 {
        (PROT_READ, MAY_READ)
    } else {
        (PROT_READ | PROT_WRITE, MAY_READ | MAY_WRITE)
    };
    if flags & shm::SHM_EXEC != 0 {
        prot |= PROT_EXEC;
        may |= MAY_EXEC;
    }
    let creds = ctx.creds();
    // One attach is counted from here; dropping `r` on an error undoes it
    // (and destroys a segment removed meanwhile).
    let shm::Attached { pages, key, r } = shm::attach(ctx.kernel, id, &creds, may)?;
    // A host that cannot share memory has no pages to map.
    let pages = pages.ok_or(Errno::ENOMEM)?;
    let len = u32::try_from(page_up(r.seg().size())).map_err(|_| Errno::ENOMEM)?;
    let proc = ctx.process().clone();
    let mut mm = lock(&proc.mm);
    let end = addr as u64 + len as u64;
    let at = if fixed {
        if end > TASK_SIZE {
            return Err(Errno::EINVAL);
        }
        if addr < crate::mem::NULL_GUARD {
            return Err(Errno::EPERM);
        }
        if mm.overlaps(addr as u64, end) {
            if flags & shm::SHM_REMAP == 0 {
                return Err(Errno::EINVAL);
            }
            let old = mm.remove_range(addr, len);
            super::mm::unmap_pieces(ctx, &old);
        }
        addr
    } else {
        mm.find_free(len).ok_or(Errno::ENOMEM)?
    };
    ensure_size(ctx.mem, at as u64 + len as u64)?;
    ctx.mem.map_shared(at, len, &pages, 0).map_err(|_| Errno::ENOMEM)?;
    r.seg().touched(ctx.pid(), crate::ipc::now_secs(ctx.kernel), true);
    mm.insert(
        at,
        Vma {
            len,
            prot,
            flags: MAP_SHARED,
            name: shm::map_name(key),
            shared: None,
            pages: Some(PagesBacking { pages, offset: 0 }),
            shm: Some(r),
        },
    );
    Ok(Ret::addr(at))
}

/// shmdt(addr): unmaps the attach that starts at `addr`, with every piece
/// of the same segment a split left at its offset from `addr` (Linux's
/// search); `EINVAL` when no segment starts there.
pub fn sys_shmdt(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let addr = a.u32(0);
    if !addr.is_multiple_of(PAGE_SIZE) {
        return Err(Errno::EINVAL);
    }
    let proc = ctx.process().clone();
    let pieces = {
        let mut mm = lock(&proc.mm);
        let at_offset = |s: u32, v: &Vma| v.pages.as_ref().is_some_and(|p| p.offset == u64::from(s - addr));
        let first = mm.vmas.range(addr..).find(|(&s, v)| v.shm.is_some() && at_offset(s, v)).map(|(&s, v)| (s, v));
        let Some((first, v)) = first else { return Err(Errno::EINVAL) };
        let seg = v.shm.as_ref().map(|r| r.seg().shmid());
        let size = v.shm.as_ref().map(|r| page_up(r.seg().size())).unwrap_or(0);
        let starts: Vec<u32> = mm
            .vmas
            .range(first..)
            .take_while(|(&s, v)| u64::from(s - addr) + u64::from(v.len) <= size)
            .filter(|(&s, v)| v.shm.as_ref().map(|r| r.seg().shmid()) == seg && at_offset(s, v))
            .map(|(&s, _)| s)
            .collect();
        let mut pieces = Vec::with_capacity(starts.len());
        for s in starts {
            if let Some(v) = mm.vmas.remove(&s) {
                pieces.push((s, v));
            }
        }
        pieces
    };
    super::mm::unmap_pieces(ctx, &pieces);
    Ok(0.into())
}

fn write_shmid_ds(ctx: &mut Ctx<'_>, ptr: u32, st: &shm::ShmStat) -> Result<(), Errno> {
    let (al, ah) = split_time(st.atime);
    let (dl, dh) = split_time(st.dtime);
    let (cl, ch) = split_time(st.ctime);
    let ds = uapi::shmid64_ds {
        shm_perm: st.perm.to_abi(),
        shm_segsz: st.segsz as u32,
        shm_atime: al,
        shm_atime_high: ah,
        shm_dtime: dl,
        shm_dtime_high: dh,
        shm_ctime: cl,
        shm_ctime_high: ch,
        shm_cpid: st.cpid,
        shm_lpid: st.lpid,
        shm_nattch: u32::try_from(st.nattch).unwrap_or(u32::MAX),
        ..FromZeros::new_zeroed()
    };
    ctx.write(UserPtr::new(ptr), &ds)
}

pub fn sys_shmctl(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (id, cmd, buf) = (a.i32(0), a.i32(1), a.u32(2));
    if id < 0 || cmd < 0 {
        return Err(Errno::EINVAL);
    }
    let cmd = cmd as u32;
    let k = ctx.kernel;
    let creds = ctx.creds();
    match cmd {
        IPC_INFO => {
            let (_, max) = shm::info(k);
            let out = uapi::shminfo64 {
                shmmax: shm::SHMMAX as u32,
                shmmin: shm::SHMMIN as u32,
                shmmni: shm::SHMMNI as u32,
                shmseg: shm::SHMSEG as u32,
                shmall: shm::SHMALL as u32,
                ..FromZeros::new_zeroed()
            };
            ctx.write(UserPtr::new(buf), &out)?;
            Ok(max.into())
        }
        shm::SHM_INFO => {
            let (i, max) = shm::info(k);
            let out = uapi::shm_info {
                used_ids: i.used_ids,
                shm_tot: u32::try_from(i.tot).unwrap_or(u32::MAX),
                ..FromZeros::new_zeroed()
            };
            ctx.write(UserPtr::new(buf), &out)?;
            Ok(max.into())
        }
        IPC_STAT => {
            let st = shm::stat(k, id, &creds)?;
            write_shmid_ds(ctx, buf, &st)?;
            Ok(0.into())
        }
        shm::SHM_STAT | shm::SHM_STAT_ANY => {
            let st = shm::stat_index(k, id, &creds, cmd == shm::SHM_STAT_ANY)?;
            write_shmid_ds(ctx, buf, &st)?;
            Ok(st.perm.id.into())
        }
        IPC_SET => {
            let ds = ctx.read(UserPtr::<uapi::shmid64_ds>::new(buf))?;
            let (uid, gid, mode) = perm_of(&ds.shm_perm);
            shm::set(k, id, &creds, uid, gid, mode)?;
            Ok(0.into())
        }
        IPC_RMID => {
            shm::rmid(k, id, &creds)?;
            Ok(0.into())
        }
        shm::SHM_LOCK | shm::SHM_UNLOCK => {
            let memlock = lock(&ctx.process().rlimits)[RLIMIT_MEMLOCK].cur;
            shm::lock_seg(k, id, &creds, cmd == shm::SHM_LOCK, memlock)?;
            Ok(0.into())
        }
        _ => Err(Errno::EINVAL),
    }
}

const RLIMIT_MEMLOCK: usize = 8;

// ---- POSIX message queues ----

/// The queue behind descriptor `fd` (`EBADF` if it is not one).
fn mq_of(ctx: &Ctx<'_>, fd: i32) -> Result<(Arc<OpenFile>, Arc<mqueue::Mq>), Errno> {
    let f = ctx.file(fd)?;
    if f.flags() & oflags::O_PATH != 0 {
        return Err(Errno::EBADF);
    }
    let any = f.ops.as_any();
    let mq = match any.downcast_ref::<MqFile>() {
        Some(m) => m.mq.clone(),
        // Opened through a mounted mqueue file system.
        None => any
            .downcast_ref::<crate::vfs::file::NodeFile>()
            .and_then(|n| crate::ipc::mqueue_fs::queue_of(&*n.handle.inode))
            .ok_or(Errno::EBADF)?,
    };
    Ok((f, mq))
}

/// An absolute CLOCK_REALTIME timeout (EINVAL when malformed) as a
/// monotonic deadline.
fn abs_deadline(ctx: &Ctx<'_>, ptr: u32) -> Result<Option<u64>, Errno> {
    if ptr == 0 {
        return Ok(None);
    }
    let abs = ctx.read(UserPtr::<KTimespec>::new(ptr))?.to_ns()?;
    Ok(Some(super::time::to_monotonic_deadline(ctx.kernel, HostClock::Realtime, abs)))
}

pub fn sys_mq_open(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (name_ptr, oflag, mode, attr_ptr) = (a.u32(0), a.u32(1), a.u32(2), a.u32(3));
    let name = ctx.read_path(name_ptr)?;
    let attr = if attr_ptr != 0 {
        let at = ctx.read(UserPtr::<uapi::mq_attr>::new(attr_ptr))?;
        Some((at.mq_maxmsg, at.mq_msgsize))
    } else {
        None
    };
    let umask = ctx.fs().map(|f| f.umask).unwrap_or(0o022);
    let rlimit_msgqueue = lock(&ctx.process().rlimits)[12].cur;
    let creds = ctx.creds();
    let req = mqueue::OpenReq {
        name: &name,
        oflag,
        mode,
        umask,
        attr: if oflag & oflags::O_CREAT != 0 { attr } else { None },
        rlimit_msgqueue,
    };
    let mq = mqueue::open(ctx.kernel, &creds, &req)?;
    let flags = oflag & (oflags::O_ACCMODE | oflags::O_NONBLOCK);
    let mut path = b"/".to_vec();
    path.extend_from_slice(&name);
    let file = OpenFile::new(Arc::new(MqFile { mq }), flags, path);
    Ok(ctx.install_fd(file, true)?.into())
}

pub fn sys_mq_unlink(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let name = ctx.read_path(a.u32(0))?;
    let creds = ctx.creds();
    mqueue::unlink(ctx.kernel, &creds, &name)?;
    Ok(0.into())
}

pub fn sys_mq_timedsend_time64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (fd, ptr, len, prio, tmo) = (a.fd(0), a.u32(1), a.u32(2), a.u32(3), a.u32(4));
    if prio >= mqueue::MQ_PRIO_MAX {
        return Err(Errno::EINVAL);
    }
    let deadline = abs_deadline(ctx, tmo)?;
    let (f, mq) = mq_of(ctx, fd)?;
    if !f.writable() {
        return Err(Errno::EBADF);
    }
    if len as usize > mq.msgsize as usize {
        return Err(Errno::EMSGSIZE);
    }
    let data = ctx.read_bytes(ptr, len as usize)?;
    let r = ctx.block_on(&[&mq.wq], deadline, f.nonblocking(), || mq.try_send(&data, prio));
    // A signal restarts the call under SA_RESTART (POSIX mq calls are
    // restartable on Linux, unlike System V IPC).
    let fired = r?;
    if let Some(n) = fired {
        mqueue::deliver(ctx.kernel, n, ctx.pid(), ctx.creds().uid);
    }
    Ok(0.into())
}

pub fn sys_mq_timedreceive_time64(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (fd, ptr, len, prio_ptr, tmo) = (a.fd(0), a.u32(1), a.u32(2), a.u32(3), a.u32(4));
    let deadline = abs_deadline(ctx, tmo)?;
    let (f, mq) = mq_of(ctx, fd)?;
    if !f.readable() {
        return Err(Errno::EBADF);
    }
    if (len as usize) < mq.msgsize as usize {
        return Err(Errno::EMSGSIZE);
    }
    let r = match mq.try_recv() {
        Err(Errno::EAGAIN) if !f.nonblocking() => {
            mq.receiver_waiting(true);
            let r = ctx.block_on(&[&mq.wq], deadline, false, || mq.try_recv());
            mq.receiver_waiting(false);
            r
        }
        r => r,
    };
    let (data, prio) = r?;
    ctx.write_bytes(ptr, &data)?;
    if prio_ptr != 0 {
        ctx.write(UserPtr::<u32>::new(prio_ptr), &prio)?;
    }
    Ok(data.len().into())
}

pub fn sys_mq_notify(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (fd, sevp) = (a.fd(0), a.u32(1));
    let n = if sevp != 0 {
        let ev = ctx.read(UserPtr::<uapi::sigevent>::new(sevp))?;
        match ev.sigev_notify {
            SIGEV_NONE => {}
            SIGEV_SIGNAL => {
                if !(0..=64).contains(&ev.sigev_signo) {
                    return Err(Errno::EINVAL);
                }
            }
            // Linux wants an AF_NETLINK socket in sigev_signo; there is none.
            SIGEV_THREAD => {
                mq_of(ctx, fd)?;
                return Err(Errno::ENOTSOCK);
            }
            _ => return Err(Errno::EINVAL),
        }
        Some(Notify { pid: ctx.pid(), notify: ev.sigev_notify, signo: ev.sigev_signo, value: ev.sigev_value })
    } else {
        None
    };
    let (_, mq) = mq_of(ctx, fd)?;
    mq.set_notify(ctx.pid(), n)?;
    Ok(0.into())
}

pub fn sys_mq_getsetattr(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (fd, new_ptr, old_ptr) = (a.fd(0), a.u32(1), a.u32(2));
    let new = if new_ptr != 0 {
        let at = ctx.read(UserPtr::<uapi::mq_attr>::new(new_ptr))?;
        if at.mq_flags as u32 & !oflags::O_NONBLOCK != 0 {
            return Err(Errno::EINVAL);
        }
        Some(at.mq_flags as u32)
    } else {
        None
    };
    let (f, mq) = mq_of(ctx, fd)?;
    let old = uapi::mq_attr {
        mq_flags: (f.flags() & oflags::O_NONBLOCK) as i32,
        mq_maxmsg: mq.maxmsg,
        mq_msgsize: mq.msgsize,
        mq_curmsgs: mq.curmsgs() as i32,
        ..FromZeros::new_zeroed()
    };
    if let Some(nf) = new {
        f.set_flags((f.flags() & !oflags::O_NONBLOCK) | nf);
    }
    if old_ptr != 0 {
        ctx.write(UserPtr::new(old_ptr), &old)?;
    }
    Ok(0.into())
}
