/* pthread_create/join/detach/exit, return values, thread ids, TLS isolation, errno per
 * thread, and many short-lived threads (no leak of tasks or stacks). */
#include "../common.h"
#include <pthread.h>
#include <semaphore.h>
#include <sys/syscall.h>

static __thread int tls_counter = 100;
static __thread char tls_buf[64] = "initial";
static pid_t main_pid, main_tid;

static void *worker(void *arg)
{
    long i = (long)arg;
    tls_counter += (int)i;                        /* each thread starts from 100 */
    snprintf(tls_buf, sizeof tls_buf, "thread %ld", i);
    errno = (int)i + 1;                           /* errno is per thread */
    if (getpid() != main_pid) return (void *)-1;  /* same process */
    if (syscall(SYS_gettid) == main_tid) return (void *)-2;  /* own tid */
    sched_yield();
    if (errno != (int)i + 1) return (void *)-3;
    char want[64];
    snprintf(want, sizeof want, "thread %ld", i);
    if (strcmp(tls_buf, want)) return (void *)-4;
    return (void *)(long)tls_counter;
}

static void *exits_early(void *arg)
{
    pthread_exit((void *)((long)arg * 2));
    return 0;
}

static sem_t detached_done;
static void *detached(void *arg)
{
    (void)arg;
    sem_post(&detached_done);
    return 0;
}

static void *self_id(void *arg)
{
    *(pthread_t *)arg = pthread_self();
    return 0;
}

int main(void)
{
    main_pid = getpid();
    main_tid = (pid_t)syscall(SYS_gettid);
    CHECK_EQ(main_tid, main_pid);

    pthread_t t[8];
    for (long i = 0; i < 8; i++) CHECK_EQ(pthread_create(&t[i], 0, worker, (void *)i), 0);
    for (long i = 0; i < 8; i++) {
        void *r;
        CHECK_EQ(pthread_join(t[i], &r), 0);
        CHECK_EQ((long)r, 100 + i);
    }
    CHECK_EQ(tls_counter, 100);
    CHECK_STR(tls_buf, "initial");
    OK("8 threads: results, tids, TLS and errno per thread");

    void *r;
    pthread_t e;
    CHECK_EQ(pthread_create(&e, 0, exits_early, (void *)21), 0);
    CHECK_EQ(pthread_join(e, &r), 0);
    CHECK_EQ((long)r, 42);
    OK("pthread_exit value");

    pthread_t s, seen;
    CHECK_EQ(pthread_create(&s, 0, self_id, &seen), 0);
    CHECK_EQ(pthread_join(s, 0), 0);
    CHECK(pthread_equal(s, seen));
    CHECK(!pthread_equal(s, pthread_self()));
    OK("pthread_self");

    sem_init(&detached_done, 0, 0);
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    for (int i = 0; i < 20; i++) {
        pthread_t d;
        CHECK_EQ(pthread_create(&d, &a, detached, 0), 0);
    }
    for (int i = 0; i < 20; i++) sem_wait(&detached_done);
    OK("20 detached threads");

    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_JOINABLE);
    pthread_attr_setstacksize(&a, 64 * 1024);
    int made = 0;
    for (int i = 0; i < 300; i++) {
        pthread_t x;
        if (pthread_create(&x, &a, exits_early, (void *)(long)i)) break;
        if (pthread_join(x, &r) == 0 && (long)r == 2L * i) made++;
    }
    CHECK_EQ(made, 300);
    OK("300 create+join with a 64 KiB stack");

    return t_done();
}
