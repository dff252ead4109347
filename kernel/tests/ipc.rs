//! System V semaphores and message queues, POSIX message queues
//! (`syscall/ipc.rs`, `ipc/`): exact errnos, blocking between two tasks,
//! SEM_UNDO at exit, procfs views.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use wasmlinux_kernel::syscall::nr;
use wasmlinux_kernel::*;

const IPC_PRIVATE: u32 = 0;
const IPC_CREAT: u32 = 0o1000;
const IPC_EXCL: u32 = 0o2000;
const IPC_NOWAIT: u32 = 0o4000;
const IPC_RMID: u32 = 0;
const IPC_SET: u32 = 1;
const IPC_STAT: u32 = 2;
const IPC_INFO: u32 = 3;
const SEM_UNDO: u16 = 0x1000;
const GETPID: u32 = 11;
const GETVAL: u32 = 12;
const GETALL: u32 = 13;
const GETNCNT: u32 = 14;
const GETZCNT: u32 = 15;
const SETVAL: u32 = 16;
const SETALL: u32 = 17;
const SEM_STAT: u32 = 18;
const SEM_INFO: u32 = 19;
const MSG_NOERROR: u32 = 0o10000;
const MSG_EXCEPT: u32 = 0o20000;
const MSG_COPY: u32 = 0o40000;
const MSG_STAT: u32 = 11;
const MSG_INFO: u32 = 12;
const EIDRM: i32 = wasmlinux_kernel::error::Errno::EIDRM.to_ret();
const ENOMSG: i32 = wasmlinux_kernel::error::Errno::ENOMSG.to_ret();
const ENOSPC: i32 = wasmlinux_kernel::error::Errno::ENOSPC.to_ret();
const EMSGSIZE: i32 = wasmlinux_kernel::error::Errno::EMSGSIZE.to_ret();

const SOPS: u32 = 0x6000;
const TS: u32 = 0x6800;
const DS: u32 = 0x7000;
const ATTR: u32 = 0x7800;
const MSGB: u32 = BUF;

fn sops_bytes(ops: &[(u16, i16, u16)]) -> Vec<u8> {
    ops.iter().flat_map(|&(n, op, flg)| [n.to_le_bytes(), op.to_le_bytes(), flg.to_le_bytes()].concat()).collect()
}

fn semop(e: &mut Env, id: i32, ops: &[(u16, i16, u16)]) -> i32 {
    e.put(SOPS, &sops_bytes(ops));
    e.call(nr::semop, &[id as u32, SOPS, ops.len() as u32])
}

fn semop_as(k: &Kernel, tid: Tid, mem: &mut VecMemory, id: i32, ops: &[(u16, i16, u16)]) -> i32 {
    mem.write(SOPS, &sops_bytes(ops)).unwrap();
    csc(k, tid, mem, nr::semop, &[id as u32, SOPS, ops.len() as u32])
}

fn semctl(e: &mut Env, id: i32, num: u32, cmd: u32, arg: u32) -> i32 {
    e.call(nr::semctl, &[id as u32, num, cmd, arg])
}

fn word(e: &Env, addr: u32) -> u32 {
    e.u32_at(addr)
}

/// Wait (up to 2 s) until `f` holds.
fn eventually(mut f: impl FnMut() -> bool) {
    for _ in 0..200 {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("condition never held");
}

#[test]
fn semget_keys_ids_and_errors() {
    let mut e = Env::new();
    let a = e.call(nr::semget, &[IPC_PRIVATE, 2, 0o600]);
    let b = e.call(nr::semget, &[IPC_PRIVATE, 2, 0o600]);
    assert_eq!((a, b), (0, 32768 + 1), "ids are seq * 32768 + index");
    assert_eq!(e.call(nr::semget, &[0x1234, 1, 0o600]), ENOENT);
    let k = e.call(nr::semget, &[0x1234, 3, IPC_CREAT | 0o640]);
    assert!(k > 0, "{k}");
    assert_eq!(e.call(nr::semget, &[0x1234, 3, IPC_CREAT | IPC_EXCL | 0o640]), EEXIST);
    assert_eq!(e.call(nr::semget, &[0x1234, 0, 0]), k);
    assert_eq!(e.call(nr::semget, &[0x1234, 4, 0]), EINVAL, "more semaphores than the set has");
    assert_eq!(e.call(nr::semget, &[IPC_PRIVATE, -1i32 as u32, 0o600]), EINVAL);
    assert_eq!(e.call(nr::semget, &[IPC_PRIVATE, 32001, 0o600]), EINVAL);
    assert_eq!(e.call(nr::semget, &[IPC_PRIVATE, 0, 0o600]), EINVAL);
    assert_eq!(e.call(nr::semget, &[0x999, 2_000_000, IPC_CREAT]), EINVAL);
    // A removed id is not handed out again.
    assert_eq!(semctl(&mut e, a, 0, IPC_RMID, 0), 0);
    assert_eq!(semctl(&mut e, a, 0, GETVAL, 0), EINVAL);
    let c = e.call(nr::semget, &[IPC_PRIVATE, 1, 0o600]);
    assert!(c != a && c % 32768 == 3, "{c}");
    assert_eq!(semctl(&mut e, -1i32, 0, IPC_INFO, DS), EINVAL);
}

#[test]
fn sem_permissions() {
    let mut e = Env::new();
    let id = e.call(nr::semget, &[0x77, 1, IPC_CREAT | 0o600]);
    let open = e.call(nr::semget, &[0x78, 1, IPC_CREAT | 0o644]);
    become_user(&mut e, 1000);
    assert_eq!(e.call(nr::semget, &[0x77, 1, 0o400]), EACCES);
    assert_eq!(e.call(nr::semget, &[0x77, 1, 0]), id, "asking for no access always works");
    assert_eq!(semop(&mut e, id, &[(0, 1, 0)]), EACCES);
    assert_eq!(semctl(&mut e, id, 0, IPC_STAT, DS), EACCES);
    assert_eq!(semctl(&mut e, id, 0, GETVAL, 0), EACCES);
    assert_eq!(semctl(&mut e, id, 0, IPC_RMID, 0), EPERM);
    assert_eq!(semctl(&mut e, open, 0, GETVAL, 0), 0, "other may read");
    assert_eq!(semop(&mut e, open, &[(0, 1, 0)]), EACCES, "but not alter");
    assert_eq!(semop(&mut e, open, &[(0, 0, IPC_NOWAIT as u16)]), 0, "waiting for zero only reads");
    // The owner's own set.
    let mine = e.call(nr::semget, &[IPC_PRIVATE, 1, 0o600]);
    assert_eq!(semctl(&mut e, mine, 0, IPC_STAT, DS), 0);
    assert_eq!((word(&e, DS + 4), word(&e, DS + 12), word(&e, DS + 20)), (1000, 1000, 0o600));
}

#[test]
fn semop_values_and_errors() {
    let mut e = Env::new();
    let id = e.call(nr::semget, &[IPC_PRIVATE, 3, 0o600]);
    assert_eq!(semctl(&mut e, id, 1, SETVAL, 5), 0);
    assert_eq!(e.call(nr::semctl, &[id as u32, 1, GETVAL, 0]), 5);
    assert_eq!(semctl(&mut e, id, 3, GETVAL, 0), EINVAL);
    assert_eq!(semctl(&mut e, id, 1, SETVAL, 32768), ERANGE);
    assert_eq!(semctl(&mut e, id, 1, SETVAL, -1i32 as u32), ERANGE);
    assert_eq!(semop(&mut e, id, &[(1, -2, 0), (0, 1, 0)]), 0);
    assert_eq!(semctl(&mut e, id, 1, GETVAL, 0), 3);
    assert_eq!(semctl(&mut e, id, 0, GETPID, 0), 1);
    assert_eq!(semctl(&mut e, id, 2, GETPID, 0), 0);
    // All or nothing: the second op would block, the first is not applied.
    assert_eq!(semop(&mut e, id, &[(1, -1, 0), (2, -1, IPC_NOWAIT as u16)]), EAGAIN);
    assert_eq!(semctl(&mut e, id, 1, GETVAL, 0), 3);
    assert_eq!(semop(&mut e, id, &[(1, 0, IPC_NOWAIT as u16)]), EAGAIN);
    // Operations apply in order: +1 then -1 on the same semaphore.
    assert_eq!(semop(&mut e, id, &[(2, 1, 0), (2, -1, 0)]), 0);
    assert_eq!(semop(&mut e, id, &[(5, 1, 0)]), EFBIG);
    assert_eq!(e.call(nr::semop, &[id as u32, SOPS, 0]), EINVAL);
    assert_eq!(e.call(nr::semop, &[id as u32, SOPS, 501]), E2BIG);
    assert_eq!(e.call(nr::semop, &[id as u32, 0x10, 1]), EFAULT);
    assert_eq!(semop(&mut e, id + 7, &[(0, 1, 0)]), EINVAL);
    assert_eq!(semctl(&mut e, id, 0, SETVAL, 32767), 0);
    assert_eq!(semop(&mut e, id, &[(0, 1, 0)]), ERANGE);
    // GETALL / SETALL.
    e.put(DS, &[1, 0, 2, 0, 3, 0]);
    assert_eq!(semctl(&mut e, id, 0, SETALL, DS), 0);
    e.put(DS, &[0; 6]);
    assert_eq!(semctl(&mut e, id, 0, GETALL, DS), 0);
    assert_eq!(e.get(DS, 6), [1, 0, 2, 0, 3, 0]);
    e.put(DS, &[0, 0x80, 0, 0, 0, 0]);
    assert_eq!(semctl(&mut e, id, 0, SETALL, DS), ERANGE);
    assert_eq!(semctl(&mut e, id, 0, 99, 0), EINVAL);
    // semtimedop: a timeout ends the wait with EAGAIN; a bad one is EINVAL.
    ts(&mut e, TS, 0, 20_000_000);
    e.put(SOPS, &sops_bytes(&[(0, -5, 0)]));
    assert_eq!(e.call(nr::semtimedop_time64, &[id as u32, SOPS, 1, TS]), EAGAIN);
    ts(&mut e, TS, 0, 1_000_000_000);
    assert_eq!(e.call(nr::semtimedop_time64, &[id as u32, SOPS, 1, TS]), EINVAL);
    e.put(SOPS, &sops_bytes(&[(0, -1, 0)]));
    ts(&mut e, TS, 1, 0);
    assert_eq!(e.call(nr::semtimedop_time64, &[id as u32, SOPS, 1, TS]), 0);
}

#[test]
fn semctl_stat_info_and_set() {
    let mut e = Env::new();
    let id = e.call(nr::semget, &[0x4242, 4, IPC_CREAT | 0o640]);
    assert_eq!(semctl(&mut e, id, 0, IPC_STAT, DS), 0);
    // semid64_ds: perm (key, uid, gid, cuid, cgid, mode, seq), times lo/hi, nsems.
    assert_eq!(word(&e, DS), 0x4242);
    assert_eq!(word(&e, DS + 20), 0o640);
    assert_eq!(word(&e, DS + 36), 0, "never operated on: otime 0");
    assert!(word(&e, DS + 44) > 1_600_000_000, "ctime is now");
    assert_eq!(word(&e, DS + 52), 4);
    assert_eq!(semop(&mut e, id, &[(0, 1, 0)]), 0);
    assert_eq!(semctl(&mut e, id, 0, IPC_STAT, DS), 0);
    assert!(word(&e, DS + 36) > 1_600_000_000, "otime set by semop");
    // IPC_SET: owner and mode bits.
    put_words(&mut e, DS + 4, &[7, 8]);
    e.put(DS + 20, &0o100600u32.to_le_bytes());
    assert_eq!(semctl(&mut e, id, 0, IPC_SET, DS), 0);
    assert_eq!(semctl(&mut e, id, 0, IPC_STAT, DS), 0);
    assert_eq!((word(&e, DS + 4), word(&e, DS + 8), word(&e, DS + 12), word(&e, DS + 20)), (7, 8, 0, 0o600));
    // SEM_STAT takes an index and returns the id.
    let idx = id as u32 % 32768;
    assert_eq!(semctl(&mut e, idx as i32, 0, SEM_STAT, DS), id);
    assert_eq!(semctl(&mut e, 4000, 0, SEM_STAT, DS), EINVAL);
    assert_eq!(semctl(&mut e, 0, 0, IPC_INFO, DS), idx as i32);
    // seminfo: semmap semmni semmns semmnu semmsl semopm semume semusz semvmx semaem
    assert_eq!(words(&e, DS, 10), [1024000000, 32000, 1024000000, 1024000000, 32000, 500, 500, 20, 32767, 32767]);
    assert_eq!(semctl(&mut e, 0, 0, SEM_INFO, DS), idx as i32);
    assert_eq!(word(&e, DS + 28), 1, "semusz: sets in use");
    assert_eq!(word(&e, DS + 36), 4, "semaem: semaphores in use");
    assert_eq!(semctl(&mut e, id, 0, IPC_STAT, 0x10), EFAULT);
}

#[test]
fn semop_blocks_until_another_task_posts() {
    let mut e = Env::new();
    let id = e.call(nr::semget, &[IPC_PRIVATE, 2, 0o600]);
    let (child, mut cmem) = fork(&mut e);
    let k: Arc<Kernel> = e.k.clone();
    let t = std::thread::spawn(move || semop_as(&k, child, &mut cmem, id, &[(0, -1, 0)]));
    eventually(|| semctl(&mut e, id, 0, GETNCNT, 0) == 1);
    assert_eq!(semctl(&mut e, id, 1, GETNCNT, 0), 0);
    assert_eq!(semop(&mut e, id, &[(0, 1, 0)]), 0);
    assert_eq!(t.join().unwrap(), 0);
    assert_eq!(semctl(&mut e, id, 0, GETNCNT, 0), 0);
    assert_eq!(semctl(&mut e, id, 0, GETPID, 0), child);

    // Waiting for zero.
    assert_eq!(semctl(&mut e, id, 1, SETVAL, 1), 0);
    let (child, mut cmem) = fork(&mut e);
    let k: Arc<Kernel> = e.k.clone();
    let t = std::thread::spawn(move || semop_as(&k, child, &mut cmem, id, &[(1, 0, 0)]));
    eventually(|| semctl(&mut e, id, 1, GETZCNT, 0) == 1);
    assert_eq!(semop(&mut e, id, &[(1, -1, 0)]), 0);
    assert_eq!(t.join().unwrap(), 0);
}

#[test]
fn semop_wait_ends_with_eidrm_and_eintr() {
    let mut e = Env::new();
    let id = e.call(nr::semget, &[IPC_PRIVATE, 1, 0o600]);
    let (child, mut cmem) = fork(&mut e);
    let k: Arc<Kernel> = e.k.clone();
    let t = std::thread::spawn(move || semop_as(&k, child, &mut cmem, id, &[(0, -1, 0)]));
    eventually(|| semctl(&mut e, id, 0, GETNCNT, 0) == 1);
    assert_eq!(semctl(&mut e, id, 0, IPC_RMID, 0), 0);
    assert_eq!(t.join().unwrap(), EIDRM);

    let id = e.call(nr::semget, &[IPC_PRIVATE, 1, 0o600]);
    let (child, mut cmem) = fork(&mut e);
    let k: Arc<Kernel> = e.k.clone();
    assert_eq!(sigaction_as(&k, child, &mut cmem, SIGUSR1, 5), 0);
    let t = std::thread::spawn(move || semop_as(&k, child, &mut cmem, id, &[(0, -1, 0)]));
    eventually(|| semctl(&mut e, id, 0, GETNCNT, 0) == 1);
    assert_eq!(e.call(nr::kill, &[child as u32, SIGUSR1]), 0);
    assert_eq!(t.join().unwrap(), EINTR, "semop is never restarted");
    assert_eq!(semctl(&mut e, id, 0, GETNCNT, 0), 0);
}

#[test]
fn sem_undo_applies_at_exit() {
    let mut e = Env::new();
    let id = e.call(nr::semget, &[IPC_PRIVATE, 2, 0o600]);
    assert_eq!(semctl(&mut e, id, 0, SETVAL, 5), 0);
    let (child, mut cmem) = fork(&mut e);
    assert_eq!(semop_as(&e.k, child, &mut cmem, id, &[(0, -2, SEM_UNDO), (1, 3, SEM_UNDO)]), 0);
    assert_eq!(semop_as(&e.k, child, &mut cmem, id, &[(1, -1, 0)]), 0);
    assert_eq!(semctl(&mut e, id, 0, GETVAL, 0), 3);
    assert_eq!(semctl(&mut e, id, 1, GETVAL, 0), 2);
    let _ = csc_outcome(&e.k, child, &mut cmem, nr::exit_group, &[0]);
    assert_eq!(semctl(&mut e, id, 0, GETVAL, 0), 5);
    assert_eq!(semctl(&mut e, id, 1, GETVAL, 0), 0, "clamped at 0");
    assert_eq!(semctl(&mut e, id, 0, GETPID, 0), child);

    // SETVAL clears the adjustment; a forked child does not inherit it.
    assert_eq!(semop(&mut e, id, &[(0, -1, SEM_UNDO)]), 0);
    let (child, mut cmem) = fork(&mut e);
    let _ = csc_outcome(&e.k, child, &mut cmem, nr::exit_group, &[0]);
    assert_eq!(semctl(&mut e, id, 0, GETVAL, 0), 4);
    let (child, mut cmem) = fork(&mut e);
    assert_eq!(semop_as(&e.k, child, &mut cmem, id, &[(0, 1, SEM_UNDO)]), 0);
    assert_eq!(semctl(&mut e, id, 0, SETVAL, 10), 0);
    let _ = csc_outcome(&e.k, child, &mut cmem, nr::exit_group, &[0]);
    assert_eq!(semctl(&mut e, id, 0, GETVAL, 0), 10);
    // The undo range is SEMVMX: beyond it ERANGE.
    assert_eq!(semctl(&mut e, id, 1, SETVAL, 32767), 0);
    assert_eq!(semop(&mut e, id, &[(1, -32767, SEM_UNDO)]), 0);
    assert_eq!(semop(&mut e, id, &[(1, 1, 0)]), 0);
    assert_eq!(semop(&mut e, id, &[(1, -1, SEM_UNDO)]), ERANGE);
}

// ---- message queues ----

fn msgsnd(e: &mut Env, id: i32, mtype: i32, text: &[u8], flags: u32) -> i32 {
    let mut m = mtype.to_le_bytes().to_vec();
    m.extend_from_slice(text);
    e.put(MSGB, &m);
    e.call(nr::msgsnd, &[id as u32, MSGB, text.len() as u32, flags])
}

/// msgrcv → (result, mtype, text).
fn msgrcv(e: &mut Env, id: i32, len: u32, typ: i32, flags: u32) -> (i32, i32, Vec<u8>) {
    let r = e.call(nr::msgrcv, &[id as u32, MSGB, len, typ as u32, flags]);
    if r < 0 {
        return (r, 0, vec![]);
    }
    (r, word(e, MSGB) as i32, e.get(MSGB + 4, r as usize))
}

#[test]
fn msg_types_and_flags() {
    let mut e = Env::new();
    let q = e.call(nr::msgget, &[IPC_PRIVATE, 0o600]);
    assert_eq!(q, 0);
    assert_eq!(e.call(nr::msgget, &[0x55, 0o600]), ENOENT);
    let kq = e.call(nr::msgget, &[0x55, IPC_CREAT | 0o600]);
    assert_eq!(e.call(nr::msgget, &[0x55, IPC_CREAT | IPC_EXCL]), EEXIST);
    assert_eq!(e.call(nr::msgget, &[0x55, 0]), kq);
    for (t, s) in [(3, "three"), (1, "one"), (2, "two"), (1, "uno")] {
        assert_eq!(msgsnd(&mut e, q, t, s.as_bytes(), 0), 0);
    }
    assert_eq!(msgsnd(&mut e, q, 0, b"x", 0), EINVAL);
    assert_eq!(msgsnd(&mut e, q, 1, &[0; 8193], 0), EINVAL);
    assert_eq!(e.call(nr::msgsnd, &[q as u32, 0x10, 1, 0]), EFAULT);
    assert_eq!(msgrcv(&mut e, q, 100, 2, 0), (3, 2, b"two".to_vec()));
    assert_eq!(msgrcv(&mut e, q, 100, 3, MSG_EXCEPT), (3, 1, b"one".to_vec()));
    assert_eq!(msgrcv(&mut e, q, 100, 9, IPC_NOWAIT), (ENOMSG, 0, vec![]));
    assert_eq!(msgrcv(&mut e, q, 2, 0, 0).0, E2BIG, "too long without MSG_NOERROR: stays queued");
    assert_eq!(msgrcv(&mut e, q, 2, 0, MSG_NOERROR), (2, 3, b"th".to_vec()));
    assert_eq!(msgsnd(&mut e, q, 5, b"five", 0), 0);
    assert_eq!(msgsnd(&mut e, q, 4, b"four", 0), 0);
    // Lowest type ≤ |msgtyp| first.
    assert_eq!(msgrcv(&mut e, q, 100, -4, 0), (3, 1, b"uno".to_vec()));
    assert_eq!(msgrcv(&mut e, q, 100, -4, 0), (4, 4, b"four".to_vec()));
    // MSG_COPY: by position, needs IPC_NOWAIT, leaves the message.
    assert_eq!(msgrcv(&mut e, q, 100, 0, MSG_COPY).0, EINVAL);
    assert_eq!(msgrcv(&mut e, q, 100, 0, MSG_COPY | IPC_NOWAIT), (4, 5, b"five".to_vec()));
    assert_eq!(msgrcv(&mut e, q, 100, 1, MSG_COPY | IPC_NOWAIT).0, ENOMSG);
    assert_eq!(msgrcv(&mut e, q, 100, 0, 0), (4, 5, b"five".to_vec()));
    assert_eq!(msgrcv(&mut e, q, 100, 0, IPC_NOWAIT).0, ENOMSG);
    assert_eq!(e.call(nr::msgrcv, &[-1i32 as u32, MSGB, 1, 0, 0]), EINVAL);
    assert_eq!(e.call(nr::msgrcv, &[q as u32, MSGB, -1i32 as u32, 0, 0]), EINVAL);
    assert_eq!(e.call(nr::msgrcv, &[q as u32 + 5, MSGB, 1, 0, 0]), EINVAL);
}

#[test]
fn msg_queue_limits_stat_and_permissions() {
    let mut e = Env::new();
    let q = e.call(nr::msgget, &[0x66, IPC_CREAT | 0o640]);
    // 16384 bytes fill the queue: the next send would block.
    assert_eq!(msgsnd(&mut e, q, 1, &[7; 8192], 0), 0);
    assert_eq!(msgsnd(&mut e, q, 1, &[7; 8192], 0), 0);
    assert_eq!(msgsnd(&mut e, q, 1, b"x", IPC_NOWAIT), EAGAIN);
    assert_eq!(e.call(nr::msgctl, &[q as u32, IPC_STAT, DS]), 0);
    // msqid64_ds: perm(36) stime(36..44) rtime ctime cbytes@60 qnum@64 qbytes@68 lspid@72 lrpid@76
    assert_eq!(word(&e, DS), 0x66);
    assert_eq!(word(&e, DS + 20), 0o640);
    assert!(word(&e, DS + 36) > 1_600_000_000);
    assert_eq!(word(&e, DS + 44), 0, "never received from");
    assert_eq!((word(&e, DS + 60), word(&e, DS + 64), word(&e, DS + 68)), (16384, 2, 16384));
    assert_eq!((word(&e, DS + 72), word(&e, DS + 76)), (1, 0));
    assert_eq!(e.call(nr::msgctl, &[q as u32, MSG_INFO, DS]), q % 32768);
    assert_eq!(words(&e, DS, 7), [1, 2, 8192, 16384, 32000, 16, 16384]);
    assert_eq!(e.call(nr::msgctl, &[0, IPC_INFO, DS]), q % 32768);
    assert_eq!(words(&e, DS, 7), [512000, 16384, 8192, 16384, 32000, 16, 16384]);
    assert_eq!(e.call(nr::msgctl, &[q as u32 % 32768, MSG_STAT, DS]), q);
    assert_eq!(e.call(nr::msgctl, &[q as u32, 77, DS]), EINVAL);
    // IPC_SET raises msg_qbytes (root) and the send goes through.
    assert_eq!(e.call(nr::msgctl, &[q as u32, IPC_STAT, DS]), 0);
    e.put(DS + 68, &20000u32.to_le_bytes());
    assert_eq!(e.call(nr::msgctl, &[q as u32, IPC_SET, DS]), 0);
    assert_eq!(msgsnd(&mut e, q, 1, b"x", IPC_NOWAIT), 0);
    // Another user.
    let open = e.call(nr::msgget, &[0x67, IPC_CREAT | 0o622]);
    assert_eq!(e.call(nr::msgctl, &[open as u32, IPC_STAT, DS]), 0);
    become_user(&mut e, 1000);
    assert_eq!(msgsnd(&mut e, q, 1, b"x", IPC_NOWAIT), EACCES);
    assert_eq!(msgrcv(&mut e, q, 10, 0, IPC_NOWAIT).0, EACCES);
    assert_eq!(e.call(nr::msgctl, &[q as u32, IPC_STAT, DS]), EACCES);
    assert_eq!(e.call(nr::msgctl, &[q as u32, IPC_RMID, 0]), EPERM);
    assert_eq!(msgsnd(&mut e, open, 1, b"ok", IPC_NOWAIT), 0);
    assert_eq!(msgrcv(&mut e, open, 10, 0, IPC_NOWAIT).0, EACCES);
    let mine = e.call(nr::msgget, &[IPC_PRIVATE, 0o600]);
    assert_eq!(e.call(nr::msgctl, &[mine as u32, IPC_STAT, DS]), 0);
    e.put(DS + 68, &16385u32.to_le_bytes());
    assert_eq!(e.call(nr::msgctl, &[mine as u32, IPC_SET, DS]), EPERM, "above MSGMNB needs root");
    assert_eq!(e.call(nr::msgctl, &[mine as u32, IPC_RMID, 0]), 0);
    assert_eq!(e.call(nr::msgctl, &[mine as u32, IPC_STAT, DS]), EINVAL);
}

#[test]
fn msg_blocking_between_tasks() {
    let mut e = Env::new();
    let q = e.call(nr::msgget, &[IPC_PRIVATE, 0o600]);
    let (child, mut cmem) = fork(&mut e);
    let k: Arc<Kernel> = e.k.clone();
    let t = std::thread::spawn(move || {
        let r = csc(&k, child, &mut cmem, nr::msgrcv, &[q as u32, MSGB, 64, 7, 0]);
        let mut b = vec![0u8; 9];
        cmem.read(MSGB, &mut b).unwrap();
        (r, b)
    });
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(msgsnd(&mut e, q, 3, b"other", 0), 0);
    assert_eq!(msgsnd(&mut e, q, 7, b"seven", 0), 0);
    let (r, b) = t.join().unwrap();
    assert_eq!(r, 5);
    assert_eq!(&b[..4], 7i32.to_le_bytes());
    assert_eq!(&b[4..], b"seven");
    assert_eq!(e.call(nr::msgctl, &[q as u32, IPC_STAT, DS]), 0);
    assert_eq!((word(&e, DS + 64), word(&e, DS + 76)), (1, child as u32));

    // A full queue blocks the sender until a receive; removal gives EIDRM.
    assert_eq!(msgsnd(&mut e, q, 1, &[1; 8192], 0), 0);
    assert_eq!(msgsnd(&mut e, q, 1, &[1; 8187], 0), 0);
    let (child, mut cmem) = fork(&mut e);
    let k: Arc<Kernel> = e.k.clone();
    let t = std::thread::spawn(move || {
        cmem.write(MSGB, &[9, 0, 0, 0, 1, 2, 3, 4, 5, 6]).unwrap();
        csc(&k, child, &mut cmem, nr::msgsnd, &[q as u32, MSGB, 5, 0])
    });
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(msgrcv(&mut e, q, 10, 3, IPC_NOWAIT).0, 5);
    assert_eq!(t.join().unwrap(), 0);
    let (child, mut cmem) = fork(&mut e);
    let k: Arc<Kernel> = e.k.clone();
    let t = std::thread::spawn(move || csc(&k, child, &mut cmem, nr::msgrcv, &[q as u32, MSGB, 64, 42, 0]));
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(e.call(nr::msgctl, &[q as u32, IPC_RMID, 0]), 0);
    assert_eq!(t.join().unwrap(), EIDRM);
}

// ---- POSIX message queues ----

fn mq_attr(e: &mut Env, maxmsg: i32, msgsize: i32) -> u32 {
    let w = [0u32, maxmsg as u32, msgsize as u32, 0, 0, 0, 0, 0];
    put_words(e, ATTR, &w);
    ATTR
}

fn mq_open(e: &mut Env, name: &str, oflag: u32, mode: u32, attr: u32) -> i32 {
    let p = e.cstr(SCRATCH, name);
    e.call(nr::mq_open, &[p, oflag, mode, attr])
}

fn mq_send(e: &mut Env, fd: i32, data: &[u8], prio: u32) -> i32 {
    e.put(MSGB, data);
    e.call(nr::mq_timedsend_time64, &[fd as u32, MSGB, data.len() as u32, prio, 0])
}

/// mq_receive into a 8192-byte buffer → (result, data, prio).
fn mq_recv(e: &mut Env, fd: i32, len: u32) -> (i32, Vec<u8>, u32) {
    let r = e.call(nr::mq_timedreceive_time64, &[fd as u32, MSGB, len, ARG, 0]);
    if r < 0 {
        return (r, vec![], 0);
    }
    (r, e.get(MSGB, r as usize), word(e, ARG))
}

#[test]
fn mq_open_unlink_and_errors() {
    let mut e = Env::new();
    assert_eq!(mq_open(&mut e, "q1", O_RDWR, 0, 0), ENOENT);
    let fd = mq_open(&mut e, "q1", O_RDWR | O_CREAT, 0o644, 0);
    assert!(fd >= 0, "{fd}");
    assert_eq!(e.call(nr::fcntl64, &[fd as u32, F_GETFD]), 1, "always close-on-exec");
    assert_eq!(mq_open(&mut e, "q1", O_RDWR | O_CREAT | O_EXCL, 0o644, 0), EEXIST);
    assert_eq!(mq_open(&mut e, "q1", 3, 0, 0), EINVAL);
    assert_eq!(mq_open(&mut e, "", O_RDWR | O_CREAT, 0o600, 0), ENOENT);
    assert_eq!(mq_open(&mut e, "a/b", O_RDWR | O_CREAT, 0o600, 0), EACCES);
    assert_eq!(mq_open(&mut e, &"n".repeat(256), O_RDWR | O_CREAT, 0o600, 0), ENAMETOOLONG);
    let a = mq_attr(&mut e, 0, 10);
    assert_eq!(mq_open(&mut e, "bad", O_RDWR | O_CREAT, 0o600, a), EINVAL);
    let a = mq_attr(&mut e, 10, -1);
    assert_eq!(mq_open(&mut e, "bad", O_RDWR | O_CREAT, 0o600, a), EINVAL);
    let a = mq_attr(&mut e, 65537, 10);
    assert_eq!(mq_open(&mut e, "bad", O_RDWR | O_CREAT, 0o600, a), EINVAL);
    assert_eq!(e.call(nr::mq_open, &[SCRATCH, O_RDWR | O_CREAT, 0o600, 0x10]), EFAULT);
    // Defaults: 10 messages of 8192 bytes.
    assert_eq!(e.call(nr::mq_getsetattr, &[fd as u32, 0, DS]), 0);
    assert_eq!(words(&e, DS, 4), [0, 10, 8192, 0]);
    let p = e.cstr(SCRATCH, "q1");
    assert_eq!(e.call(nr::mq_unlink, &[p]), 0);
    assert_eq!(e.call(nr::mq_unlink, &[p]), ENOENT);
    // The unlinked queue still works through its descriptor.
    assert_eq!(mq_send(&mut e, fd, b"hi", 0), 0);
    assert_eq!(mq_recv(&mut e, fd, 8192), (2, b"hi".to_vec(), 0));
    // Permissions (umask 022) and the sticky mqueue root.
    let a = mq_attr(&mut e, 2, 16);
    let fd2 = mq_open(&mut e, "q2", O_RDWR | O_CREAT, 0o666, a);
    assert!(fd2 >= 0);
    assert_eq!(e.call(nr::fstat64, &[fd2 as u32, BUF]), 0);
    become_user(&mut e, 1000);
    assert_eq!(mq_open(&mut e, "q2", O_WRONLY, 0, 0), EACCES);
    assert!(mq_open(&mut e, "q2", O_RDONLY, 0, 0) >= 0);
    let p = e.cstr(SCRATCH, "q2");
    assert_eq!(e.call(nr::mq_unlink, &[p]), EPERM);
    // RLIMIT_MSGQUEUE (819200 bytes): nine default queues fit, the tenth does not.
    for i in 0..9 {
        assert!(mq_open(&mut e, &format!("u{i}"), O_RDWR | O_CREAT, 0o600, 0) >= 0, "{i}");
    }
    assert_eq!(mq_open(&mut e, "u9", O_RDWR | O_CREAT, 0o600, 0), EMFILE);
    let a = mq_attr(&mut e, 11, 16);
    assert_eq!(mq_open(&mut e, "big", O_RDWR | O_CREAT, 0o600, a), EINVAL, "above msg_max needs root");
}

#[test]
fn mq_queues_max_for_users() {
    let mut e = Env::new();
    become_user(&mut e, 1000);
    let a = mq_attr(&mut e, 1, 1);
    let mut made = 0;
    let last = loop {
        let r = mq_open(&mut e, &format!("m{made}"), O_RDONLY | O_CREAT, 0o600, a);
        if r < 0 {
            break r;
        }
        assert_eq!(e.call(nr::close, &[r as u32]), 0);
        made += 1;
    };
    assert_eq!((made, last), (256, ENOSPC));
}

#[test]
fn mq_send_receive_priorities_and_errors() {
    let mut e = Env::new();
    let a = mq_attr(&mut e, 3, 16);
    let fd = mq_open(&mut e, "p", O_RDWR | O_CREAT | O_NONBLOCK, 0o600, a);
    assert!(fd >= 0);
    assert_eq!(mq_recv(&mut e, fd, 16).0, EAGAIN);
    assert_eq!(mq_send(&mut e, fd, b"low", 1), 0);
    assert_eq!(mq_send(&mut e, fd, b"high", 9), 0);
    assert_eq!(mq_send(&mut e, fd, b"low2", 1), 0);
    assert_eq!(mq_send(&mut e, fd, b"full", 1), EAGAIN);
    assert_eq!(mq_send(&mut e, fd, &[0; 17], 1), EMSGSIZE);
    assert_eq!(mq_send(&mut e, fd, b"x", 32768), EINVAL);
    assert_eq!(
        e.call(nr::mq_timedsend_time64, &[fd as u32, 0x10, 1, 0, 0]),
        EFAULT,
        "copied before the queue is looked at"
    );
    assert_eq!(mq_recv(&mut e, fd, 15).0, EMSGSIZE);
    // The descriptor's text.
    assert_eq!(e.call(nr::read, &[fd as u32, BUF + 0x1000, 200]), 60);
    assert_eq!(e.get(BUF + 0x1000, 60), b"QSIZE:11         NOTIFY:0     SIGNO:0     NOTIFY_PID:0     \n");
    let pfd = pollfds(&mut e, &[(fd, POLLIN | POLLOUT)]);
    assert_eq!(e.call(nr::ppoll_time64, &[pfd, 1, 0, 0, 0]), 1);
    assert_eq!(revents(&e, 0), POLLIN);
    assert_eq!(mq_recv(&mut e, fd, 16), (4, b"high".to_vec(), 9));
    assert_eq!(mq_recv(&mut e, fd, 16), (3, b"low".to_vec(), 1));
    assert_eq!(mq_recv(&mut e, fd, 16), (4, b"low2".to_vec(), 1));
    let pfd = pollfds(&mut e, &[(fd, POLLIN | POLLOUT)]);
    assert_eq!(e.call(nr::ppoll_time64, &[pfd, 1, 0, 0, 0]), 1);
    assert_eq!(revents(&e, 0), POLLOUT);
    // Blocking descriptor: an absolute timeout passes → ETIMEDOUT.
    put_words(&mut e, DS, &[0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(e.call(nr::mq_getsetattr, &[fd as u32, DS, 0]), 0);
    ts(&mut e, TS, 1, 0);
    assert_eq!(e.call(nr::mq_timedreceive_time64, &[fd as u32, MSGB, 16, 0, TS]), ETIMEDOUT);
    ts(&mut e, TS, 1, -1);
    assert_eq!(e.call(nr::mq_timedreceive_time64, &[fd as u32, MSGB, 16, 0, TS]), EINVAL);
    put_words(&mut e, DS, &[1, 0, 0, 0]);
    assert_eq!(e.call(nr::mq_getsetattr, &[fd as u32, DS, 0]), EINVAL);
    // Not a queue, or the wrong direction: EBADF.
    let (r, _w) = pipe(&mut e, 0);
    assert_eq!(mq_send(&mut e, r as i32, b"x", 0), EBADF);
    assert_eq!(e.call(nr::mq_getsetattr, &[r, 0, DS]), EBADF);
    let ro = mq_open(&mut e, "p", O_RDONLY, 0, 0);
    assert_eq!(mq_send(&mut e, ro, b"x", 0), EBADF);
    let wo = mq_open(&mut e, "p", O_WRONLY, 0, 0);
    assert_eq!(mq_recv(&mut e, wo, 16).0, EBADF);
}

#[test]
fn mq_blocking_receive_and_notify() {
    let mut e = Env::new();
    let fd = mq_open(&mut e, "b", O_RDWR | O_CREAT, 0o600, 0);
    let (child, mut cmem) = fork(&mut e);
    let k: Arc<Kernel> = e.k.clone();
    let t = std::thread::spawn(move || {
        let r = csc(&k, child, &mut cmem, nr::mq_timedreceive_time64, &[fd as u32, MSGB, 8192, 0, 0]);
        let mut b = vec![0u8; 5];
        cmem.read(MSGB, &mut b).unwrap();
        (r, b)
    });
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(mq_send(&mut e, fd, b"wake!", 3), 0);
    assert_eq!(t.join().unwrap(), (5, b"wake!".to_vec()));

    // A signal ends the wait: EINTR without SA_RESTART, a restart with it.
    for (flags, want_restart) in [(0u32, false), (0x1000_0000, true)] {
        let (child, mut cmem) = fork(&mut e);
        let k: Arc<Kernel> = e.k.clone();
        let mut act = 5u32.to_le_bytes().to_vec();
        act.extend_from_slice(&flags.to_le_bytes());
        act.extend_from_slice(&0u64.to_le_bytes());
        cmem.write(ARG, &act).unwrap();
        assert_eq!(csc(&k, child, &mut cmem, nr::rt_sigaction, &[SIGUSR1, ARG, 0, 8]), 0);
        let t = std::thread::spawn(move || {
            csc_outcome(&k, child, &mut cmem, nr::mq_timedreceive_time64, &[fd as u32, MSGB, 8192, 0, 0])
        });
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(e.call(nr::kill, &[child as u32, SIGUSR1]), 0);
        let out = t.join().unwrap();
        if want_restart {
            assert!(matches!(out, SyscallOutcome::Restart), "{out:?}");
        } else {
            assert_eq!(ret(out), EINTR);
        }
    }

    // mq_notify: SIGEV_SIGNAL fires on the first message into an empty queue.
    handle_sigusr1(&mut e);
    // sigevent: value, signo, notify
    put_words(&mut e, DS, &[0x1234, SIGUSR1, 0, 0]);
    assert_eq!(e.call(nr::mq_notify, &[fd as u32, DS]), 0);
    assert_eq!(e.call(nr::mq_notify, &[fd as u32, DS]), EBUSY);
    assert_eq!(e.call(nr::pread64, &[fd as u32, BUF + 0x1000, 200, 0, 0]), 60);
    assert_eq!(e.get(BUF + 0x1000, 60), b"QSIZE:0          NOTIFY:0     SIGNO:10    NOTIFY_PID:1     \n");
    let mask = bit(SIGUSR1).to_le_bytes();
    e.put(ARG + 256, &mask);
    assert_eq!(e.call(nr::rt_sigprocmask, &[0, ARG + 256, 0, 8]), 0);
    assert_eq!(mq_send(&mut e, fd, b"one", 0), 0);
    let (k, mut m) = (e.k.clone(), e.mem.clone());
    assert_eq!(pending(&k, 1, &mut m) & bit(SIGUSR1), bit(SIGUSR1));
    // It is removed after firing: register again works.
    assert_eq!(e.call(nr::mq_notify, &[fd as u32, DS]), 0);
    assert_eq!(e.call(nr::mq_notify, &[fd as u32, 0]), 0);
    assert_eq!(e.call(nr::mq_notify, &[fd as u32, DS]), 0);
    put_words(&mut e, DS, &[0, 65, 0, 0]);
    assert_eq!(e.call(nr::mq_notify, &[fd as u32, DS]), EINVAL);
    put_words(&mut e, DS, &[0, 0, 7, 0]);
    assert_eq!(e.call(nr::mq_notify, &[fd as u32, DS]), EINVAL);
    assert_eq!(e.call(nr::mq_notify, &[99, 0]), EBADF);
    // A child's registration ends with the child.
    assert_eq!(e.call(nr::mq_notify, &[fd as u32, 0]), 0);
    put_words(&mut e, DS, &[0, SIGUSR1, 0, 0]);
    let (child, mut cmem) = fork(&mut e);
    assert_eq!(csc(&e.k, child, &mut cmem, nr::mq_notify, &[fd as u32, DS]), 0);
    assert_eq!(e.call(nr::mq_notify, &[fd as u32, DS]), EBUSY);
    let _ = csc_outcome(&e.k, child, &mut cmem, nr::exit_group, &[0]);
    assert_eq!(e.call(nr::mq_notify, &[fd as u32, DS]), 0);
    // Closing any descriptor of the queue ends the closer's registration
    // (mq_close(3)), not another process's.
    let fd2 = e.call(nr::dup, &[fd as u32]);
    assert!(fd2 >= 0);
    assert_eq!(e.call(nr::close, &[fd2 as u32]), 0);
    let (child, mut cmem) = fork(&mut e);
    assert_eq!(csc(&e.k, child, &mut cmem, nr::mq_notify, &[fd as u32, DS]), 0);
    assert_eq!(csc(&e.k, child, &mut cmem, nr::close, &[fd as u32]), 0);
    assert_eq!(e.call(nr::mq_notify, &[fd as u32, DS]), 0);
    assert_eq!(csc(&e.k, child, &mut cmem, nr::mq_notify, &[fd as u32, 0]), EBADF);
    let _ = csc_outcome(&e.k, child, &mut cmem, nr::exit_group, &[0]);
    assert_eq!(e.call(nr::close, &[fd as u32]), 0);
    let fd = mq_open(&mut e, "b", O_RDWR, 0, 0);
    assert_eq!(e.call(nr::mq_notify, &[fd as u32, DS]), 0);
}

#[test]
fn mqueue_file_system() {
    let mut e = Env::new();
    let (src, dir, ty) = (e.cstr(P1, "none"), e.cstr(P1 + 0x100, "/dev/mqueue"), e.cstr(P1 + 0x200, "mqueue"));
    assert_eq!(e.call(nr::mount, &[src, dir, ty, 0, 0]), 0);
    let fd = mq_open(&mut e, "viewed", O_RDWR | O_CREAT, 0o640, 0);
    assert!(fd >= 0);
    assert_eq!(mq_send(&mut e, fd, b"12345", 0), 0);
    // The queue is a regular file there; reading it gives the status line.
    let st = stat(&mut e, "/dev/mqueue/viewed", 0).unwrap();
    assert_eq!(st.0, 0o100640);
    assert!(word(&e, BUF + 80) > 1_600_000_000, "stat64 st_mtime is the creation time");
    let f = open(&mut e, "/dev/mqueue/viewed", O_RDONLY, 0);
    assert!(f >= 0, "{f}");
    assert_eq!(read(&mut e, f, 200), b"QSIZE:5          NOTIFY:0     SIGNO:0     NOTIFY_PID:0     \n");
    // It is the same kind of descriptor mq_open gives.
    assert_eq!(mq_recv(&mut e, f, 8192), (5, b"12345".to_vec(), 0));
    // Creating a file makes a queue; unlinking one is mq_unlink.
    let made = open(&mut e, "/dev/mqueue/made", O_RDWR | O_CREAT | O_EXCL, 0o600);
    assert!(made >= 0, "{made}");
    assert!(mq_open(&mut e, "made", O_RDONLY, 0, 0) >= 0);
    let p = e.cstr(P2, "/dev/mqueue/viewed");
    assert_eq!(e.call(nr::unlinkat, &[AT_FDCWD, p, 0]), 0);
    assert_eq!(mq_open(&mut e, "viewed", O_RDONLY, 0, 0), ENOENT);
    assert_eq!(mkdir(&mut e, "/dev/mqueue/sub", 0o755), EPERM);
    // statfs magic MQUEUE_MAGIC.
    assert_eq!(e.call(nr::statfs64, &[dir, 88, BUF]), 0);
    assert_eq!(word(&e, BUF), 0x1980_0202);
}

#[test]
fn proc_sysvipc_and_sysctls() {
    let mut e = Env::new();
    let s = e.call(nr::semget, &[0x1f, 2, IPC_CREAT | 0o600]);
    let q = e.call(nr::msgget, &[IPC_PRIVATE, 0o640]);
    assert_eq!(msgsnd(&mut e, q, 1, b"abc", 0), 0);
    let read = |e: &mut Env, path: &str| -> String {
        let fd = open(e, path, O_RDONLY, 0);
        assert!(fd >= 0, "{path}: {fd}");
        let r = e.call(nr::read, &[fd as u32, BUF + 0x2000, 4096]);
        assert!(r >= 0);
        close(e, fd);
        String::from_utf8(e.get(BUF + 0x2000, r as usize)).unwrap()
    };
    let sem = read(&mut e, "/proc/sysvipc/sem");
    let mut lines = sem.lines();
    assert_eq!(
        lines.next(),
        Some("       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime")
    );
    let row = lines.next().unwrap();
    assert!(
        row.starts_with(&format!("        31 {s:>10}   600          2     0     0     0     0          0 ")),
        "{row:?}"
    );
    let msg = read(&mut e, "/proc/sysvipc/msg");
    let mut lines = msg.lines();
    assert_eq!(lines.next(), Some("       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime"));
    let row = lines.next().unwrap();
    assert!(
        row.starts_with(&format!(
            "         0 {q:>10}   640           3          1     1     0     0     0     0     0 "
        )),
        "{row:?}"
    );
    assert_eq!(read(&mut e, "/proc/sys/kernel/sem"), "32000\t1024000000\t500\t32000\n");
    assert_eq!(read(&mut e, "/proc/sys/kernel/msgmnb"), "16384\n");
    assert_eq!(read(&mut e, "/proc/sys/kernel/msgmax"), "8192\n");
    assert_eq!(read(&mut e, "/proc/sys/kernel/msgmni"), "32000\n");
    assert_eq!(read(&mut e, "/proc/sys/fs/mqueue/msg_max"), "10\n");
    assert_eq!(read(&mut e, "/proc/sys/fs/mqueue/msgsize_max"), "8192\n");
    assert_eq!(read(&mut e, "/proc/sys/fs/mqueue/queues_max"), "256\n");
}

// ---- System V shared memory ----

const SHM_RDONLY: u32 = 0o10000;
const SHM_RND: u32 = 0o20000;
const SHM_REMAP: u32 = 0o40000;
const SHM_LOCK: u32 = 11;
const SHM_UNLOCK: u32 = 12;
const SHM_STAT: u32 = 13;
const SHM_INFO: u32 = 14;
const SHM_DEST: u32 = 0o1000;
const SHM_LOCKED: u32 = 0o2000;
const PROT_READ: u32 = 1;

/// shmid64_ds (wasm32): perm key 0, uid 4, mode 20; segsz 36; atime 40,
/// dtime 48, ctime 56 (low words); cpid 64, lpid 68, nattch 72.
#[derive(Debug)]
struct ShmDs {
    key: i32,
    uid: u32,
    mode: u32,
    segsz: u32,
    atime: u32,
    dtime: u32,
    ctime: u32,
    cpid: i32,
    lpid: i32,
    nattch: u32,
}

fn shm_ds(w: &[u32]) -> ShmDs {
    ShmDs {
        key: w[0] as i32,
        uid: w[1],
        mode: w[5],
        segsz: w[9],
        atime: w[10],
        dtime: w[12],
        ctime: w[14],
        cpid: w[16] as i32,
        lpid: w[17] as i32,
        nattch: w[18],
    }
}

fn shm_stat(e: &mut Env, id: i32) -> Result<ShmDs, i32> {
    let r = e.call(nr::shmctl, &[id as u32, IPC_STAT, DS]);
    if r != 0 {
        return Err(r);
    }
    Ok(shm_ds(&words(e, DS, 21)))
}

fn shm_stat_in(k: &Kernel, tid: Tid, m: &mut PagesMem, id: i32) -> Result<ShmDs, i32> {
    let r = tsc(k, tid, m, nr::shmctl, &[id as u32, IPC_STAT, DS]);
    if r != 0 {
        return Err(r);
    }
    let mut b = vec![0u8; 84];
    m.read(DS, &mut b).unwrap();
    Ok(shm_ds(&b.chunks_exact(4).map(|c| u32::from_le_bytes(c.try_into().unwrap())).collect::<Vec<_>>()))
}

#[test]
fn shmget_keys_limits_and_shmctl() {
    let mut e = Env::new();
    // Sizes: 0 and above SHMMAX are EINVAL; all segments together are bounded (ENOSPC).
    assert_eq!(e.call(nr::shmget, &[IPC_PRIVATE, 0, 0o600]), EINVAL);
    assert_eq!(e.call(nr::shmget, &[IPC_PRIVATE, 0xff00_0000, 0o600]), EINVAL);
    assert_eq!(e.call(nr::shmget, &[IPC_PRIVATE, u32::MAX, 0o600]), EINVAL);
    let big = e.call(nr::shmget, &[IPC_PRIVATE, 0xfeff_ffff, 0o600]);
    assert!(big >= 0, "{big}");
    assert_eq!(e.call(nr::shmget, &[IPC_PRIVATE, 0x100_0001, 0o600]), ENOSPC);
    assert_eq!(e.call(nr::shmctl, &[big as u32, IPC_RMID, 0]), 0);

    // Keys.
    let key = 0x5eed;
    assert_eq!(e.call(nr::shmget, &[key, 100, 0o600]), ENOENT);
    let id = e.call(nr::shmget, &[key, 100, IPC_CREAT | IPC_EXCL | 0o600]);
    assert!(id >= 0);
    assert_eq!(e.call(nr::shmget, &[key, 100, IPC_CREAT | IPC_EXCL | 0o600]), EEXIST);
    assert_eq!(e.call(nr::shmget, &[key, 101, 0]), EINVAL);
    assert_eq!(e.call(nr::shmget, &[key, 0, 0]), id);
    assert_eq!(e.call(nr::shmget, &[key, 50, IPC_CREAT]), id);

    let st = shm_stat(&mut e, id).unwrap();
    assert_eq!(
        (st.key, st.mode, st.segsz, st.cpid, st.lpid, st.nattch, st.atime, st.dtime),
        (0x5eed, 0o600, 100, 1, 0, 0, 0, 0)
    );
    assert!(st.ctime > 1_600_000_000);

    // A host that cannot share memory: segments exist, attaching is ENOMEM.
    assert_eq!(e.call(nr::shmat, &[id as u32, 0, 0]), ENOMEM);
    assert_eq!(shm_stat(&mut e, id).unwrap().nattch, 0);

    // Another user: access by the mode bits, IPC_SET/IPC_RMID for the owner only.
    let (child, mut cm) = fork(&mut e);
    assert_eq!(csc(&e.k, child, &mut cm, nr::setuid, &[1000]), 0);
    assert_eq!(csc(&e.k, child, &mut cm, nr::shmget, &[key, 0, 0]), id);
    assert_eq!(csc(&e.k, child, &mut cm, nr::shmget, &[key, 0, 0o400]), EACCES);
    assert_eq!(csc(&e.k, child, &mut cm, nr::shmctl, &[id as u32, IPC_STAT, DS]), EACCES);
    assert_eq!(csc(&e.k, child, &mut cm, nr::shmctl, &[id as u32, IPC_RMID, 0]), EPERM);
    assert_eq!(csc(&e.k, child, &mut cm, nr::shmctl, &[id as u32, SHM_LOCK, 0]), EPERM);
    assert_eq!(csc(&e.k, child, &mut cm, nr::shmat, &[id as u32, 0, SHM_RDONLY]), EACCES);
    // IPC_SET: uid 1000 and mode 0604 (perm.uid at 4, mode at 20).
    let mut w = words(&e, DS, 21);
    w[1] = 1000;
    w[5] = 0o604 | SHM_DEST;
    put_words(&mut e, DS, &w);
    assert_eq!(e.call(nr::shmctl, &[id as u32, IPC_SET, DS]), 0);
    let st = shm_stat(&mut e, id).unwrap();
    assert_eq!((st.uid, st.mode), (1000, 0o604));
    assert_eq!(csc(&e.k, child, &mut cm, nr::shmctl, &[id as u32, IPC_STAT, DS]), 0);
    assert_eq!(csc(&e.k, child, &mut cm, nr::shmctl, &[id as u32, SHM_LOCK, 0]), 0);
    assert_eq!(shm_stat(&mut e, id).unwrap().mode, 0o604 | SHM_LOCKED);
    assert_eq!(e.call(nr::shmctl, &[id as u32, SHM_UNLOCK, 0]), 0);
    assert_eq!(shm_stat(&mut e, id).unwrap().mode, 0o604);

    // IPC_INFO (shminfo64: shmmax, shmmin, shmmni, shmseg, shmall) and SHM_INFO.
    let idx = (id as u32 % 32768) as i32;
    assert_eq!(e.call(nr::shmctl, &[0, IPC_INFO, DS]), idx);
    assert_eq!(words(&e, DS, 5), vec![0xfeff_ffff, 1, 4096, 4096, 0xfeff_ffff]);
    let p = e.call(nr::shmget, &[IPC_PRIVATE, 4097, 0o600]);
    assert_eq!(e.call(nr::shmctl, &[0, SHM_INFO, DS]), (p as u32 % 32768) as i32);
    assert_eq!(words(&e, DS, 3), vec![2, 3, 0]);
    assert_eq!(e.call(nr::shmctl, &[idx as u32, SHM_STAT, DS]), id);
    assert_eq!(words(&e, DS, 10)[9], 100);
    assert_eq!(e.call(nr::shmctl, &[30000, SHM_STAT, DS]), EINVAL);
    // Bad commands and ids.
    assert_eq!(e.call(nr::shmctl, &[id as u32, IPC_STAT | 0x100, DS]), EINVAL);
    assert_eq!(e.call(nr::shmctl, &[id as u32, 99, DS]), EINVAL);
    assert_eq!(e.call(nr::shmctl, &[u32::MAX, IPC_STAT, DS]), EINVAL);
    assert_eq!(e.call(nr::shmctl, &[id as u32 + 32768, IPC_STAT, DS]), EINVAL);
    assert_eq!(e.call(nr::shmctl, &[id as u32, IPC_STAT, 0]), EFAULT);
    assert_eq!(e.call(nr::shmat, &[u32::MAX, 0, 0]), EINVAL);

    // IPC_RMID of an unattached segment removes it at once.
    assert_eq!(e.call(nr::shmctl, &[id as u32, IPC_RMID, 0]), 0);
    assert_eq!(shm_stat(&mut e, id).err(), Some(EINVAL));
    assert_eq!(e.call(nr::shmget, &[key, 0, 0]), ENOENT);
    assert_eq!(e.call(nr::shmctl, &[p as u32, IPC_RMID, 0]), 0);
    assert_eq!(e.call(nr::shmctl, &[0, SHM_INFO, DS]), 0);
    assert_eq!(words(&e, DS, 2), vec![0, 0]);
}

/// A kernel whose host shares memory, and init's memory that maps it.
fn sharing_env() -> (Env, PagesMem) {
    let e = Env::new();
    e.host.share.store(true, std::sync::atomic::Ordering::Relaxed);
    (e, PagesMem::new(1 << 20))
}

#[test]
fn shmat_shares_between_attaches_and_forks_and_counts_them() {
    let (e, mut m) = sharing_env();
    let k = e.k.clone();
    let id = tsc(&k, 1, &mut m, nr::shmget, &[0x77, 5000, IPC_CREAT | 0o600]);
    assert!(id >= 0);
    let a = tsc(&k, 1, &mut m, nr::shmat, &[id as u32, 0, 0]) as u32;
    assert_eq!(a % 4096, 0, "{a:#x}");
    let st = shm_stat_in(&k, 1, &mut m, id).unwrap();
    assert_eq!((st.nattch, st.lpid), (1, 1));
    assert!(st.atime > 1_600_000_000 && st.dtime == 0);
    m.write(a, b"hello").unwrap();
    let b = tsc(&k, 1, &mut m, nr::shmat, &[id as u32, 0, SHM_RDONLY]) as u32;
    assert!(b >= a + 8192, "{a:#x} {b:#x}");
    let mut got = [0u8; 5];
    m.read(b, &mut got).unwrap();
    assert_eq!(&got, b"hello");
    assert_eq!(shm_stat_in(&k, 1, &mut m, id).unwrap().nattch, 2);

    // fork: the child's mappings count, its writes are seen, its exit detaches.
    assert!(matches!(tsc_outcome(&k, 1, &mut m, nr::clone, &[SIGCHLD]), SyscallOutcome::Fork { .. }));
    let child = k.fork(1, SIGCHLD).unwrap();
    let mut cm = m.clone();
    let st = shm_stat_in(&k, 1, &mut m, id).unwrap();
    assert_eq!((st.nattch, st.lpid), (4, 1));
    cm.write(a + 8, b"child").unwrap();
    let mut got = [0u8; 5];
    m.read(b + 8, &mut got).unwrap();
    assert_eq!(&got, b"child");
    let _ = tsc_outcome(&k, child, &mut cm, nr::exit_group, &[0]);
    let st = shm_stat_in(&k, 1, &mut m, id).unwrap();
    assert_eq!((st.nattch, st.lpid), (2, child));
    assert!(st.dtime > 1_600_000_000);

    // shmdt: only at the start of an attach.
    assert_eq!(tsc(&k, 1, &mut m, nr::shmdt, &[a + 1]), EINVAL);
    assert_eq!(tsc(&k, 1, &mut m, nr::shmdt, &[a + 4096]), EINVAL);
    assert_eq!(tsc(&k, 1, &mut m, nr::shmdt, &[a]), 0);
    assert_eq!(tsc(&k, 1, &mut m, nr::shmdt, &[a]), EINVAL);
    assert_eq!(shm_stat_in(&k, 1, &mut m, id).unwrap().nattch, 1);
    // The detached range is private memory again.
    m.write(a, b"priv!").unwrap();
    m.read(b, &mut got).unwrap();
    assert_eq!(&got, b"hello");

    // A split attach counts per piece (as Linux's VMAs); shmdt takes every piece.
    let c = tsc(&k, 1, &mut m, nr::shmat, &[id as u32, 0, 0]) as u32;
    assert_eq!(tsc(&k, 1, &mut m, nr::mprotect, &[c + 4096, 4096, PROT_READ]), 0);
    assert_eq!(shm_stat_in(&k, 1, &mut m, id).unwrap().nattch, 3);
    assert_eq!(tsc(&k, 1, &mut m, nr::shmdt, &[c]), 0);
    assert_eq!(shm_stat_in(&k, 1, &mut m, id).unwrap().nattch, 1);
    // munmap of an attach is a detach too.
    let c = tsc(&k, 1, &mut m, nr::shmat, &[id as u32, 0, 0]) as u32;
    assert_eq!(tsc(&k, 1, &mut m, nr::munmap, &[c, 8192]), 0);
    assert_eq!(shm_stat_in(&k, 1, &mut m, id).unwrap().nattch, 1);

    // Addresses: taken is EINVAL unless SHM_REMAP; misaligned is EINVAL unless SHM_RND.
    assert_eq!(tsc(&k, 1, &mut m, nr::shmat, &[id as u32, b, 0]), EINVAL);
    assert_eq!(tsc(&k, 1, &mut m, nr::shmat, &[id as u32, b + 12, 0]), EINVAL);
    assert_eq!(tsc(&k, 1, &mut m, nr::shmat, &[id as u32, 0, SHM_REMAP]), EINVAL);
    assert_eq!(tsc(&k, 1, &mut m, nr::shmat, &[id as u32, b + 12, SHM_RND | SHM_REMAP]) as u32, b);
    assert_eq!(shm_stat_in(&k, 1, &mut m, id).unwrap().nattch, 1);
    let free = b + 0x10_0000;
    assert_eq!(tsc(&k, 1, &mut m, nr::shmat, &[id as u32, free, 0]) as u32, free);
    m.read(free, &mut got).unwrap();
    assert_eq!(&got, b"hello");

    // IPC_RMID while attached: SHM_DEST, key private, still attachable by
    // id; destroyed at the last detach.
    assert_eq!(tsc(&k, 1, &mut m, nr::shmctl, &[id as u32, IPC_RMID, 0]), 0);
    let st = shm_stat_in(&k, 1, &mut m, id).unwrap();
    assert_eq!((st.key, st.mode, st.nattch), (0, 0o600 | SHM_DEST, 2));
    assert_eq!(tsc(&k, 1, &mut m, nr::shmget, &[0x77, 0, 0]), ENOENT);
    let d = tsc(&k, 1, &mut m, nr::shmat, &[id as u32, 0, 0]) as u32;
    assert_eq!(shm_stat_in(&k, 1, &mut m, id).unwrap().nattch, 3);
    for addr in [b, free, d] {
        assert_eq!(tsc(&k, 1, &mut m, nr::shmdt, &[addr]), 0);
    }
    assert_eq!(shm_stat_in(&k, 1, &mut m, id).err(), Some(EINVAL));
    assert_eq!(tsc(&k, 1, &mut m, nr::shmat, &[id as u32, 0, 0]), EINVAL);
    assert_eq!(m.mapped(), 0);
}

#[test]
fn shm_exit_and_exec_detach_and_procfs_row() {
    let (e, mut m) = sharing_env();
    let k = e.k.clone();
    let id = tsc(&k, 1, &mut m, nr::shmget, &[IPC_PRIVATE, 4096, 0o640]);
    assert!(matches!(tsc_outcome(&k, 1, &mut m, nr::clone, &[SIGCHLD]), SyscallOutcome::Fork { .. }));
    let child = k.fork(1, SIGCHLD).unwrap();
    let mut cm = m.clone();
    let a = tsc(&k, child, &mut cm, nr::shmat, &[id as u32, 0, 0]);
    assert!(a > 0);
    assert_eq!(tsc(&k, 1, &mut m, nr::shmctl, &[id as u32, IPC_RMID, 0]), 0);
    // /proc/sysvipc/shm: Linux's 32-bit header; the row of the segment.
    let text = read_file_as_mem(&k, 1, &mut m, "/proc/sysvipc/shm");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("       key      shmid perms       size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime        rss       swap")
    );
    let row = lines.next().unwrap();
    assert!(
        row.starts_with(&format!(
            "         0 {id:>10}  1640       4096     1 {child:>5}      1     0     0     0     0 "
        )),
        "{row:?}"
    );
    assert!(row.ends_with("          0          0"), "{row:?}");
    assert_eq!(read_file_as_mem(&k, 1, &mut m, "/proc/sys/kernel/shmmax"), "4278190079\n");
    assert_eq!(read_file_as_mem(&k, 1, &mut m, "/proc/sys/kernel/shmall"), "4278190079\n");
    assert_eq!(read_file_as_mem(&k, 1, &mut m, "/proc/sys/kernel/shmmni"), "4096\n");
    // The child's exit is its detach: the removed segment goes.
    let _ = tsc_outcome(&k, child, &mut cm, nr::exit_group, &[0]);
    assert_eq!(shm_stat_in(&k, 1, &mut m, id).err(), Some(EINVAL));
    assert_eq!(read_file_as_mem(&k, 1, &mut m, "/proc/sysvipc/shm").lines().count(), 1);
}

#[test]
fn shm_exec_detaches() {
    let (e, mut m) = sharing_env();
    let k = e.k.clone();
    m.write(PATH, b"/prog\0").unwrap();
    let fd = tsc(&k, 1, &mut m, nr::openat, &[AT_FDCWD, PATH, O_WRONLY | O_CREAT, 0o755]);
    assert!(fd >= 0);
    m.write(BUF, b"\0asm\x01\0\0\0").unwrap();
    assert_eq!(tsc(&k, 1, &mut m, nr::write, &[fd as u32, BUF, 8]), 8);
    assert_eq!(tsc(&k, 1, &mut m, nr::close, &[fd as u32]), 0);
    let id = tsc(&k, 1, &mut m, nr::shmget, &[IPC_PRIVATE, 4096, 0o600]);
    assert!(tsc(&k, 1, &mut m, nr::shmat, &[id as u32, 0, 0]) > 0);
    assert!(tsc(&k, 1, &mut m, nr::shmat, &[id as u32, 0, 0]) > 0);
    assert_eq!(shm_stat_in(&k, 1, &mut m, id).unwrap().nattch, 2);
    // argv = envp = [NULL], in a page no attach covers.
    let (path, argv) = (BUF + 0x8000, BUF + 0x8100);
    m.write(path, b"/prog\0").unwrap();
    m.write(argv, &[0u8; 4]).unwrap();
    let out = tsc_outcome(&k, 1, &mut m, nr::execve, &[path, argv, argv]);
    assert!(matches!(out, SyscallOutcome::Exec(_)), "{out:?}");
    let st = shm_stat_in(&k, 1, &mut m, id).unwrap();
    assert_eq!((st.nattch, st.lpid), (0, 1));
    assert!(st.dtime > 1_600_000_000);
    assert_eq!(tsc(&k, 1, &mut m, nr::shmctl, &[id as u32, IPC_RMID, 0]), 0);
}

/// Read a whole (small) file as `tid` through `m`.
fn read_file_as_mem(k: &Kernel, tid: Tid, m: &mut PagesMem, path: &str) -> String {
    let mut p = path.as_bytes().to_vec();
    p.push(0);
    m.write(PATH, &p).unwrap();
    let fd = tsc(k, tid, m, nr::openat, &[AT_FDCWD, PATH, O_RDONLY, 0]);
    assert!(fd >= 0, "{path}: {fd}");
    let n = tsc(k, tid, m, nr::read, &[fd as u32, BUF, 8192]);
    assert!(n >= 0);
    assert_eq!(tsc(k, tid, m, nr::close, &[fd as u32]), 0);
    let mut b = vec![0u8; n as usize];
    m.read(BUF, &mut b).unwrap();
    String::from_utf8(b).unwrap()
}
