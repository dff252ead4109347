//! Tests of the syscall family in `kernel/src/syscall/misc.rs`: uname/sethostname/sysinfo,
//! getrandom, personality/prctl/getcpu/membarrier, vhangup, syslog.
mod common;
use common::*;
use wasmlinux_kernel::syscall::nr;

#[test]
fn uname_hostname_sysinfo() {
    let mut e = Env::new();
    assert_eq!(e.call(nr::uname, &[SCRATCH]), 0);
    assert_eq!(&e.get(SCRATCH, 6), b"Linux\0");
    assert_eq!(&e.get(SCRATCH + 65, 10), b"wasmlinux\0");
    assert_eq!(&e.get(SCRATCH + 65 * 4, 7), b"wasm32\0");
    assert_eq!(e.call(nr::uname, &[0xffff_ff00]), EFAULT);
    e.put(SCRATCH + 1024, b"box");
    assert_eq!(e.call(nr::sethostname, &[SCRATCH + 1024, 3]), 0);
    assert_eq!(e.call(nr::sethostname, &[SCRATCH + 1024, 65]), EINVAL);
    assert_eq!(e.call(nr::setdomainname, &[SCRATCH + 1024, 2]), 0);
    assert_eq!(e.call(nr::uname, &[SCRATCH]), 0);
    assert_eq!(&e.get(SCRATCH + 65, 4), b"box\0");
    assert_eq!(&e.get(SCRATCH + 65 * 5, 3), b"bo\0");
    assert_eq!(e.call(nr::setuid, &[5]), 0);
    assert_eq!(e.call(nr::sethostname, &[SCRATCH + 1024, 3]), EPERM);
    assert_eq!(e.call(nr::setdomainname, &[SCRATCH + 1024, 3]), EPERM);
    assert_eq!(e.call(nr::sysinfo, &[SCRATCH]), 0);
    assert_eq!(e.u32_at(SCRATCH + 52), 1, "mem_unit");
    assert!(e.u32_at(SCRATCH + 16) > 0);
    assert_eq!(e.call(nr::sysinfo, &[0xffff_fff0]), EFAULT);
}

#[test]
fn getrandom_times_rusage() {
    let mut e = Env::new();
    assert_eq!(e.call(nr::getrandom, &[SCRATCH, 64, 0]), 64);
    assert_ne!(e.get(SCRATCH, 64), vec![0; 64]);
    assert_eq!(e.call(nr::getrandom, &[SCRATCH, 16, 8]), EINVAL);
    assert_eq!(e.call(nr::getrandom, &[SCRATCH, 16, 6]), EINVAL);
    assert_eq!(e.call(nr::getrandom, &[0xffff_fff0, 64, 1]), EFAULT);
    assert!(e.call(nr::times, &[SCRATCH]) >= 0);
    assert!(e.call(nr::times, &[0]) >= 0);
    assert_eq!(e.call(nr::times, &[0xffff_fffc]), EFAULT);
    assert_eq!(e.call(nr::getrusage, &[0, SCRATCH]), 0);
    assert_eq!(e.call(nr::getrusage, &[(-1i32) as u32, SCRATCH]), 0);
    assert_eq!(e.call(nr::getrusage, &[5, SCRATCH]), EINVAL);
    assert_eq!(e.call(nr::getrusage, &[0, 0xffff_fff0]), EFAULT);
}

#[test]
fn personality_prctl_getcpu_membarrier() {
    let mut e = Env::new();
    assert_eq!(e.call(nr::personality, &[u32::MAX]), 0);
    assert_eq!(e.call(nr::personality, &[0x0040_0000]), 0);
    assert_eq!(e.call(nr::personality, &[u32::MAX]), 0x0040_0000);
    assert_eq!(e.call(nr::personality, &[1]), EINVAL);
    e.cstr(SCRATCH, "worker-thread-name-long");
    assert_eq!(e.call(nr::prctl, &[15, SCRATCH]), 0);
    assert_eq!(e.call(nr::prctl, &[16, SCRATCH + 100]), 0);
    assert_eq!(&e.get(SCRATCH + 100, 16), b"worker-thread-n\0");
    assert_eq!(e.call(nr::prctl, &[16, 0xffff_fff8]), EFAULT);
    assert_eq!(e.call(nr::prctl, &[3]), 1);
    assert_eq!(e.call(nr::prctl, &[38, 1, 0, 0, 0]), 0);
    assert_eq!(e.call(nr::prctl, &[38, 2, 0, 0, 0]), EINVAL);
    assert_eq!(e.call(nr::prctl, &[9999]), EINVAL);
    assert_eq!(e.call(nr::getcpu, &[SCRATCH, SCRATCH + 4, 0]), 0);
    assert_eq!(e.call(nr::getcpu, &[0, 0, 0]), 0);
    assert_eq!(e.call(nr::getcpu, &[0xffff_fffe, 0, 0]), EFAULT);
    assert!(e.call(nr::membarrier, &[0, 0, 0]) > 0);
    assert_eq!(e.call(nr::membarrier, &[1, 0, 0]), 0);
    assert_eq!(e.call(nr::membarrier, &[1, 1, 0]), EINVAL);
    assert_eq!(e.call(nr::membarrier, &[3, 0, 0]), EINVAL);
}

#[test]
fn vhangup_root_only() {
    let mut e = Env::new();
    // Init has no controlling terminal: nothing to hang up.
    assert_eq!(e.call(nr::vhangup, &[]), 0);
    assert_eq!(e.call(nr::setuid, &[1000]), 0);
    assert_eq!(e.call(nr::vhangup, &[]), EPERM);
}

/// syslog(2) on an empty kernel log: sizes, reads of nothing, argument
/// checks, and the privilege rule of `dmesg_restrict = 0`.
#[test]
fn syslog_empty_log() {
    let mut e = Env::new();
    assert_eq!(e.call(nr::syslog, &[10, 0, 0]), 1 << 17, "SIZE_BUFFER");
    assert_eq!(e.call(nr::syslog, &[9, 0, 0]), 0, "SIZE_UNREAD");
    assert_eq!(e.call(nr::syslog, &[3, SCRATCH, 4096]), 0, "READ_ALL copies nothing");
    assert_eq!(e.call(nr::syslog, &[2, SCRATCH, 4096]), 0, "READ does not wait");
    assert_eq!(e.call(nr::syslog, &[3, 0, 4096]), EINVAL, "NULL buffer");
    assert_eq!(e.call(nr::syslog, &[3, SCRATCH, -1i32 as u32]), EINVAL, "negative length");
    assert_eq!(e.call(nr::syslog, &[11, 0, 0]), EINVAL);
    assert_eq!(e.call(nr::syslog, &[-1i32 as u32, 0, 0]), EINVAL);
    assert_eq!(e.call(nr::syslog, &[8, 0, 9]), EINVAL, "console level 1..=8");
    assert_eq!(e.call(nr::syslog, &[8, 0, 4]), 0);
    assert_eq!(e.call(nr::syslog, &[5, 0, 0]), 0, "CLEAR as root");
    assert_eq!(e.call(nr::setuid, &[1000]), 0);
    assert_eq!(e.call(nr::syslog, &[5, 0, 0]), EPERM, "CLEAR needs CAP_SYSLOG");
    assert_eq!(e.call(nr::syslog, &[4, SCRATCH, 16]), EPERM);
    assert_eq!(e.call(nr::syslog, &[3, SCRATCH, 16]), 0, "READ_ALL is open to all");
    assert_eq!(e.call(nr::syslog, &[10, 0, 0]), 1 << 17);
}
