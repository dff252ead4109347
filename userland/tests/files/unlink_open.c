/* An unlinked file stays usable through open descriptors. */
#include "../common.h"

int main(void)
{
    int fd = open("tmp.dat", O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    t_write_all(fd, "still here", 10);
    CHECK_EQ(unlink("tmp.dat"), 0);
    CHECK_ERR(access("tmp.dat", F_OK), ENOENT);
    struct stat st;
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_nlink, 0);
    CHECK_EQ(st.st_size, 10);
    char buf[16] = {0};
    CHECK_EQ(pread(fd, buf, sizeof buf, 0), 10);
    CHECK_STR(buf, "still here");
    t_write_all(fd, "!", 1);
    CHECK_EQ(pread(fd, buf, sizeof buf, 0), 11);
    OK("usable after unlink");

    /* a new file with the same name is a different file */
    t_mkfile("tmp.dat", "new");
    CHECK_STR(t_slurp("tmp.dat"), "new");
    CHECK_EQ(pread(fd, buf, 5, 0), 5);
    CHECK(memcmp(buf, "still", 5) == 0);
    close(fd);
    OK("name reused");

    CHECK_ERR(unlink("tmp.dat/x"), ENOTDIR);
    CHECK_ERR(unlink("nothing"), ENOENT);
    mkdir("d", 0755);
    CHECK_ERR(unlink("d"), EISDIR);
    CHECK_EQ(unlinkat(AT_FDCWD, "d", AT_REMOVEDIR), 0);
    CHECK_ERR(unlinkat(AT_FDCWD, "tmp.dat", AT_REMOVEDIR), ENOTDIR);
    CHECK_EQ(unlinkat(AT_FDCWD, "tmp.dat", 0), 0);
    OK("errors");
    return t_done();
}
