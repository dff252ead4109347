/* lseek whence values, holes read as zeros, errors. */
#include "../common.h"

int main(void)
{
    char buf[32];
    int fd = open("s.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    t_write_all(fd, "0123456789", 10);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 10);
    CHECK_EQ(lseek(fd, 3, SEEK_SET), 3);
    CHECK_EQ(read(fd, buf, 2), 2);
    CHECK(memcmp(buf, "34", 2) == 0);
    CHECK_EQ(lseek(fd, 2, SEEK_CUR), 7);
    CHECK_EQ(lseek(fd, -1, SEEK_END), 9);
    CHECK_EQ(read(fd, buf, 5), 1);
    CHECK_EQ(buf[0], '9');
    OK("whence");

    CHECK_ERR(lseek(fd, -1, SEEK_SET), EINVAL);
    CHECK_ERR(lseek(fd, -20, SEEK_END), EINVAL);
    CHECK_ERR(lseek(fd, 0, 42), EINVAL);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 10);
    OK("errors keep offset");

    /* seeking past the end then writing leaves a hole of zeros */
    CHECK_EQ(lseek(fd, 100, SEEK_END), 110);
    CHECK_EQ(read(fd, buf, 4), 0);
    CHECK_EQ(write(fd, "X", 1), 1);
    struct stat st;
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_size, 111);
    CHECK_EQ(pread(fd, buf, 32, 10), 32);
    int zeros = 1;
    for (int i = 0; i < 32; i++)
        zeros &= buf[i] == 0;
    CHECK(zeros);
    CHECK_EQ(pread(fd, buf, 1, 110), 1);
    CHECK_EQ(buf[0], 'X');
    OK("hole");

    /* large offsets (beyond 4 GiB) work on a 64-bit off_t */
    off_t big = (off_t)5 << 30;
    CHECK_EQ(lseek(fd, big, SEEK_SET), big);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), big);
    OK("64-bit offset");
    close(fd);

    int p[2];
    CHECK_EQ(pipe(p), 0);
    CHECK_ERR(lseek(p[0], 0, SEEK_SET), ESPIPE);
    close(p[0]);
    close(p[1]);
    CHECK_ERR(lseek(p[0], 0, SEEK_SET), EBADF);
    OK("espipe");
    return t_done();
}
