/* The smallest program: must import env.wasmlinux_syscall32 only and not be asyncified. */
#include <stdio.h>
int main(void) { puts("hello"); return 0; }
