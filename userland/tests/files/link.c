/* Hard links: shared contents, link counts, unlink of one name. */
#include "../common.h"

static nlink_t links(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? st.st_nlink : (nlink_t)-1;
}

int main(void)
{
    t_mkfile("orig", "data");
    CHECK_EQ(links("orig"), 1);
    CHECK_EQ(link("orig", "l1"), 0);
    CHECK_EQ(link("orig", "l2"), 0);
    CHECK_EQ(links("orig"), 3);
    CHECK_EQ(links("l2"), 3);
    struct stat a, b;
    stat("orig", &a);
    stat("l1", &b);
    CHECK(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
    OK("link count 3");

    int fd = open("l1", O_WRONLY | O_APPEND);
    t_write_all(fd, "+more", 5);
    close(fd);
    CHECK_STR(t_slurp("orig"), "data+more");
    CHECK_STR(t_slurp("l2"), "data+more");
    OK("shared contents");

    CHECK_EQ(unlink("orig"), 0);
    CHECK_EQ(links("l1"), 2);
    CHECK_STR(t_slurp("l2"), "data+more");
    OK("unlink one name");

    CHECK_ERR(link("l1", "l2"), EEXIST);
    CHECK_ERR(link("missing", "x"), ENOENT);
    mkdir("dir", 0755);
    CHECK_ERR(link("dir", "dirlink"), EPERM);
    CHECK_ERR(link("l1", "nodir/x"), ENOENT);
    OK("errors");

    /* linkat with AT_SYMLINK_FOLLOW links the target, without it the symlink itself */
    symlink("l1", "sym");
    CHECK_EQ(linkat(AT_FDCWD, "sym", AT_FDCWD, "hard-target", AT_SYMLINK_FOLLOW), 0);
    CHECK_EQ(linkat(AT_FDCWD, "sym", AT_FDCWD, "hard-sym", 0), 0);
    struct stat st;
    CHECK_EQ(lstat("hard-target", &st), 0);
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(lstat("hard-sym", &st), 0);
    CHECK(S_ISLNK(st.st_mode));
    CHECK_EQ(links("l1"), 3);
    OK("linkat");
    return t_done();
}
