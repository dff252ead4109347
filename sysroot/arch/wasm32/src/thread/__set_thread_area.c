/* The thread pointer is a plain variable read by __get_tp (pthread_arch.h). */
#include "pthread_impl.h"

hidden uintptr_t __wasmlinux_tp;

int __set_thread_area(void *p)
{
	__wasmlinux_tp = (uintptr_t)p;
	return 0;
}
