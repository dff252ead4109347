/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * wasmlinux: the machine context saved in a wasm32 signal frame.
 *
 * WebAssembly has no user-visible registers or program counter, so the
 * context is a placeholder with room to grow: the kernel records the shadow
 * stack pointer (__stack_pointer) at the interruption point; sc_pc is always
 * 0 and the rest is reserved and zero. 64 bytes. musl's
 * arch/wasm32/bits/signal.h (mcontext_t: __sp, __pc, __reserved[14]) has the
 * same size and layout.
 */
#ifndef _ASM_WASM32_SIGCONTEXT_H
#define _ASM_WASM32_SIGCONTEXT_H

#include <linux/types.h>

#ifndef __ASSEMBLY__

struct sigcontext {
	__u32 sc_sp;             /* __stack_pointer when the signal arrived */
	__u32 sc_pc;             /* always 0 */
	__u32 sc_reserved[14];   /* zero */
};

#endif /* __ASSEMBLY__ */

#endif /* _ASM_WASM32_SIGCONTEXT_H */
