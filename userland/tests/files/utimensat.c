/* utimensat/futimens/utimes: explicit times, UTIME_OMIT, UTIME_NOW. */
#include "../common.h"
#include <sys/time.h>

int main(void)
{
    t_mkfile("f", "x");
    struct timespec ts[2] = {{1000000000, 123456789}, {1500000000, 987654321}};
    CHECK_EQ(utimensat(AT_FDCWD, "f", ts, 0), 0);
    struct stat st;
    stat("f", &st);
    CHECK_EQ(st.st_atim.tv_sec, 1000000000);
    CHECK_EQ(st.st_atim.tv_nsec, 123456789);
    CHECK_EQ(st.st_mtim.tv_sec, 1500000000);
    CHECK_EQ(st.st_mtim.tv_nsec, 987654321);
    OK("explicit");

    struct timespec omit[2] = {{0, UTIME_OMIT}, {42, 0}};
    CHECK_EQ(utimensat(AT_FDCWD, "f", omit, 0), 0);
    stat("f", &st);
    CHECK_EQ(st.st_atim.tv_sec, 1000000000);
    CHECK_EQ(st.st_mtim.tv_sec, 42);
    OK("omit");

    time_t before = time(NULL);
    struct timespec now[2] = {{0, UTIME_NOW}, {0, UTIME_OMIT}};
    CHECK_EQ(utimensat(AT_FDCWD, "f", now, 0), 0);
    stat("f", &st);
    CHECK(st.st_atim.tv_sec >= before && st.st_atim.tv_sec <= time(NULL) + 1);
    CHECK_EQ(st.st_mtim.tv_sec, 42);
    CHECK_EQ(utimensat(AT_FDCWD, "f", NULL, 0), 0);
    stat("f", &st);
    CHECK(st.st_mtim.tv_sec >= before);
    OK("now");

    int fd = open("f", O_RDONLY);
    struct timespec ft[2] = {{7, 0}, {8, 0}};
    CHECK_EQ(futimens(fd, ft), 0);
    fstat(fd, &st);
    CHECK_EQ(st.st_atim.tv_sec, 7);
    CHECK_EQ(st.st_mtim.tv_sec, 8);
    close(fd);
    OK("futimens");

    struct timeval tv[2] = {{100, 5}, {200, 6}};
    CHECK_EQ(utimes("f", tv), 0);
    stat("f", &st);
    CHECK_EQ(st.st_atim.tv_sec, 100);
    CHECK_EQ(st.st_mtim.tv_sec, 200);
    CHECK_EQ(st.st_mtim.tv_nsec, 6000);
    OK("utimes");

    symlink("f", "l");
    struct timespec lt[2] = {{300, 0}, {400, 0}};
    CHECK_EQ(utimensat(AT_FDCWD, "l", lt, AT_SYMLINK_NOFOLLOW), 0);
    stat("f", &st);
    CHECK_EQ(st.st_mtim.tv_sec, 200);
    lstat("l", &st);
    CHECK_EQ(st.st_mtim.tv_sec, 400);
    OK("nofollow");

    struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
    CHECK_ERR(utimensat(AT_FDCWD, "f", bad, 0), EINVAL);
    CHECK_ERR(utimensat(AT_FDCWD, "missing", ts, 0), ENOENT);
    OK("errors");
    return t_done();
}
