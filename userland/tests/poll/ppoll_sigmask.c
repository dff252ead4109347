/* ppoll/epoll_pwait with a signal mask: a blocked signal interrupts only the wait. */
#include "../common.h"
#include <poll.h>
#include <sys/epoll.h>

static volatile sig_atomic_t got;
static void on_usr1(int s) { got = s; }

int main(void)
{
    signal(SIGUSR1, on_usr1);
    sigset_t block, empty;
    sigemptyset(&block);
    sigemptyset(&empty);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGUSR1); /* pending, blocked */
    CHECK_EQ(got, 0);
    int p[2];
    pipe(p);
    struct pollfd pf = {p[0], POLLIN, 0};
    struct timespec ts = {2, 0};
    CHECK_ERR(ppoll(&pf, 1, &ts, &empty), EINTR);
    CHECK_EQ(got, SIGUSR1);
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    CHECK(sigismember(&cur, SIGUSR1)); /* mask restored */
    OK("ppoll");

    got = 0;
    raise(SIGUSR1);
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN}, out;
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
    CHECK_ERR(epoll_pwait(ep, &out, 1, 2000, &empty), EINTR);
    CHECK_EQ(got, SIGUSR1);
    OK("epoll_pwait");

    /* with the signal still blocked during the wait, it just times out */
    got = 0;
    raise(SIGUSR1);
    struct timespec shortt = {0, 20000000};
    CHECK_EQ(ppoll(&pf, 1, &shortt, &block), 0);
    CHECK_EQ(got, 0);
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    CHECK_EQ(got, SIGUSR1);
    OK("blocked during wait");
    return t_done();
}
