/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * wasmlinux: the 32-bit asm-generic syscall table with 64-bit time only, as
 * riscv32 has it: __BITS_PER_LONG is 32 (so fcntl64, _llseek, mmap2... are
 * the names of the 32-bit slots), no __ARCH_WANT_TIME32_SYSCALLS (the
 * y2038-unsafe calls such as futex or clock_gettime are absent; use the
 * *_time64 numbers), no __ARCH_WANT_SET_GET_RLIMIT (prlimit64), no renameat
 * (renameat2). Unlike riscv32, __ARCH_WANT_STAT64 gives fstatat64/fstat64
 * (79/80) as on the other 32-bit asm-generic architectures (arc, csky,
 * nios2...); musl uses statx first. wasm32 has no architecture-specific calls.
 */
#ifndef _ASM_WASM32_UNISTD_H
#define _ASM_WASM32_UNISTD_H

#define __ARCH_WANT_STAT64
#define __ARCH_WANT_SYS_CLONE3

#include <asm-generic/unistd.h>

#endif /* _ASM_WASM32_UNISTD_H */
