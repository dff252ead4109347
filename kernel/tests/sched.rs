//! Tests of the syscall family in `kernel/src/syscall/sched.rs`: priorities
//! (getpriority/setpriority/nice), ioprio, sched_* calls.
mod common;
use common::*;
use wasmlinux_kernel::syscall::nr;

#[test]
fn priorities_nice_values_and_permissions() {
    let mut e = Env::new();
    // Raw getpriority returns 20 - nice.
    assert_eq!(e.call(nr::getpriority, &[0, 0]), 20);
    assert_eq!(e.call(nr::setpriority, &[0, 0, 5]), 0);
    assert_eq!(e.call(nr::getpriority, &[0, 0]), 15);
    assert_eq!(e.call(nr::getpriority, &[0, 1]), 15);
    assert_eq!(e.call(nr::getpriority, &[1, 0]), 15, "PRIO_PGRP");
    assert_eq!(e.call(nr::getpriority, &[2, 0]), 15, "PRIO_USER");
    assert_eq!(e.call(nr::setpriority, &[0, 0, 100]), 0);
    assert_eq!(e.call(nr::getpriority, &[0, 0]), 1, "clamped to 19");
    assert_eq!(e.call(nr::setpriority, &[0, 0, (-40i32) as u32]), 0, "root may raise priority");
    assert_eq!(e.call(nr::getpriority, &[0, 0]), 40, "clamped to -20");
    assert_eq!(e.call(nr::setpriority, &[0, 0, 3]), 0);
    assert_eq!(e.call(nr::getpriority, &[3, 0]), EINVAL);
    assert_eq!(e.call(nr::setpriority, &[3, 0, 0]), EINVAL);
    assert_eq!(e.call(nr::getpriority, &[0, 999]), ESRCH);
    assert_eq!(e.call(nr::setpriority, &[1, 999, 0]), ESRCH);
    // Inherited by fork; an unprivileged process may only lower its priority.
    let (child, mut cm) = fork(&mut e);
    let k = e.k.clone();
    assert_eq!(csc(&k, child, &mut cm, nr::getpriority, &[0, 0]), 17);
    assert_eq!(csc(&k, child, &mut cm, nr::setresuid, &[1000, 1000, 1000]), 0);
    assert_eq!(csc(&k, child, &mut cm, nr::setpriority, &[0, 0, 4]), 0);
    assert_eq!(csc(&k, child, &mut cm, nr::setpriority, &[0, 0, 2]), EACCES);
    assert_eq!(csc(&k, child, &mut cm, nr::getpriority, &[0, 0]), 16);
    assert_eq!(csc(&k, child, &mut cm, nr::setpriority, &[0, 1, 10]), EPERM, "another user's process");
    assert_eq!(e.call(nr::getpriority, &[0, 0]), 17, "parent unchanged");
}

#[test]
fn scheduling() {
    let mut e = Env::new();
    assert_eq!(e.call(nr::sched_yield, &[]), 0);
    assert_eq!(e.call(nr::sched_getaffinity, &[0, 128, SCRATCH]), 4);
    assert_eq!(e.u32_at(SCRATCH), 1);
    assert_eq!(e.call(nr::sched_getaffinity, &[0, 2, SCRATCH]), EINVAL);
    assert_eq!(e.call(nr::sched_getaffinity, &[77, 128, SCRATCH]), ESRCH);
    assert_eq!(e.call(nr::sched_getaffinity, &[0, 128, 0xffff_fffe]), EFAULT);
    assert_eq!(e.call(nr::sched_setaffinity, &[0, 4, SCRATCH]), 0);
    e.put(SCRATCH, &[2, 0, 0, 0]);
    assert_eq!(e.call(nr::sched_setaffinity, &[0, 4, SCRATCH]), EINVAL);
    assert_eq!(e.call(nr::sched_getscheduler, &[0]), 0);
    assert_eq!(e.call(nr::sched_getscheduler, &[(-1i32) as u32]), EINVAL);
    assert_eq!(e.call(nr::sched_getparam, &[0, SCRATCH]), 0);
    assert_eq!(e.call(nr::sched_getparam, &[99, SCRATCH]), ESRCH);
    e.put(SCRATCH, &[0; 4]);
    assert_eq!(e.call(nr::sched_setparam, &[0, SCRATCH]), 0);
    assert_eq!(e.call(nr::sched_setscheduler, &[0, 3, SCRATCH]), 0);
    e.put(SCRATCH, &[10, 0, 0, 0]);
    assert_eq!(e.call(nr::sched_setparam, &[0, SCRATCH]), EINVAL);
    assert_eq!(e.call(nr::sched_setscheduler, &[0, 1, SCRATCH]), EPERM);
    assert_eq!(e.call(nr::sched_setscheduler, &[0, 42, SCRATCH]), EINVAL);
    assert_eq!(e.call(nr::sched_get_priority_max, &[1]), 99);
    assert_eq!(e.call(nr::sched_get_priority_min, &[1]), 1);
    assert_eq!(e.call(nr::sched_get_priority_max, &[0]), 0);
    assert_eq!(e.call(nr::sched_get_priority_min, &[7]), EINVAL);
    assert_eq!(e.call(nr::sched_get_priority_max, &[7]), EINVAL);
    assert_eq!(e.call(nr::sched_rr_get_interval_time64, &[0, SCRATCH]), 0);
    assert_eq!(e.call(nr::sched_rr_get_interval_time64, &[0, 0xffff_fff8]), EFAULT);
    assert_eq!(e.call(nr::getpriority, &[0, 0]), 20);
    assert_eq!(e.call(nr::getpriority, &[0, 999]), ESRCH);
    assert_eq!(e.call(nr::getpriority, &[9, 0]), EINVAL);
    assert_eq!(e.call(nr::setpriority, &[0, 0, 5]), 0);
    assert_eq!(e.call(nr::setuid, &[3]), 0);
    assert_eq!(e.call(nr::setpriority, &[0, 0, (-5i32) as u32]), EACCES);
}

#[test]
fn ioprio() {
    let mut e = Env::new();
    const WHO_PROCESS: u32 = 1;
    const WHO_PGRP: u32 = 2;
    const WHO_USER: u32 = 3;
    const BE: u32 = 2 << 13;
    const RT: u32 = 1 << 13;
    const IDLE: u32 = 3 << 13;
    // Default: best-effort, derived from nice 0 → level 4.
    assert_eq!(e.call(nr::ioprio_get, &[WHO_PROCESS, 0]), (BE | 4) as i32);
    assert_eq!(e.call(nr::setpriority, &[0, 0, 19]), 0);
    assert_eq!(e.call(nr::ioprio_get, &[WHO_PROCESS, 0]), (BE | 7) as i32);
    assert_eq!(e.call(nr::ioprio_set, &[WHO_PROCESS, 0, BE | 2]), 0);
    assert_eq!(e.call(nr::ioprio_get, &[WHO_PROCESS, 1]), (BE | 2) as i32);
    assert_eq!(e.call(nr::ioprio_get, &[WHO_PGRP, 0]), (BE | 2) as i32);
    assert_eq!(e.call(nr::ioprio_get, &[WHO_USER, 0]), (BE | 2) as i32);
    assert_eq!(e.call(nr::ioprio_set, &[WHO_PROCESS, 0, BE | 8]), EINVAL);
    assert_eq!(e.call(nr::ioprio_set, &[WHO_PROCESS, 0, 1]), EINVAL, "class NONE with data");
    assert_eq!(e.call(nr::ioprio_set, &[WHO_PROCESS, 0, 4 << 13]), EINVAL, "unknown class");
    assert_eq!(e.call(nr::ioprio_set, &[9, 0, BE]), EINVAL);
    assert_eq!(e.call(nr::ioprio_get, &[0, 0]), EINVAL);
    assert_eq!(e.call(nr::ioprio_get, &[WHO_PROCESS, 4242]), ESRCH);
    assert_eq!(e.call(nr::ioprio_set, &[WHO_PROCESS, 0, RT | 1]), 0);
    // Inherited by fork; real-time needs root; another user's process EPERM.
    let (child, mut cm) = fork(&mut e);
    assert_eq!(csc(&e.k, child, &mut cm, nr::ioprio_get, &[WHO_PROCESS, 0]), (RT | 1) as i32);
    assert_eq!(csc(&e.k, child, &mut cm, nr::setuid, &[1000]), 0);
    assert_eq!(csc(&e.k, child, &mut cm, nr::ioprio_set, &[WHO_PROCESS, 0, RT]), EPERM);
    assert_eq!(csc(&e.k, child, &mut cm, nr::ioprio_set, &[WHO_PROCESS, 0, IDLE]), 0);
    assert_eq!(csc(&e.k, child, &mut cm, nr::ioprio_set, &[WHO_PROCESS, 1, IDLE]), EPERM);
    assert_eq!(e.call(nr::ioprio_get, &[WHO_PROCESS, child as u32]), IDLE as i32);
}

/// A host with 4 CPUs: the affinity mask covers them, is set per thread,
/// must contain one of them, and getcpu answers within it.
#[test]
fn affinity_per_thread_over_the_host_cpus() {
    let mut e = Env::with_config(wasmlinux_kernel::KernelConfig { cpus: 4, ..Default::default() });
    let (pid, mut m) = threaded_process(&mut e);
    let t = spawn_thread(&e.k, pid, &mut m, 0, 0, 0);
    let k = e.k.clone();
    assert_eq!(tsc(&k, t, &mut m, nr::sched_getaffinity, &[0, 128, 0x6000]), 4);
    assert_eq!(m.u32_at(0x6000), 0xf);
    assert_eq!(tsc(&k, t, &mut m, nr::sched_getaffinity, &[0, 6, 0x6000]), EINVAL, "not a multiple of 4");
    m.put_u32(0x6000, 0x30);
    assert_eq!(tsc(&k, t, &mut m, nr::sched_setaffinity, &[0, 4, 0x6000]), EINVAL, "no such CPU");
    m.put_u32(0x6000, 0x4 | 0x100);
    assert_eq!(tsc(&k, t, &mut m, nr::sched_setaffinity, &[0, 4, 0x6000]), 0);
    assert_eq!(tsc(&k, pid, &mut m, nr::sched_getaffinity, &[t as u32, 4, 0x6100]), 4);
    assert_eq!(m.u32_at(0x6100), 0x4, "per thread; CPUs beyond the host's dropped");
    assert_eq!(tsc(&k, pid, &mut m, nr::sched_getaffinity, &[0, 4, 0x6100]), 4);
    assert_eq!(m.u32_at(0x6100), 0xf, "the other thread is unchanged");
    assert_eq!(tsc(&k, t, &mut m, nr::getcpu, &[0x6200, 0x6204, 0]), 0);
    assert_eq!((m.u32_at(0x6200), m.u32_at(0x6204)), (2, 0));
    assert_eq!(tsc(&k, pid, &mut m, nr::getcpu, &[0x6200, 0, 0]), 0);
    assert!(m.u32_at(0x6200) < 4);
    // A new thread inherits its creator's mask; /proc shows it.
    let t2 = spawn_thread(&k, t, &mut m, 0, 0, 0);
    assert_eq!(tsc(&k, t2, &mut m, nr::sched_getaffinity, &[0, 4, 0x6100]), 4);
    assert_eq!(m.u32_at(0x6100), 0x4);
    let st = read_file_as(&k, t, &mut m, &format!("/proc/{pid}/task/{t}/status")).unwrap();
    assert!(st.contains("Cpus_allowed:\t00000004\n") && st.contains("Cpus_allowed_list:\t2\n"), "{st}");
    let st = read_file_as(&k, t, &mut m, &format!("/proc/{pid}/status")).unwrap();
    assert!(st.contains("Cpus_allowed_list:\t0-3\n"), "{st}");
}
