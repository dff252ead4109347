/* dup/dup2/dup3/F_DUPFD: shared offsets and flags, close-on-exec not shared. */
#include "../common.h"
#include <sys/syscall.h>

int main(void)
{
    t_mkfile("f", "abcdef");
    int fd = open("f", O_RDONLY);
    int d = dup(fd);
    CHECK(d > fd);
    char c;
    read(fd, &c, 1);
    CHECK_EQ(lseek(d, 0, SEEK_CUR), 1); /* one open file description */
    read(d, &c, 1);
    CHECK_EQ(c, 'b');
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 2);
    OK("dup shares offset");

    CHECK_EQ(dup2(fd, 10), 10);
    CHECK_EQ(lseek(10, 0, SEEK_CUR), 2);
    CHECK_EQ(dup2(fd, fd), fd); /* same fd: no-op, returns it */
    int other = open("f", O_RDONLY);
    CHECK_EQ(dup2(other, 10), 10); /* silently closes the old 10 */
    CHECK_EQ(lseek(10, 0, SEEK_CUR), 0);
    CHECK_ERR(dup2(fd, -1), EBADF);
    CHECK_ERR(dup2(99, 11), EBADF);
    CHECK_ERR(fcntl(11, F_GETFD), EBADF);
    OK("dup2");

    CHECK_EQ(dup3(fd, 12, O_CLOEXEC), 12);
    CHECK_EQ(fcntl(12, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(fd, F_GETFD), 0);
    CHECK_ERR(dup3(fd, fd, 0), EINVAL);
    /* musl ignores unknown flags when it can use dup2; the kernel rejects them */
    CHECK_ERR(syscall(SYS_dup3, fd, 13, O_NONBLOCK), EINVAL);
    OK("dup3");

    int f5 = fcntl(fd, F_DUPFD, 20);
    CHECK_EQ(f5, 20);
    CHECK_EQ(fcntl(fd, F_DUPFD, 20), 21);
    int fc = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    CHECK(fc >= 0 && fc < 20);
    CHECK_EQ(fcntl(fc, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(20, F_GETFD), 0);
    CHECK_ERR(fcntl(fd, F_DUPFD, -1), EINVAL);
    OK("F_DUPFD");

    /* status flags are shared between duplicates */
    int p[2];
    pipe(p);
    int pd = dup(p[0]);
    CHECK_EQ(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
    CHECK(fcntl(pd, F_GETFL) & O_NONBLOCK);
    CHECK_ERR(read(pd, &c, 1), EAGAIN);
    OK("shared status flags");

    /* closing one duplicate keeps the file open */
    close(fd);
    CHECK_EQ(read(d, &c, 1), 1);
    CHECK_EQ(c, 'c');
    OK("close one");

    /* redirect stdout to a file through dup2 and restore it */
    fflush(stdout);
    int saved = dup(1);
    int out = open("captured", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, 1);
    close(out);
    printf("into the file\n");
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    CHECK_STR(t_slurp("captured"), "into the file\n");
    OK("redirect stdout");
    return t_done();
}
