/* wasmlinux: this ABI has no time32 calls, so nanosleep(2) (101) does not
 * exist; every sleep goes through clock_nanosleep_time64. */
#include <time.h>
#include <errno.h>
#include "syscall.h"

int __clock_nanosleep(clockid_t clk, int flags, const struct timespec *req, struct timespec *rem)
{
	if (clk == CLOCK_THREAD_CPUTIME_ID) return EINVAL;
	return -__syscall_cp(SYS_clock_nanosleep_time64, clk, flags, req, rem);
}

weak_alias(__clock_nanosleep, clock_nanosleep);
