/*
 * wasmlinux ABI wrapper: the input of `cargo run -p wasmlinux-sysroot --bin gen-abi`, which turns
 * the structs named here into kernel/src/abi/uapi.rs (bindgen, --target=wasm32-unknown-unknown).
 *
 * Compiled against the exported uapi headers only (no libc). Most structs come straight from
 * uapi; the ones below with a `wasmlinux_` prefix are the kernel's view of structs that Linux
 * does not export to userland (they live in libc headers or in kernel-internal headers), or
 * flattened forms of uapi structs that contain unions (the kernel crate forbids unsafe code, so
 * unions are useless to it). gen-abi strips the `wasmlinux_` prefix from the Rust names.
 *
 * Pointers are 32-bit guest addresses: gen-abi turns every pointer into u32; here they are
 * spelled `wasmlinux_uptr` where the struct is ours.
 */
#ifndef _WASMLINUX_ABI_H
#define _WASMLINUX_ABI_H

#include <linux/types.h>
#include <linux/stat.h>
#include <asm/stat.h>
#include <asm/statfs.h>
#include <linux/fcntl.h>
#include <linux/time_types.h>
#include <linux/time.h>
#include <linux/times.h>
#include <linux/uio.h>
#include <asm/termbits.h>
#include <asm/termios.h>
#include <asm/signal.h>
#include <asm/sigcontext.h>
#include <asm/ucontext.h>
#include <asm/poll.h>
#include <linux/eventpoll.h>
#include <linux/resource.h>
#include <linux/utsname.h>
#include <linux/socket.h>
#include <linux/in.h>
#include <linux/un.h>
#include <linux/sysinfo.h>
#include <linux/futex.h>
#include <linux/sched.h>
#include <linux/sched/types.h>
#include <linux/openat2.h>
#include <linux/errno.h>
#include <linux/signalfd.h>
#include <linux/capability.h>
#include <linux/sem.h>
#include <linux/msg.h>
#include <linux/shm.h>
#include <linux/mqueue.h>

typedef __u32 wasmlinux_uptr; /* a guest (wasm32) pointer */

/* System V IPC (asm-generic, 32-bit): ipc64_perm has a zero-length `__pad1` (mode_t is 32 bits),
 * which bindgen cannot express without unsafe, so the perm and the two structs holding it are
 * restated here field for field and checked against the real ones. musl for wasm32 passes these
 * (IPC_64 = 0; its `struct semid_ds`/`msqid_ds` start with the same bytes). */
struct wasmlinux_ipc64_perm {
	__kernel_key_t key;
	__kernel_uid32_t uid;
	__kernel_gid32_t gid;
	__kernel_uid32_t cuid;
	__kernel_gid32_t cgid;
	__kernel_mode_t mode;
	unsigned short seq;
	unsigned short __pad2;
	__kernel_ulong_t __unused1;
	__kernel_ulong_t __unused2;
};
_Static_assert(sizeof(struct wasmlinux_ipc64_perm) == sizeof(struct ipc64_perm), "ipc64_perm");
_Static_assert(__builtin_offsetof(struct wasmlinux_ipc64_perm, seq) == __builtin_offsetof(struct ipc64_perm, seq), "ipc64_perm.seq");
struct wasmlinux_semid64_ds {
	struct wasmlinux_ipc64_perm sem_perm;
	unsigned long sem_otime;
	unsigned long sem_otime_high;
	unsigned long sem_ctime;
	unsigned long sem_ctime_high;
	unsigned long sem_nsems;
	unsigned long __unused3;
	unsigned long __unused4;
};
_Static_assert(sizeof(struct wasmlinux_semid64_ds) == sizeof(struct semid64_ds), "semid64_ds");
_Static_assert(__builtin_offsetof(struct wasmlinux_semid64_ds, sem_nsems) == __builtin_offsetof(struct semid64_ds, sem_nsems), "semid64_ds.sem_nsems");
struct wasmlinux_msqid64_ds {
	struct wasmlinux_ipc64_perm msg_perm;
	unsigned long msg_stime;
	unsigned long msg_stime_high;
	unsigned long msg_rtime;
	unsigned long msg_rtime_high;
	unsigned long msg_ctime;
	unsigned long msg_ctime_high;
	unsigned long msg_cbytes;
	unsigned long msg_qnum;
	unsigned long msg_qbytes;
	__kernel_pid_t msg_lspid;
	__kernel_pid_t msg_lrpid;
	unsigned long __unused4;
	unsigned long __unused5;
};
_Static_assert(sizeof(struct wasmlinux_msqid64_ds) == sizeof(struct msqid64_ds), "msqid64_ds");
_Static_assert(__builtin_offsetof(struct wasmlinux_msqid64_ds, msg_lrpid) == __builtin_offsetof(struct msqid64_ds, msg_lrpid), "msqid64_ds.msg_lrpid");
struct wasmlinux_shmid64_ds {
	struct wasmlinux_ipc64_perm shm_perm;
	__kernel_size_t shm_segsz;
	unsigned long shm_atime;
	unsigned long shm_atime_high;
	unsigned long shm_dtime;
	unsigned long shm_dtime_high;
	unsigned long shm_ctime;
	unsigned long shm_ctime_high;
	__kernel_pid_t shm_cpid;
	__kernel_pid_t shm_lpid;
	unsigned long shm_nattch;
	unsigned long __unused4;
	unsigned long __unused5;
};
_Static_assert(sizeof(struct wasmlinux_shmid64_ds) == sizeof(struct shmid64_ds), "shmid64_ds");
_Static_assert(__builtin_offsetof(struct wasmlinux_shmid64_ds, shm_nattch) == __builtin_offsetof(struct shmid64_ds, shm_nattch), "shmid64_ds.shm_nattch");

/* getdents64(2): the fixed head; the NUL-terminated name starts at
 * WASMLINUX_DIRENT64_NAME_OFFSET (19) and d_reclen rounds the record up to 8. */
struct wasmlinux_linux_dirent64 {
	__u64 d_ino;
	__s64 d_off;
	unsigned short d_reclen;
	unsigned char d_type;
};
#define WASMLINUX_DIRENT64_NAME_OFFSET 19
struct wasmlinux_linux_dirent64_full_ { __u64 a; __s64 b; unsigned short c; unsigned char d; char d_name[]; };
_Static_assert(__builtin_offsetof(struct wasmlinux_linux_dirent64_full_, d_name) == WASMLINUX_DIRENT64_NAME_OFFSET, "dirent64 name");

/* siginfo_t (asm-generic/siginfo.h, 128 bytes): the common head and one flattened struct per
 * union member the kernel fills. Every variant is exactly 128 bytes. */
#define WASMLINUX_SI_HEAD int si_signo; int si_errno; int si_code
struct wasmlinux_siginfo {         /* any */
	WASMLINUX_SI_HEAD;
	__u32 _fields[29];
};
struct wasmlinux_siginfo_kill {    /* kill(2), tkill, SI_USER */
	WASMLINUX_SI_HEAD;
	__kernel_pid_t si_pid;
	__kernel_uid32_t si_uid;
	__u32 _pad[27];
};
struct wasmlinux_siginfo_rt {      /* sigqueue, mq_notify */
	WASMLINUX_SI_HEAD;
	__kernel_pid_t si_pid;
	__kernel_uid32_t si_uid;
	__u32 si_value;                  /* union sigval: int or pointer, 32 bits on wasm32 */
	__u32 _pad[26];
};
struct wasmlinux_siginfo_timer {   /* POSIX timers */
	WASMLINUX_SI_HEAD;
	__kernel_timer_t si_tid;
	int si_overrun;
	__u32 si_value;
	int _sys_private;
	__u32 _pad[25];
};
struct wasmlinux_siginfo_sigchld { /* SIGCHLD */
	WASMLINUX_SI_HEAD;
	__kernel_pid_t si_pid;
	__kernel_uid32_t si_uid;
	int si_status;
	__kernel_clock_t si_utime;
	__kernel_clock_t si_stime;
	__u32 _pad[24];
};
struct wasmlinux_siginfo_sigfault { /* SIGSEGV, SIGILL, SIGFPE, SIGBUS */
	WASMLINUX_SI_HEAD;
	wasmlinux_uptr si_addr;
	__u32 _pad[28];
};
struct wasmlinux_siginfo_sigpoll { /* SIGPOLL / SIGIO */
	WASMLINUX_SI_HEAD;
	long si_band;
	int si_fd;
	__u32 _pad[27];
};
struct wasmlinux_siginfo_sigsys {  /* SIGSYS (seccomp) */
	WASMLINUX_SI_HEAD;
	wasmlinux_uptr si_call_addr;
	int si_syscall;
	unsigned int si_arch;
	__u32 _pad[26];
};

/* sigevent_t (asm-generic/siginfo.h, 64 bytes) with its union flattened to the members the
 * kernel reads: timer_create(2) and mq_notify(2) take it. */
struct wasmlinux_sigevent {
	__u32 sigev_value;               /* union sigval: int or pointer, 32 bits on wasm32 */
	int sigev_signo;
	int sigev_notify;
	int sigev_notify_thread_id;      /* _sigev_un._tid (SIGEV_THREAD_ID) */
	__u32 _pad[12];
};
_Static_assert(sizeof(struct wasmlinux_sigevent) == 64, "sigevent: SIGEV_MAX_SIZE");

/* pselect6(2)'s sixth argument: the kernel's sigset_argpack (not exported to uapi). */
struct wasmlinux_sigset_argpack {
	wasmlinux_uptr ss;
	__kernel_size_t ss_len;
};

/* Sockets: what libc's <sys/socket.h> and <netinet/in.h> define, 32-bit layout. */
struct wasmlinux_sockaddr {
	__kernel_sa_family_t sa_family;
	char sa_data[14];
};
struct wasmlinux_sockaddr_storage { /* __kernel_sockaddr_storage without its alignment union */
	__kernel_sa_family_t ss_family;
	__u8 __data[_K_SS_MAXSIZE - sizeof(__kernel_sa_family_t)];
};
struct wasmlinux_sockaddr_in6 {    /* linux/in6.h's, with in6_addr as bytes (it is a union) */
	__kernel_sa_family_t sin6_family;
	__be16 sin6_port;
	__be32 sin6_flowinfo;
	__u8 sin6_addr[16];
	__u32 sin6_scope_id;
};
struct wasmlinux_msghdr {          /* the kernel's user_msghdr */
	wasmlinux_uptr msg_name;
	int msg_namelen;
	wasmlinux_uptr msg_iov;
	__kernel_size_t msg_iovlen;
	wasmlinux_uptr msg_control;
	__kernel_size_t msg_controllen;
	unsigned int msg_flags;
};
struct wasmlinux_mmsghdr {
	struct wasmlinux_msghdr msg_hdr;
	unsigned int msg_len;
};
struct wasmlinux_cmsghdr {         /* data follows at CMSG_ALIGN(sizeof) = 12 */
	__kernel_size_t cmsg_len;
	int cmsg_level;
	int cmsg_type;
};
struct wasmlinux_linger {
	int l_onoff;
	int l_linger;
};
struct wasmlinux_ucred {
	__u32 pid;
	__u32 uid;
	__u32 gid;
};

#endif /* _WASMLINUX_ABI_H */
