/* Raw futex syscalls in one process: value mismatch EAGAIN, relative timeout ETIMEDOUT,
 * wake with no waiters, FUTEX_WAIT_BITSET absolute timeout, bad ops. */
#include "../common.h"
#include <sys/syscall.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256

static long futex(volatile int *uaddr, int op, int val, const struct timespec *ts, int val3)
{
    return syscall(SYS_futex, uaddr, op, val, ts, NULL, val3);
}

static long elapsed_ms(struct timespec a)
{
    struct timespec b;
    clock_gettime(CLOCK_MONOTONIC, &b);
    return (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
}

int main(void)
{
    static volatile int word = 5;
    CHECK_ERR(futex(&word, FUTEX_WAIT, 4, NULL, 0), EAGAIN);
    CHECK_ERR(futex(&word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 6, NULL, 0), EAGAIN);
    OK("value mismatch");

    struct timespec rel = {0, 50000000}, t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_ERR(futex(&word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 5, &rel, 0), ETIMEDOUT);
    CHECK(elapsed_ms(t0) >= 49);
    OK("relative timeout");

    CHECK_EQ(futex(&word, FUTEX_WAKE, 1, NULL, 0), 0);
    CHECK_EQ(futex(&word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 100, NULL, 0), 0);
    OK("wake nobody");

    struct timespec abs;
    clock_gettime(CLOCK_MONOTONIC, &abs);
    abs.tv_nsec += 40000000;
    if (abs.tv_nsec >= 1000000000) {
        abs.tv_sec++;
        abs.tv_nsec -= 1000000000;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 5, &abs, -1), ETIMEDOUT);
    CHECK(elapsed_ms(t0) >= 39);
    struct timespec rabs;
    clock_gettime(CLOCK_REALTIME, &rabs);
    rabs.tv_nsec += 30000000;
    if (rabs.tv_nsec >= 1000000000) {
        rabs.tv_sec++;
        rabs.tv_nsec -= 1000000000;
    }
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 5, &rabs, -1), ETIMEDOUT);
    OK("absolute bitset timeouts");

    struct timespec bad = {0, 1000000000};
    CHECK_ERR(futex(&word, FUTEX_WAIT, 5, &bad, 0), EINVAL);
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET, 5, &rel, 0), EINVAL); /* bitset 0 */
    CHECK_ERR(futex((volatile int *)((char *)&word + 1), FUTEX_WAIT, 5, &rel, 0), EINVAL);
    CHECK_ERR(futex(&word, 99, 0, NULL, 0), ENOSYS);
    OK("errors");
    return t_done();
}
