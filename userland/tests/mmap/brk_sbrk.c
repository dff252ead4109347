/* The program break: brk(2) raw syscall grows and shrinks the heap; memory is usable. */
#include "../common.h"
#include <sys/syscall.h>

int main(void)
{
    uintptr_t cur = (uintptr_t)syscall(SYS_brk, 0);
    CHECK(cur != 0);
    uintptr_t want = cur + 256 * 1024;
    uintptr_t got = (uintptr_t)syscall(SYS_brk, want);
    CHECK_EQ(got, want);
    memset((void *)cur, 0x5a, want - cur);
    CHECK_EQ(((unsigned char *)cur)[want - cur - 1], 0x5a);
    OK("grow");

    got = (uintptr_t)syscall(SYS_brk, cur + 4096);
    CHECK_EQ(got, cur + 4096);
    got = (uintptr_t)syscall(SYS_brk, cur + 8192);
    CHECK_EQ(got, cur + 8192);
    /* memory freshly re-grown after a shrink is zero again */
    CHECK_EQ(((unsigned char *)cur)[4096 + 10], 0);
    OK("shrink and regrow");

    /* a request below the initial break fails: the break stays where it was */
    got = (uintptr_t)syscall(SYS_brk, cur / 2);
    CHECK_EQ(got, cur + 8192);
    syscall(SYS_brk, cur);
    OK("invalid request ignored");
    return t_done();
}
