/* open/read/write/close basics and their common errors. */
#include "../common.h"

int main(void)
{
    char buf[64];
    int fd = open("f.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "hello, world\n", 13), 13);
    CHECK_EQ(write(fd, "", 0), 0);
    CHECK_ERR(read(fd, buf, 1), EBADF);
    CHECK_EQ(close(fd), 0);
    CHECK_ERR(close(fd), EBADF);
    OK("write");

    fd = open("f.txt", O_RDONLY);
    CHECK(fd >= 0);
    CHECK_EQ(read(fd, buf, 5), 5);
    CHECK(memcmp(buf, "hello", 5) == 0);
    CHECK_EQ(read(fd, buf, sizeof buf), 8);
    CHECK(memcmp(buf, ", world\n", 8) == 0);
    CHECK_EQ(read(fd, buf, sizeof buf), 0);
    CHECK_EQ(read(fd, buf, sizeof buf), 0);
    CHECK_ERR(write(fd, "x", 1), EBADF);
    close(fd);
    OK("read");

    fd = open("f.txt", O_RDWR);
    CHECK_EQ(write(fd, "J", 1), 1);
    CHECK_EQ(read(fd, buf, 4), 4);
    CHECK(memcmp(buf, "ello", 4) == 0);
    close(fd);
    CHECK_STR(t_slurp("f.txt"), "Jello, world\n");
    OK("rdwr shares one offset");

    CHECK_ERR(open("missing.txt", O_RDONLY), ENOENT);
    CHECK_ERR(open("missing/dir/x", O_RDONLY | O_CREAT, 0644), ENOENT);
    CHECK_ERR(open("f.txt/x", O_RDONLY), ENOTDIR);
    CHECK_ERR(open(".", O_WRONLY), EISDIR);
    CHECK_ERR(open("", O_RDONLY), ENOENT);
    CHECK_ERR(read(-1, buf, 1), EBADF);
    CHECK_ERR(read(12345, buf, 1), EBADF);
    OK("errors");

    /* lowest free descriptor is reused */
    int a = open("f.txt", O_RDONLY), b = open("f.txt", O_RDONLY);
    CHECK_EQ(b, a + 1);
    close(a);
    int c = open("f.txt", O_RDONLY);
    CHECK_EQ(c, a);
    close(b);
    close(c);
    OK("lowest fd");
    return t_done();
}
