/* Synchronisation between threads: mutexes under contention, condition variables,
 * barriers, unnamed semaphores, rwlocks, pthread_once, spinlocks, and C11 threads. */
#include "../common.h"
#include <pthread.h>
#include <semaphore.h>
#include <threads.h>

#define NT 4
#define ITERS 50000

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static void *add(void *arg)
{
    (void)arg;
    for (int i = 0; i < ITERS; i++) {
        pthread_mutex_lock(&m);
        counter++;
        pthread_mutex_unlock(&m);
    }
    return 0;
}

static pthread_mutex_t qm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t qc = PTHREAD_COND_INITIALIZER;
static int queue[16], qhead, qtail, qlen;
static void *producer(void *arg)
{
    (void)arg;
    for (int i = 1; i <= 1000; i++) {
        pthread_mutex_lock(&qm);
        while (qlen == 16) pthread_cond_wait(&qc, &qm);
        queue[qtail] = i;
        qtail = (qtail + 1) % 16;
        qlen++;
        pthread_cond_broadcast(&qc);
        pthread_mutex_unlock(&qm);
    }
    return 0;
}

static pthread_barrier_t bar;
static int phase[NT];
static int barrier_bad;
static void *barrier_worker(void *arg)
{
    long id = (long)arg;
    for (int round = 0; round < 50; round++) {
        phase[id] = round;
        pthread_barrier_wait(&bar);
        for (int j = 0; j < NT; j++)
            if (phase[j] != round) barrier_bad = 1;
        pthread_barrier_wait(&bar);
    }
    return 0;
}

static sem_t sem_items;
static int sem_sum;
static void *sem_consumer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++) {
        sem_wait(&sem_items);
        __atomic_fetch_add(&sem_sum, 1, __ATOMIC_SEQ_CST);
    }
    return 0;
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int rw_value;
static void *rw_writer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 2000; i++) {
        pthread_rwlock_wrlock(&rw);
        rw_value++;
        rw_value++;
        pthread_rwlock_unlock(&rw);
    }
    return 0;
}
static int rw_odd;
static void *rw_reader(void *arg)
{
    (void)arg;
    for (int i = 0; i < 2000; i++) {
        pthread_rwlock_rdlock(&rw);
        if (rw_value % 2) rw_odd = 1;
        pthread_rwlock_unlock(&rw);
    }
    return 0;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;
static void once_fn(void) { once_runs++; }
static void *call_once_thread(void *arg) { (void)arg; pthread_once(&once, once_fn); return 0; }

static pthread_spinlock_t spin;
static long spin_count;
static void *spinner(void *arg)
{
    (void)arg;
    for (int i = 0; i < 20000; i++) {
        pthread_spin_lock(&spin);
        spin_count++;
        pthread_spin_unlock(&spin);
    }
    return 0;
}

static mtx_t c11m;
static int c11_count;
static int c11_worker(void *arg)
{
    for (int i = 0; i < 1000; i++) {
        mtx_lock(&c11m);
        c11_count++;
        mtx_unlock(&c11m);
    }
    return (int)(long)arg;
}

int main(void)
{
    pthread_t t[NT];
    for (long i = 0; i < NT; i++) CHECK_EQ(pthread_create(&t[i], 0, add, 0), 0);
    for (int i = 0; i < NT; i++) pthread_join(t[i], 0);
    CHECK_EQ(counter, (long)NT * ITERS);
    OK("contended mutex");

    pthread_t p;
    CHECK_EQ(pthread_create(&p, 0, producer, 0), 0);
    long sum = 0;
    for (int got = 0; got < 1000; got++) {
        pthread_mutex_lock(&qm);
        while (qlen == 0) pthread_cond_wait(&qc, &qm);
        sum += queue[qhead];
        qhead = (qhead + 1) % 16;
        qlen--;
        pthread_cond_broadcast(&qc);
        pthread_mutex_unlock(&qm);
    }
    pthread_join(p, 0);
    CHECK_EQ(sum, 500500L);
    OK("condition variable queue");

    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 20 * 1000 * 1000;
    if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
    pthread_mutex_lock(&qm);
    CHECK_EQ(pthread_cond_timedwait(&qc, &qm, &ts), ETIMEDOUT);
    pthread_mutex_unlock(&qm);
    OK("cond_timedwait times out");

    CHECK_EQ(pthread_barrier_init(&bar, 0, NT), 0);
    for (long i = 0; i < NT; i++) CHECK_EQ(pthread_create(&t[i], 0, barrier_worker, (void *)i), 0);
    for (int i = 0; i < NT; i++) pthread_join(t[i], 0);
    CHECK_EQ(barrier_bad, 0);
    pthread_barrier_destroy(&bar);
    OK("barrier, 50 rounds");

    CHECK_EQ(sem_init(&sem_items, 0, 0), 0);
    pthread_t c[2];
    for (int i = 0; i < 2; i++) CHECK_EQ(pthread_create(&c[i], 0, sem_consumer, 0), 0);
    for (int i = 0; i < 200; i++) sem_post(&sem_items);
    for (int i = 0; i < 2; i++) pthread_join(c[i], 0);
    CHECK_EQ(sem_sum, 200);
    CHECK_EQ(sem_trywait(&sem_items), -1);
    CHECK_EQ(errno, EAGAIN);
    OK("unnamed semaphore");

    pthread_t w, rd[2];
    CHECK_EQ(pthread_create(&w, 0, rw_writer, 0), 0);
    for (int i = 0; i < 2; i++) CHECK_EQ(pthread_create(&rd[i], 0, rw_reader, 0), 0);
    pthread_join(w, 0);
    for (int i = 0; i < 2; i++) pthread_join(rd[i], 0);
    CHECK_EQ(rw_value, 4000);
    CHECK_EQ(rw_odd, 0);
    OK("rwlock");

    for (int i = 0; i < NT; i++) CHECK_EQ(pthread_create(&t[i], 0, call_once_thread, 0), 0);
    for (int i = 0; i < NT; i++) pthread_join(t[i], 0);
    CHECK_EQ(once_runs, 1);
    OK("pthread_once");

    pthread_spin_init(&spin, 0);
    for (int i = 0; i < 2; i++) CHECK_EQ(pthread_create(&t[i], 0, spinner, 0), 0);
    for (int i = 0; i < 2; i++) pthread_join(t[i], 0);
    CHECK_EQ(spin_count, 40000L);
    OK("spinlock");

    CHECK_EQ(mtx_init(&c11m, mtx_plain), thrd_success);
    thrd_t ct[3];
    for (long i = 0; i < 3; i++) CHECK_EQ(thrd_create(&ct[i], c11_worker, (void *)(i + 7)), thrd_success);
    for (int i = 0; i < 3; i++) {
        int res;
        CHECK_EQ(thrd_join(ct[i], &res), thrd_success);
        CHECK_EQ(res, i + 7);
    }
    CHECK_EQ(c11_count, 3000);
    OK("C11 threads");
    return t_done();
}
