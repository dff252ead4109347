/* fork in a threaded process: the child has one thread (the caller), atfork handlers run
 * in order, locks held by the handlers are usable in the child, and the child can make
 * threads of its own; a thread other than main can fork. */
#include "../common.h"
#include <pthread.h>

static char order[32];
static void prep(void) { strcat(order, "P"); }
static void parent(void) { strcat(order, "A"); }
static void child(void) { strcat(order, "C"); }

static volatile long ticks;
static volatile int stop;
static void *ticker(void *arg) { (void)arg; while (!stop) ticks++; return 0; }
static void *add_one(void *arg) { return (void *)((long)arg + 1); }

static void *forking_thread(void *arg)
{
    (void)arg;
    pid_t pid = fork();
    if (pid == 0) {
        /* the forking thread is the child's only thread */
        void *r;
        pthread_t t;
        if (pthread_create(&t, 0, add_one, (void *)41) || pthread_join(t, &r) || (long)r != 42) _exit(1);
        _exit(7);
    }
    int st;
    waitpid(pid, &st, 0);
    return (void *)(long)(WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

int main(void)
{
    pthread_atfork(prep, parent, child);
    pthread_t t;
    CHECK_EQ(pthread_create(&t, 0, ticker, 0), 0);
    while (ticks == 0) sched_yield();

    pid_t pid = t_fork();
    if (pid == 0) {
        long a = ticks;
        t_msleep(30);
        long b = ticks;          /* no ticker thread in the child */
        if (a != b) _exit(2);
        if (strcmp(order, "PC")) _exit(3);
        char *p = malloc(100000); /* malloc's lock was handled at fork */
        if (!p) _exit(4);
        free(p);
        pthread_t u;
        void *r;
        if (pthread_create(&u, 0, add_one, (void *)1) || pthread_join(u, &r) || (long)r != 2) _exit(5);
        _exit(0);
    }
    CHECK_STR(t_status(t_wait(pid)), "exited 0");
    CHECK_STR(order, "PA");
    OK("child of a threaded process: one thread, atfork order, malloc and threads work");

    pthread_t f;
    void *r;
    CHECK_EQ(pthread_create(&f, 0, forking_thread, 0), 0);
    CHECK_EQ(pthread_join(f, &r), 0);
    CHECK_EQ((long)r, 7);
    OK("a thread other than main forks");
    stop = 1;
    pthread_join(t, 0);
    return t_done();
}
