#define _GNU_SOURCE
/* __clone for the callers that want a new process (posix_spawn, clone(2) without
 * CLONE_THREAD). Linear memory cannot be shared between wasm instances, so CLONE_VM is
 * emulated by a plain fork: the child runs fn(arg) on its copy of the stack and exits.
 * That is what posix_spawn needs (it talks to the child through a pipe). Thread-like
 * requests (CLONE_VM without CLONE_VFORK, CLONE_THREAD) fail with ENOSYS, so
 * pthread_create returns EAGAIN (it uses the generic src/thread/clone.c, which never
 * forks and keeps the fork import out of threaded programs). */
#include <errno.h>
#include <sched.h>
#include "pthread_impl.h"
#include "syscall.h"

hidden int __wasmlinux_fork_clone(int (*fn)(void *), void *stack, int flags, void *arg, ...)
{
	long ret;
	(void)stack;
	if ((flags & CLONE_THREAD) || ((flags & CLONE_VM) && !(flags & CLONE_VFORK)))
		return -ENOSYS;
	ret = __syscall(SYS_clone, flags & CSIGNAL, 0);
	if (ret) return ret;
	for (;;) __syscall(SYS_exit, fn(arg));
}
