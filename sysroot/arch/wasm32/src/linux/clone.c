/* musl's clone(2) wrapper, creating processes through a fork (see fork_clone.c). */
#define __clone __wasmlinux_fork_clone
#include "../clone.c"
