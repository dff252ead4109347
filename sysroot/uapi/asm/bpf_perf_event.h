/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/* wasmlinux: no user-visible registers; a placeholder so linux/bpf_perf_event.h compiles. */
#ifndef _ASM_WASM32_BPF_PERF_EVENT_H
#define _ASM_WASM32_BPF_PERF_EVENT_H

#include <linux/types.h>

typedef struct {
	unsigned long __reserved;
} bpf_user_pt_regs_t;

#endif /* _ASM_WASM32_BPF_PERF_EVENT_H */
