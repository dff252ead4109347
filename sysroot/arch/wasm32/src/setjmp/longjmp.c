/* longjmp for code that was not rewritten by the compiler (libc itself, calls through
 * pointers, siglongjmp): hand over to the host, which unwinds to the nearest invoke_*
 * frame. Direct calls in programs are rewritten to emscripten_longjmp by the compiler. */
#include <setjmp.h>

__attribute__((__import_module__("env"), __import_name__("emscripten_longjmp")))
_Noreturn void emscripten_longjmp(struct __jmp_buf_tag *env, int val);

_Noreturn void longjmp(jmp_buf env, int val)
{
	emscripten_longjmp(env, val ? val : 1);
}

_Noreturn void _longjmp(jmp_buf env, int val)
{
	emscripten_longjmp(env, val ? val : 1);
}
