/* fsync/fdatasync/sync/syncfs succeed on files; fsync on a pipe fails. */
#include "../common.h"

int main(void)
{
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    t_write_all(fd, "durable", 7);
    CHECK_EQ(fsync(fd), 0);
    CHECK_EQ(fdatasync(fd), 0);
    sync();
    CHECK_EQ(syncfs(fd), 0);
    CHECK_STR(t_slurp("f"), "durable");
    OK("file");
    int dfd = open(".", O_RDONLY | O_DIRECTORY);
    CHECK_EQ(fsync(dfd), 0);
    close(dfd);
    OK("directory");
    CHECK_ERR(fsync(-1), EBADF);
    int p[2];
    pipe(p);
    CHECK_ERR(fsync(p[0]), EINVAL);
    OK("errors");
    close(fd);
    return t_done();
}
