/* Signals and threads: per-thread masks, a process-directed signal goes to the thread
 * that does not block it, pthread_kill/tgkill target one thread, sigwait in a dedicated
 * thread, a handler runs on the thread it interrupted. */
#include "../common.h"
#include <pthread.h>
#include <sys/syscall.h>

static volatile pid_t handled_on;
static volatile int handled;
static void on_usr1(int sig) { (void)sig; handled_on = (pid_t)syscall(SYS_gettid); handled++; }

static volatile pid_t worker_tid;
static volatile int stop;
static void *unblocked_worker(void *arg)
{
    (void)arg;
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    pthread_sigmask(SIG_UNBLOCK, &s, 0);
    worker_tid = (pid_t)syscall(SYS_gettid);
    while (!stop) t_msleep(1);
    return 0;
}

static void *sigwaiter(void *arg)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    int sig = 0;
    sigwait(&s, &sig);
    *(int *)arg = sig;
    return 0;
}

static volatile int spin_seen;
static void *spin_until_handled(void *arg)
{
    (void)arg;
    worker_tid = (pid_t)syscall(SYS_gettid);
    while (!handled) spin_seen++;
    return 0;
}

int main(void)
{
    signal(SIGUSR1, on_usr1);
    sigset_t s, old;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigaddset(&s, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &s, &old);  /* main blocks both; threads inherit */

    pthread_t t;
    CHECK_EQ(pthread_create(&t, 0, unblocked_worker, 0), 0);
    while (!worker_tid) t_msleep(1);
    kill(getpid(), SIGUSR1);
    for (int i = 0; i < 2000 && !handled; i++) t_msleep(1);
    CHECK_EQ(handled, 1);
    CHECK_EQ(handled_on, worker_tid);
    OK("process-directed signal runs on the thread that does not block it");
    stop = 1;
    pthread_join(t, 0);

    int got = 0;
    CHECK_EQ(pthread_create(&t, 0, sigwaiter, &got), 0);
    t_msleep(20);
    kill(getpid(), SIGUSR2);
    pthread_join(t, 0);
    CHECK_EQ(got, SIGUSR2);
    OK("sigwait in a dedicated thread");

    /* A thread that blocks nothing, busy in a loop without syscalls, gets pthread_kill. */
    handled = 0;
    worker_tid = 0;
    stop = 0;
    CHECK_EQ(pthread_create(&t, 0, spin_until_handled, 0), 0);
    while (!worker_tid) t_msleep(1);
    /* the new thread inherited main's mask (SIGUSR1 blocked): unblocking is per thread */
    CHECK_EQ(pthread_kill(t, 0), 0);
    pthread_sigmask(SIG_SETMASK, &old, 0);
    CHECK_EQ(pthread_kill(t, SIGUSR1), 0);
    t_msleep(30);
    CHECK_EQ(handled, 0);  /* still blocked in that thread */
    OK("pthread_kill to a thread that blocks the signal stays pending");
    /* main now unblocks; the signal is pending on the other thread, not on main */
    t_msleep(10);
    CHECK_EQ(handled, 0);
    handled = 1;  /* let the spinner finish */
    pthread_join(t, 0);

    handled = 0;
    worker_tid = 0;
    pthread_t t2;
    sigemptyset(&s);
    pthread_sigmask(SIG_SETMASK, &s, 0);
    CHECK_EQ(pthread_create(&t2, 0, spin_until_handled, 0), 0);
    while (!worker_tid) t_msleep(1);
    CHECK_EQ(syscall(SYS_tgkill, getpid(), worker_tid, SIGUSR1), 0);
    pthread_join(t2, 0);
    CHECK_EQ(handled_on, worker_tid);
    OK("tgkill interrupts a busy thread");

    CHECK_EQ(syscall(SYS_tgkill, getpid() + 100000, worker_tid, 0), -1);
    CHECK_EQ(errno, ESRCH);
    CHECK_EQ(syscall(SYS_tgkill, getpid(), getpid(), 999), -1);
    CHECK_EQ(errno, EINVAL);
    OK("tgkill errors");
    return t_done();
}
