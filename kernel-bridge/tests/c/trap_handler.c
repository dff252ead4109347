/* Traps in a setjmp context: a SIGFPE handler siglongjmps out of an integer
 * division by zero (twice: the mask saved by sigsetjmp is restored); with no
 * handler, or a handler that returns, the process dies of SIGFPE. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
static sigjmp_buf env;
static volatile int sink;
static volatile sig_atomic_t caught;
static void on_fpe(int s) { caught += s; siglongjmp(env, 1); }
static void on_fpe_return(int s) { (void)s; }
__attribute__((noinline)) static int divide(volatile int a, volatile int b) { return a / b; }
static int child_status(void (*handler)(int)) {
    pid_t pid = fork();
    if (pid == 0) {
        if (handler) signal(SIGFPE, handler);
        sink = divide(1, 0);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    return WIFSIGNALED(st) ? WTERMSIG(st) : -1;
}
int main(void) {
    printf("child: signal %d\n", child_status(NULL));
    fflush(stdout);
    signal(SIGFPE, on_fpe);
    for (int i = 0; i < 2; i++) {
        if (sigsetjmp(env, 1) == 0) {
            sink = divide(7, 0);
            printf("division returned\n");
            return 1;
        }
    }
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    printf("handled %d twice, mask %s\n", caught / 2, sigismember(&cur, SIGFPE) ? "blocked" : "restored");
    fflush(stdout);
    printf("returning handler: signal %d\n", child_status(on_fpe_return));
    return 0;
}
