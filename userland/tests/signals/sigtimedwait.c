/* sigwaitinfo/sigtimedwait/sigwait take blocked signals synchronously; timeout EAGAIN. */
#include "../common.h"

int main(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &set, NULL);

    raise(SIGUSR1);
    siginfo_t si;
    struct timespec ts = {1, 0};
    CHECK_EQ(sigtimedwait(&set, &si, &ts), SIGUSR1);
    CHECK_EQ(si.si_signo, SIGUSR1);
    CHECK_EQ(si.si_code, SI_TKILL);
    OK("pending taken");

    struct timespec t0, t1, short_ts = {0, 100 * 1000 * 1000};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_ERR(sigtimedwait(&set, &si, &short_ts), EAGAIN);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    CHECK(ms >= 95);
    struct timespec zero = {0, 0};
    CHECK_ERR(sigtimedwait(&set, &si, &zero), EAGAIN);
    OK("timeout");

    union sigval v = {.sival_int = 1234};
    sigqueue(getpid(), SIGRTMIN + 1, v);
    v.sival_int = 5678;
    sigqueue(getpid(), SIGRTMIN + 1, v);
    CHECK_EQ(sigwaitinfo(&set, &si), SIGRTMIN + 1);
    CHECK_EQ(si.si_code, SI_QUEUE);
    CHECK_EQ(si.si_value.sival_int, 1234);
    CHECK_EQ(sigwaitinfo(&set, &si), SIGRTMIN + 1);
    CHECK_EQ(si.si_value.sival_int, 5678);
    OK("queued values in order");

    pid_t parent = getpid();
    pid_t pid = t_fork();
    if (pid == 0) {
        t_msleep(50);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    int sig = 0;
    CHECK_EQ(sigwait(&set, &sig), 0);
    CHECK_EQ(sig, SIGUSR1);
    t_wait(pid);
    OK("sigwait from another process");

    struct timespec bad = {0, 2000000000};
    CHECK_ERR(sigtimedwait(&set, &si, &bad), EINVAL);
    OK("errors");
    return t_done();
}
