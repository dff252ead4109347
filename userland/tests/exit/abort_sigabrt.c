/* abort() kills with SIGABRT even when SIGABRT is caught (handler returns) or blocked. */
#include "../common.h"

static void on_abrt(int s) { (void)s; write(1, "handler ran\n", 12); }

static void run(const char *what, int mode)
{
    pid_t pid = t_fork();
    if (pid == 0) {
        if (mode == 1)
            signal(SIGABRT, on_abrt);
        if (mode == 2) {
            sigset_t s;
            sigemptyset(&s);
            sigaddset(&s, SIGABRT);
            sigprocmask(SIG_BLOCK, &s, NULL);
        }
        if (mode == 3)
            signal(SIGABRT, SIG_IGN);
        printf("LOST: buffered output (%s)", what); /* no newline: abort does not flush */
        abort();
    }
    int st = t_wait(pid);
    printf("%s: %s\n", what, t_status(st));
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
}

int main(void)
{
    fflush(stdout);
    run("default", 0);
    run("caught", 1);
    run("blocked", 2);
    run("ignored", 3);
    return t_done();
}
