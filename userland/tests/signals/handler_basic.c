/* sigaction handlers: raise/kill delivery, siginfo fields, old action returned, SIG_IGN. */
#include "../common.h"

static volatile sig_atomic_t hits, last_sig, last_code, last_pid_ok;

static void plain(int s) { hits++; last_sig = s; }
static void info(int s, siginfo_t *si, void *uc)
{
    (void)uc;
    hits++;
    last_sig = s;
    last_code = si->si_code;
    last_pid_ok = si->si_pid == getpid();
}

int main(void)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = plain;
    sigemptyset(&sa.sa_mask);
    CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
    CHECK_EQ(raise(SIGUSR1), 0);
    CHECK_EQ(hits, 1);
    CHECK_EQ(last_sig, SIGUSR1);
    OK("raise");

    CHECK_EQ(kill(getpid(), SIGUSR1), 0);
    CHECK_EQ(hits, 2);
    OK("kill self");

    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = info;
    sa.sa_flags = SA_SIGINFO;
    CHECK_EQ(sigaction(SIGUSR2, &sa, NULL), 0);
    kill(getpid(), SIGUSR2);
    CHECK_EQ(last_sig, SIGUSR2);
    CHECK_EQ(last_code, SI_USER);
    CHECK(last_pid_ok);
    raise(SIGUSR2);
    CHECK_EQ(last_code, SI_TKILL);
    union sigval v = {.sival_int = 5};
    sigqueue(getpid(), SIGUSR2, v);
    CHECK_EQ(last_code, SI_QUEUE);
    OK("siginfo codes");

    CHECK_EQ(sigaction(SIGUSR2, NULL, &old), 0);
    CHECK(old.sa_flags & SA_SIGINFO);
    CHECK(old.sa_sigaction == info);
    void (*prev)(int) = signal(SIGUSR1, SIG_IGN);
    CHECK(prev == plain);
    hits = 0;
    raise(SIGUSR1);
    CHECK_EQ(hits, 0);
    CHECK(signal(SIGUSR1, SIG_DFL) == SIG_IGN);
    OK("old actions and SIG_IGN");

    /* default action of SIGCHLD/SIGURG/SIGWINCH is ignore */
    signal(SIGURG, SIG_DFL);
    raise(SIGURG);
    raise(SIGWINCH);
    OK("default-ignore signals");

    CHECK_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
    CHECK_ERR(sigaction(SIGSTOP, &sa, NULL), EINVAL);
    CHECK_ERR(sigaction(0, &sa, NULL), EINVAL);
    CHECK_ERR(sigaction(65, &sa, NULL), EINVAL);
    CHECK_ERR(kill(getpid(), 999), EINVAL);
    CHECK_EQ(kill(getpid(), 0), 0);
    OK("errors");
    return t_done();
}
