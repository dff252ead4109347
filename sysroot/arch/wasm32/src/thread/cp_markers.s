# Markers of musl's cancellation-point range (pthread_cancel.c compares a pc with them). wasm has
# no pc: syscall_cp.c and crt1.c report __cp_begin for a syscall a cancellation point
# interrupted. Defined here, in one section, so that __cp_begin < __cp_end holds.
	.section .rodata.__wasmlinux_cp_markers,"",@
	.hidden __cp_begin
	.globl __cp_begin
	.type __cp_begin,@object
__cp_begin:
	.int8 0
	.size __cp_begin, 1
	.hidden __cp_end
	.globl __cp_end
	.type __cp_end,@object
__cp_end:
	.int8 0
	.size __cp_end, 1
	.hidden __cp_cancel
	.globl __cp_cancel
	.type __cp_cancel,@object
__cp_cancel:
	.int8 0
	.size __cp_cancel, 1
