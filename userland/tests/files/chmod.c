/* chmod/fchmod/fchmodat, permission bits incl. setuid/sticky, umask at creation. */
#include "../common.h"

static mode_t mode_of(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? st.st_mode & 07777 : (mode_t)-1;
}

int main(void)
{
    umask(0);
    t_mkfile("f", "x");
    CHECK_EQ(mode_of("f"), 0644);
    CHECK_EQ(chmod("f", 0600), 0);
    CHECK_EQ(mode_of("f"), 0600);
    CHECK_EQ(chmod("f", 04755), 0);
    CHECK_EQ(mode_of("f"), 04755);
    CHECK_EQ(chmod("f", 0), 0);
    CHECK_EQ(mode_of("f"), 0);
    OK("chmod");

    int fd = open("f", O_RDONLY); /* root may open a 000 file; others get EACCES */
    if (geteuid() != 0)
        CHECK(fd == -1 && errno == EACCES);
    if (fd >= 0)
        close(fd);
    chmod("f", 0640);
    fd = open("f", O_RDONLY);
    CHECK_EQ(fchmod(fd, 0444), 0);
    CHECK_EQ(mode_of("f"), 0444);
    close(fd);
    OK("fchmod");

    mkdir("d", 0777);
    CHECK_EQ(mode_of("d"), 0777);
    CHECK_EQ(chmod("d", 01777), 0);
    CHECK_EQ(mode_of("d"), 01777);
    CHECK_EQ(fchmodat(AT_FDCWD, "d", 0700, 0), 0);
    CHECK_EQ(mode_of("d"), 0700);
    OK("directory and sticky");

    umask(027);
    fd = open("g", O_CREAT | O_WRONLY, 0777);
    close(fd);
    CHECK_EQ(mode_of("g"), 0750);
    mkdir("e", 0777);
    CHECK_EQ(mode_of("e"), 0750);
    OK("umask");

    symlink("g", "l");
    CHECK_EQ(chmod("l", 0600), 0); /* follows the link */
    CHECK_EQ(mode_of("g"), 0600);
    CHECK_ERR(chmod("missing", 0600), ENOENT);
    CHECK_ERR(fchmod(-1, 0600), EBADF);
    OK("follow and errors");
    return t_done();
}
