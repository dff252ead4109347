/* rename: files, directories, replacement rules and errors. */
#include "../common.h"

int main(void)
{
    t_mkfile("a", "A");
    CHECK_EQ(rename("a", "b"), 0);
    CHECK_ERR(access("a", F_OK), ENOENT);
    CHECK_STR(t_slurp("b"), "A");
    OK("simple");

    t_mkfile("c", "C");
    CHECK_EQ(rename("b", "c"), 0);
    CHECK_STR(t_slurp("c"), "A");
    CHECK_ERR(access("b", F_OK), ENOENT);
    OK("replace file");

    /* an open descriptor follows the file */
    int fd = open("c", O_RDONLY);
    CHECK_EQ(rename("c", "d"), 0);
    char ch = 0;
    CHECK_EQ(read(fd, &ch, 1), 1);
    CHECK_EQ(ch, 'A');
    close(fd);
    OK("open fd survives");

    CHECK_EQ(mkdir("dir1", 0755), 0);
    t_mkfile("dir1/inner", "I");
    CHECK_EQ(rename("dir1", "dir2"), 0);
    CHECK_STR(t_slurp("dir2/inner"), "I");
    CHECK_EQ(mkdir("empty", 0755), 0);
    CHECK_EQ(rename("dir2", "empty"), 0); /* replaces an empty dir */
    CHECK_STR(t_slurp("empty/inner"), "I");
    CHECK_EQ(rename("d", "empty/moved"), 0);
    CHECK_STR(t_slurp("empty/moved"), "A");
    OK("directories");

    CHECK_EQ(mkdir("full", 0755), 0);
    t_mkfile("full/x", "");
    CHECK_EQ(mkdir("src", 0755), 0);
    t_mkfile("file", "F");
    CHECK(rename("src", "full") == -1 && (errno == ENOTEMPTY || errno == EEXIST));
    CHECK_ERR(rename("src", "file"), ENOTDIR);
    CHECK_ERR(rename("file", "src"), EISDIR);
    CHECK_ERR(rename("src", "src/sub"), EINVAL);
    CHECK_ERR(rename("nothing", "x"), ENOENT);
    CHECK_ERR(rename("file", "nodir/x"), ENOENT);
    OK("errors");

    CHECK_EQ(rename("file", "file"), 0); /* same file: no-op */
    CHECK_STR(t_slurp("file"), "F");
    CHECK_EQ(link("file", "file2"), 0);
    CHECK_EQ(rename("file", "file2"), 0); /* hard links to the same inode: no-op */
    CHECK_EQ(access("file", F_OK), 0);
    OK("same inode");
    return t_done();
}
