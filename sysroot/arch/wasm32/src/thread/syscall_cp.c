/* Cancellable syscalls. musl's asm version lets the cancellation signal handler move
 * the pc from [__cp_begin, __cp_end) to __cp_cancel. wasm has no pc, so this port keeps
 * a thread-local flag for "inside a cancellation point's syscall" instead: crt1.c's
 * __wasmlinux_sigentry reports a pc of __cp_begin to a handler that interrupts such a
 * syscall, and when musl's cancel_handler answers by setting the pc to __cp_cancel, the
 * sigentry acts on the cancellation itself (__cancel: pthread_exit(PTHREAD_CANCELED),
 * running the cleanup handlers). A cancellation already pending at entry is acted upon
 * before the syscall, as in musl. */
#include "pthread_impl.h"
#include "syscall.h"

/* __cp_begin, __cp_end, __cp_cancel: cp_markers.s */
hidden __thread int __wasmlinux_in_cp;

hidden long __cancel(void);

hidden long __syscall_cp_asm(volatile int *cancel, syscall_arg_t nr,
	syscall_arg_t u, syscall_arg_t v, syscall_arg_t w,
	syscall_arg_t x, syscall_arg_t y, syscall_arg_t z)
{
	long r;
	if (*cancel) return __cancel();
	__wasmlinux_in_cp = 1;
	r = __syscall(nr, u, v, w, x, y, z);
	__wasmlinux_in_cp = 0;
	return r;
}
