#define _GNU_SOURCE
/* __clone for the callers that want a new process (posix_spawn, clone(2) without
 * CLONE_THREAD). Each process has its own linear memory, so CLONE_VM|CLONE_VFORK is
 * emulated by a plain fork: the child runs fn(arg) on its copy of the stack and exits.
 * That is what posix_spawn needs (it talks to the child through a pipe). CLONE_THREAD
 * goes to the thread path of __clone (thread/clone.c, which never forks and keeps the
 * fork import out of threaded programs); CLONE_VM without either (a process sharing the
 * caller's memory) fails with ENOSYS. */
#include <errno.h>
#include <stdarg.h>
#include <sched.h>
#include "pthread_impl.h"
#include "syscall.h"

hidden int __wasmlinux_fork_clone(int (*fn)(void *), void *stack, int flags, void *arg, ...)
{
	long ret;
	if (flags & CLONE_THREAD) {
		/* A thread (clone(2) called by the program): the thread path of __clone. */
		va_list ap;
		pid_t *ptid, *ctid;
		void *tls;
		va_start(ap, arg);
		ptid = va_arg(ap, pid_t *);
		tls = va_arg(ap, void *);
		ctid = va_arg(ap, pid_t *);
		va_end(ap);
		return __clone(fn, stack, flags, arg, ptid, tls, ctid);
	}
	if ((flags & CLONE_VM) && !(flags & CLONE_VFORK))
		return -ENOSYS;
	ret = __syscall(SYS_clone, flags & CSIGNAL, 0);
	if (ret) return ret;
	for (;;) __syscall(SYS_exit, fn(arg));
}
