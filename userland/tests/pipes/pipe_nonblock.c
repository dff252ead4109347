/* O_NONBLOCK pipes: EAGAIN on empty read / full write, EOF still 0, partial writes. */
#include "../common.h"

int main(void)
{
    int p[2];
    CHECK_EQ(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
    CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK);
    CHECK(fcntl(p[1], F_GETFL) & O_NONBLOCK);
    CHECK_EQ(fcntl(p[0], F_GETFD), FD_CLOEXEC);
    char buf[128];
    CHECK_ERR(read(p[0], buf, sizeof buf), EAGAIN);
    write(p[1], "ab", 2);
    CHECK_EQ(read(p[0], buf, sizeof buf), 2);
    CHECK_ERR(read(p[0], buf, sizeof buf), EAGAIN);
    OK("empty read");

    /* a write larger than the free space but > PIPE_BUF is partial */
    static char big[100000];
    ssize_t n = write(p[1], big, sizeof big);
    CHECK_EQ(n, 65536);
    CHECK_ERR(write(p[1], big, 10), EAGAIN);
    /* after one page is drained, a large (> PIPE_BUF) write completes partially */
    CHECK_EQ(read(p[0], big, 4096), 4096);
    CHECK_EQ(write(p[1], big, 10000), 4096);
    CHECK_ERR(write(p[1], big, 1), EAGAIN);
    OK("full write");

    close(p[1]);
    size_t total = 0;
    while ((n = read(p[0], big, sizeof big)) > 0)
        total += (size_t)n;
    CHECK_EQ(n, 0); /* EOF, not EAGAIN, once writers are gone */
    CHECK_EQ(total, 65536);
    OK("eof");

    CHECK_ERR(pipe2(p, 0x1), EINVAL);
    OK("bad flags");
    return t_done();
}
