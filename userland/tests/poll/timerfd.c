/* timerfd: one-shot and periodic expirations, gettime, TFD_NONBLOCK, absolute timers. */
#include "../common.h"
#include <poll.h>
#include <sys/timerfd.h>

int main(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    CHECK(fd >= 0);
    struct itimerspec its = {{0, 0}, {0, 50000000}};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_EQ(timerfd_settime(fd, 0, &its, NULL), 0);
    uint64_t exp = 0;
    CHECK_EQ(read(fd, &exp, 8), 8);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    CHECK_EQ(exp, 1);
    CHECK(ms >= 49 && ms < 2000);
    OK("one-shot");

    struct itimerspec cur;
    CHECK_EQ(timerfd_gettime(fd, &cur), 0);
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0); /* disarmed */
    OK("disarmed after expiry");

    its.it_interval.tv_nsec = 10000000;
    its.it_value.tv_nsec = 10000000;
    timerfd_settime(fd, 0, &its, NULL);
    t_msleep(65);
    CHECK_EQ(read(fd, &exp, 8), 8);
    CHECK(exp >= 4 && exp <= 7);
    CHECK_EQ(timerfd_gettime(fd, &cur), 0);
    CHECK_EQ(cur.it_interval.tv_nsec, 10000000);
    CHECK(cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec <= 10000000);
    OK("periodic");

    struct itimerspec off = {{0, 0}, {0, 0}};
    timerfd_settime(fd, 0, &off, NULL);
    int fl = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    CHECK_ERR(read(fd, &exp, 8), EAGAIN);
    OK("nonblock when disarmed");

    struct itimerspec abs = {{0, 0}, {0, 0}};
    clock_gettime(CLOCK_MONOTONIC, &abs.it_value);
    abs.it_value.tv_nsec += 30000000;
    if (abs.it_value.tv_nsec >= 1000000000) {
        abs.it_value.tv_sec++;
        abs.it_value.tv_nsec -= 1000000000;
    }
    CHECK_EQ(timerfd_settime(fd, TFD_TIMER_ABSTIME, &abs, NULL), 0);
    struct pollfd pf = {fd, POLLIN, 0};
    CHECK_EQ(poll(&pf, 1, 2000), 1);
    CHECK_EQ(read(fd, &exp, 8), 8);
    CHECK_EQ(exp, 1);
    OK("absolute + poll");

    char small[4];
    CHECK_ERR(read(fd, small, 4), EINVAL);
    CHECK_ERR(timerfd_create(12345, 0), EINVAL);
    struct itimerspec bad = {{0, 0}, {0, 1000000000}};
    CHECK_ERR(timerfd_settime(fd, 0, &bad, NULL), EINVAL);
    OK("errors");
    return t_done();
}
