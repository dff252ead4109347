/* select/pselect: readiness sets, timeout updates, EBADF. */
#include "../common.h"
#include <sys/select.h>

int main(void)
{
    int p[2];
    pipe(p);
    fd_set r, w;
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(p[0], &r);
    FD_SET(p[1], &w);
    struct timeval tv = {0, 0};
    CHECK_EQ(select(p[1] + 1, &r, &w, NULL, &tv), 1);
    CHECK(!FD_ISSET(p[0], &r));
    CHECK(FD_ISSET(p[1], &w));
    OK("writable only");

    FD_ZERO(&r);
    FD_SET(p[0], &r);
    tv.tv_sec = 0;
    tv.tv_usec = 60000;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_EQ(select(p[0] + 1, &r, NULL, NULL, &tv), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    CHECK(ms >= 59);
    /* (whether tv is updated depends on the libc: musl passes a copy to pselect6) */
    OK("timeout");

    write(p[1], "a", 1);
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    CHECK_EQ(select(p[0] + 1, &r, NULL, NULL, NULL), 1);
    CHECK(FD_ISSET(p[0], &r));
    OK("readable");

    /* pselect with a mask that lets a pending signal in */
    sigset_t block, empty;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    signal(SIGUSR1, SIG_IGN);
    OK("pselect setup");
    sigemptyset(&empty);
    char c;
    read(p[0], &c, 1);
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    struct timespec ts = {0, 20000000};
    CHECK_EQ(pselect(p[0] + 1, &r, NULL, NULL, &ts, &empty), 0);
    OK("pselect timeout");

    FD_ZERO(&r);
    FD_SET(50, &r);
    tv.tv_sec = 0;
    tv.tv_usec = 0;
    CHECK_ERR(select(51, &r, NULL, NULL, &tv), EBADF);
    CHECK_ERR(select(-1, NULL, NULL, NULL, &tv), EINVAL);
    OK("errors");
    return t_done();
}
