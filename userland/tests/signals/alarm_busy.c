/* alarm() interrupts a pure busy loop (no syscalls) via the handler setting a flag. */
#include "../common.h"
#include <sys/time.h>

static volatile sig_atomic_t flag;
static void on_alarm(int s) { (void)s; flag = 1; }

int main(void)
{
    signal(SIGALRM, on_alarm);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_EQ(alarm(1), 0);
    unsigned long spins = 0;
    while (!flag)
        spins++;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double dt = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    CHECK(dt >= 0.9 && dt < 5.0);
    CHECK(spins > 0);
    OK("busy loop interrupted");

    /* alarm returns the remaining seconds of the previous alarm; alarm(0) cancels */
    CHECK_EQ(alarm(100), 0);
    unsigned left = alarm(0);
    CHECK(left >= 99 && left <= 100);
    CHECK_EQ(alarm(0), 0);
    OK("alarm remaining and cancel");

    /* default action of SIGALRM terminates */
    pid_t pid = t_fork();
    if (pid == 0) {
        signal(SIGALRM, SIG_DFL);
        struct itimerval it = {{0, 0}, {0, 50000}};
        setitimer(ITIMER_REAL, &it, NULL);
        for (volatile int x = 0;; x++)
            ;
    }
    int st = t_wait(pid);
    printf("child %s\n", t_status(st));
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM);
    return t_done();
}
