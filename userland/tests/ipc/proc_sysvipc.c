/* /proc/sysvipc/{sem,msg}: the header lines, and the row of a set and a
 * queue this test creates (key, perms, nsems / cbytes, qnum, owners). */
#include "../common.h"
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>

/* Print the first line of path, and find the row whose second column is id. */
static void show(const char *path, int id, char *row, size_t len)
{
    static char buf[1 << 16];
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    size_t off = 0;
    ssize_t n;
    while (off < sizeof buf - 1 && (n = read(fd, buf + off, sizeof buf - 1 - off)) > 0)
        off += (size_t)n;
    buf[off] = 0;
    close(fd);
    char *nl = strchr(buf, '\n');
    printf("%s header: %.*s\n", path, nl ? (int)(nl - buf) : 0, buf);
    row[0] = 0;
    for (char *line = nl ? nl + 1 : buf + off; *line;) {
        char *end = strchr(line, '\n');
        int k, i;
        if (sscanf(line, "%d %d", &k, &i) == 2 && i == id) {
            size_t l = end ? (size_t)(end - line) : strlen(line);
            snprintf(row, len, "%.*s", (int)l, line);
        }
        if (!end)
            break;
        line = end + 1;
    }
}

int main(void)
{
    key_t key = (key_t)(0x57c00000 | (getpid() & 0xfffff));
    int s = semget(key, 5, IPC_CREAT | IPC_EXCL | 0640);
    CHECK(s >= 0);
    int q = msgget(IPC_PRIVATE, 0604);
    CHECK(q >= 0);
    struct {
        long t;
        char x[7];
    } m = {3, "1234567"};
    CHECK_EQ(msgsnd(q, &m, 7, 0), 0);
    CHECK_EQ(msgsnd(q, &m, 2, 0), 0);

    char row[512];
    show("/proc/sysvipc/sem", s, row, sizeof row);
    int key_col, id_col, nsems;
    unsigned perms, uid, gid, cuid, cgid;
    long long otime, ctime;
    CHECK(sscanf(row, "%d %d %o %d %u %u %u %u %lld %lld", &key_col, &id_col, &perms, &nsems, &uid, &gid, &cuid,
                 &cgid, &otime, &ctime) == 10);
    CHECK_EQ(key_col, key);
    CHECK_EQ(uid, geteuid());
    CHECK_EQ(cgid, getegid());
    CHECK(ctime > 1600000000);
    printf("sem row: perms %o nsems %d otime %lld\n", perms, nsems, otime);

    show("/proc/sysvipc/msg", q, row, sizeof row);
    unsigned long cbytes, qnum;
    int lspid, lrpid;
    long long stime, rtime;
    CHECK(sscanf(row, "%d %d %o %lu %lu %d %d %u %u %u %u %lld %lld %lld", &key_col, &id_col, &perms, &cbytes, &qnum,
                 &lspid, &lrpid, &uid, &gid, &cuid, &cgid, &stime, &rtime, &ctime) == 14);
    CHECK_EQ(lspid, getpid());
    CHECK(stime > 1600000000);
    printf("msg row: key %d perms %o cbytes %lu qnum %lu lrpid %d rtime %lld\n", key_col, perms, cbytes, qnum, lrpid,
           rtime);

    CHECK_EQ(semctl(s, 0, IPC_RMID), 0);
    CHECK_EQ(msgctl(q, IPC_RMID, NULL), 0);
    show("/proc/sysvipc/sem", s, row, sizeof row);
    printf("sem row after IPC_RMID: \"%s\"\n", row);
    return t_done();
}
