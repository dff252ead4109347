/* Cross-process futex on MAP_SHARED memory: a child waits, the parent wakes it;
 * FUTEX_WAKE counts woken waiters; a simple mutex built on futexes across 4 processes. */
#include "../common.h"
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sched.h>

static long futex(int *uaddr, int op, int val, const struct timespec *ts)
{
    return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

static void lock(int *m)
{
    int c = __sync_val_compare_and_swap(m, 0, 1);
    if (c == 0)
        return;
    if (c != 2)
        c = __sync_lock_test_and_set(m, 2);
    while (c != 0) {
        futex(m, 0, 2, NULL);
        c = __sync_lock_test_and_set(m, 2);
    }
}

static void unlock(int *m)
{
    if (__sync_fetch_and_sub(m, 1) != 1) {
        *m = 0;
        futex(m, 1, 1, NULL);
    }
}

int main(void)
{
    int *shm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(shm != MAP_FAILED);
    if (shm == MAP_FAILED)
        return t_done();
    int *flag = &shm[0], *ready = &shm[1], *mutex = &shm[2], *counter = &shm[3];
    pid_t kids[3];
    for (int i = 0; i < 3; i++) {
        kids[i] = t_fork();
        if (kids[i] == 0) {
            __sync_fetch_and_add(ready, 1);
            while (__sync_fetch_and_add(flag, 0) == 0)
                futex(flag, 0, 0, NULL);
            _exit(0);
        }
    }
    while (__sync_fetch_and_add(ready, 0) < 3)
        t_msleep(1);
    t_msleep(50); /* let them block */
    __sync_lock_test_and_set(flag, 1);
    long woken = futex(flag, 1, 100, NULL);
    CHECK(woken >= 0 && woken <= 3);
    int ok = 0;
    for (int i = 0; i < 3; i++)
        ok += t_wait(kids[i]) == 0;
    CHECK_EQ(ok, 3);
    OK("wait/wake across processes");

    pid_t w[4];
    for (int i = 0; i < 4; i++) {
        w[i] = t_fork();
        if (w[i] == 0) {
            for (int k = 0; k < 2000; k++) {
                lock(mutex);
                int v = *counter;
                if (k % 100 == 0)
                    sched_yield();
                *counter = v + 1;
                unlock(mutex);
            }
            _exit(0);
        }
    }
    for (int i = 0; i < 4; i++)
        t_wait(w[i]);
    CHECK_EQ(*counter, 8000);
    OK("futex mutex, 4 processes x 2000");
    return t_done();
}
