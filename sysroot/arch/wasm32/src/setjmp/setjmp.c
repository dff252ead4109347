/* Direct calls to setjmp are rewritten by the compiler (emscripten SjLj lowering) and
 * never reach this function. It only serves calls through a pointer or from code built
 * without the lowering: it records "no setjmp id", so a later longjmp to this buffer
 * finds no matching setjmp and terminates the program (the host reports it). */
#include <setjmp.h>
#undef _setjmp

int setjmp(jmp_buf env)
{
	env->__jb[0] = 0;
	return 0;
}

int _setjmp(jmp_buf env)
{
	env->__jb[0] = 0;
	return 0;
}
