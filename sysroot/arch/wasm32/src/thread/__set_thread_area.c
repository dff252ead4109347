/* The thread pointer is a thread-local variable read by __get_tp (pthread_arch.h). The
 * main thread sets it here (musl's __init_tp); a new thread's is set by crt1.c's
 * __wasmlinux_thread_start from clone's tls argument. */
#include "pthread_impl.h"

hidden __thread uintptr_t __wasmlinux_tp;

int __set_thread_area(void *p)
{
	__wasmlinux_tp = (uintptr_t)p;
	return 0;
}
