/* pthread_cancel: a thread blocked in read, in nanosleep, in a condition wait, and one
 * polling pthread_testcancel; cleanup handlers run; join sees PTHREAD_CANCELED;
 * disabled cancellation is deferred. */
#include "../common.h"
#include <pthread.h>

static int pfd[2];
static volatile int cleaned;
static void cleanup(void *arg) { cleaned += (int)(long)arg; }

static void *reader(void *arg)
{
    (void)arg;
    char c;
    pthread_cleanup_push(cleanup, (void *)1);
    read(pfd[0], &c, 1);
    pthread_cleanup_pop(0);
    return (void *)7;
}

static void *sleeper(void *arg)
{
    (void)arg;
    pthread_cleanup_push(cleanup, (void *)10);
    sleep(100);
    pthread_cleanup_pop(0);
    return (void *)7;
}

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static void unlock(void *arg) { pthread_mutex_unlock(arg); cleaned += 100; }
static void *waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
    pthread_cleanup_push(unlock, &m);
    for (;;) pthread_cond_wait(&cv, &m);
    pthread_cleanup_pop(1);
    return 0;
}

static volatile int spins;
static void *poller(void *arg)
{
    (void)arg;
    for (;;) {
        spins++;
        pthread_testcancel();
    }
    return 0;
}

static volatile int disabled_ready;
static void *disabled(void *arg)
{
    (void)arg;
    int old;
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
    disabled_ready = 1;
    t_msleep(50);          /* a cancellation point, but cancellation is disabled */
    pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
    pthread_testcancel();  /* acted upon here */
    return (void *)7;
}

static void cancel_and_join(void *(*fn)(void *), const char *what, int want_cleaned)
{
    pthread_t t;
    void *r = 0;
    cleaned = 0;
    CHECK_EQ(pthread_create(&t, 0, fn, 0), 0);
    t_msleep(30);
    CHECK_EQ(pthread_cancel(t), 0);
    CHECK_EQ(pthread_join(t, &r), 0);
    CHECK(r == PTHREAD_CANCELED);
    CHECK_EQ(cleaned, want_cleaned);
    OK(what);
}

int main(void)
{
    CHECK_EQ(pipe(pfd), 0);
    cancel_and_join(reader, "cancel a thread blocked in read, cleanup runs", 1);
    cancel_and_join(sleeper, "cancel a thread in sleep", 10);
    cancel_and_join(waiter, "cancel a condition wait: the mutex is reacquired for cleanup", 100);
    CHECK_EQ(pthread_mutex_trylock(&m), 0);
    pthread_mutex_unlock(&m);
    cancel_and_join(poller, "cancel a thread polling pthread_testcancel", 0);

    pthread_t t;
    void *r;
    CHECK_EQ(pthread_create(&t, 0, disabled, 0), 0);
    while (!disabled_ready) t_msleep(1);
    CHECK_EQ(pthread_cancel(t), 0);
    CHECK_EQ(pthread_join(t, &r), 0);
    CHECK(r == PTHREAD_CANCELED);
    OK("disabled cancellation is acted upon when enabled again");
    return t_done();
}
