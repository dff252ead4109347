/* gettimeofday, time(), clock_gettime(REALTIME) agree with each other. */
#include "../common.h"
#include <sys/time.h>

int main(void)
{
    for (int i = 0; i < 5; i++) {
        struct timeval tv;
        CHECK_EQ(gettimeofday(&tv, NULL), 0);
        time_t t = time(NULL);
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
        CHECK(t >= tv.tv_sec && t - tv.tv_sec <= 1);
        CHECK(ts.tv_sec >= t && ts.tv_sec - t <= 1);
        time_t t2;
        CHECK_EQ(time(&t2), t2);
        CHECK(t2 - t <= 1);
        t_msleep(3);
    }
    OK("consistent");

    struct timeval a, b;
    gettimeofday(&a, NULL);
    t_msleep(20);
    gettimeofday(&b, NULL);
    long long us = (long long)(b.tv_sec - a.tv_sec) * 1000000 + (b.tv_usec - a.tv_usec);
    CHECK(us >= 19000 && us < 2000000);
    OK("advances");

    struct timezone tz;
    CHECK_EQ(gettimeofday(&a, &tz), 0);
    OK("timezone arg accepted");
    return t_done();
}
