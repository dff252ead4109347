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
