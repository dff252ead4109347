/* __clone for threads (pthread_create, thrd_create, clone(2) with CLONE_THREAD).
 *
 * A wasm thread cannot return from clone into a copy of the caller's frames, so a new
 * thread starts at crt1.c's __wasmlinux_thread_start in a new instance over the same
 * shared memory: fn and arg are stored at the top of the new stack (as musl's asm does),
 * and the bridge calls __wasmlinux_thread_start(stack, tls) with __stack_pointer = stack.
 * The call goes to env.wasmlinux_syscall32 directly: a thread needs no stack capture, so
 * threaded programs do not import the fork hook (ARCHITECTURE.md, "Threads"). Only
 * pthread_create and thrd_create call this; process clones (posix_spawn, clone(2)) go
 * through the fork emulation (process/fork_clone.c), which sends CLONE_THREAD here. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include "pthread_impl.h"
#include "syscall.h"

int __clone(int (*fn)(void *), void *stack, int flags, void *arg, ...)
{
	va_list ap;
	pid_t *ptid, *ctid;
	void *tls;
	uintptr_t *sp;
	unsigned long w[6];

	va_start(ap, arg);
	ptid = va_arg(ap, pid_t *);
	tls = va_arg(ap, void *);
	ctid = va_arg(ap, pid_t *);
	va_end(ap);
	if (!(flags & CLONE_THREAD)) return -ENOSYS;
	if (!stack) return -EINVAL;
	sp = (uintptr_t *)((uintptr_t)stack & -16) - 4;
	sp[0] = (uintptr_t)fn;
	sp[1] = (uintptr_t)arg;
	sp[2] = sp[3] = 0;
	w[0] = flags;
	w[1] = (unsigned long)sp;
	w[2] = (unsigned long)ptid;
	w[3] = (unsigned long)tls;
	w[4] = (unsigned long)ctid;
	w[5] = 0;
	return __wasmlinux_syscall32(SYS_clone, w);
}
