/* The thread pointer is a thread-local variable: every thread is its own wasm instance
 * with its own __tls_base (wasm-ld's TLS for -matomics modules), set up by crt1.c's
 * __wasmlinux_thread_start before the thread runs any other code. musl's own TLS layout
 * (TLS below TP) is unchanged; it has no TLS image (no PT_TLS), compiler TLS (__thread)
 * lives in the wasm TLS block instead. */
extern hidden __thread uintptr_t __wasmlinux_tp;

static inline uintptr_t __get_tp(void)
{
	return __wasmlinux_tp;
}

#define MC_PC __pc

/* env.wasmlinux_fnsig (docs/ARCHITECTURE.md, "The guest ABI"): the type of an indirect
 * function as params | results << 8 when all are i32, else -1. C lets a program define a
 * signal handler or a thread start routine without a prototype (`void handler()`,
 * `void *thread()`); Linux calls it with the usual arguments in registers, but a wasm
 * indirect call through a pointer of another type traps. libc calls these user functions
 * with the type they were defined with (crt1.c's __wasmlinux_sigentry,
 * thread/wasm32/fncall.c). */
__attribute__((__import_module__("env"), __import_name__("wasmlinux_fnsig")))
int __wasmlinux_fnsig(const void *);
hidden void *__wasmlinux_call_start(void *(*)(void *), void *);
