/* A directory with 500 entries: every name seen once, rewinddir, seekdir/telldir. */
#include "../common.h"
#include <dirent.h>
#include <sys/syscall.h>

enum { N = 500 };

static int scan(DIR *d, unsigned char *seen)
{
    memset(seen, 0, N);
    int n = 0, dup = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        int i;
        if (sscanf(e->d_name, "entry-%d", &i) == 1 && i >= 0 && i < N) {
            dup += seen[i]++;
            n++;
        }
    }
    return dup ? -1 : n;
}

int main(void)
{
    mkdir("big", 0755);
    char p[64];
    for (int i = 0; i < N; i++) {
        snprintf(p, sizeof p, "big/entry-%d", i);
        int fd = open(p, O_CREAT | O_WRONLY, 0644);
        if (fd < 0) {
            FAILF("create %s", p);
            return t_done();
        }
        close(fd);
    }
    unsigned char seen[N];
    DIR *d = opendir("big");
    CHECK_EQ(scan(d, seen), N);
    OK("all 500 seen once");

    rewinddir(d);
    CHECK_EQ(scan(d, seen), N);
    OK("rewinddir");

    rewinddir(d);
    struct dirent *e;
    for (int i = 0; i < 500; i++)
        readdir(d);
    long pos = telldir(d);
    e = readdir(d);
    char name[256];
    snprintf(name, sizeof name, "%s", e ? e->d_name : "");
    for (int i = 0; i < 10; i++)
        readdir(d);
    seekdir(d, pos);
    e = readdir(d);
    CHECK(e && strcmp(e->d_name, name) == 0);
    closedir(d);
    OK("telldir/seekdir");

    /* raw getdents64 with a small buffer still returns everything */
    int fd = open("big", O_RDONLY | O_DIRECTORY);
    char buf[512];
    int count = 0;
    long r;
    while ((r = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
        for (long off = 0; off < r;) {
            unsigned short reclen = *(unsigned short *)(buf + off + 16);
            const char *nm = buf + off + 19;
            if (strncmp(nm, "entry-", 6) == 0)
                count++;
            off += reclen;
        }
    }
    CHECK_EQ(r, 0);
    CHECK_EQ(count, N);
    close(fd);
    OK("getdents64 small buffer");

    /* deleting everything while iterating leaves an empty dir */
    d = opendir("big");
    int del = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == 'e') {
            snprintf(p, sizeof p, "big/%s", e->d_name);
            del += unlink(p) == 0;
        }
    }
    closedir(d);
    CHECK_EQ(del, N);
    CHECK_EQ(rmdir("big"), 0);
    OK("delete while iterating");
    return t_done();
}
