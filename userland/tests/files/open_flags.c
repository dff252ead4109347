/* O_APPEND, O_EXCL, O_TRUNC, O_CREAT modes, O_DIRECTORY, O_PATH. */
#include "../common.h"

int main(void)
{
    char buf[64];
    t_mkfile("app", "start\n");
    int fd = open("app", O_WRONLY | O_APPEND);
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    t_write_all(fd, "one\n", 4);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 10);
    int fd2 = open("app", O_WRONLY);
    t_write_all(fd2, "START", 5); /* overwrite at 0 via a non-append fd */
    close(fd2);
    t_write_all(fd, "two\n", 4);
    close(fd);
    CHECK_STR(t_slurp("app"), "START\none\ntwo\n");
    CHECK(fcntl(open("app", O_RDONLY | O_APPEND), F_GETFL) & O_APPEND);
    OK("append");

    fd = open("excl", O_WRONLY | O_CREAT | O_EXCL, 0600);
    CHECK(fd >= 0);
    close(fd);
    CHECK_ERR(open("excl", O_WRONLY | O_CREAT | O_EXCL, 0600), EEXIST);
    symlink("nowhere", "dangle");
    CHECK_ERR(open("dangle", O_WRONLY | O_CREAT | O_EXCL, 0600), EEXIST);
    CHECK_ERR(access("nowhere", F_OK), ENOENT);
    OK("excl");

    t_mkfile("tr", "0123456789");
    fd = open("tr", O_RDWR | O_TRUNC);
    struct stat st;
    fstat(fd, &st);
    CHECK_EQ(st.st_size, 0);
    CHECK_EQ(read(fd, buf, sizeof buf), 0);
    close(fd);
    t_mkfile("tr", "0123456789");
    fd = open("tr", O_RDONLY | O_CREAT, 0644); /* no O_TRUNC: contents kept */
    CHECK_EQ(read(fd, buf, sizeof buf), 10);
    close(fd);
    OK("trunc");

    CHECK_ERR(open("tr", O_RDONLY | O_DIRECTORY), ENOTDIR);
    mkdir("d", 0755);
    fd = open("d", O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    CHECK_ERR(read(fd, buf, 1), EISDIR);
    close(fd);
    CHECK_ERR(open("d", O_RDWR), EISDIR);
    CHECK_ERR(open("d", O_CREAT | O_RDONLY, 0644), EISDIR);
    OK("directory");

    fd = open("tr", O_PATH);
    CHECK(fd >= 0);
    CHECK_ERR(read(fd, buf, 1), EBADF);
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_size, 10);
    close(fd);
    OK("o_path");

    fd = open("acc", O_WRONLY | O_CREAT, 0644);
    CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_WRONLY);
    close(fd);
    fd = open("acc", O_RDWR);
    CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
    close(fd);
    OK("accmode");
    return t_done();
}
