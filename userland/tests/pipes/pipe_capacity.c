/* Default pipe capacity is 64 KiB (F_GETPIPE_SZ); a full pipe gives EAGAIN; F_SETPIPE_SZ. */
#include "../common.h"

static size_t fill(int wfd)
{
    static char chunk[1024];
    size_t total = 0;
    ssize_t n;
    while ((n = write(wfd, chunk, sizeof chunk)) > 0)
        total += (size_t)n;
    if (!(n == -1 && errno == EAGAIN))
        FAILF("fill ended with %zd errno %d", n, errno);
    /* byte-sized writes can still squeeze into a partially used page */
    while (write(wfd, chunk, 1) == 1)
        total++;
    return total;
}

int main(void)
{
    int p[2];
    CHECK_EQ(pipe2(p, O_NONBLOCK), 0);
    CHECK_EQ(fcntl(p[0], F_GETPIPE_SZ), 65536);
    CHECK_EQ(fcntl(p[1], F_GETPIPE_SZ), 65536);
    CHECK_EQ(fill(p[1]), 65536);
    OK("64 KiB");

    char buf[4096];
    CHECK_EQ(read(p[0], buf, sizeof buf), 4096);
    /* room for a PIPE_BUF-sized atomic write again */
    CHECK_EQ(write(p[1], buf, 4096), 4096);
    CHECK_ERR(write(p[1], buf, 1), EAGAIN);
    OK("drain and refill");

    size_t total = 0;
    ssize_t n;
    while ((n = read(p[0], buf, sizeof buf)) > 0)
        total += (size_t)n;
    CHECK_EQ(total, 65536);
    CHECK(n == -1 && errno == EAGAIN);
    OK("drained");

    CHECK_EQ(fcntl(p[1], F_SETPIPE_SZ, 4096 * 4), 16384);
    CHECK_EQ(fcntl(p[0], F_GETPIPE_SZ), 16384);
    CHECK_EQ(fill(p[1]), 16384);
    CHECK(fcntl(p[1], F_SETPIPE_SZ, 4096) == -1 && errno == EBUSY);
    OK("setpipe_sz");

    int q[2];
    pipe(q);
    CHECK_EQ(fcntl(q[0], F_SETPIPE_SZ, 5000), 8192); /* rounded up to a power of two pages */
    CHECK_EQ(fcntl(q[0], F_SETPIPE_SZ, 1), 4096);
    OK("rounding");
    return t_done();
}
