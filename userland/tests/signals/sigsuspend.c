/* sigsuspend atomically unblocks and waits; returns EINTR after the handler; mask restored. */
#include "../common.h"

static volatile sig_atomic_t got;
static void on_usr1(int s) { got = s; }

int main(void)
{
    signal(SIGUSR1, on_usr1);
    sigset_t block, old, waitmask;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, &old);
    pid_t parent = getpid();
    pid_t pid = t_fork();
    if (pid == 0) {
        t_msleep(50);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    sigemptyset(&waitmask);
    CHECK_EQ(sigsuspend(&waitmask), -1);
    CHECK_EQ(errno, EINTR);
    CHECK_EQ(got, SIGUSR1);
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    CHECK(sigismember(&cur, SIGUSR1));
    t_wait(pid);
    OK("woken by child's signal");

    /* a signal already pending is delivered immediately by sigsuspend */
    got = 0;
    raise(SIGUSR1);
    CHECK_EQ(got, 0);
    sigsuspend(&waitmask);
    CHECK_EQ(got, SIGUSR1);
    OK("pending before sigsuspend");

    /* pause() also returns EINTR */
    sigprocmask(SIG_SETMASK, &old, NULL);
    got = 0;
    pid = t_fork();
    if (pid == 0) {
        t_msleep(30);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    CHECK_EQ(pause(), -1);
    CHECK_EQ(errno, EINTR);
    CHECK_EQ(got, SIGUSR1);
    t_wait(pid);
    OK("pause");
    return t_done();
}
