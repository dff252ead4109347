/* renameat2 flags RENAME_NOREPLACE and RENAME_EXCHANGE (raw syscall). */
#include "../common.h"
#include <sys/syscall.h>

#define RENAME_NOREPLACE (1 << 0)
#define RENAME_EXCHANGE (1 << 1)

static int renameat2_(int ofd, const char *o, int nfd, const char *n, unsigned f)
{
    return (int)syscall(SYS_renameat2, ofd, o, nfd, n, f);
}

int main(void)
{
    t_mkfile("a", "AAA");
    t_mkfile("b", "B");
    CHECK_ERR(renameat2_(AT_FDCWD, "a", AT_FDCWD, "b", RENAME_NOREPLACE), EEXIST);
    CHECK_STR(t_slurp("b"), "B");
    CHECK_EQ(renameat2_(AT_FDCWD, "a", AT_FDCWD, "c", RENAME_NOREPLACE), 0);
    CHECK_STR(t_slurp("c"), "AAA");
    OK("noreplace");

    CHECK_EQ(renameat2_(AT_FDCWD, "b", AT_FDCWD, "c", RENAME_EXCHANGE), 0);
    CHECK_STR(t_slurp("b"), "AAA");
    CHECK_STR(t_slurp("c"), "B");
    OK("exchange files");

    mkdir("d", 0755);
    t_mkfile("d/in", "IN");
    CHECK_EQ(renameat2_(AT_FDCWD, "d", AT_FDCWD, "c", RENAME_EXCHANGE), 0);
    CHECK_STR(t_slurp("d"), "B");
    CHECK_STR(t_slurp("c/in"), "IN");
    OK("exchange file and dir");

    CHECK_ERR(renameat2_(AT_FDCWD, "b", AT_FDCWD, "zz", RENAME_EXCHANGE), ENOENT);
    CHECK_ERR(renameat2_(AT_FDCWD, "b", AT_FDCWD, "d", RENAME_EXCHANGE | RENAME_NOREPLACE), EINVAL);
    OK("errors");

    int dfd = open("c", O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    CHECK_EQ(renameat2_(dfd, "in", AT_FDCWD, "out", 0), 0);
    CHECK_STR(t_slurp("out"), "IN");
    close(dfd);
    OK("dirfd relative");
    return t_done();
}
