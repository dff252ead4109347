/* pread/pwrite do not move the file offset; O_APPEND pwrite quirk. */
#include "../common.h"

int main(void)
{
    char buf[16];
    int fd = open("p.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    t_write_all(fd, "abcdefghij", 10);
    CHECK_EQ(lseek(fd, 2, SEEK_SET), 2);
    CHECK_EQ(pwrite(fd, "XYZ", 3, 5), 3);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 2);
    CHECK_EQ(pread(fd, buf, 10, 0), 10);
    CHECK(memcmp(buf, "abcdeXYZij", 10) == 0);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 2);
    CHECK_EQ(read(fd, buf, 3), 3);
    CHECK(memcmp(buf, "cde", 3) == 0);
    OK("offset untouched");

    CHECK_EQ(pread(fd, buf, 10, 8), 2);
    CHECK_EQ(pread(fd, buf, 10, 10), 0);
    CHECK_EQ(pread(fd, buf, 10, 1000), 0);
    CHECK_ERR(pread(fd, buf, 1, -1), EINVAL);
    OK("short and eof");

    CHECK_EQ(pwrite(fd, "!", 1, 20), 1);
    struct stat st;
    fstat(fd, &st);
    CHECK_EQ(st.st_size, 21);
    close(fd);

    /* Linux: pwrite on an O_APPEND descriptor appends regardless of offset (man 2 pwrite BUGS) */
    fd = open("p.bin", O_RDWR | O_APPEND);
    CHECK_EQ(pwrite(fd, "END", 3, 0), 3);
    fstat(fd, &st);
    CHECK_EQ(st.st_size, 24);
    CHECK_EQ(pread(fd, buf, 3, 21), 3);
    CHECK(memcmp(buf, "END", 3) == 0);
    CHECK_EQ(pread(fd, buf, 1, 0), 1);
    CHECK_EQ(buf[0], 'a');
    close(fd);
    OK("append pwrite");

    int p[2];
    pipe(p);
    CHECK_ERR(pread(p[0], buf, 1, 0), ESPIPE);
    CHECK_ERR(pwrite(p[1], buf, 1, 0), ESPIPE);
    OK("espipe");
    return t_done();
}
