/* Shared memory between processes: POSIX shm_open (on /dev/shm), memfd_create and
 * MAP_SHARED|MAP_ANONYMOUS, with process-shared mutexes, condition variables, barriers
 * and semaphores living in it; a harness that keeps its results in a shared page (as
 * LTP's library does). */
#include "../common.h"
#include <pthread.h>
#include <semaphore.h>
#include <stddef.h>
#include <sys/mman.h>

struct zone {
    pthread_mutex_t m;
    pthread_cond_t c;
    pthread_barrier_t b;
    sem_t s;
    int turn;
    long counter;
    int results[8];
};

static void init_zone(struct zone *z, int parties)
{
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(&z->m, &ma);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
    pthread_cond_init(&z->c, &ca);
    pthread_barrierattr_t ba;
    pthread_barrierattr_init(&ba);
    pthread_barrierattr_setpshared(&ba, PTHREAD_PROCESS_SHARED);
    pthread_barrier_init(&z->b, &ba, parties);
    sem_init(&z->s, 1, 0);
}

static void worker(struct zone *z, int id)
{
    for (int i = 0; i < 2000; i++) {
        pthread_mutex_lock(&z->m);
        z->counter++;
        pthread_mutex_unlock(&z->m);
    }
    pthread_barrier_wait(&z->b);
    pthread_mutex_lock(&z->m);
    while (z->turn != id) pthread_cond_wait(&z->c, &z->m);
    z->results[id] = id * 10;
    z->turn++;
    pthread_cond_broadcast(&z->c);
    pthread_mutex_unlock(&z->m);
    sem_post(&z->s);
}

static void run(struct zone *z, const char *what)
{
    init_zone(z, 4);
    pid_t kids[3];
    for (int i = 0; i < 3; i++) {
        kids[i] = t_fork();
        if (kids[i] == 0) {
            worker(z, i + 1);
            _exit(0);
        }
    }
    worker(z, 0);
    for (int i = 0; i < 4; i++) sem_wait(&z->s);
    for (int i = 0; i < 3; i++) CHECK_STR(t_status(t_wait(kids[i])), "exited 0");
    CHECK_EQ(z->counter, 8000L);
    for (int i = 0; i < 4; i++) CHECK_EQ(z->results[i], i * 10);
    OK(what);
}

int main(void)
{
    struct zone *z = mmap(0, sizeof *z, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(z != MAP_FAILED);
    run(z, "pshared mutex, cond, barrier, semaphore in MAP_SHARED|MAP_ANONYMOUS");
    munmap(z, sizeof *z);

    const char *name = "/wasmlinux-test-shm";
    shm_unlink(name);
    int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(ftruncate(fd, sizeof(struct zone)), 0);
    z = mmap(0, sizeof *z, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(z != MAP_FAILED);
    memset(z, 0, sizeof *z);
    run(z, "the same in a shm_open object");
    /* a second, independent mapping of the object sees the same bytes */
    int fd2 = shm_open(name, O_RDONLY, 0);
    struct zone *z2 = mmap(0, sizeof *z2, PROT_READ, MAP_SHARED, fd2, 0);
    CHECK(z2 != MAP_FAILED);
    CHECK_EQ(z2->counter, 8000L);
    z->counter = 5;
    CHECK_EQ(z2->counter, 5L);
    long via_read = 0;
    CHECK_EQ(pread(fd2, &via_read, sizeof via_read, offsetof(struct zone, counter)), (ssize_t)sizeof via_read);
    CHECK_EQ(via_read, 5L);
    OK("two mappings and read() agree without msync");
    CHECK_EQ(shm_unlink(name), 0);
    close(fd);
    close(fd2);

    int mfd = memfd_create("zone", 0);
    CHECK(mfd >= 0);
    CHECK_EQ(ftruncate(mfd, 4096), 0);
    int *w = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
    CHECK(w != MAP_FAILED);
    pid_t pid = t_fork();
    if (pid == 0) {
        int *cw = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0); /* a new mapping in the child */
        cw[10] = 1234;
        __atomic_store_n(&w[0], 1, __ATOMIC_SEQ_CST);
        _exit(0);
    }
    CHECK_STR(t_status(t_wait(pid)), "exited 0");
    CHECK_EQ(w[0], 1);
    CHECK_EQ(w[10], 1234);
    int v = 0;
    CHECK_EQ(pread(mfd, &v, sizeof v, 40), (ssize_t)sizeof v);
    CHECK_EQ(v, 1234);
    OK("memfd mapped in parent and child");

    /* results page of a forking harness */
    int *res = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < 5; i++) {
        pid = t_fork();
        if (pid == 0) {
            __atomic_fetch_add(&res[i % 2], i + 1, __ATOMIC_SEQ_CST);
            _exit(0);
        }
        t_wait(pid);
    }
    CHECK_EQ(res[0], 1 + 3 + 5);
    CHECK_EQ(res[1], 2 + 4);
    OK("forked test cases report through a shared page");
    return t_done();
}
