/* wasm32 program entry, linked first into every module by wasmlinux-cc.
 *
 * _start(startblock): startblock points at the Linux initial stack layout that the
 * bridge writes into linear memory: argc, argv[0..argc-1], NULL, envp..., NULL, auxv.
 * After an asyncify fork the bridge calls _start(0) to rewind; asyncify then restores
 * the saved locals, so the argument is not read again. */
#include <features.h>
#include <signal.h>
#include "libc.h"

int __libc_start_main(int (*)(int, char **, char **), int, char **,
	void (*)(void), void (*)(void), void (*)(void));

/* clang renames main for wasm: main(void) -> __main_void, main(argc, argv) ->
 * __main_argc_argv, main(argc, argv, envp) keeps the name main. We always call
 * __main_argc_argv; libc.a supplies weak fallbacks that reach the other two forms
 * (src/env/wasm32/__main_argc_argv.c, __main_void.c). */
int __main_argc_argv(int, char **);

void __wasm_call_ctors(void);

/* musl's __libc_start_init calls _init() (a weak no-op in libc); constructors live in
 * wasm-ld's synthetic __wasm_call_ctors, run at the same point (after libc init). */
void _init(void)
{
	__wasm_call_ctors();
}

static int main_wrapper(int argc, char **argv, char **envp)
{
	(void)envp;
	return __main_argc_argv(argc, argv);
}

__attribute__((__export_name__("_start")))
void _start(long *startblock)
{
	int argc = startblock[0];
	char **argv = (void *)(startblock + 1);
	__libc_start_main(main_wrapper, argc, argv, _init, 0, 0);
}

/* Called by the bridge to run a signal handler on the current stack (the bridge has
 * already set __stack_pointer and written siginfo/ucontext). The bridge performs the
 * sigreturn (mask restore) after this returns. */
__attribute__((__export_name__("__wasmlinux_sigentry")))
void __wasmlinux_sigentry(int signo, void *handler, void *siginfo, void *ucontext, int sa_flags)
{
	if (sa_flags & SA_SIGINFO)
		((void (*)(int, siginfo_t *, void *))handler)(signo, siginfo, ucontext);
	else
		((void (*)(int))handler)(signo);
}
