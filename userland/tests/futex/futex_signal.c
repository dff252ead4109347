/* A signal interrupts FUTEX_WAIT: the handler runs and, without SA_RESTART, the wait
 * returns EINTR. A timed wait interrupted by a handled signal ends (EINTR, or ETIMEDOUT
 * after the full timeout) and never exceeds its budget silently. */
#include "../common.h"
#include <sys/syscall.h>
#include <sys/time.h>

static volatile sig_atomic_t hits;
static void on_alarm(int s) { (void)s; hits++; }

int main(void)
{
    static volatile int word = 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 0}, {0, 50000}};
    setitimer(ITIMER_REAL, &it, NULL);
    long r = syscall(SYS_futex, &word, 0 /* FUTEX_WAIT */, 0, NULL, NULL, 0);
    CHECK_EQ(r, -1);
    CHECK_EQ(errno, EINTR);
    CHECK_EQ(hits, 1);
    OK("EINTR without SA_RESTART");

    /* with a timeout and SA_RESTART the wait still times out properly afterwards */
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    setitimer(ITIMER_REAL, &it, NULL);
    struct timespec rel = {0, 150000000}, t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r = syscall(SYS_futex, &word, 0, 0, &rel, NULL, 0);
    int e = errno;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    CHECK(r == -1 && (e == ETIMEDOUT || e == EINTR));
    CHECK_EQ(hits, 2);
    if (e == ETIMEDOUT)
        CHECK(ms >= 149);
    OK("timed wait with a signal");
    return t_done();
}
