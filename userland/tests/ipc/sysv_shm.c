/* System V shared memory: shmget keys and errors, IPC_STAT fields and
 * shm_nattch across attach/detach/fork/exit, a segment shared by parent
 * and child (atomic counter, process-shared semaphore ping-pong),
 * SHM_RDONLY, IPC_RMID while attached (SHM_DEST, still attachable by id,
 * gone at the last detach), EACCES for another user, shmdt/shmat address
 * rules, IPC_INFO/SHM_INFO/SHM_STAT, /proc/sysvipc/shm. Every segment made
 * is removed (native ones persist on the host). */
#include "../common.h"
#include <semaphore.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>

struct shared {
    int counter;
    sem_t ping, pong;
    int turn;
    char text[64];
};

static struct shmid_ds stat_of(int id)
{
    struct shmid_ds ds;
    memset(&ds, 0, sizeof ds);
    CHECK_EQ(shmctl(id, IPC_STAT, &ds), 0);
    return ds;
}

static int nattch(int id)
{
    return (int)stat_of(id).shm_nattch;
}

/* The header of /proc/sysvipc/shm with runs of blanks made one (its widths
 * depend on the kernel's word size), and the nattch column of id's row. */
static void proc_row(int id, char *header, size_t hlen, int *natt, unsigned *perms)
{
    static char buf[1 << 16];
    int fd = open("/proc/sysvipc/shm", O_RDONLY);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    size_t off = 0;
    ssize_t n;
    while (off < sizeof buf - 1 && (n = read(fd, buf + off, sizeof buf - 1 - off)) > 0)
        off += (size_t)n;
    buf[off] = 0;
    close(fd);
    size_t h = 0;
    for (char *p = buf; *p && *p != '\n' && h + 1 < hlen; p++) {
        if (*p == ' ' && (h == 0 || header[h - 1] == ' '))
            continue;
        header[h++] = *p;
    }
    header[h] = 0;
    *natt = -1;
    for (char *line = strchr(buf, '\n'); line && *++line;) {
        int key, sid, cpid, lpid, na;
        unsigned mode;
        unsigned long size;
        if (sscanf(line, "%d %d %o %lu %d %d %d", &key, &sid, &mode, &size, &cpid, &lpid, &na) == 7 && sid == id) {
            *natt = na;
            *perms = mode;
            CHECK_EQ(cpid, getpid());
        }
        line = strchr(line, '\n');
    }
}

int main(void)
{
    key_t key = (key_t)(0x57d00000 | (getpid() & 0xfffff));

    /* shmget: keys, sizes. */
    CHECK_ERR(shmget(key, 100, 0600), ENOENT);
    int id = shmget(key, 100, IPC_CREAT | IPC_EXCL | 0600);
    CHECK(id >= 0);
    CHECK_ERR(shmget(key, 100, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
    CHECK_EQ(shmget(key, 50, 0), id);
    CHECK_EQ(shmget(key, 0, IPC_CREAT | 0600), id);
    CHECK_ERR(shmget(key, 101, 0), EINVAL);
    CHECK_ERR(shmget(IPC_PRIVATE, 0, 0600), EINVAL);
    CHECK_ERR(shmget(IPC_PRIVATE, (size_t)-1, 0600), EINVAL);
    OK("shmget keys and sizes");

    struct shmid_ds ds = stat_of(id);
    CHECK_EQ(ds.shm_segsz, 100);
    CHECK_EQ(ds.shm_nattch, 0);
    CHECK_EQ(ds.shm_perm.mode, 0600);
    CHECK_EQ(ds.shm_perm.__key, key);
    CHECK_EQ(ds.shm_perm.uid, geteuid());
    CHECK_EQ(ds.shm_perm.cgid, getegid());
    CHECK_EQ(ds.shm_cpid, getpid());
    CHECK_EQ(ds.shm_lpid, 0);
    CHECK_EQ(ds.shm_atime, 0);
    CHECK_EQ(ds.shm_dtime, 0);
    CHECK(ds.shm_ctime > 1600000000 && ds.shm_ctime <= time(NULL) + 1);
    OK("IPC_STAT fresh");

    /* Another user: access by the mode bits; IPC_RMID only for the owner. */
    pid_t c = fork();
    if (c == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(10);
        int ok = shmget(key, 0, 0) == id;
        errno = 0;
        ok &= shmget(key, 0, 0400) == -1 && errno == EACCES;
        errno = 0;
        ok &= shmat(id, NULL, SHM_RDONLY) == (void *)-1 && errno == EACCES;
        errno = 0;
        ok &= shmctl(id, IPC_STAT, &ds) == -1 && errno == EACCES;
        errno = 0;
        ok &= shmctl(id, IPC_RMID, NULL) == -1 && errno == EPERM;
        _exit(ok ? 0 : 1);
    }
    int st = -1;
    CHECK_EQ(waitpid(c, &st, 0), c);
    CHECK_EQ(st, 0);
    OK("another user: EACCES, EPERM");

    /* Attach, share with a child, count attaches. */
    int big = shmget(IPC_PRIVATE, sizeof(struct shared) + 5000, 0640);
    CHECK(big >= 0);
    struct shared *s = shmat(big, NULL, 0);
    CHECK(s != (void *)-1);
    CHECK_EQ((uintptr_t)s % 4096, 0);
    ds = stat_of(big);
    CHECK_EQ(ds.shm_nattch, 1);
    CHECK_EQ(ds.shm_lpid, getpid());
    CHECK(ds.shm_atime > 1600000000);
    CHECK_EQ(ds.shm_dtime, 0);
    CHECK_EQ(s->counter, 0);
    CHECK_EQ(sem_init(&s->ping, 1, 0), 0);
    CHECK_EQ(sem_init(&s->pong, 1, 0), 0);
    c = fork();
    if (c == 0) {
        for (int i = 0; i < 20000; i++)
            __atomic_fetch_add(&s->counter, 1, __ATOMIC_SEQ_CST);
        for (int i = 0; i < 50; i++) {
            sem_wait(&s->ping);
            s->turn++;
            sem_post(&s->pong);
        }
        strcpy(s->text, "written by the child");
        _exit(0);
    }
    CHECK_EQ(nattch(big), 2);
    for (int i = 0; i < 20000; i++)
        __atomic_fetch_add(&s->counter, 1, __ATOMIC_SEQ_CST);
    int turns_ok = 1;
    for (int i = 0; i < 50; i++) {
        sem_post(&s->ping);
        sem_wait(&s->pong);
        turns_ok &= s->turn == i + 1;
    }
    CHECK(turns_ok);
    CHECK_EQ(waitpid(c, &st, 0), c);
    CHECK_EQ(st, 0);
    CHECK_EQ(s->counter, 40000);
    printf("child wrote: %s\n", s->text);
    ds = stat_of(big);
    CHECK_EQ(ds.shm_nattch, 1);
    CHECK_EQ(ds.shm_lpid, c);
    CHECK(ds.shm_dtime > 1600000000);
    OK("shared with a forked child");

    /* SHM_RDONLY: the same bytes, read-only; a second attach counts. */
    const struct shared *ro = shmat(big, NULL, SHM_RDONLY);
    CHECK(ro != (void *)-1);
    CHECK(ro != s);
    CHECK_EQ(ro->counter, 40000);
    s->counter = 7;
    CHECK_EQ(ro->counter, 7);
    CHECK_EQ(nattch(big), 2);
    OK("SHM_RDONLY");

    /* shmdt and shmat address rules. */
    char *base = (char *)s;
    CHECK_ERR(shmdt(base + 1), EINVAL);
    CHECK_ERR(shmdt(base + 4096), EINVAL);
    CHECK_ERR(shmat(big, base, 0), EINVAL);
    CHECK_ERR(shmat(big, base + 8, 0), EINVAL);
    CHECK_ERR(shmat(big, NULL, SHM_REMAP), EINVAL);
    CHECK(shmat(big, base + 8, SHM_RND | SHM_REMAP) == base);
    CHECK_EQ(nattch(big), 2);
    /* A split attach counts per piece; shmdt takes all of them. */
    CHECK_EQ(mprotect(base + 4096, 4096, PROT_READ), 0);
    CHECK_EQ(nattch(big), 3);
    CHECK_EQ(shmdt(base), 0);
    CHECK_EQ(nattch(big), 1);
    CHECK_ERR(shmdt(base), EINVAL);
    OK("shmdt/shmat addresses");

    /* /proc/sysvipc/shm. */
    char header[512];
    int na = -2;
    unsigned perms = 0;
    proc_row(big, header, sizeof header, &na, &perms);
    printf("/proc/sysvipc/shm: %s\n", header);
    CHECK_EQ(na, 1);
    CHECK_EQ(perms, 0640);

    /* IPC_RMID while attached: marked, key private, attachable by id. */
    int keyed = shmget(key, 0, 0);
    CHECK_EQ(keyed, id);
    char *k1 = shmat(id, NULL, 0);
    CHECK(k1 != (void *)-1);
    CHECK_EQ(shmctl(id, IPC_RMID, NULL), 0);
    ds = stat_of(id);
    CHECK_EQ(ds.shm_perm.mode, 0600 | SHM_DEST);
    CHECK_EQ(ds.shm_perm.__key, IPC_PRIVATE);
    CHECK_EQ(ds.shm_nattch, 1);
    CHECK_ERR(shmget(key, 0, 0), ENOENT);
    char *k2 = shmat(id, NULL, 0);
    CHECK(k2 != (void *)-1);
    CHECK_EQ(nattch(id), 2);
    CHECK_EQ(shmdt(k1), 0);
    CHECK_EQ(shmdt(k2), 0);
    CHECK_ERR(shmctl(id, IPC_STAT, &ds), EINVAL);
    CHECK_ERR(shmat(id, NULL, 0), EINVAL);
    OK("IPC_RMID while attached");

    /* IPC_SET, SHM_LOCK, info commands. */
    ds = stat_of(big);
    ds.shm_perm.mode = 0604;
    CHECK_EQ(shmctl(big, IPC_SET, &ds), 0);
    CHECK_EQ(stat_of(big).shm_perm.mode, 0604);
    CHECK_EQ(shmctl(big, SHM_LOCK, NULL), 0);
    CHECK_EQ(stat_of(big).shm_perm.mode, 0604 | SHM_LOCKED);
    CHECK_EQ(shmctl(big, SHM_UNLOCK, NULL), 0);
    CHECK_EQ(stat_of(big).shm_perm.mode, 0604);
    struct shminfo si;
    CHECK(shmctl(0, IPC_INFO, (struct shmid_ds *)&si) >= 0);
    CHECK_EQ(si.shmmin, 1);
    CHECK_EQ(si.shmmni, 4096);
    struct shm_info info;
    int maxidx = shmctl(0, SHM_INFO, (struct shmid_ds *)&info);
    CHECK(maxidx >= 0);
    CHECK(info.__used_ids >= 1);
    CHECK_EQ(shmctl(big % 32768, SHM_STAT, &ds), big);
    CHECK_EQ(ds.shm_segsz, sizeof(struct shared) + 5000);
    CHECK_ERR(shmctl(-1, IPC_STAT, &ds), EINVAL);
    CHECK_ERR(shmctl(big, 12345, &ds), EINVAL);
    OK("IPC_SET, SHM_LOCK, IPC_INFO, SHM_INFO");

    /* Exit detaches: a removed segment goes with its last process. */
    c = fork();
    if (c == 0) {
        CHECK_EQ(shmctl(big, IPC_RMID, NULL), 0);
        _exit(nattch(big) == 2 ? 0 : 1);
    }
    CHECK_EQ(waitpid(c, &st, 0), c);
    CHECK_EQ(st, 0);
    CHECK_EQ(nattch(big), 1);
    CHECK_EQ(shmdt(ro), 0);
    CHECK_ERR(shmctl(big, IPC_STAT, &ds), EINVAL);
    OK("exit detaches, removed at the last detach");
    return t_done();
}
