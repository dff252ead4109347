/* wasm32 program entry, linked first into every module by wasmlinux-cc.
 *
 * _start(startblock): startblock points at the Linux initial stack layout that the
 * bridge writes into linear memory: argc, argv[0..argc-1], NULL, envp..., NULL, auxv.
 * After an asyncify fork the bridge calls _start(0) to rewind; asyncify then restores
 * the saved locals, so the argument is not read again. */
#include <features.h>
#include <signal.h>
#include <stdint.h>
#include <ucontext.h>
#include "libc.h"
#include "pthread_impl.h"
#include "syscall.h"

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
 * sigreturn (mask restore) after this returns. The result is 0, or a value the syscall
 * this signal interrupted must return instead of being restarted or returning EINTR.
 *
 * Cancellation (thread/syscall_cp.c): when the signal interrupted the syscall of a
 * cancellation point, the handler sees a pc of __cp_begin; if it moves the pc to
 * __cp_cancel (musl's cancel_handler), the thread acts on the cancellation here, as
 * musl's __cp_cancel does: __cancel() exits the thread, or (cancellation masked, as in
 * a condition wait) returns -ECANCELED, which becomes the syscall's result. */
extern hidden __thread int __wasmlinux_in_cp;
extern hidden const char __cp_begin[1], __cp_cancel[1];
hidden long __cancel(void);

__attribute__((__export_name__("__wasmlinux_sigentry")))
int __wasmlinux_sigentry(int signo, void *handler, void *siginfo, void *ucontext, int sa_flags)
{
	ucontext_t *uc = ucontext;
	int in_cp = __wasmlinux_in_cp, ret = 0;
	__wasmlinux_in_cp = 0;
	if (in_cp && uc) uc->uc_mcontext.__pc = (uintptr_t)__cp_begin;
	/* The handler is called with the type it was defined with (pthread_arch.h): like
	 * Linux, which passes signo, siginfo and ucontext in registers whatever the flags, a
	 * handler defined as `void handler()` or `int handler(int)` works. */
	switch (__wasmlinux_fnsig(handler)) {
	case 0x000: ((void (*)(void))handler)(); break;
	case 0x100: ((int (*)(void))handler)(); break;
	case 0x001: ((void (*)(int))handler)(signo); break;
	case 0x101: ((int (*)(int))handler)(signo); break;
	case 0x002: ((void (*)(int, siginfo_t *))handler)(signo, siginfo); break;
	case 0x102: ((int (*)(int, siginfo_t *))handler)(signo, siginfo); break;
	case 0x003: ((void (*)(int, siginfo_t *, void *))handler)(signo, siginfo, ucontext); break;
	case 0x103: ((int (*)(int, siginfo_t *, void *))handler)(signo, siginfo, ucontext); break;
	default:
		if (sa_flags & SA_SIGINFO)
			((void (*)(int, siginfo_t *, void *))handler)(signo, siginfo, ucontext);
		else
			((void (*)(int))handler)(signo);
	}
	if (in_cp && uc && uc->uc_mcontext.__pc == (uintptr_t)__cp_cancel)
		ret = __cancel();
	if (uc) uc->uc_mcontext.__pc = 0;
	__wasmlinux_in_cp = in_cp;
	return ret;
}

/* A new thread (thread/clone.c): the bridge runs it in a new instance over the process's
 * shared memory and calls this with __stack_pointer = sp, where clone stored fn and arg.
 * The thread's wasm TLS block (compiler __thread data) lives at the bottom of its first
 * frame; then the thread pointer is set from clone's tls argument, as CLONE_SETTLS does. */
void __wasm_init_tls(void *);

__attribute__((__export_name__("__wasmlinux_thread_start")))
void __wasmlinux_thread_start(uintptr_t *sp, void *tp)
{
	size_t align = __builtin_wasm_tls_align();
	char *block = __builtin_alloca(__builtin_wasm_tls_size() + align);
	int (*fn)(void *) = (int (*)(void *))sp[0];
	void *arg = (void *)sp[1];
	__wasm_init_tls((void *)(((uintptr_t)block + align - 1) & -align));
	__set_thread_area(tp);
	for (;;) __syscall(SYS_exit, fn(arg));
}
