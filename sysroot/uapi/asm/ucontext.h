/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * wasmlinux: the ucontext of a wasm32 signal frame. Like riscv, the signal
 * mask is followed by room for a 1024-bit sigset_t (128 bytes in all) so the
 * mask can grow, and the machine context comes last.
 */
#ifndef _ASM_WASM32_UCONTEXT_H
#define _ASM_WASM32_UCONTEXT_H

#include <linux/types.h>
#include <asm/signal.h>
#include <asm/sigcontext.h>

#ifndef __ASSEMBLY__

struct ucontext {
	unsigned long     uc_flags;
	struct ucontext  *uc_link;
	stack_t           uc_stack;
	sigset_t          uc_sigmask;
	__u8              __unused[1024 / 8 - sizeof(sigset_t)];
	struct sigcontext uc_mcontext;
};

#endif /* __ASSEMBLY__ */

#endif /* _ASM_WASM32_UCONTEXT_H */
