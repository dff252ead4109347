/* ftruncate/truncate grow (zero fill) and shrink. */
#include "../common.h"

static off_t size_of(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? st.st_size : -1;
}

int main(void)
{
    int fd = open("t.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
    t_write_all(fd, "abcdefgh", 8);
    CHECK_EQ(ftruncate(fd, 4), 0);
    CHECK_EQ(size_of("t.bin"), 4);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 8);
    OK("shrink keeps offset");

    CHECK_EQ(ftruncate(fd, 4096 * 3 + 5), 0);
    CHECK_EQ(size_of("t.bin"), 4096 * 3 + 5);
    char buf[8];
    CHECK_EQ(pread(fd, buf, 8, 0), 8);
    CHECK(memcmp(buf, "abcd\0\0\0\0", 8) == 0);
    CHECK_EQ(pread(fd, buf, 8, 4096 * 3), 5);
    CHECK(memcmp(buf, "\0\0\0\0\0", 5) == 0);
    OK("grow zero-fills");

    /* shrink then grow: the old bytes must not come back */
    CHECK_EQ(ftruncate(fd, 2), 0);
    CHECK_EQ(ftruncate(fd, 8), 0);
    CHECK_EQ(pread(fd, buf, 8, 0), 8);
    CHECK(memcmp(buf, "ab\0\0\0\0\0\0", 8) == 0);
    OK("no stale data");

    CHECK_EQ(truncate("t.bin", 0), 0);
    CHECK_EQ(size_of("t.bin"), 0);
    CHECK_ERR(truncate("missing", 0), ENOENT);
    CHECK_ERR(truncate(".", 0), EISDIR);
    CHECK_ERR(ftruncate(fd, -1), EINVAL);
    int ro = open("t.bin", O_RDONLY);
    CHECK_ERR(ftruncate(ro, 0), EINVAL);
    int p[2];
    pipe(p);
    CHECK_ERR(ftruncate(p[1], 0), EINVAL);
    OK("errors");
    close(ro);
    close(fd);
    return t_done();
}
