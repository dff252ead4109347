/* CLOCK_MONOTONIC never goes back and advances; CLOCK_REALTIME is plausible; clock_getres. */
#include "../common.h"

static long long ns(clockid_t c)
{
    struct timespec ts;
    if (clock_gettime(c, &ts) != 0)
        return -1;
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void)
{
    long long prev = ns(CLOCK_MONOTONIC), back = 0;
    CHECK(prev > 0);
    for (int i = 0; i < 100000; i++) {
        long long now = ns(CLOCK_MONOTONIC);
        back += now < prev;
        prev = now;
    }
    CHECK_EQ(back, 0);
    OK("monotonic never goes back");

    long long a = ns(CLOCK_MONOTONIC);
    t_msleep(30);
    long long b = ns(CLOCK_MONOTONIC);
    CHECK(b - a >= 30000000LL);
    CHECK(b - a < 2000000000LL);
    OK("advances with sleep");

    struct timespec ts;
    CHECK_EQ(clock_gettime(CLOCK_REALTIME, &ts), 0);
    CHECK(ts.tv_sec > 1600000000); /* after 2020 */
    CHECK(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
    OK("realtime plausible");

    clockid_t clocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME,
                          CLOCK_MONOTONIC_RAW, CLOCK_PROCESS_CPUTIME_ID,
                          CLOCK_THREAD_CPUTIME_ID, CLOCK_REALTIME_COARSE,
                          CLOCK_MONOTONIC_COARSE};
    for (unsigned i = 0; i < sizeof clocks / sizeof *clocks; i++) {
        struct timespec r = {-1, -1};
        CHECK_EQ(clock_gettime(clocks[i], &ts), 0);
        CHECK_EQ(clock_getres(clocks[i], &r), 0);
        CHECK(r.tv_sec == 0 && r.tv_nsec > 0 && r.tv_nsec <= 10000000);
    }
    CHECK(ns(CLOCK_BOOTTIME) >= ns(CLOCK_MONOTONIC) - 1000000);
    OK("all clocks");

    long long c0 = ns(CLOCK_PROCESS_CPUTIME_ID);
    volatile unsigned long x = 0;
    for (unsigned long i = 0; i < 50000000UL; i++)
        x += i;
    long long c1 = ns(CLOCK_PROCESS_CPUTIME_ID);
    CHECK(c1 > c0);
    OK("cpu time advances when busy");

    CHECK_ERR(clock_gettime((clockid_t)1234, &ts), EINVAL);
    OK("errors");
    return t_done();
}
