/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/* wasmlinux: wasm32 is an ILP32 architecture. */
#ifndef _ASM_WASM32_BITSPERLONG_H
#define _ASM_WASM32_BITSPERLONG_H

#define __BITS_PER_LONG 32

#include <asm-generic/bitsperlong.h>

#endif /* _ASM_WASM32_BITSPERLONG_H */
