/* setjmp.h for wasm32 (wasmlinux). Replaces musl's generic header.
 *
 * setjmp/longjmp use LLVM's emscripten-style lowering (-mllvm -enable-emscripten-sjlj,
 * always passed by wasmlinux-cc): the compiler rewrites every direct call to setjmp, so
 * setjmp must be called by name. sigsetjmp and _setjmp are macros around setjmp for that
 * reason; the out-of-line functions of the same names exist only for code that takes
 * their address and cannot return a second time. */
#ifndef	_SETJMP_H
#define	_SETJMP_H

#ifdef __cplusplus
extern "C" {
#endif

#include <features.h>

#include <bits/setjmp.h>

typedef struct __jmp_buf_tag {
	__jmp_buf __jb;
	unsigned long __fl;
	unsigned long __ss[128/sizeof(long)];
} jmp_buf[1];

#define __setjmp_attr __attribute__((__returns_twice__))

#if defined(_POSIX_SOURCE) || defined(_POSIX_C_SOURCE) \
 || defined(_XOPEN_SOURCE) || defined(_GNU_SOURCE) \
 || defined(_BSD_SOURCE)
typedef jmp_buf sigjmp_buf;
int sigsetjmp (sigjmp_buf, int) __setjmp_attr;
_Noreturn void siglongjmp (sigjmp_buf, int);
struct __jmp_buf_tag *__wasmlinux_sigsetjmp_prep(struct __jmp_buf_tag *, int);
#define sigsetjmp(env, savemask) setjmp(__wasmlinux_sigsetjmp_prep((env), (savemask)))
#endif

#if defined(_XOPEN_SOURCE) || defined(_GNU_SOURCE) \
 || defined(_BSD_SOURCE)
int _setjmp (jmp_buf) __setjmp_attr;
_Noreturn void _longjmp (jmp_buf, int);
#define _setjmp(env) setjmp(env)
#endif

int setjmp (jmp_buf) __setjmp_attr;
_Noreturn void longjmp (jmp_buf, int);

#define setjmp setjmp

#undef __setjmp_attr

#ifdef __cplusplus
}
#endif

#endif
