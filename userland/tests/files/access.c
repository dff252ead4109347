/* access/faccessat: existence, modes, AT_EACCESS, AT_SYMLINK_NOFOLLOW. */
#include "../common.h"

int main(void)
{
    int root = geteuid() == 0;
    t_mkfile("rw", "");
    chmod("rw", 0644);
    CHECK_EQ(access("rw", F_OK), 0);
    CHECK_EQ(access("rw", R_OK), 0);
    CHECK_EQ(access("rw", W_OK), 0);
    CHECK_EQ(access("rw", R_OK | W_OK), 0);
    /* no execute bit anywhere: denied even for root */
    CHECK_ERR(access("rw", X_OK), EACCES);
    OK("plain file");

    t_mkfile("ro", "");
    chmod("ro", 0444);
    if (root)
        CHECK_EQ(access("ro", W_OK), 0);
    else
        CHECK_ERR(access("ro", W_OK), EACCES);
    CHECK_EQ(access("ro", R_OK), 0);
    t_mkfile("x", "");
    chmod("x", 0100);
    CHECK_EQ(access("x", X_OK), 0);
    OK("modes");

    CHECK_ERR(access("missing", F_OK), ENOENT);
    CHECK_ERR(access("rw/sub", F_OK), ENOTDIR);
    CHECK_ERR(access("rw", 0x40), EINVAL);
    OK("errors");

    mkdir("d", 0755);
    t_mkfile("d/in", "");
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    CHECK_EQ(faccessat(dfd, "in", R_OK, 0), 0);
    CHECK_ERR(faccessat(dfd, "rw", F_OK, 0), ENOENT);
    CHECK_EQ(faccessat(AT_FDCWD, "d/in", W_OK, AT_EACCESS), 0);
    CHECK_EQ(access("d", X_OK), 0); /* search permission on a directory */
    symlink("nowhere", "dangling");
    CHECK_ERR(faccessat(AT_FDCWD, "dangling", F_OK, 0), ENOENT);
    CHECK_EQ(faccessat(AT_FDCWD, "dangling", F_OK, AT_SYMLINK_NOFOLLOW), 0);
    close(dfd);
    OK("faccessat");
    return t_done();
}
