/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * wasmlinux: the machine context saved in a wasm32 signal frame.
 *
 * WebAssembly has no user-visible registers or program counter, so the
 * context is a placeholder with room to grow: the bridge records the shadow
 * stack pointer (__stack_pointer) at delivery; the rest is reserved and zero.
 * musl's arch/wasm32/bits/signal.h (mcontext_t) has the same size and layout.
 */
#ifndef _ASM_WASM32_SIGCONTEXT_H
#define _ASM_WASM32_SIGCONTEXT_H

#include <linux/types.h>

#ifndef __ASSEMBLY__

struct sigcontext {
	__u32 sc_sp;             /* __stack_pointer when the signal arrived */
	__u32 sc_reserved[15];   /* zero */
};

#endif /* __ASSEMBLY__ */

#endif /* _ASM_WASM32_SIGCONTEXT_H */
