/* Cancellable syscalls. musl's asm version lets a cancellation signal redirect the pc
 * between __cp_begin and __cp_end; wasm has no pc to redirect, so cancellation is acted
 * upon only when it is already pending at entry (deferred cancellation point). The
 * markers exist for pthread_cancel.c and never contain a pc (mcontext.__pc is 0). */
#include "pthread_impl.h"
#include "syscall.h"

hidden const char __cp_begin[1], __cp_end[1], __cp_cancel[1];

hidden long __cancel(void);

hidden long __syscall_cp_asm(volatile int *cancel, syscall_arg_t nr,
	syscall_arg_t u, syscall_arg_t v, syscall_arg_t w,
	syscall_arg_t x, syscall_arg_t y, syscall_arg_t z)
{
	if (*cancel) return __cancel();
	return __syscall(nr, u, v, w, x, y, z);
}
