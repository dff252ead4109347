/* exit/exit_group from a threaded process ends every thread promptly: one spinning in a
 * loop without syscalls, one blocked in read, one sleeping; and exit from a thread other
 * than main; a fatal signal. */
#include "../common.h"
#include <pthread.h>

static volatile int spin_flag;
static int pipefd[2];

static void *spin(void *arg) { (void)arg; for (;;) spin_flag++; return 0; }
static void *blocked_read(void *arg) { (void)arg; char c; read(pipefd[0], &c, 1); return 0; }
static void *sleeper(void *arg) { (void)arg; sleep(100); return 0; }
static void *exiter(void *arg) { t_msleep(50); exit((int)(long)arg); }

static void start_all(void)
{
    pthread_t t;
    pipe(pipefd);
    pthread_create(&t, 0, spin, 0);
    pthread_create(&t, 0, blocked_read, 0);
    pthread_create(&t, 0, sleeper, 0);
    while (spin_flag == 0) sched_yield();
}

int main(void)
{
    pid_t pid = t_fork();
    if (pid == 0) {
        start_all();
        exit(3);
    }
    CHECK_STR(t_status(t_wait(pid)), "exited 3");
    OK("exit from main ends spinning, blocked and sleeping threads");

    pid = t_fork();
    if (pid == 0) {
        start_all();
        pthread_t t;
        pthread_create(&t, 0, exiter, (void *)5);
        pthread_join(t, 0);  /* never returns: the process exits under us */
        _exit(99);
    }
    CHECK_STR(t_status(t_wait(pid)), "exited 5");
    OK("exit from another thread while main waits in join");

    pid = t_fork();
    if (pid == 0) {
        start_all();
        kill(getpid(), SIGTERM);
        t_msleep(5000);
        _exit(98);
    }
    CHECK_STR(t_status(t_wait(pid)), "killed by signal 15");
    OK("a fatal signal ends every thread");
    return t_done();
}
