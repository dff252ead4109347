/* signalfd: blocked signals are read as signalfd_siginfo records; poll readiness. */
#include "../common.h"
#include <poll.h>
#include <sys/signalfd.h>

int main(void)
{
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigaddset(&m, SIGUSR2);
    sigprocmask(SIG_BLOCK, &m, NULL);
    int fd = signalfd(-1, &m, SFD_NONBLOCK | SFD_CLOEXEC);
    CHECK(fd >= 0);
    struct signalfd_siginfo si;
    CHECK_ERR(read(fd, &si, sizeof si), EAGAIN);
    kill(getpid(), SIGUSR2);
    kill(getpid(), SIGUSR1);
    struct pollfd pf = {fd, POLLIN, 0};
    CHECK_EQ(poll(&pf, 1, 0), 1);
    CHECK_EQ(read(fd, &si, sizeof si), (ssize_t)sizeof si);
    CHECK_EQ(si.ssi_signo, SIGUSR1); /* lowest first */
    CHECK_EQ(si.ssi_code, SI_USER);
    CHECK_EQ(si.ssi_pid, (uint32_t)getpid());
    CHECK_EQ(read(fd, &si, sizeof si), (ssize_t)sizeof si);
    CHECK_EQ(si.ssi_signo, SIGUSR2);
    CHECK_EQ(si.ssi_code, SI_USER);
    CHECK_ERR(read(fd, &si, sizeof si), EAGAIN);
    raise(SIGUSR2);
    CHECK_EQ(read(fd, &si, sizeof si), (ssize_t)sizeof si);
    CHECK_EQ(si.ssi_signo, SIGUSR2);
    CHECK_EQ(si.ssi_code, SI_TKILL);
    OK("read records");

    /* from a child, blocking read */
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    pid_t parent = getpid();
    pid_t pid = t_fork();
    if (pid == 0) {
        t_msleep(30);
        union sigval v = {.sival_int = 77};
        sigqueue(parent, SIGUSR1, v);
        _exit(0);
    }
    CHECK_EQ(read(fd, &si, sizeof si), (ssize_t)sizeof si);
    CHECK_EQ(si.ssi_signo, SIGUSR1);
    CHECK_EQ(si.ssi_code, SI_QUEUE);
    CHECK_EQ(si.ssi_int, 77);
    CHECK_EQ(si.ssi_pid, (uint32_t)pid);
    t_wait(pid);
    OK("from child");

    /* the fd's mask can be updated in place */
    sigset_t only2;
    sigemptyset(&only2);
    sigaddset(&only2, SIGUSR2);
    CHECK_EQ(signalfd(fd, &only2, 0), fd);
    raise(SIGUSR1);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    CHECK_ERR(read(fd, &si, sizeof si), EAGAIN);
    sigset_t pend;
    sigpending(&pend);
    CHECK(sigismember(&pend, SIGUSR1));
    char small[8];
    raise(SIGUSR2);
    CHECK_ERR(read(fd, small, sizeof small), EINVAL);
    OK("mask update");
    return t_done();
}
