/* wasm32 system calls.
 *
 * Every syscall is one call to the host import env.wasmlinux_syscall32(nr, args_ptr):
 * args_ptr points at six u32 words in linear memory (unused ones are 0); the result is
 * the return value or -errno. clone (the only fork-like syscall of the asm-generic
 * table) goes to env.wasmlinux_fork instead, which the bridge implements with asyncify
 * stack capture. The choice is made on the constant syscall number after inlining, so
 * only programs that actually call clone reference the fork import; calls whose number
 * is not a compile-time constant (syscall(2)) always use wasmlinux_syscall32. */

#define __SYSCALL_LL_E(x) \
((union { long long ll; long l[2]; }){ .ll = x }).l[0], \
((union { long long ll; long l[2]; }){ .ll = x }).l[1]
#define __SYSCALL_LL_O(x) __SYSCALL_LL_E((x))

__attribute__((__import_module__("env"), __import_name__("wasmlinux_syscall32")))
long __wasmlinux_syscall32(long, unsigned long *);

__attribute__((__import_module__("env"), __import_name__("wasmlinux_fork")))
long __wasmlinux_fork(long, unsigned long *);

#define __WASMLINUX_NR_clone 220

static __inline __attribute__((__always_inline__))
long __wasmlinux_sc(long n, long a, long b, long c, long d, long e, long f)
{
	unsigned long w[6] = { a, b, c, d, e, f };
	if (__builtin_constant_p(n) && n == __WASMLINUX_NR_clone)
		return __wasmlinux_fork(n, w);
	return __wasmlinux_syscall32(n, w);
}

static __inline __attribute__((__always_inline__)) long __syscall0(long n)
{ return __wasmlinux_sc(n, 0, 0, 0, 0, 0, 0); }
static __inline __attribute__((__always_inline__)) long __syscall1(long n, long a)
{ return __wasmlinux_sc(n, a, 0, 0, 0, 0, 0); }
static __inline __attribute__((__always_inline__)) long __syscall2(long n, long a, long b)
{ return __wasmlinux_sc(n, a, b, 0, 0, 0, 0); }
static __inline __attribute__((__always_inline__)) long __syscall3(long n, long a, long b, long c)
{ return __wasmlinux_sc(n, a, b, c, 0, 0, 0); }
static __inline __attribute__((__always_inline__)) long __syscall4(long n, long a, long b, long c, long d)
{ return __wasmlinux_sc(n, a, b, c, d, 0, 0); }
static __inline __attribute__((__always_inline__)) long __syscall5(long n, long a, long b, long c, long d, long e)
{ return __wasmlinux_sc(n, a, b, c, d, e, 0); }
static __inline __attribute__((__always_inline__)) long __syscall6(long n, long a, long b, long c, long d, long e, long f)
{ return __wasmlinux_sc(n, a, b, c, d, e, f); }

/* SysV IPC: asm-generic kernels always use the 64-bit ipc structures; no IPC_64 flag. */
#define IPC_64 0
