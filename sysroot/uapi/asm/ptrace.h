/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * wasmlinux: a wasm32 task has no register file visible to ptrace; the
 * architecture exports no ptrace register layout.
 */
#ifndef _ASM_WASM32_PTRACE_H
#define _ASM_WASM32_PTRACE_H

#endif /* _ASM_WASM32_PTRACE_H */
