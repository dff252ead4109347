/* sigsetjmp is a macro in <setjmp.h>: setjmp(__wasmlinux_sigsetjmp_prep(env, save)).
 * The prep step saves the signal mask when asked; siglongjmp restores it before the
 * jump. The out-of-line sigsetjmp only serves address-taken uses (see setjmp.c). */
#include <setjmp.h>
#include <signal.h>
#include "syscall.h"
#undef sigsetjmp

struct __jmp_buf_tag *__wasmlinux_sigsetjmp_prep(struct __jmp_buf_tag *env, int savemask)
{
	env->__fl = savemask != 0;
	if (savemask)
		__syscall(SYS_rt_sigprocmask, SIG_SETMASK, 0, env->__ss, _NSIG/8);
	return env;
}

int sigsetjmp(sigjmp_buf env, int savemask)
{
	__wasmlinux_sigsetjmp_prep(env, savemask);
	env->__jb[0] = 0;
	return 0;
}
