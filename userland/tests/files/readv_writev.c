/* readv/writev scatter-gather, preadv/pwritev. */
#include "../common.h"
#include <sys/uio.h>

int main(void)
{
    int fd = open("v.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    struct iovec w[4] = {
        {"one ", 4}, {"", 0}, {"two ", 4}, {"three\n", 6},
    };
    CHECK_EQ(writev(fd, w, 4), 14);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 14);
    CHECK_STR(t_slurp("v.bin"), "one two three\n");
    OK("writev");

    char a[3], b[5], c[20];
    struct iovec r[3] = {{a, 3}, {b, 5}, {c, sizeof c}};
    lseek(fd, 0, SEEK_SET);
    CHECK_EQ(readv(fd, r, 3), 14);
    CHECK(memcmp(a, "one", 3) == 0);
    CHECK(memcmp(b, " two ", 5) == 0);
    CHECK(memcmp(c, "three\n", 6) == 0);
    OK("readv");

    struct iovec pw[2] = {{"AB", 2}, {"CD", 2}};
    CHECK_EQ(pwritev(fd, pw, 2, 4), 4);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 14);
    CHECK_STR(t_slurp("v.bin"), "one ABCDthree\n");
    char x[4], y[4];
    struct iovec pr[2] = {{x, 4}, {y, 4}};
    CHECK_EQ(preadv(fd, pr, 2, 6), 8);
    CHECK(memcmp(x, "CDth", 4) == 0 && memcmp(y, "ree\n", 4) == 0);
    OK("preadv/pwritev");

    CHECK_ERR(writev(fd, w, -1), EINVAL);
    CHECK_ERR(writev(fd, w, 100000), EINVAL);
    OK("errors");

    /* a pipe receives the iovecs in order */
    int p[2];
    pipe(p);
    CHECK_EQ(writev(p[1], w, 4), 14);
    char buf[32] = {0};
    CHECK_EQ(read(p[0], buf, sizeof buf), 14);
    CHECK_STR(buf, "one two three\n");
    OK("pipe");
    close(fd);
    return t_done();
}
