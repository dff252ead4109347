/* eventfd counter semantics: add, read-and-reset, EFD_SEMAPHORE, EAGAIN, overflow, poll. */
#include "../common.h"
#include <poll.h>
#include <sys/eventfd.h>

int main(void)
{
    int fd = eventfd(5, EFD_NONBLOCK | EFD_CLOEXEC);
    CHECK(fd >= 0);
    uint64_t v = 0;
    CHECK_EQ(read(fd, &v, 8), 8);
    CHECK_EQ(v, 5);
    CHECK_ERR(read(fd, &v, 8), EAGAIN);
    v = 3;
    write(fd, &v, 8);
    v = 4;
    write(fd, &v, 8);
    CHECK_EQ(read(fd, &v, 8), 8);
    CHECK_EQ(v, 7);
    OK("counter");

    char small[4];
    CHECK_ERR(read(fd, small, 4), EINVAL);
    v = UINT64_MAX;
    CHECK_ERR(write(fd, &v, 8), EINVAL);
    v = UINT64_MAX - 1;
    CHECK_EQ(write(fd, &v, 8), 8);
    v = 1;
    CHECK_ERR(write(fd, &v, 8), EAGAIN); /* would overflow */
    struct pollfd pf = {fd, POLLIN | POLLOUT, 0};
    CHECK_EQ(poll(&pf, 1, 0), 1);
    CHECK_EQ(pf.revents, POLLIN);
    read(fd, &v, 8);
    pf.revents = 0;
    poll(&pf, 1, 0);
    CHECK_EQ(pf.revents, POLLOUT);
    close(fd);
    OK("limits and poll");

    fd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
    int n = 0;
    while (read(fd, &v, 8) == 8 && v == 1)
        n++;
    CHECK_EQ(n, 3);
    close(fd);
    OK("semaphore");

    /* blocking read woken by another process */
    fd = eventfd(0, 0);
    pid_t pid = t_fork();
    if (pid == 0) {
        t_msleep(30);
        uint64_t one = 42;
        write(fd, &one, 8);
        _exit(0);
    }
    CHECK_EQ(read(fd, &v, 8), 8);
    CHECK_EQ(v, 42);
    t_wait(pid);
    eventfd_t ev;
    eventfd_write(fd, 9);
    CHECK_EQ(eventfd_read(fd, &ev), 0);
    CHECK_EQ(ev, 9);
    OK("cross-process and wrappers");
    return t_done();
}
