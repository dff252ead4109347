/* stat/fstat/lstat/fstatat fields that are deterministic. */
#include "../common.h"
#include <sys/sysmacros.h>

int main(void)
{
    umask(022);
    t_mkfile("f", "12345");
    struct stat st, fst;
    CHECK_EQ(stat("f", &st), 0);
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(st.st_mode & 07777, 0644);
    CHECK_EQ(st.st_size, 5);
    CHECK_EQ(st.st_nlink, 1);
    CHECK_EQ(st.st_uid, geteuid());
    CHECK_EQ(st.st_gid, getegid());
    CHECK(st.st_blksize > 0);
    int fd = open("f", O_RDONLY);
    CHECK_EQ(fstat(fd, &fst), 0);
    CHECK(st.st_ino == fst.st_ino && st.st_dev == fst.st_dev);
    CHECK_EQ(fst.st_size, 5);
    close(fd);
    OK("regular file");

    mkdir("d", 0750);
    CHECK_EQ(stat("d", &st), 0);
    CHECK(S_ISDIR(st.st_mode));
    CHECK_EQ(st.st_mode & 07777, 0750);
    CHECK_EQ(fstatat(AT_FDCWD, "d", &fst, 0), 0);
    CHECK(st.st_ino == fst.st_ino);
    OK("directory");

    symlink("f", "l");
    CHECK_EQ(fstatat(AT_FDCWD, "l", &st, AT_SYMLINK_NOFOLLOW), 0);
    CHECK(S_ISLNK(st.st_mode));
    CHECK_EQ(fstatat(AT_FDCWD, "l", &st, 0), 0);
    CHECK(S_ISREG(st.st_mode));
    OK("symlink");

    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    t_mkfile("d/in", "abc");
    CHECK_EQ(fstatat(dfd, "in", &st, 0), 0);
    CHECK_EQ(st.st_size, 3);
    CHECK_EQ(fstatat(dfd, "", &st, AT_EMPTY_PATH), 0);
    CHECK(S_ISDIR(st.st_mode));
    CHECK_ERR(fstatat(dfd, "", &st, 0), ENOENT);
    close(dfd);
    OK("fstatat dirfd");

    int p[2];
    pipe(p);
    CHECK_EQ(fstat(p[0], &st), 0);
    CHECK(S_ISFIFO(st.st_mode));
    CHECK_EQ(stat("/dev/null", &st), 0);
    CHECK(S_ISCHR(st.st_mode));
    CHECK_EQ(major(st.st_rdev), 1);
    CHECK_EQ(minor(st.st_rdev), 3);
    OK("pipe and chardev");

    CHECK_ERR(stat("nope", &st), ENOENT);
    CHECK_ERR(stat("f/x", &st), ENOTDIR);
    CHECK_ERR(fstat(-1, &st), EBADF);
    OK("errors");

    /* mtime changes when the file is written */
    struct stat before, after;
    stat("f", &before);
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
    fd = open("f", O_WRONLY | O_APPEND);
    write(fd, "6", 1);
    close(fd);
    stat("f", &after);
    CHECK(after.st_mtim.tv_sec > before.st_mtim.tv_sec ||
          (after.st_mtim.tv_sec == before.st_mtim.tv_sec &&
           after.st_mtim.tv_nsec >= before.st_mtim.tv_nsec));
    CHECK_EQ(after.st_size, 6);
    OK("mtime");
    return t_done();
}
