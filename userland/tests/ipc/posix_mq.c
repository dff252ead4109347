/* POSIX message queues across fork: O_CREAT/O_EXCL, attributes and their
 * validation, priorities, O_NONBLOCK EAGAIN on empty and full queues,
 * EMSGSIZE, a timed receive that times out, a receiver blocked in the
 * child, mq_notify with SIGEV_SIGNAL (SI_MESGQ, the value, EBUSY), poll
 * readiness, the descriptor's status text, mq_unlink. */
#include "../common.h"
#include <mqueue.h>
#include <poll.h>

static volatile sig_atomic_t got_sig, got_code, got_val;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    got_sig = sig;
    got_code = si->si_code;
    got_val = si->si_value.sival_int;
}

int main(void)
{
    char name[64];
    snprintf(name, sizeof name, "/wlt-mq-%d", (int)getpid());
    struct mq_attr at = {0, 4, 64, 0};
    CHECK_ERR(mq_open(name, O_RDWR), ENOENT);
    mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &at);
    CHECK(q != (mqd_t)-1);
    CHECK_ERR(mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &at), EEXIST);
    CHECK_EQ(fcntl(q, F_GETFD), FD_CLOEXEC);
    struct mq_attr bad = {0, 0, 64, 0};
    char other[80];
    snprintf(other, sizeof other, "%s-x", name);
    CHECK_ERR(mq_open(other, O_RDWR | O_CREAT, 0600, &bad), EINVAL);
    bad.mq_maxmsg = 4;
    bad.mq_msgsize = -1;
    CHECK_ERR(mq_open(other, O_RDWR | O_CREAT, 0600, &bad), EINVAL);
    CHECK_ERR(mq_open("/a/b", O_RDWR | O_CREAT, 0600, &at), EACCES);
    struct mq_attr a;
    CHECK_EQ(mq_getattr(q, &a), 0);
    printf("attr flags %ld maxmsg %ld msgsize %ld curmsgs %ld\n", a.mq_flags, a.mq_maxmsg, a.mq_msgsize,
           a.mq_curmsgs);
    OK("open");

    /* The child sends with priorities; the parent gets them highest first. */
    pid_t c = t_fork();
    if (c == 0) {
        int bad = 0;
        bad |= mq_send(q, "low", 3, 1);
        bad |= mq_send(q, "high", 4, 30);
        bad |= mq_send(q, "low2", 4, 1);
        bad |= mq_send(q, "mid", 3, 10);
        _exit(bad ? 1 : 0);
    }
    printf("sender %s\n", t_status(t_wait(c)));
    CHECK_EQ(mq_getattr(q, &a), 0);
    printf("curmsgs %ld\n", a.mq_curmsgs);
    /* The queue is full: a non-blocking send is EAGAIN. */
    struct mq_attr nb = {O_NONBLOCK, 0, 0, 0}, old;
    CHECK_EQ(mq_setattr(q, &nb, &old), 0);
    CHECK_EQ(old.mq_flags, 0);
    CHECK_ERR(mq_send(q, "x", 1, 0), EAGAIN);
    CHECK_ERR(mq_send(q, "x", 1, MQ_PRIO_MAX), EINVAL);
    char big[65] = {0};
    CHECK_ERR(mq_send(q, big, 65, 0), EMSGSIZE);
    struct pollfd p = {q, POLLIN | POLLOUT, 0};
    CHECK_EQ(poll(&p, 1, 0), 1);
    printf("poll full: %s%s\n", p.revents & POLLIN ? "IN" : "", p.revents & POLLOUT ? " OUT" : "");
    char st[128] = {0};
    CHECK(pread(q, st, sizeof st - 1, 0) > 0);
    unsigned long qsize;
    int notify, signo, npid;
    CHECK(sscanf(st, "QSIZE:%lu NOTIFY:%d SIGNO:%d NOTIFY_PID:%d", &qsize, &notify, &signo, &npid) == 4);
    printf("status QSIZE %lu NOTIFY %d SIGNO %d\n", qsize, notify, signo);
    char buf[64];
    unsigned prio;
    CHECK_ERR(mq_receive(q, buf, 63, &prio), EMSGSIZE);
    for (int i = 0; i < 4; i++) {
        ssize_t n = mq_receive(q, buf, sizeof buf, &prio);
        if (n < 0) {
            FAILF("mq_receive %d: %s", i, strerror(errno));
            break;
        }
        printf("got \"%.*s\" prio %u\n", (int)n, buf, prio);
    }
    CHECK_ERR(mq_receive(q, buf, sizeof buf, &prio), EAGAIN);
    p.revents = 0;
    CHECK_EQ(poll(&p, 1, 0), 1);
    printf("poll empty: %s%s\n", p.revents & POLLIN ? "IN" : "", p.revents & POLLOUT ? "OUT" : "");
    CHECK_EQ(mq_setattr(q, &old, NULL), 0);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 30 * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    CHECK_ERR(mq_timedreceive(q, buf, sizeof buf, &prio, &ts), ETIMEDOUT);
    ts.tv_nsec = 1000000000;
    CHECK_ERR(mq_timedreceive(q, buf, sizeof buf, &prio, &ts), EINVAL);
    OK("send and receive");

    /* A child blocks in mq_receive until the parent sends. */
    c = t_fork();
    if (c == 0) {
        ssize_t n = mq_receive(q, buf, sizeof buf, &prio);
        _exit(n == 5 && prio == 7 && memcmp(buf, "hello", 5) == 0 ? 0 : 1);
    }
    t_msleep(50);
    CHECK_EQ(mq_send(q, "hello", 5, 7), 0);
    printf("blocked receiver %s\n", t_status(t_wait(c)));

    /* mq_notify: a signal when a message arrives in the empty queue. */
    struct sigaction sa = {0};
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
    struct sigevent ev = {0};
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGUSR1;
    ev.sigev_value.sival_int = 4242;
    CHECK_EQ(mq_notify(q, &ev), 0);
    CHECK_ERR(mq_notify(q, &ev), EBUSY);
    memset(st, 0, sizeof st);
    CHECK(pread(q, st, sizeof st - 1, 0) > 0);
    CHECK(sscanf(st, "QSIZE:%lu NOTIFY:%d SIGNO:%d NOTIFY_PID:%d", &qsize, &notify, &signo, &npid) == 4);
    printf("registered: NOTIFY %d SIGNO %d pid-is-mine %d\n", notify, signo, npid == getpid());
    c = t_fork();
    if (c == 0)
        _exit(mq_send(q, "ping", 4, 0) == 0 ? 0 : 1);
    printf("notifying sender %s\n", t_status(t_wait(c)));
    for (int i = 0; i < 200 && !got_sig; i++)
        t_msleep(5);
    printf("signal %d code-is-SI_MESGQ %d value %d\n", (int)got_sig, got_code == SI_MESGQ, (int)got_val);
    /* Fired once: registering again works, and removing it too. */
    CHECK_EQ(mq_notify(q, &ev), 0);
    CHECK_EQ(mq_notify(q, NULL), 0);
    CHECK_EQ(mq_notify(q, &ev), 0);
    CHECK_EQ(mq_notify(q, NULL), 0);
    ev.sigev_signo = 65;
    CHECK_ERR(mq_notify(q, &ev), EINVAL);
    OK("notify");

    CHECK_EQ(mq_close(q), 0);
    CHECK_EQ(mq_unlink(name), 0);
    CHECK_ERR(mq_unlink(name), ENOENT);
    CHECK_ERR(mq_open(name, O_RDONLY), ENOENT);
    OK("unlink");
    return t_done();
}
