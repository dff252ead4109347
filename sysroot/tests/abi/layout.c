/*
 * ABI layout check: sizes and offsets of the structs the guest and the kernel
 * exchange, as musl's headers for wasm32 lay them out, against the kernel's generated Rust view
 * (kernel/src/abi/uapi.rs).
 *
 * Each CHECK(key, expr) names a value of the Rust side (`key` is how sysroot/tests/abi_layout.rs
 * names it: size_<type> or off_<type>_<field>) and the C expression that must equal it.
 *
 *  - With -DWL_EXPECT (the test passes -include expect.h defining WL_EXPECT_<key>), every CHECK
 *    is a _Static_assert: compiling with clang-16 --target=wasm32 against the sysroot is the test
 *    (sysroot/tests/abi_layout.rs does this).
 *  - Without it, the program prints "key value" lines: build it with wasmlinux-cc and run it
 *    under wasmlinux to see the guest's numbers.
 *
 * Optional: -DWL_KSTAT (musl's internal arch/wasm32/kstat.h is on the include path) and
 * -DWL_KSIGACTION="path/to/musl/src/internal/ksigaction.h".
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/uio.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/sysinfo.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <netinet/in.h>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <termios.h>
#include <time.h>
#include <ucontext.h>
#include <sched.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/msg.h>
#include <sys/shm.h>
#include <mqueue.h>

#ifdef WL_KSTAT
#include "kstat.h"
#endif
#ifdef WL_KSIGACTION
#define hidden __attribute__((__visibility__("hidden")))
#include WL_KSIGACTION
#endif

#ifdef WL_EXPECT
#define CHECK(key, expr) _Static_assert((expr) == WL_EXPECT_##key, #key " differs: " #expr);
#define BEGIN
#define END
#else
#define CHECK(key, expr) printf("%s %lu\n", #key, (unsigned long)(expr));
#define BEGIN int main(void) {
#define END return 0; }
#endif

BEGIN
#ifdef WL_KSTAT
/* fstatat64/fstat64: musl's view of the kernel struct */
CHECK(size_stat64, sizeof(struct kstat))
CHECK(off_stat64_st_ino, offsetof(struct kstat, st_ino))
CHECK(off_stat64_st_mode, offsetof(struct kstat, st_mode))
CHECK(off_stat64_st_rdev, offsetof(struct kstat, st_rdev))
CHECK(off_stat64_st_size, offsetof(struct kstat, st_size))
CHECK(off_stat64_st_blksize, offsetof(struct kstat, st_blksize))
CHECK(off_stat64_st_blocks, offsetof(struct kstat, st_blocks))
CHECK(off_stat64_st_atime, offsetof(struct kstat, st_atime_sec))
CHECK(off_stat64_st_mtime_nsec, offsetof(struct kstat, st_mtime_nsec))
CHECK(off_stat64_st_ctime_nsec, offsetof(struct kstat, st_ctime_nsec))
#endif
/* statx */
CHECK(size_statx, sizeof(struct statx))
CHECK(off_statx_stx_mask, offsetof(struct statx, stx_mask))
CHECK(off_statx_stx_mode, offsetof(struct statx, stx_mode))
CHECK(off_statx_stx_ino, offsetof(struct statx, stx_ino))
CHECK(off_statx_stx_size, offsetof(struct statx, stx_size))
CHECK(off_statx_stx_blocks, offsetof(struct statx, stx_blocks))
CHECK(off_statx_stx_atime, offsetof(struct statx, stx_atime))
CHECK(off_statx_stx_mtime, offsetof(struct statx, stx_mtime))
CHECK(off_statx_stx_rdev_major, offsetof(struct statx, stx_rdev_major))
CHECK(off_statx_stx_dev_minor, offsetof(struct statx, stx_dev_minor))
CHECK(size_statx_timestamp, sizeof(struct statx_timestamp))
/* statfs64 (musl's struct statfs is the 64-bit one) */
CHECK(size_statfs64, sizeof(struct statfs))
CHECK(off_statfs64_f_blocks, offsetof(struct statfs, f_blocks))
CHECK(off_statfs64_f_ffree, offsetof(struct statfs, f_ffree))
CHECK(off_statfs64_f_fsid, offsetof(struct statfs, f_fsid))
CHECK(off_statfs64_f_namelen, offsetof(struct statfs, f_namelen))
CHECK(off_statfs64_f_flags, offsetof(struct statfs, f_flags))
/* time (musl's time_t is 64-bit: its timespec is the kernel's __kernel_timespec) */
CHECK(size___kernel_timespec, sizeof(struct timespec))
CHECK(off___kernel_timespec_tv_nsec, offsetof(struct timespec, tv_nsec))
CHECK(size___kernel_itimerspec, sizeof(struct itimerspec))
CHECK(off___kernel_itimerspec_it_value, offsetof(struct itimerspec, it_value))
CHECK(size___kernel_sock_timeval, sizeof(struct timeval))
CHECK(off___kernel_sock_timeval_tv_usec, offsetof(struct timeval, tv_usec))
CHECK(size_timezone, sizeof(struct timezone))
CHECK(size_tms, sizeof(struct tms))
CHECK(off_tms_tms_cstime, offsetof(struct tms, tms_cstime))
/* I/O */
CHECK(size_iovec, sizeof(struct iovec))
CHECK(off_iovec_iov_len, offsetof(struct iovec, iov_len))
CHECK(size_pollfd, sizeof(struct pollfd))
CHECK(off_pollfd_events, offsetof(struct pollfd, events))
CHECK(off_pollfd_revents, offsetof(struct pollfd, revents))
CHECK(size_epoll_event, sizeof(struct epoll_event))
CHECK(off_epoll_event_data, offsetof(struct epoll_event, data))
CHECK(off_linux_dirent64_d_off, offsetof(struct dirent, d_off))
CHECK(off_linux_dirent64_d_reclen, offsetof(struct dirent, d_reclen))
CHECK(off_linux_dirent64_d_type, offsetof(struct dirent, d_type))
CHECK(DIRENT64_NAME_OFFSET, offsetof(struct dirent, d_name))
CHECK(size_flock64, sizeof(struct flock))
CHECK(off_flock64_l_whence, offsetof(struct flock, l_whence))
CHECK(off_flock64_l_start, offsetof(struct flock, l_start))
CHECK(off_flock64_l_len, offsetof(struct flock, l_len))
CHECK(off_flock64_l_pid, offsetof(struct flock, l_pid))
CHECK(size_f_owner_ex, sizeof(struct f_owner_ex))
CHECK(off_f_owner_ex_pid, offsetof(struct f_owner_ex, pid))
/* tty: musl's termios is longer (NCCS 32, speeds after c_cc); the kernel's prefix must agree */
CHECK(off_termios_c_oflag, offsetof(struct termios, c_oflag))
CHECK(off_termios_c_lflag, offsetof(struct termios, c_lflag))
CHECK(off_termios_c_line, offsetof(struct termios, c_line))
CHECK(off_termios_c_cc, offsetof(struct termios, c_cc))
CHECK(size_winsize, sizeof(struct winsize))
CHECK(off_winsize_ws_col, offsetof(struct winsize, ws_col))
/* signals */
#ifdef WL_KSIGACTION
CHECK(off_sigaction_sa_flags, offsetof(struct k_sigaction, flags))
CHECK(off_sigaction_sa_mask, offsetof(struct k_sigaction, mask))
CHECK(size_sigset_t, sizeof(((struct k_sigaction *)0)->mask))
#endif
CHECK(size_sigaltstack, sizeof(stack_t))
CHECK(off_sigaltstack_ss_flags, offsetof(stack_t, ss_flags))
CHECK(off_sigaltstack_ss_size, offsetof(stack_t, ss_size))
CHECK(size_ucontext, sizeof(ucontext_t))
CHECK(off_ucontext_uc_link, offsetof(ucontext_t, uc_link))
CHECK(off_ucontext_uc_stack, offsetof(ucontext_t, uc_stack))
CHECK(off_ucontext_uc_sigmask, offsetof(ucontext_t, uc_sigmask))
CHECK(off_ucontext_uc_mcontext, offsetof(ucontext_t, uc_mcontext))
CHECK(size_sigcontext, sizeof(mcontext_t))
CHECK(size_siginfo, sizeof(siginfo_t))
CHECK(off_siginfo_si_code, offsetof(siginfo_t, si_code))
CHECK(off_siginfo_kill_si_pid, offsetof(siginfo_t, si_pid))
CHECK(off_siginfo_kill_si_uid, offsetof(siginfo_t, si_uid))
CHECK(off_siginfo_rt_si_value, offsetof(siginfo_t, si_value))
CHECK(off_siginfo_timer_si_tid, offsetof(siginfo_t, si_timerid))
CHECK(off_siginfo_timer_si_overrun, offsetof(siginfo_t, si_overrun))
CHECK(off_siginfo_timer_si_value, offsetof(siginfo_t, si_value))
CHECK(off_siginfo_sigchld_si_status, offsetof(siginfo_t, si_status))
CHECK(off_siginfo_sigchld_si_utime, offsetof(siginfo_t, si_utime))
CHECK(off_siginfo_sigchld_si_stime, offsetof(siginfo_t, si_stime))
CHECK(off_siginfo_sigfault_si_addr, offsetof(siginfo_t, si_addr))
CHECK(off_siginfo_sigpoll_si_band, offsetof(siginfo_t, si_band))
CHECK(off_siginfo_sigpoll_si_fd, offsetof(siginfo_t, si_fd))
CHECK(off_siginfo_sigsys_si_call_addr, offsetof(siginfo_t, si_call_addr))
CHECK(off_siginfo_sigsys_si_syscall, offsetof(siginfo_t, si_syscall))
CHECK(off_siginfo_sigsys_si_arch, offsetof(siginfo_t, si_arch))
/* process (musl's rlim_t is 64-bit: its rlimit is the kernel's rlimit64) */
CHECK(size_rlimit64, sizeof(struct rlimit))
CHECK(off_rlimit64_rlim_max, offsetof(struct rlimit, rlim_max))
CHECK(size_new_utsname, sizeof(struct utsname))
CHECK(off_new_utsname_machine, offsetof(struct utsname, machine))
CHECK(off_new_utsname_domainname, offsetof(struct utsname, domainname))
CHECK(off_sysinfo_loads, offsetof(struct sysinfo, loads))
CHECK(off_sysinfo_totalswap, offsetof(struct sysinfo, totalswap))
CHECK(off_sysinfo_procs, offsetof(struct sysinfo, procs))
CHECK(off_sysinfo_totalhigh, offsetof(struct sysinfo, totalhigh))
CHECK(off_sysinfo_mem_unit, offsetof(struct sysinfo, mem_unit))
CHECK(off_sched_param_sched_priority, offsetof(struct sched_param, sched_priority))
/* sockets */
CHECK(size_sockaddr, sizeof(struct sockaddr))
CHECK(off_sockaddr_sa_data, offsetof(struct sockaddr, sa_data))
CHECK(size_sockaddr_storage, sizeof(struct sockaddr_storage))
CHECK(size_sockaddr_in, sizeof(struct sockaddr_in))
CHECK(off_sockaddr_in_sin_port, offsetof(struct sockaddr_in, sin_port))
CHECK(off_sockaddr_in_sin_addr, offsetof(struct sockaddr_in, sin_addr))
CHECK(size_sockaddr_in6, sizeof(struct sockaddr_in6))
CHECK(off_sockaddr_in6_sin6_flowinfo, offsetof(struct sockaddr_in6, sin6_flowinfo))
CHECK(off_sockaddr_in6_sin6_addr, offsetof(struct sockaddr_in6, sin6_addr))
CHECK(off_sockaddr_in6_sin6_scope_id, offsetof(struct sockaddr_in6, sin6_scope_id))
CHECK(size_sockaddr_un, sizeof(struct sockaddr_un))
CHECK(off_sockaddr_un_sun_path, offsetof(struct sockaddr_un, sun_path))
CHECK(size_msghdr, sizeof(struct msghdr))
CHECK(off_msghdr_msg_namelen, offsetof(struct msghdr, msg_namelen))
CHECK(off_msghdr_msg_iov, offsetof(struct msghdr, msg_iov))
CHECK(off_msghdr_msg_iovlen, offsetof(struct msghdr, msg_iovlen))
CHECK(off_msghdr_msg_control, offsetof(struct msghdr, msg_control))
CHECK(off_msghdr_msg_controllen, offsetof(struct msghdr, msg_controllen))
CHECK(off_msghdr_msg_flags, offsetof(struct msghdr, msg_flags))
CHECK(size_mmsghdr, sizeof(struct mmsghdr))
CHECK(off_mmsghdr_msg_len, offsetof(struct mmsghdr, msg_len))
CHECK(size_cmsghdr, sizeof(struct cmsghdr))
CHECK(off_cmsghdr_cmsg_level, offsetof(struct cmsghdr, cmsg_level))
CHECK(off_cmsghdr_cmsg_type, offsetof(struct cmsghdr, cmsg_type))
CHECK(size_cmsghdr, (size_t)CMSG_DATA((struct cmsghdr *)0))
CHECK(size_linger, sizeof(struct linger))
CHECK(off_linger_l_linger, offsetof(struct linger, l_linger))
CHECK(size_ucred, sizeof(struct ucred))
CHECK(off_ucred_gid, offsetof(struct ucred, gid))
/* signalfd(2) records */
CHECK(size_signalfd_siginfo, sizeof(struct signalfd_siginfo))
CHECK(off_signalfd_siginfo_ssi_status, offsetof(struct signalfd_siginfo, ssi_status))
CHECK(off_signalfd_siginfo_ssi_int, offsetof(struct signalfd_siginfo, ssi_int))
CHECK(off_signalfd_siginfo_ssi_ptr, offsetof(struct signalfd_siginfo, ssi_ptr))
CHECK(off_signalfd_siginfo_ssi_addr, offsetof(struct signalfd_siginfo, ssi_addr))
/* timer_create(2) */
CHECK(size_sigevent, sizeof(struct sigevent))
CHECK(off_sigevent_sigev_signo, offsetof(struct sigevent, sigev_signo))
CHECK(off_sigevent_sigev_notify, offsetof(struct sigevent, sigev_notify))
CHECK(off_sigevent_sigev_notify_thread_id, offsetof(struct sigevent, sigev_notify_thread_id))
/* sysinfo(2) (musl reserves 256 more bytes after the kernel's 64) */
CHECK(off_sysinfo_totalram, offsetof(struct sysinfo, totalram))
CHECK(off_sysinfo_procs, offsetof(struct sysinfo, procs))
CHECK(off_sysinfo_mem_unit, offsetof(struct sysinfo, mem_unit))
/* System V IPC (IPC_64 = 0): musl's semid_ds/msqid_ds begin with the kernel's 64-bit structs,
 * times split low/high; IPC_STAT writes only that prefix. */
CHECK(off_ipc64_perm_mode, offsetof(struct ipc_perm, mode))
CHECK(off_ipc64_perm_seq, offsetof(struct ipc_perm, __ipc_perm_seq))
CHECK(off_semid64_ds_sem_otime, offsetof(struct semid_ds, __sem_otime_lo))
CHECK(off_semid64_ds_sem_otime_high, offsetof(struct semid_ds, __sem_otime_hi))
CHECK(off_semid64_ds_sem_ctime, offsetof(struct semid_ds, __sem_ctime_lo))
CHECK(off_semid64_ds_sem_nsems, offsetof(struct semid_ds, sem_nsems))
CHECK(off_msqid64_ds_msg_stime, offsetof(struct msqid_ds, __msg_stime_lo))
CHECK(off_msqid64_ds_msg_ctime_high, offsetof(struct msqid_ds, __msg_ctime_hi))
CHECK(off_msqid64_ds_msg_cbytes, offsetof(struct msqid_ds, msg_cbytes))
CHECK(off_msqid64_ds_msg_qnum, offsetof(struct msqid_ds, msg_qnum))
CHECK(off_msqid64_ds_msg_qbytes, offsetof(struct msqid_ds, msg_qbytes))
CHECK(off_msqid64_ds_msg_lspid, offsetof(struct msqid_ds, msg_lspid))
CHECK(off_msqid64_ds_msg_lrpid, offsetof(struct msqid_ds, msg_lrpid))
CHECK(off_shmid64_ds_shm_segsz, offsetof(struct shmid_ds, shm_segsz))
CHECK(off_shmid64_ds_shm_atime, offsetof(struct shmid_ds, __shm_atime_lo))
CHECK(off_shmid64_ds_shm_ctime_high, offsetof(struct shmid_ds, __shm_ctime_hi))
CHECK(off_shmid64_ds_shm_cpid, offsetof(struct shmid_ds, shm_cpid))
CHECK(off_shmid64_ds_shm_lpid, offsetof(struct shmid_ds, shm_lpid))
CHECK(off_shmid64_ds_shm_nattch, offsetof(struct shmid_ds, shm_nattch))
CHECK(size_shminfo64, sizeof(struct shminfo))
CHECK(size_shm_info, sizeof(struct shm_info))
CHECK(off_shm_info_shm_tot, offsetof(struct shm_info, shm_tot))
CHECK(size_sembuf, sizeof(struct sembuf))
CHECK(size_seminfo, sizeof(struct seminfo))
CHECK(size_msginfo, sizeof(struct msginfo))
CHECK(off_msginfo_msgseg, offsetof(struct msginfo, msgseg))
CHECK(size_mq_attr, sizeof(struct mq_attr))
CHECK(off_mq_attr_mq_curmsgs, offsetof(struct mq_attr, mq_curmsgs))
END
