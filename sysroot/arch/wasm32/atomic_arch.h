/* wasm32 without the threads proposal: one thread per process, so atomics are plain
 * memory operations. Only a signal delivered from the bridge's epoch callback could
 * observe a half-done compare-and-swap. */
#define a_cas a_cas
static inline int a_cas(volatile int *p, int t, int s)
{
	int old = *p;
	if (old == t) *p = s;
	return old;
}

#define a_barrier a_barrier
static inline void a_barrier(void)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

#define a_crash a_crash
static inline void a_crash(void)
{
	__builtin_trap();
}
