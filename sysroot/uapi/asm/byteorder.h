/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/* wasmlinux: WebAssembly linear memory is little-endian. */
#ifndef _ASM_WASM32_BYTEORDER_H
#define _ASM_WASM32_BYTEORDER_H

#include <linux/byteorder/little_endian.h>

#endif /* _ASM_WASM32_BYTEORDER_H */
