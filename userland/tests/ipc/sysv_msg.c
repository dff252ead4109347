/* System V message queues across fork: message types, MSG_EXCEPT,
 * MSG_NOERROR/E2BIG, ENOMSG, IPC_STAT counters and pids, a full queue
 * (EAGAIN, then a blocked sender), a blocked receiver woken by a send and
 * one ended by IPC_RMID (EIDRM), IPC_INFO against /proc/sys/kernel. */
#include "../common.h"
#include <sys/ipc.h>
#include <sys/msg.h>

struct m {
    long mtype;
    char text[8192];
};

static int snd(int q, long type, const char *text, int flags)
{
    struct m b;
    b.mtype = type;
    size_t n = strlen(text);
    memcpy(b.text, text, n);
    return msgsnd(q, &b, n, flags);
}

/* Receive and print "type text". */
static void rcv(int q, size_t len, long type, int flags)
{
    struct m b;
    ssize_t n = msgrcv(q, &b, len, type, flags);
    if (n < 0) {
        printf("msgrcv(%ld) -> errno %s\n", type,
               errno == ENOMSG ? "ENOMSG" : errno == E2BIG ? "E2BIG" : errno == EIDRM ? "EIDRM" : "other");
        return;
    }
    printf("msgrcv(%ld) -> %ld \"%.*s\"\n", type, b.mtype, (int)n, b.text);
}

int main(void)
{
    key_t key = (key_t)(0x57b00000 | (getpid() & 0xfffff));
    CHECK_ERR(msgget(key, 0600), ENOENT);
    int q = msgget(key, IPC_CREAT | IPC_EXCL | 0600);
    CHECK(q >= 0);
    CHECK_ERR(msgget(key, IPC_CREAT | IPC_EXCL), EEXIST);
    CHECK_EQ(msgget(key, 0), q);

    pid_t c = t_fork();
    if (c == 0) {
        int bad = 0;
        bad |= snd(q, 3, "three", 0);
        bad |= snd(q, 1, "one", 0);
        bad |= snd(q, 2, "two", 0);
        bad |= snd(q, 1, "uno", 0);
        bad |= snd(q, 5, "a long fifth message", 0);
        _exit(bad ? 1 : 0);
    }
    printf("sender %s\n", t_status(t_wait(c)));
    struct msqid_ds ds;
    CHECK_EQ(msgctl(q, IPC_STAT, &ds), 0);
    printf("qnum %lu cbytes %lu qbytes %lu\n", (unsigned long)ds.msg_qnum, (unsigned long)ds.msg_cbytes,
           (unsigned long)ds.msg_qbytes);
    CHECK_EQ(ds.msg_lspid, c);
    CHECK_EQ(ds.msg_lrpid, 0);
    CHECK_EQ(ds.msg_rtime, 0);
    CHECK(ds.msg_stime > 1600000000);
    CHECK_EQ(ds.msg_perm.mode & 0777, 0600);

    rcv(q, 100, 2, 0);
    rcv(q, 100, 3, MSG_EXCEPT);
    rcv(q, 100, 9, IPC_NOWAIT);
    rcv(q, 3, 5, 0);
    rcv(q, 6, 5, MSG_NOERROR);
    rcv(q, 100, -3, 0);
    rcv(q, 100, 0, 0);
    rcv(q, 100, 0, IPC_NOWAIT);
    CHECK_EQ(msgctl(q, IPC_STAT, &ds), 0);
    CHECK_EQ(ds.msg_lrpid, getpid());
    CHECK_EQ(ds.msg_qnum, 0);
    CHECK_ERR(snd(q, 0, "x", 0), EINVAL);
    struct m big = {1, {0}};
    CHECK_ERR(msgsnd(q, &big, 8193, 0), EINVAL);
    OK("types and flags");

    /* Fill the queue: 2 x 8192 bytes; the next send is EAGAIN or blocks. */
    CHECK_EQ(msgsnd(q, &big, 8192, 0), 0);
    CHECK_EQ(msgsnd(q, &big, 8192, 0), 0);
    CHECK_ERR(snd(q, 1, "abcdef", IPC_NOWAIT), EAGAIN);
    c = t_fork();
    if (c == 0)
        _exit(snd(q, 7, "late", 0) == 0 ? 0 : 1);
    t_msleep(50);
    CHECK_EQ(msgrcv(q, &big, sizeof big.text, 1, 0), 8192);
    printf("blocked sender %s\n", t_status(t_wait(c)));
    rcv(q, 100, 7, 0);
    CHECK_EQ(msgrcv(q, &big, sizeof big.text, 0, 0), 8192);
    OK("full queue");

    /* A receiver blocks until a matching message arrives. */
    c = t_fork();
    if (c == 0) {
        struct m b;
        ssize_t n = msgrcv(q, &b, sizeof b.text, 4, 0);
        _exit(n == 4 && b.mtype == 4 && memcmp(b.text, "four", 4) == 0 ? 0 : 1);
    }
    t_msleep(30);
    CHECK_EQ(snd(q, 6, "six", 0), 0);
    CHECK_EQ(snd(q, 4, "four", 0), 0);
    printf("blocked receiver %s\n", t_status(t_wait(c)));
    rcv(q, 100, 0, IPC_NOWAIT);

    c = t_fork();
    if (c == 0) {
        struct m b;
        ssize_t n = msgrcv(q, &b, sizeof b.text, 0, 0);
        _exit(n == -1 && errno == EIDRM ? 0 : 1);
    }
    t_msleep(50);
    CHECK_EQ(msgctl(q, IPC_RMID, NULL), 0);
    printf("receiver of removed queue %s\n", t_status(t_wait(c)));
    CHECK_ERR(msgctl(q, IPC_STAT, &ds), EINVAL);
    OK("blocking");

    struct msginfo mi;
    CHECK(msgctl(0, IPC_INFO, (struct msqid_ds *)&mi) >= 0);
    const char *s = t_slurp("/proc/sys/kernel/msgmax");
    CHECK(s && mi.msgmax == atoi(s));
    s = t_slurp("/proc/sys/kernel/msgmnb");
    CHECK(s && mi.msgmnb == atoi(s));
    s = t_slurp("/proc/sys/kernel/msgmni");
    CHECK(s && mi.msgmni == atoi(s));
    CHECK_EQ(mi.msgssz, 16);
    OK("IPC_INFO");
    return t_done();
}
