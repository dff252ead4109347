/* mprotect: return values, contents preserved across PROT_NONE and back, writes to
 * read-only memory raise SIGSEGV (checked in a child), and handler-observed faults. */
#include "../common.h"
#include <sys/mman.h>
#include <sys/syscall.h>

int main(void)
{
    size_t pg = 4096;
    unsigned char *p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(p, 'z', 4 * pg);
    CHECK_EQ(mprotect(p + pg, pg, PROT_NONE), 0);
    CHECK_EQ(mprotect(p + pg, pg, PROT_READ | PROT_WRITE), 0);
    CHECK_EQ(p[pg], 'z');
    p[pg] = 'y';
    CHECK_EQ(mprotect(p, 4 * pg, PROT_READ), 0);
    CHECK_EQ(p[pg], 'y');
    CHECK_EQ(p[3 * pg], 'z');
    OK("round trip");

    /* musl rounds the address down; the raw syscall must reject it */
    CHECK_ERR(syscall(SYS_mprotect, p + 1, pg, PROT_READ), EINVAL);
    CHECK_ERR(mprotect(p, pg, 0x1000), EINVAL);
    OK("errors");

    pid_t pid = t_fork();
    if (pid == 0) {
        ((volatile unsigned char *)p)[2 * pg] = 1; /* read-only */
        _exit(0);
    }
    int st = t_wait(pid);
    printf("write to PROT_READ: %s\n", t_status(st));
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);

    pid = t_fork();
    if (pid == 0) {
        mprotect(p, pg, PROT_NONE);
        volatile unsigned char c = ((volatile unsigned char *)p)[0];
        (void)c;
        _exit(0);
    }
    st = t_wait(pid);
    printf("read of PROT_NONE: %s\n", t_status(st));
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);

    /* unmapped memory faults too */
    munmap(p, 4 * pg);
    pid = t_fork();
    if (pid == 0) {
        volatile unsigned char c = ((volatile unsigned char *)p)[0];
        (void)c;
        _exit(0);
    }
    st = t_wait(pid);
    printf("read of unmapped: %s\n", t_status(st));
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
    return t_done();
}
