/* *at() calls relative to directory fds; directory fds survive renames. */
#include "../common.h"

int main(void)
{
    CHECK_EQ(mkdir("top", 0755), 0);
    int dfd = open("top", O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    CHECK_EQ(mkdirat(dfd, "sub", 0755), 0);
    int fd = openat(dfd, "sub/file", O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0);
    t_write_all(fd, "via dirfd", 9);
    close(fd);
    CHECK_STR(t_slurp("top/sub/file"), "via dirfd");
    OK("create relative");

    /* the dirfd keeps pointing at the directory after it is renamed */
    CHECK_EQ(rename("top", "moved"), 0);
    fd = openat(dfd, "sub/file", O_RDONLY);
    CHECK(fd >= 0);
    char buf[16] = {0};
    CHECK_EQ(read(fd, buf, sizeof buf), 9);
    close(fd);
    CHECK_EQ(renameat(dfd, "sub/file", dfd, "file2"), 0);
    CHECK_STR(t_slurp("moved/file2"), "via dirfd");
    OK("rename-proof");

    /* absolute paths ignore dirfd; AT_FDCWD means cwd */
    fd = openat(dfd, "/dev/null", O_RDONLY);
    CHECK(fd >= 0);
    close(fd);
    fd = openat(AT_FDCWD, "moved/file2", O_RDONLY);
    CHECK(fd >= 0);
    CHECK_ERR(openat(fd, "x", O_RDONLY), ENOTDIR);
    close(fd);
    CHECK_ERR(openat(-1, "x", O_RDONLY), EBADF);
    OK("absolute, cwd and errors");

    CHECK_EQ(unlinkat(dfd, "file2", 0), 0);
    CHECK_ERR(unlinkat(dfd, "sub/..", AT_REMOVEDIR), ENOTEMPTY);
    CHECK_EQ(unlinkat(dfd, "sub", AT_REMOVEDIR), 0);
    CHECK_EQ(fchdir(dfd), 0);
    t_mkfile("here", "h");
    CHECK_EQ(chdir(".."), 0);
    CHECK_STR(t_slurp("moved/here"), "h");
    OK("fchdir");

    CHECK_EQ(rmdir("moved") == -1 && errno == ENOTEMPTY, 1);
    unlink("moved/here");
    CHECK_EQ(rmdir("moved"), 0);
    /* directory removed under an open dirfd: creating in it fails */
    CHECK_ERR(openat(dfd, "new", O_WRONLY | O_CREAT, 0644), ENOENT);
    close(dfd);
    OK("removed dir");
    return t_done();
}
