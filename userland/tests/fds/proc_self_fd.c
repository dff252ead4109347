/* /proc/self/fd lists open descriptors; readlink gives the path; /proc/self/fdinfo. */
#include "../common.h"
#include <dirent.h>

int main(void)
{
    char cwd[PATH_MAX], want[PATH_MAX + 16], got[PATH_MAX];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    t_mkfile("named", "x");
    int fd = open("named", O_RDONLY);
    CHECK_EQ(fd, 3);
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, got, sizeof got - 1);
    CHECK(n > 0);
    got[n > 0 ? n : 0] = 0;
    snprintf(want, sizeof want, "%s/named", cwd);
    CHECK_STR(got, want);
    OK("readlink fd");

    int p[2];
    pipe(p);
    snprintf(link, sizeof link, "/proc/self/fd/%d", p[0]);
    n = readlink(link, got, sizeof got - 1);
    got[n > 0 ? n : 0] = 0;
    CHECK(strncmp(got, "pipe:[", 6) == 0);
    OK("pipe link");

    DIR *d = opendir("/proc/self/fd");
    CHECK(d != NULL);
    int seen[64] = {0}, total = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        int v = atoi(e->d_name);
        if (v >= 0 && v < 64)
            seen[v] = 1;
        total++;
    }
    /* 0,1,2, fd, pipe, plus the directory's own fd */
    CHECK(seen[0] && seen[1] && seen[2] && seen[fd] && seen[p[0]] && seen[p[1]]);
    CHECK_EQ(total, 7);
    if (d)
        closedir(d);
    OK("listing");

    /* opening /proc/self/fd/N reopens the file */
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    int again = open(link, O_RDONLY);
    char c = 0;
    CHECK_EQ(read(again, &c, 1), 1);
    CHECK_EQ(c, 'x');
    close(again);
    OK("reopen");

    lseek(fd, 1, SEEK_SET);
    snprintf(link, sizeof link, "/proc/self/fdinfo/%d", fd);
    const char *info = t_slurp(link);
    CHECK(info && strncmp(info, "pos:\t1\n", 7) == 0);
    OK("fdinfo");

    close(fd);
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    CHECK_ERR(readlink(link, got, sizeof got), ENOENT);
    OK("closed");
    return t_done();
}
