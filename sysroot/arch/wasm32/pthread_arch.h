/* The thread pointer is an ordinary variable (one thread per wasm instance). TLS layout
 * is musl's "TLS below TP" variant; with wasm-ld and no shared memory there is no TLS image. */
extern hidden uintptr_t __wasmlinux_tp;

static inline uintptr_t __get_tp(void)
{
	return __wasmlinux_tp;
}

#define MC_PC __pc
