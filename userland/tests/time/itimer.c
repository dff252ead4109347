/* setitimer ITIMER_REAL periodic ticks, getitimer remaining time, ITIMER_VIRTUAL while busy. */
#include "../common.h"
#include <sys/time.h>

static volatile sig_atomic_t ticks, vticks;
static void on_alrm(int s) { (void)s; ticks++; }
static void on_vt(int s) { (void)s; vticks++; }

int main(void)
{
    signal(SIGALRM, on_alrm);
    struct itimerval it = {{0, 20000}, {0, 20000}};
    CHECK_EQ(setitimer(ITIMER_REAL, &it, NULL), 0);
    while (ticks < 5)
        pause();
    struct itimerval off = {{0, 0}, {0, 0}}, old;
    CHECK_EQ(setitimer(ITIMER_REAL, &off, &old), 0);
    CHECK_EQ(old.it_interval.tv_usec, 20000);
    CHECK(old.it_value.tv_usec <= 20000);
    int t = ticks;
    t_msleep(60);
    CHECK_EQ(ticks, t); /* stopped */
    OK("periodic real timer");

    struct itimerval one = {{0, 0}, {5, 0}}, cur;
    setitimer(ITIMER_REAL, &one, NULL);
    CHECK_EQ(getitimer(ITIMER_REAL, &cur), 0);
    CHECK(cur.it_value.tv_sec == 4 || cur.it_value.tv_sec == 5);
    CHECK(cur.it_interval.tv_sec == 0 && cur.it_interval.tv_usec == 0);
    setitimer(ITIMER_REAL, &off, NULL);
    getitimer(ITIMER_REAL, &cur);
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
    OK("getitimer");

    signal(SIGVTALRM, on_vt);
    struct itimerval v = {{0, 10000}, {0, 10000}};
    CHECK_EQ(setitimer(ITIMER_VIRTUAL, &v, NULL), 0);
    volatile unsigned long x = 0;
    while (vticks < 3)
        x++;
    setitimer(ITIMER_VIRTUAL, &off, NULL);
    CHECK(vticks >= 3);
    OK("virtual timer while busy");

    struct itimerval bad = {{0, 0}, {0, 1000000}};
    CHECK_ERR(setitimer(ITIMER_REAL, &bad, NULL), EINVAL);
    CHECK_ERR(setitimer(99, &it, NULL), EINVAL);
    OK("errors");
    return t_done();
}
