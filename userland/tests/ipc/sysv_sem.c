/* System V semaphores: semget keys and errors, SETALL/GETALL, IPC_STAT
 * fields, a semop ping-pong between parent and forked child, GETNCNT of a
 * blocked child, SEM_UNDO applied at exit, IPC_NOWAIT/semtimedop EAGAIN,
 * EIDRM for a waiter whose set is removed. */
#include "../common.h"
#include <sys/ipc.h>
#include <sys/sem.h>

union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
};

static int op(int id, unsigned short num, short delta, short flg)
{
    struct sembuf b = {num, delta, flg};
    return semop(id, &b, 1);
}

static int wait_ncnt(int id, int num, int want)
{
    for (int i = 0; i < 400; i++) {
        if (semctl(id, num, GETNCNT) == want)
            return 1;
        t_msleep(5);
    }
    return 0;
}

int main(void)
{
    /* A key unique to this run (native objects persist on the host). */
    key_t key = (key_t)(0x57a00000 | (getpid() & 0xfffff));
    CHECK_ERR(semget(key, 1, 0600), ENOENT);
    int id = semget(key, 3, IPC_CREAT | IPC_EXCL | 0640);
    CHECK(id >= 0);
    CHECK_ERR(semget(key, 3, IPC_CREAT | IPC_EXCL | 0640), EEXIST);
    CHECK_EQ(semget(key, 2, 0), id);
    CHECK_ERR(semget(key, 4, 0), EINVAL);
    CHECK_ERR(semget(IPC_PRIVATE, 0, 0600), EINVAL);
    CHECK_ERR(semget(IPC_PRIVATE, -1, 0600), EINVAL);
    OK("semget keys");

    struct semid_ds ds;
    CHECK_EQ(semctl(id, 0, IPC_STAT, (union semun){.buf = &ds}), 0);
    CHECK_EQ(ds.sem_nsems, 3);
    CHECK_EQ(ds.sem_perm.mode & 0777, 0640);
    CHECK_EQ(ds.sem_perm.uid, geteuid());
    CHECK_EQ(ds.sem_perm.cuid, geteuid());
    CHECK_EQ(ds.sem_perm.gid, getegid());
    CHECK_EQ(ds.sem_otime, 0);
    CHECK(ds.sem_ctime > 1600000000);
    CHECK(ds.sem_ctime <= time(NULL) + 1);
    OK("IPC_STAT fresh");

    unsigned short set[3] = {1, 2, 3}, got[3] = {0};
    CHECK_EQ(semctl(id, 0, SETALL, (union semun){.array = set}), 0);
    CHECK_EQ(semctl(id, 0, GETALL, (union semun){.array = got}), 0);
    printf("GETALL %u %u %u\n", got[0], got[1], got[2]);
    CHECK_EQ(semctl(id, 2, GETVAL), 3);
    CHECK_ERR(semctl(id, 3, GETVAL), EINVAL);
    CHECK_ERR(semctl(id, 0, SETVAL, (union semun){.val = 40000}), ERANGE);
    CHECK_EQ(semctl(id, 0, SETVAL, (union semun){.val = 0}), 0);
    CHECK_EQ(semctl(id, 1, SETVAL, (union semun){.val = 0}), 0);
    CHECK_EQ(semctl(id, 2, SETVAL, (union semun){.val = 0}), 0);
    CHECK_ERR(op(id, 0, -1, IPC_NOWAIT), EAGAIN);
    CHECK_ERR(op(id, 7, 1, 0), EFBIG);
    CHECK_ERR(semop(id, (struct sembuf[1]){{0, 1, 0}}, 0), EINVAL);
    static struct sembuf many[501];
    CHECK_ERR(semop(id, many, 501), E2BIG);
    CHECK_EQ(semctl(id, 2, SETVAL, (union semun){.val = 32767}), 0);
    CHECK_ERR(op(id, 2, 1, 0), ERANGE);
    CHECK_EQ(semctl(id, 2, SETVAL, (union semun){.val = 0}), 0);
    struct timespec ts = {0, 20 * 1000000};
    struct sembuf down = {0, -1, 0};
    CHECK_ERR(semtimedop(id, &down, 1, &ts), EAGAIN);
    OK("semop errors");

    /* Ping-pong: the child waits on sem 0 and posts sem 1, 20 rounds. */
    pid_t c = t_fork();
    if (c == 0) {
        for (int i = 0; i < 20; i++) {
            if (op(id, 0, -1, 0) != 0)
                _exit(10);
            if (op(id, 1, 1, 0) != 0)
                _exit(11);
        }
        _exit(0);
    }
    int rounds = 0;
    for (int i = 0; i < 20; i++) {
        if (op(id, 0, 1, 0) != 0 || op(id, 1, -1, 0) != 0)
            break;
        rounds++;
    }
    printf("ping-pong rounds %d, child %s\n", rounds, t_status(t_wait(c)));
    CHECK_EQ(semctl(id, 0, GETPID), c);
    CHECK_EQ(semctl(id, 1, GETPID), getpid());
    CHECK_EQ(semctl(id, 0, IPC_STAT, (union semun){.buf = &ds}), 0);
    CHECK(ds.sem_otime > 1600000000);
    OK("semop across fork");

    /* A blocked child is counted by GETNCNT and woken by a post. */
    c = t_fork();
    if (c == 0)
        _exit(op(id, 2, -2, 0) == 0 ? 0 : 1);
    CHECK(wait_ncnt(id, 2, 1));
    CHECK_EQ(semctl(id, 2, GETZCNT), 0);
    CHECK_EQ(op(id, 2, 2, 0), 0);
    printf("blocked child %s\n", t_status(t_wait(c)));
    CHECK_EQ(semctl(id, 2, GETNCNT), 0);
    CHECK_EQ(semctl(id, 2, GETVAL), 0);

    /* SEM_UNDO: the child's adjustments are reverted when it exits. */
    CHECK_EQ(semctl(id, 0, SETVAL, (union semun){.val = 5}), 0);
    c = t_fork();
    if (c == 0) {
        if (op(id, 0, -3, SEM_UNDO) != 0 || op(id, 1, 4, SEM_UNDO) != 0)
            _exit(1);
        if (semctl(id, 0, GETVAL) != 2 || semctl(id, 1, GETVAL) != 4)
            _exit(2);
        _exit(0);
    }
    printf("undo child %s\n", t_status(t_wait(c)));
    printf("after undo %d %d\n", semctl(id, 0, GETVAL), semctl(id, 1, GETVAL));
    CHECK_EQ(semctl(id, 0, GETPID), c);
    OK("SEM_UNDO");

    /* IPC_SET changes the mode; IPC_RMID wakes a waiter with EIDRM. */
    CHECK_EQ(semctl(id, 0, IPC_STAT, (union semun){.buf = &ds}), 0);
    ds.sem_perm.mode = 0600;
    CHECK_EQ(semctl(id, 0, IPC_SET, (union semun){.buf = &ds}), 0);
    CHECK_EQ(semctl(id, 0, IPC_STAT, (union semun){.buf = &ds}), 0);
    printf("mode after IPC_SET %o\n", ds.sem_perm.mode & 0777);
    c = t_fork();
    if (c == 0) {
        int r = op(id, 2, -1, 0);
        _exit(r == -1 && errno == EIDRM ? 0 : 1);
    }
    CHECK(wait_ncnt(id, 2, 1));
    CHECK_EQ(semctl(id, 0, IPC_RMID), 0);
    printf("EIDRM child %s\n", t_status(t_wait(c)));
    CHECK_ERR(semctl(id, 0, GETVAL), EINVAL);
    CHECK_ERR(semget(key, 1, 0), ENOENT);
    OK("IPC_RMID");

    /* IPC_INFO and /proc/sys/kernel/sem agree. */
    struct seminfo si;
    CHECK(semctl(0, 0, IPC_INFO, (union semun){.buf = (struct semid_ds *)&si}) >= 0);
    int msl, mns, opm, mni;
    const char *s = t_slurp("/proc/sys/kernel/sem");
    CHECK(s && sscanf(s, "%d %d %d %d", &msl, &mns, &opm, &mni) == 4);
    CHECK_EQ(si.semmsl, msl);
    CHECK_EQ(si.semmns, mns);
    CHECK_EQ(si.semopm, opm);
    CHECK_EQ(si.semmni, mni);
    CHECK_EQ(si.semvmx, 32767);
    OK("IPC_INFO");
    return t_done();
}
