/* Fallback for programs whose main is not main(argc, argv) (see crt/wasm32/crt1.c).
 * Pulled from libc.a only when the program does not define __main_argc_argv. */
#include "libc.h"

hidden int __wasmlinux_argc;
hidden char **__wasmlinux_argv;

int __main_void(void);

weak int __main_argc_argv(int argc, char **argv)
{
	__wasmlinux_argc = argc;
	__wasmlinux_argv = argv;
	return __main_void();
}
