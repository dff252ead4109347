/* poll on pipes: timeouts, POLLIN, POLLOUT, POLLHUP, POLLERR, POLLNVAL, negative fds. */
#include "../common.h"
#include <poll.h>

int main(void)
{
    int p[2];
    pipe(p);
    struct pollfd f[2] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}};
    CHECK_EQ(poll(f, 1, 0), 0);
    CHECK_EQ(f[0].revents, 0);
    CHECK_EQ(poll(f, 2, 0), 1);
    CHECK_EQ(f[1].revents, POLLOUT);
    OK("empty pipe");

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_EQ(poll(f, 1, 50), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    CHECK(ms >= 49);
    OK("timeout");

    write(p[1], "x", 1);
    CHECK_EQ(poll(f, 1, -1), 1);
    CHECK_EQ(f[0].revents, POLLIN);
    OK("readable");

    /* woken by a writer in another process */
    char c;
    read(p[0], &c, 1);
    pid_t pid = t_fork();
    if (pid == 0) {
        t_msleep(30);
        write(p[1], "y", 1);
        _exit(0);
    }
    CHECK_EQ(poll(f, 1, 5000), 1);
    CHECK_EQ(f[0].revents, POLLIN);
    read(p[0], &c, 1);
    t_wait(pid);
    OK("wake-up");

    close(p[1]);
    CHECK_EQ(poll(f, 1, 0), 1);
    CHECK_EQ(f[0].revents, POLLHUP);
    pipe(p);
    write(p[1], "z", 1);
    close(p[1]);
    f[0].fd = p[0];
    poll(f, 1, 0);
    CHECK_EQ(f[0].revents, POLLIN | POLLHUP);
    OK("hangup");

    int q[2];
    pipe(q);
    close(q[0]);
    struct pollfd w = {q[1], POLLOUT, 0};
    CHECK_EQ(poll(&w, 1, 0), 1);
    CHECK(w.revents & POLLERR);
    OK("no reader: POLLERR");

    struct pollfd bad[2] = {{99, POLLIN, 0}, {-1, POLLIN, 0}};
    CHECK_EQ(poll(bad, 2, 0), 1);
    CHECK_EQ(bad[0].revents, POLLNVAL);
    CHECK_EQ(bad[1].revents, 0);
    CHECK_EQ(poll(NULL, 0, 10), 0);
    OK("nval and negative fd");

    /* regular files are always ready */
    t_mkfile("f", "");
    struct pollfd rf = {open("f", O_RDWR), POLLIN | POLLOUT, 0};
    CHECK_EQ(poll(&rf, 1, 0), 1);
    CHECK_EQ(rf.revents, POLLIN | POLLOUT);
    OK("regular file");
    return t_done();
}
