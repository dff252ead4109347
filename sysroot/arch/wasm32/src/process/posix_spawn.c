/* musl's posix_spawn with its __clone(CLONE_VM|CLONE_VFORK) replaced by a fork. */
#define __clone __wasmlinux_fork_clone
#include "../posix_spawn.c"
