/* A signal during a blocking pipe read: SA_RESTART restarts it, without it read fails EINTR. */
#include "../common.h"
#include <sys/time.h>

static volatile sig_atomic_t hits;
static void on_alarm(int s) { (void)s; hits++; }

static ssize_t timed_read(int flags, char *buf, size_t len, pid_t *writer)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = flags;
    sigaction(SIGALRM, &sa, NULL);
    int p[2];
    pipe(p);
    *writer = t_fork();
    if (*writer == 0) {
        close(p[0]);
        t_msleep(300);
        write(p[1], "data", 4);
        _exit(0);
    }
    close(p[1]);
    struct itimerval it = {{0, 0}, {0, 100000}};
    setitimer(ITIMER_REAL, &it, NULL);
    errno = 0;
    ssize_t n = read(p[0], buf, len);
    int e = errno;
    close(p[0]);
    errno = e;
    return n;
}

int main(void)
{
    char buf[16];
    pid_t w;
    hits = 0;
    ssize_t n = timed_read(SA_RESTART, buf, sizeof buf, &w);
    CHECK_EQ(n, 4);
    CHECK_EQ(hits, 1);
    t_wait(w);
    OK("SA_RESTART: read completed after the handler");

    hits = 0;
    n = timed_read(0, buf, sizeof buf, &w);
    CHECK_EQ(n, -1);
    CHECK_EQ(errno, EINTR);
    CHECK_EQ(hits, 1);
    t_wait(w);
    OK("no SA_RESTART: EINTR");

    /* nanosleep is never restarted: EINTR with the remaining time */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 0}, {0, 50000}};
    setitimer(ITIMER_REAL, &it, NULL);
    struct timespec req = {2, 0}, rem = {0, 0};
    CHECK_EQ(nanosleep(&req, &rem), -1);
    CHECK_EQ(errno, EINTR);
    CHECK(rem.tv_sec >= 1 && rem.tv_sec <= 2);
    OK("nanosleep EINTR with remaining time");
    return t_done();
}
