/* execve from a thread other than main: the other threads go, the exec'd image runs
 * as the process (same pid, tid == pid, one thread). /proc/self/task lists the threads,
 * thread names (pthread_setname_np) show in .../comm, /proc/self/status counts them. */
#include "../common.h"
#include <dirent.h>
#include <pthread.h>
#include <sys/syscall.h>

static int count_tasks(void)
{
    DIR *d = opendir("/proc/self/task");
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') n++;
    closedir(d);
    return n;
}

static int status_threads(void)
{
    const char *s = t_slurp("/proc/self/status");
    const char *p = strstr(s, "Threads:");
    return p ? atoi(p + 8) : -1;
}

static pthread_barrier_t bar;
static volatile int stop;
static void *idle(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&bar);
    while (!stop) t_msleep(1);
    return 0;
}

static char *self_path;
static void *execer(void *arg)
{
    char pid[32];
    snprintf(pid, sizeof pid, "%d", (int)(long)arg);
    char *argv[] = { self_path, "after-exec", pid, 0 };
    execv(self_path, argv);
    return (void *)1;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "after-exec")) {
        int want = atoi(argv[2]);
        CHECK_EQ(getpid(), want);
        CHECK_EQ((int)syscall(SYS_gettid), want);
        CHECK_EQ(count_tasks(), 1);
        CHECK_EQ(status_threads(), 1);
        OK("after exec from a thread: same pid, tid == pid, one thread");
        return t_done();
    }
    self_path = argv[0];

    pthread_barrier_init(&bar, 0, 4);
    pthread_t t[3];
    for (int i = 0; i < 3; i++) CHECK_EQ(pthread_create(&t[i], 0, idle, 0), 0);
    pthread_barrier_wait(&bar);
    CHECK_EQ(count_tasks(), 4);
    CHECK_EQ(status_threads(), 4);
    OK("/proc/self/task and Threads: count every thread");

    CHECK_EQ(pthread_setname_np(t[1], "worker-one"), 0);
    char name[32] = {0};
    CHECK_EQ(pthread_getname_np(t[1], name, sizeof name), 0);
    CHECK_STR(name, "worker-one");
    char path[64];
    DIR *d = opendir("/proc/self/task");
    int named = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "/proc/self/task/%s/comm", e->d_name);
        if (!strcmp(t_slurp(path), "worker-one\n")) named++;
    }
    if (d) closedir(d);
    CHECK_EQ(named, 1);
    OK("thread names in /proc/self/task/TID/comm");
    stop = 1;
    for (int i = 0; i < 3; i++) pthread_join(t[i], 0);

    pid_t pid = t_fork();
    if (pid == 0) {
        pthread_barrier_init(&bar, 0, 3);
        stop = 0;
        pthread_t a, b, x;
        pthread_create(&a, 0, idle, 0);
        pthread_create(&b, 0, idle, 0);
        pthread_barrier_wait(&bar);
        pthread_create(&x, 0, execer, (void *)(long)getpid());
        pthread_join(x, 0);
        _exit(99);  /* not reached: the exec replaces the process */
    }
    CHECK_STR(t_status(t_wait(pid)), "exited 0");
    OK("exec from a thread replaces every thread");
    return t_done();
}
