/* times(), getrusage(SELF/CHILDREN), clock(): CPU time accounting of self and children. */
#include "../common.h"
#include <sys/resource.h>
#include <sys/times.h>

static void burn(long ms)
{
    struct timespec t0, t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    do {
        for (volatile int i = 0; i < 10000; i++)
            ;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    } while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
}

int main(void)
{
    CHECK_EQ(sysconf(_SC_CLK_TCK), 100);
    struct tms a, b;
    clock_t r0 = times(&a);
    CHECK(r0 != (clock_t)-1);
    burn(150);
    clock_t r1 = times(&b);
    CHECK(r1 >= r0);
    CHECK(b.tms_utime + b.tms_stime >= a.tms_utime + a.tms_stime + 5);
    OK("times self");

    struct rusage ru;
    CHECK_EQ(getrusage(RUSAGE_SELF, &ru), 0);
    CHECK(ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1000000 +
              ru.ru_stime.tv_usec >= 100000);
    CHECK(ru.ru_maxrss > 0);
    OK("getrusage self");

    pid_t pid = t_fork();
    if (pid == 0) {
        burn(150);
        _exit(0);
    }
    t_wait(pid);
    CHECK_EQ(getrusage(RUSAGE_CHILDREN, &ru), 0);
    CHECK(ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1000000 +
              ru.ru_stime.tv_usec >= 100000);
    times(&b);
    CHECK(b.tms_cutime + b.tms_cstime >= 10);
    OK("children accounted after wait");

    clock_t c = clock();
    CHECK(c >= 100000); /* CLOCKS_PER_SEC = 1e6 */
    CHECK_ERR(getrusage(42, &ru), EINVAL);
    OK("clock and errors");
    return t_done();
}
