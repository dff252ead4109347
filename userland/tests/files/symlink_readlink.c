/* symlink/readlink/lstat, dangling links, loops, O_NOFOLLOW. */
#include "../common.h"

int main(void)
{
    char buf[256];
    t_mkfile("target", "T");
    CHECK_EQ(symlink("target", "s1"), 0);
    ssize_t n = readlink("s1", buf, sizeof buf);
    CHECK_EQ(n, 6);
    CHECK(n == 6 && memcmp(buf, "target", 6) == 0);
    CHECK_STR(t_slurp("s1"), "T");
    OK("read through");

    struct stat st, lst;
    CHECK_EQ(stat("s1", &st), 0);
    CHECK_EQ(lstat("s1", &lst), 0);
    CHECK(S_ISREG(st.st_mode));
    CHECK(S_ISLNK(lst.st_mode));
    CHECK_EQ(lst.st_size, 6);
    OK("lstat");

    /* readlink truncates silently and does not NUL-terminate */
    memset(buf, 'x', sizeof buf);
    CHECK_EQ(readlink("s1", buf, 3), 3);
    CHECK(memcmp(buf, "tarx", 4) == 0);
    CHECK_ERR(readlink("target", buf, sizeof buf), EINVAL);
    CHECK_ERR(readlink("none", buf, sizeof buf), ENOENT);
    OK("readlink edge cases");

    CHECK_EQ(symlink("does-not-exist", "dangling"), 0);
    CHECK_ERR(stat("dangling", &st), ENOENT);
    CHECK_EQ(lstat("dangling", &st), 0);
    int fd = open("dangling", O_WRONLY | O_CREAT, 0644); /* creates the target */
    CHECK(fd >= 0);
    close(fd);
    CHECK_EQ(access("does-not-exist", F_OK), 0);
    OK("dangling");

    CHECK_EQ(symlink("loop2", "loop1"), 0);
    CHECK_EQ(symlink("loop1", "loop2"), 0);
    CHECK_ERR(open("loop1", O_RDONLY), ELOOP);
    CHECK_ERR(stat("loop1", &st), ELOOP);
    CHECK_ERR(open("s1", O_RDONLY | O_NOFOLLOW), ELOOP);
    CHECK_ERR(symlink("x", "s1"), EEXIST);
    OK("loops and nofollow");

    mkdir("real", 0755);
    t_mkfile("real/f", "F");
    CHECK_EQ(symlink("real", "dlink"), 0);
    CHECK_STR(t_slurp("dlink/f"), "F");
    CHECK_EQ(symlink("../real/f", "real/up"), 0);
    CHECK_STR(t_slurp("real/up"), "F");
    CHECK_EQ(unlink("dlink"), 0); /* removes the link, not the dir */
    CHECK_EQ(access("real/f", F_OK), 0);
    OK("directory links");

    CHECK_EQ(symlinkat("target", AT_FDCWD, "s2"), 0);
    CHECK_EQ(readlinkat(AT_FDCWD, "s2", buf, sizeof buf), 6);
    OK("at variants");
    return t_done();
}
