/* statx (raw syscall): mask, size, mode, nlink, type, AT_EMPTY_PATH. */
#include "../common.h"
#include <sys/syscall.h>

struct statx_ts { int64_t tv_sec; uint32_t tv_nsec; int32_t pad; };
struct statx_buf {
    uint32_t stx_mask, stx_blksize;
    uint64_t stx_attributes;
    uint32_t stx_nlink, stx_uid, stx_gid;
    uint16_t stx_mode, pad1;
    uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
    struct statx_ts stx_atime, stx_btime, stx_ctime, stx_mtime;
    uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
    uint64_t spare[14];
};
#define STATX_TYPE 0x1U
#define STATX_MODE 0x2U
#define STATX_NLINK 0x4U
#define STATX_SIZE 0x200U
#define STATX_BASIC_STATS 0x7ffU

static int statx_(int dfd, const char *p, int flags, unsigned mask, struct statx_buf *b)
{
    return (int)syscall(SYS_statx, dfd, p, flags, mask, b);
}

int main(void)
{
    umask(022);
    t_mkfile("f", "hello statx");
    struct statx_buf sx;
    memset(&sx, 0xff, sizeof sx);
    CHECK_EQ(statx_(AT_FDCWD, "f", 0, STATX_BASIC_STATS, &sx), 0);
    CHECK((sx.stx_mask & (STATX_TYPE | STATX_MODE | STATX_NLINK | STATX_SIZE)) ==
          (STATX_TYPE | STATX_MODE | STATX_NLINK | STATX_SIZE));
    CHECK(S_ISREG(sx.stx_mode));
    CHECK_EQ(sx.stx_mode & 07777, 0644);
    CHECK_EQ(sx.stx_size, 11);
    CHECK_EQ(sx.stx_nlink, 1);
    CHECK_EQ(sx.stx_uid, geteuid());
    struct stat st;
    stat("f", &st);
    CHECK_EQ(sx.stx_ino, st.st_ino);
    CHECK_EQ(sx.stx_mtime.tv_sec, st.st_mtim.tv_sec);
    CHECK_EQ(sx.stx_mtime.tv_nsec, st.st_mtim.tv_nsec);
    OK("file");

    mkdir("d", 0700);
    CHECK_EQ(statx_(AT_FDCWD, "d", 0, STATX_TYPE | STATX_MODE, &sx), 0);
    CHECK(S_ISDIR(sx.stx_mode));
    CHECK_EQ(sx.stx_mode & 07777, 0700);
    symlink("f", "l");
    CHECK_EQ(statx_(AT_FDCWD, "l", AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx), 0);
    CHECK(S_ISLNK(sx.stx_mode));
    CHECK_EQ(statx_(AT_FDCWD, "l", 0, STATX_BASIC_STATS, &sx), 0);
    CHECK(S_ISREG(sx.stx_mode));
    OK("dir and link");

    int fd = open("f", O_RDONLY);
    CHECK_EQ(statx_(fd, "", AT_EMPTY_PATH, STATX_SIZE, &sx), 0);
    CHECK_EQ(sx.stx_size, 11);
    close(fd);
    OK("empty path");

    CHECK_ERR(statx_(AT_FDCWD, "missing", 0, STATX_BASIC_STATS, &sx), ENOENT);
    CHECK_ERR(statx_(AT_FDCWD, "f", 0, 0x80000000U, &sx), EINVAL);
    CHECK_ERR(statx_(-1, "f2", 0, STATX_BASIC_STATS, &sx), EBADF);
    OK("errors");
    return t_done();
}
