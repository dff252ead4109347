/* pthread_cleanup_push/pop as musl's, except that a cleanup routine defined without
 * parameters (`void cleanup()`, `int cleanup()`), which Linux calls fine with the unused
 * argument, is registered through a trampoline of the right type (pthread_arch.h): the
 * routine takes no argument, so the argument slot holds the routine itself. */
#include "pthread_impl.h"

static void dummy(struct __ptcb *cb)
{
}
weak_alias(dummy, __do_cleanup_push);
weak_alias(dummy, __do_cleanup_pop);

static void call_void0(void *f)
{
	((void (*)(void))f)();
}

static void call_int0(void *f)
{
	((int (*)(void))f)();
}

void _pthread_cleanup_push(struct __ptcb *cb, void (*f)(void *), void *x)
{
	switch (__wasmlinux_fnsig((const void *)f)) {
	case 0x000: cb->__f = call_void0; cb->__x = (void *)f; break;
	case 0x100: cb->__f = call_int0; cb->__x = (void *)f; break;
	default: cb->__f = f; cb->__x = x;
	}
	__do_cleanup_push(cb);
}

void _pthread_cleanup_pop(struct __ptcb *cb, int run)
{
	__do_cleanup_pop(cb);
	if (run) cb->__f(cb->__x);
}
