/* Reached only for main(argc, argv, envp): clang keeps that one named "main". A program
 * with main(void) defines __main_void itself, so this member is not pulled in and its
 * three-argument reference to main never meets clang's two-argument main wrapper. */
#include "libc.h"

extern hidden int __wasmlinux_argc;
extern hidden char **__wasmlinux_argv;
extern char **__environ;

int main(int, char **, char **);

weak int __main_void(void)
{
	return main(__wasmlinux_argc, __wasmlinux_argv, __environ);
}
