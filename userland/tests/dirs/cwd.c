/* chdir/fchdir/getcwd: relative results only (the absolute prefix is host specific). */
#include "../common.h"

static const char *cwd_tail(int parts)
{
    static char buf[PATH_MAX];
    if (!getcwd(buf, sizeof buf))
        return "(getcwd failed)";
    char *p = buf + strlen(buf);
    while (p > buf && parts) {
        p--;
        if (*p == '/')
            parts--;
    }
    return p;
}

int main(void)
{
    char start[PATH_MAX];
    CHECK(getcwd(start, sizeof start) != NULL);
    CHECK(start[0] == '/');
    mkdir("one", 0755);
    mkdir("one/two", 0755);
    CHECK_EQ(chdir("one/two"), 0);
    CHECK_STR(cwd_tail(2), "/one/two");
    CHECK_EQ(chdir(".."), 0);
    CHECK_STR(cwd_tail(1), "/one");
    CHECK_EQ(chdir("./two/../two/."), 0);
    CHECK_STR(cwd_tail(2), "/one/two");
    OK("chdir");

    CHECK_EQ(chdir(start), 0);
    symlink("one/two", "sc");
    CHECK_EQ(chdir("sc"), 0);
    CHECK_STR(cwd_tail(2), "/one/two"); /* getcwd resolves symlinks */
    CHECK_EQ(chdir(start), 0);
    OK("symlink resolved");

    int fd = open("one", O_RDONLY | O_DIRECTORY);
    CHECK_EQ(fchdir(fd), 0);
    CHECK_STR(cwd_tail(1), "/one");
    close(fd);
    OK("fchdir");

    char small[2];
    CHECK(getcwd(small, sizeof small) == NULL && errno == ERANGE);
    char *dyn = getcwd(NULL, 0);
    CHECK(dyn != NULL && dyn[0] == '/');
    free(dyn);
    t_mkfile("f", "");
    CHECK_ERR(chdir("f"), ENOTDIR);
    CHECK_ERR(chdir("missing"), ENOENT);
    fd = open("f", O_RDONLY);
    CHECK_ERR(fchdir(fd), ENOTDIR);
    OK("errors");

    CHECK_EQ(chdir("/"), 0);
    CHECK_STR(cwd_tail(1), "/");
    char buf[8];
    CHECK(getcwd(buf, sizeof buf) && !strcmp(buf, "/"));
    CHECK_EQ(chdir("/tmp"), 0);
    CHECK_EQ(access(".", W_OK), 0);
    OK("root and /tmp");
    return t_done();
}
