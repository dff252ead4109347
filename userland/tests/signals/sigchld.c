/* SIGCHLD on child exit with siginfo; SA_NOCLDWAIT / SIG_IGN auto-reap; SA_NOCLDSTOP. */
#include "../common.h"

static volatile sig_atomic_t chld, code, status;
static volatile pid_t from;
static void on_chld(int s, siginfo_t *si, void *uc)
{
    (void)s; (void)uc;
    chld++;
    code = si->si_code;
    status = si->si_status;
    from = si->si_pid;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGCHLD, &sa, NULL);
    pid_t pid = t_fork();
    if (pid == 0)
        _exit(6);
    while (!chld)
        t_msleep(1);
    CHECK_EQ(chld, 1);
    CHECK_EQ(code, CLD_EXITED);
    CHECK_EQ(status, 6);
    CHECK_EQ(from, pid);
    CHECK_EQ(t_wait(pid), 6 << 8);
    OK("exit");

    chld = 0;
    pid = t_fork();
    if (pid == 0) {
        for (;;)
            pause();
    }
    kill(pid, SIGKILL);
    while (!chld)
        t_msleep(1);
    CHECK_EQ(code, CLD_KILLED);
    CHECK_EQ(status, SIGKILL);
    t_wait(pid);
    OK("killed");

    /* SA_NOCLDSTOP: no SIGCHLD for stop */
    sa.sa_flags = SA_SIGINFO | SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, NULL);
    chld = 0;
    pid = t_fork();
    if (pid == 0) {
        for (;;)
            pause();
    }
    kill(pid, SIGSTOP);
    int st;
    waitpid(pid, &st, WUNTRACED);
    CHECK(WIFSTOPPED(st));
    t_msleep(20);
    CHECK_EQ(chld, 0);
    kill(pid, SIGKILL);
    t_wait(pid);
    OK("nocldstop");

    /* SIGCHLD set to SIG_IGN: children are reaped automatically, wait gives ECHILD */
    signal(SIGCHLD, SIG_IGN);
    pid = t_fork();
    if (pid == 0)
        _exit(0);
    CHECK_ERR(waitpid(pid, &st, 0), ECHILD);
    CHECK_ERR(kill(pid, 0), ESRCH);
    OK("SIG_IGN auto-reaps");
    return t_done();
}
