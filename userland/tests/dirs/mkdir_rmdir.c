/* mkdir/rmdir semantics and errors. */
#include "../common.h"

int main(void)
{
    CHECK_EQ(mkdir("a", 0755), 0);
    CHECK_EQ(mkdir("a/b", 0755), 0);
    CHECK_EQ(mkdir("a/b/c", 0755), 0);
    struct stat st;
    CHECK_EQ(stat("a/b/c", &st), 0);
    CHECK(S_ISDIR(st.st_mode));
    OK("nested");

    CHECK_ERR(mkdir("a", 0755), EEXIST);
    t_mkfile("file", "");
    CHECK_ERR(mkdir("file", 0755), EEXIST);
    CHECK_ERR(mkdir("missing/x", 0755), ENOENT);
    CHECK_ERR(mkdir("file/x", 0755), ENOTDIR);
    symlink("nowhere", "dangle");
    CHECK_ERR(mkdir("dangle", 0755), EEXIST);
    OK("mkdir errors");

    CHECK_ERR(rmdir("a"), ENOTEMPTY);
    CHECK_ERR(rmdir("file"), ENOTDIR);
    CHECK_ERR(rmdir("missing"), ENOENT);
    CHECK_ERR(rmdir("a/b/c/."), EINVAL);
    CHECK(rmdir("a/b/c/..") == -1 && (errno == ENOTEMPTY || errno == EEXIST));
    OK("rmdir errors");

    CHECK_EQ(rmdir("a/b/c"), 0);
    CHECK_EQ(rmdir("a/b/"), 0); /* trailing slash allowed */
    CHECK_EQ(rmdir("a"), 0);
    CHECK_ERR(stat("a", &st), ENOENT);
    OK("rmdir");

    /* a removed directory that is the cwd: getcwd fails, relative creates fail */
    mkdir("gone", 0755);
    int here = open(".", O_RDONLY | O_DIRECTORY);
    chdir("gone");
    CHECK_EQ(rmdir("../gone"), 0);
    CHECK_ERR(open("new", O_CREAT | O_WRONLY, 0644), ENOENT);
    char buf[PATH_MAX];
    CHECK(getcwd(buf, sizeof buf) == NULL && errno == ENOENT);
    fchdir(here);
    OK("removed cwd");

    /* many directories */
    char name[32];
    int made = 0;
    for (int i = 0; i < 200; i++) {
        snprintf(name, sizeof name, "many%03d", i);
        made += mkdir(name, 0700) == 0;
    }
    CHECK_EQ(made, 200);
    int removed = 0;
    for (int i = 0; i < 200; i++) {
        snprintf(name, sizeof name, "many%03d", i);
        removed += rmdir(name) == 0;
    }
    CHECK_EQ(removed, 200);
    OK("200 dirs");
    return t_done();
}
