/* A detached thread unmaps its own stack and exits (pthread_exit). musl's generic
 * version switches to a static stack with CRTJMP; here the two syscalls are issued with
 * argument words in static storage, so nothing touches the freed stack. Only one thread
 * can be here at a time: pthread_exit holds the thread list lock, which the kernel
 * releases at the thread's exit (clone's CLONE_CHILD_CLEARTID word). */
#include "pthread_impl.h"
#include "syscall.h"

static unsigned long unmap_args[6], exit_args[6];

void __unmapself(void *base, size_t size)
{
	unmap_args[0] = (unsigned long)base;
	unmap_args[1] = size;
	__wasmlinux_syscall32(SYS_munmap, unmap_args);
	for (;;) __wasmlinux_syscall32(SYS_exit, exit_args);
}
