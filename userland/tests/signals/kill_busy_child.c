/* The parent kills a child that spins without syscalls: SIGKILL and SIGTERM both work. */
#include "../common.h"

static pid_t spinner(void)
{
    int p[2];
    pipe(p);
    pid_t pid = t_fork();
    if (pid == 0) {
        close(p[0]);
        write(p[1], "s", 1);
        close(p[1]);
        volatile unsigned long x = 0;
        for (;;)
            x++;
    }
    close(p[1]);
    char c;
    read(p[0], &c, 1);
    close(p[0]);
    t_msleep(20);
    return pid;
}

int main(void)
{
    int sigs[] = {SIGKILL, SIGTERM, SIGINT, SIGUSR1};
    for (unsigned i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        pid_t pid = spinner();
        CHECK_EQ(kill(pid, sigs[i]), 0);
        int st = t_wait(pid);
        printf("spinner: %s\n", t_status(st));
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == sigs[i]);
    }
    /* SIGKILL reaches a child that blocks and ignores everything else */
    pid_t pid = t_fork();
    if (pid == 0) {
        sigset_t all;
        sigfillset(&all);
        sigprocmask(SIG_BLOCK, &all, NULL);
        for (int s = 1; s < 32; s++)
            signal(s, SIG_IGN);
        for (volatile int x = 0;; x++)
            ;
    }
    t_msleep(20);
    kill(pid, SIGTERM);
    t_msleep(20);
    CHECK_EQ(waitpid(pid, NULL, WNOHANG), 0);
    kill(pid, SIGKILL);
    int st = t_wait(pid);
    printf("hardened spinner: %s\n", t_status(st));
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    return t_done();
}
