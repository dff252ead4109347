/* vfork as fork: the clone number must be a compile-time constant so that it reaches
 * the env.wasmlinux_fork import (musl's generic version uses the variadic syscall()). */
#define _GNU_SOURCE
#include <unistd.h>
#include <signal.h>
#include "syscall.h"

pid_t vfork(void)
{
	return __syscall_ret(__syscall(SYS_clone, SIGCHLD, 0));
}
