/* Blocked signals stay pending (standard ones coalesce, RT ones queue) and run on unblock. */
#include "../common.h"

static volatile sig_atomic_t usr1, rt;
static int order[16], norder;
static void on_usr1(int s) { (void)s; usr1++; if (norder < 16) order[norder++] = s; }
static void on_rt(int s) { rt++; if (norder < 16) order[norder++] = s; }

int main(void)
{
    signal(SIGUSR1, on_usr1);
    signal(SIGRTMIN, on_rt);
    signal(SIGUSR2, on_usr1);
    sigset_t block, old, pend;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGUSR2);
    sigaddset(&block, SIGRTMIN);
    CHECK_EQ(sigprocmask(SIG_BLOCK, &block, &old), 0);
    CHECK(!sigismember(&old, SIGUSR1));
    raise(SIGUSR1);
    raise(SIGUSR1);
    raise(SIGUSR1);
    raise(SIGRTMIN);
    raise(SIGRTMIN);
    raise(SIGUSR2);
    CHECK_EQ(usr1, 0);
    CHECK_EQ(rt, 0);
    CHECK_EQ(sigpending(&pend), 0);
    CHECK(sigismember(&pend, SIGUSR1));
    CHECK(sigismember(&pend, SIGUSR2));
    CHECK(sigismember(&pend, SIGRTMIN));
    CHECK(!sigismember(&pend, SIGTERM));
    OK("pending while blocked");

    CHECK_EQ(sigprocmask(SIG_SETMASK, &old, NULL), 0);
    CHECK_EQ(usr1, 2); /* one SIGUSR1 + one SIGUSR2 */
    CHECK_EQ(rt, 2);   /* realtime signals queue */
    sigpending(&pend);
    CHECK(!sigismember(&pend, SIGUSR1));
    /* all four handlers ran (the order of nested frames is not checked) */
    CHECK_EQ(norder, 4);
    int n1 = 0, n2 = 0, nrt = 0;
    for (int i = 0; i < norder; i++) {
        n1 += order[i] == SIGUSR1;
        n2 += order[i] == SIGUSR2;
        nrt += order[i] == SIGRTMIN;
    }
    CHECK(n1 == 1 && n2 == 1 && nrt == 2);
    OK("delivered on unblock");

    sigset_t cur;
    sigemptyset(&block);
    sigaddset(&block, SIGKILL);
    sigaddset(&block, SIGSTOP);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, NULL);
    sigprocmask(SIG_BLOCK, NULL, &cur);
    CHECK(!sigismember(&cur, SIGKILL)); /* cannot be blocked */
    CHECK(!sigismember(&cur, SIGSTOP));
    CHECK(sigismember(&cur, SIGINT));
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    sigprocmask(SIG_BLOCK, NULL, &cur);
    CHECK(!sigismember(&cur, SIGINT));
    CHECK_ERR(sigprocmask(99, &block, NULL), EINVAL);
    OK("mask rules");

    /* a pending ignored signal is discarded when set to SIG_IGN */
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGUSR1);
    signal(SIGUSR1, SIG_IGN);
    sigpending(&pend);
    CHECK(!sigismember(&pend, SIGUSR1));
    signal(SIGUSR1, on_usr1);
    usr1 = 0;
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    CHECK_EQ(usr1, 0);
    OK("ignore discards pending");

    /* the mask and pending set across fork: mask inherited, pending cleared */
    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGUSR1);
    pid_t pid = t_fork();
    if (pid == 0) {
        sigset_t m, p;
        sigprocmask(SIG_BLOCK, NULL, &m);
        sigpending(&p);
        _exit(sigismember(&m, SIGUSR1) && !sigismember(&p, SIGUSR1) ? 0 : 1);
    }
    CHECK_EQ(t_wait(pid), 0);
    OK("fork inherits mask, not pending");
    return t_done();
}
