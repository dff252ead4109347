/* nanosleep / clock_nanosleep (relative and TIMER_ABSTIME) sleep at least as requested. */
#include "../common.h"

static long long mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void)
{
    long reqs_ms[] = {1, 10, 50, 120};
    for (unsigned i = 0; i < sizeof reqs_ms / sizeof *reqs_ms; i++) {
        struct timespec req = {0, reqs_ms[i] * 1000000L};
        long long t0 = mono_ns();
        CHECK_EQ(nanosleep(&req, NULL), 0);
        long long dt = mono_ns() - t0;
        CHECK(dt >= reqs_ms[i] * 1000000LL);
        CHECK(dt < reqs_ms[i] * 1000000LL + 500000000LL);
    }
    OK("nanosleep >= requested");

    struct timespec req = {0, 30000000};
    long long t0 = mono_ns();
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL), 0);
    CHECK(mono_ns() - t0 >= 30000000LL);
    OK("clock_nanosleep relative");

    struct timespec abs;
    clock_gettime(CLOCK_MONOTONIC, &abs);
    abs.tv_nsec += 40000000;
    if (abs.tv_nsec >= 1000000000) {
        abs.tv_sec++;
        abs.tv_nsec -= 1000000000;
    }
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL), 0);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    CHECK(now.tv_sec > abs.tv_sec || (now.tv_sec == abs.tv_sec && now.tv_nsec >= abs.tv_nsec));
    /* an absolute time in the past returns at once */
    struct timespec past = {0, 0};
    t0 = mono_ns();
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &past, NULL), 0);
    CHECK(mono_ns() - t0 < 100000000LL);
    OK("clock_nanosleep absolute");

    struct timespec zero = {0, 0};
    CHECK_EQ(nanosleep(&zero, NULL), 0);
    CHECK_EQ(usleep(2000), 0);
    CHECK_EQ(sleep(0), 0);
    OK("zero and usleep");

    struct timespec bad = {0, 1000000000};
    CHECK_ERR(nanosleep(&bad, NULL), EINVAL);
    struct timespec neg = {-1, 0};
    CHECK_ERR(nanosleep(&neg, NULL), EINVAL);
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &bad, NULL), EINVAL); /* returns the error */
    OK("errors");
    return t_done();
}
