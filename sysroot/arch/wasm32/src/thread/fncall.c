/* Calling a user's thread start routine with the type it was defined with (pthread_arch.h):
 * `void *f()`, `void f(void *)`, `void f()` and `int f(void *)` are common in old C and work
 * on Linux, where extra arguments are ignored and a missing result is garbage. */
#include "pthread_impl.h"

void *__wasmlinux_call_start(void *(*fn)(void *), void *arg)
{
	switch (__wasmlinux_fnsig((const void *)fn)) {
	case 0x000: ((void (*)(void))fn)(); return 0;
	case 0x100: return ((void *(*)(void))fn)();
	case 0x001: ((void (*)(void *))fn)(arg); return 0;
	default: return fn(arg); /* the declared type, or a trap as before */
	}
}
