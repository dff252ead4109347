/* RLIMIT_NOFILE: EMFILE at the limit, lowest free fd reused, dup2 beyond limit EBADF. */
#include "../common.h"
#include <sys/resource.h>

int main(void)
{
    struct rlimit rl;
    CHECK_EQ(getrlimit(RLIMIT_NOFILE, &rl), 0);
    rl.rlim_cur = 64;
    CHECK_EQ(setrlimit(RLIMIT_NOFILE, &rl), 0);
    int fds[128], n = 0, fd;
    while ((fd = open("/dev/null", O_RDONLY)) >= 0 && n < 128)
        fds[n++] = fd;
    CHECK(fd == -1 && errno == EMFILE);
    CHECK_EQ(n, 64 - 3);
    CHECK_EQ(fds[n - 1], 63);
    OK("EMFILE at 64");

    int p[2];
    CHECK_ERR(pipe(p), EMFILE);
    CHECK_ERR(dup(0), EMFILE);
    CHECK_ERR(dup2(0, 64), EBADF);
    CHECK_ERR(fcntl(0, F_DUPFD, 64), EINVAL);
    OK("other allocators");

    close(fds[10]);
    close(fds[20]);
    CHECK_EQ(open("/dev/null", O_RDONLY), fds[10]);
    CHECK_EQ(dup(0), fds[20]);
    OK("lowest reused");

    for (int i = 0; i < n; i++)
        close(fds[i]);
    CHECK_EQ(sysconf(_SC_OPEN_MAX), 64);
    rl.rlim_cur = 10;
    setrlimit(RLIMIT_NOFILE, &rl);
    fd = open("/dev/null", O_RDONLY);
    CHECK_EQ(fd, 3);
    CHECK_EQ(fcntl(fd, F_DUPFD, 9), 9);
    CHECK_ERR(fcntl(fd, F_DUPFD, 10), EINVAL);
    OK("lowered again");
    return t_done();
}
