/* Bad thread and futex arguments get Linux's errno (or signal), never a host crash:
 * clone flag combinations Linux rejects, a futex word misaligned or outside memory,
 * and a thread whose stack is outside memory (the process dies of SIGSEGV). */
#include "../common.h"
#include <sched.h>
#include <linux/futex.h>
#include <sys/syscall.h>

static long raw_clone(unsigned long flags, void *stack)
{
    return syscall(SYS_clone, flags, stack, 0, 0, 0);
}

int main(void)
{
    static char stack[4096] __attribute__((aligned(16)));
    char *top = stack + sizeof stack;
    CHECK_EQ(raw_clone(CLONE_THREAD | CLONE_VM, top), -1);
    CHECK_EQ(errno, EINVAL);
    CHECK_EQ(raw_clone(CLONE_SIGHAND, top), -1);
    CHECK_EQ(errno, EINVAL);
    CHECK_EQ(raw_clone(CLONE_THREAD | CLONE_SIGHAND | CLONE_VM | CLONE_FS | CLONE_NEWNS, top), -1);
    CHECK_EQ(errno, EINVAL);
    OK("clone flag combinations Linux rejects are EINVAL");

    int word[2] = { 0, 0 };
    CHECK_EQ(syscall(SYS_futex, (char *)word + 1, FUTEX_WAIT, 0, 0, 0, 0), -1);
    CHECK_EQ(errno, EINVAL);
    CHECK_EQ(syscall(SYS_futex, (int *)0xfffff000UL, FUTEX_WAIT, 0, 0, 0, 0), -1);
    CHECK_EQ(errno, EFAULT);
    CHECK_EQ(syscall(SYS_futex, word, FUTEX_WAIT, 1, 0, 0, 0), -1);
    CHECK_EQ(errno, EAGAIN);
    CHECK_EQ(syscall(SYS_futex, word, 99, 0, 0, 0, 0), -1);
    CHECK_EQ(errno, ENOSYS);
    OK("futex: misaligned EINVAL, outside memory EFAULT, value differs EAGAIN, bad op ENOSYS");

    pid_t pid = t_fork();
    if (pid == 0) {
        long r = raw_clone(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM,
                           (void *)0xfffff000UL);
        if (r < 0) _exit(2);
        for (;;) t_msleep(100);  /* the new thread faults: the whole process dies */
    }
    CHECK_STR(t_status(t_wait(pid)), "killed by signal 11");
    OK("a thread on a stack outside memory kills its process with SIGSEGV");
    return t_done();
}
