/* epoll: ADD/MOD/DEL, level vs edge triggered, EPOLLONESHOT, data round trip, errors. */
#include "../common.h"
#include <sys/epoll.h>

int main(void)
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    CHECK(ep >= 0);
    CHECK_EQ(fcntl(ep, F_GETFD), FD_CLOEXEC);
    int p[2];
    pipe(p);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1122334455667788ULL};
    CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), 0);
    struct epoll_event out[4];
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 0);
    write(p[1], "ab", 2);
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 1);
    CHECK_EQ(out[0].events, EPOLLIN);
    CHECK(out[0].data.u64 == 0x1122334455667788ULL);
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 1); /* level triggered: still ready */
    OK("level triggered");

    ev.events = EPOLLIN | EPOLLET;
    ev.data.fd = p[0];
    CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), 0);
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 1);
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 0); /* edge consumed */
    write(p[1], "c", 1);
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 1); /* new edge */
    CHECK_EQ(out[0].data.fd, p[0]);
    OK("edge triggered");

    ev.events = EPOLLIN | EPOLLONESHOT;
    CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), 0);
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 1);
    write(p[1], "d", 1);
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 0); /* disabled until re-armed */
    CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), 0);
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 1);
    OK("oneshot");

    ev.events = EPOLLOUT;
    ev.data.fd = p[1];
    CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev), 0);
    ev.events = EPOLLIN;
    ev.data.fd = p[0];
    epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 2);
    CHECK_EQ(epoll_wait(ep, out, 1, 0), 1); /* maxevents respected */
    OK("two fds");

    CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL), 0);
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 1);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL), ENOENT);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_MOD, 77, &ev), EBADF);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL);
    t_mkfile("reg", "");
    int rf = open("reg", O_RDONLY);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, rf, &ev), EPERM);
    CHECK_ERR(epoll_wait(ep, out, 0, 0), EINVAL);
    CHECK_ERR(epoll_create1(12345), EINVAL);
    OK("errors");

    /* closing the fd removes it from the interest list */
    char buf[16];
    read(p[0], buf, sizeof buf);
    close(p[1]);
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 1);
    CHECK(out[0].events & EPOLLHUP);
    close(p[0]);
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 0);
    OK("hup and close");

    /* a blocking wait woken by a child */
    pipe(p);
    ev.events = EPOLLIN;
    ev.data.fd = p[0];
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
    pid_t pid = t_fork();
    if (pid == 0) {
        t_msleep(30);
        write(p[1], "w", 1);
        _exit(0);
    }
    CHECK_EQ(epoll_wait(ep, out, 4, 5000), 1);
    t_wait(pid);
    OK("blocking wait");
    return t_done();
}
