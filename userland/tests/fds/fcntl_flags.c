/* F_GETFL/F_SETFL (O_APPEND, O_NONBLOCK; access mode fixed), F_GETFD/F_SETFD. */
#include "../common.h"

int main(void)
{
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    int fl = fcntl(fd, F_GETFL);
    CHECK_EQ(fl & O_ACCMODE, O_RDWR);
    CHECK_EQ(fl & (O_APPEND | O_NONBLOCK), 0);
    CHECK_EQ(fcntl(fd, F_SETFL, fl | O_APPEND), 0);
    CHECK(fcntl(fd, F_GETFL) & O_APPEND);
    t_write_all(fd, "ab", 2);
    lseek(fd, 0, SEEK_SET);
    t_write_all(fd, "cd", 2);
    CHECK_STR(t_slurp("f"), "abcd");
    OK("set append");

    /* the access mode cannot be changed by F_SETFL */
    CHECK_EQ(fcntl(fd, F_SETFL, O_RDONLY), 0);
    CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
    CHECK_EQ(fcntl(fd, F_GETFL) & O_APPEND, 0);
    OK("accmode fixed");

    CHECK_EQ(fcntl(fd, F_GETFD), 0);
    CHECK_EQ(fcntl(fd, F_SETFD, FD_CLOEXEC), 0);
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(fd, F_SETFD, 0), 0);
    CHECK_EQ(fcntl(fd, F_GETFD), 0);
    OK("fd flags");

    int p[2];
    pipe(p);
    CHECK_EQ(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
    char c;
    CHECK_ERR(read(p[0], &c, 1), EAGAIN);
    CHECK_EQ(fcntl(p[0], F_SETFL, 0), 0);
    write(p[1], "x", 1);
    CHECK_EQ(read(p[0], &c, 1), 1);
    OK("nonblock toggle");

    CHECK_ERR(fcntl(-1, F_GETFL), EBADF);
    CHECK_ERR(fcntl(fd, 0x7fff), EINVAL);
    close(fd);
    CHECK_ERR(fcntl(fd, F_GETFD), EBADF);
    OK("errors");
    return t_done();
}
