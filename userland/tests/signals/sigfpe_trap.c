/* Integer division by zero raises SIGFPE: default kills, a handler can siglongjmp out. */
#include "../common.h"
#include <setjmp.h>

static sigjmp_buf env;
static volatile sig_atomic_t caught;
static void on_fpe(int s) { caught = s; siglongjmp(env, 1); }

/* noinline: under wasmlinux a handler can siglongjmp out of a trap only when the
 * trap happens in a function called from the sigsetjmp caller (an invoke_* frame,
 * docs/ARCHITECTURE.md); a trap in the sigsetjmp caller's own frame kills. */
__attribute__((noinline)) static int divide(volatile int a, volatile int b) { return a / b; }

int main(void)
{
    pid_t pid = t_fork();
    if (pid == 0) {
        volatile int r = divide(1, 0);
        (void)r;
        _exit(0);
    }
    int st = t_wait(pid);
    printf("child %s\n", t_status(st));
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGFPE);
    OK("default action");

    signal(SIGFPE, on_fpe);
    if (sigsetjmp(env, 1) == 0) {
        volatile int r = divide(7, 0);
        (void)r;
        FAILF("division by zero returned");
    }
    CHECK_EQ(caught, SIGFPE);
    OK("handled");
    return t_done();
}
