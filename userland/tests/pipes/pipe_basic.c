/* pipe: data in order, EOF after all writers close, partial reads, fork pipeline. */
#include "../common.h"

int main(void)
{
    int p[2];
    CHECK_EQ(pipe(p), 0);
    CHECK_EQ(write(p[1], "hello", 5), 5);
    CHECK_EQ(write(p[1], " world", 6), 6);
    char buf[64] = {0};
    CHECK_EQ(read(p[0], buf, 3), 3);
    CHECK(memcmp(buf, "hel", 3) == 0);
    CHECK_EQ(read(p[0], buf, sizeof buf), 8); /* a read returns what is there */
    CHECK(memcmp(buf, "lo world", 8) == 0);
    OK("in order");

    int w2 = dup(p[1]);
    close(p[1]);
    write(w2, "x", 1);
    CHECK_EQ(read(p[0], buf, sizeof buf), 1);
    close(w2);
    CHECK_EQ(read(p[0], buf, sizeof buf), 0);
    CHECK_EQ(read(p[0], buf, sizeof buf), 0);
    close(p[0]);
    OK("eof after last writer");

    /* child writes 100 KiB in pieces, parent counts; EOF when child exits */
    pipe(p);
    pid_t pid = t_fork();
    if (pid == 0) {
        close(p[0]);
        char chunk[1000];
        for (int i = 0; i < 100; i++) {
            memset(chunk, 'a' + i % 26, sizeof chunk);
            if (write(p[1], chunk, sizeof chunk) != (ssize_t)sizeof chunk)
                _exit(1);
        }
        _exit(0);
    }
    close(p[1]);
    size_t total = 0, bad = 0;
    ssize_t n;
    char big[4096];
    while ((n = read(p[0], big, sizeof big)) > 0) {
        for (ssize_t i = 0; i < n; i++)
            bad += big[i] != 'a' + (int)((total + (size_t)i) / 1000 % 26);
        total += (size_t)n;
    }
    CHECK_EQ(n, 0);
    CHECK_EQ(total, 100000);
    CHECK_EQ(bad, 0);
    CHECK_EQ(t_wait(pid), 0);
    close(p[0]);
    OK("100 KiB through a pipe");

    /* a reader blocked in read() wakes when data arrives */
    pipe(p);
    pid = t_fork();
    if (pid == 0) {
        t_msleep(50);
        write(p[1], "late", 4);
        _exit(0);
    }
    close(p[1]);
    CHECK_EQ(read(p[0], buf, sizeof buf), 4);
    CHECK_EQ(read(p[0], buf, sizeof buf), 0);
    t_wait(pid);
    OK("blocking read");

    CHECK_ERR(write(p[0], "x", 1), EBADF);
    int q[2];
    pipe(q);
    CHECK_ERR(read(q[1], buf, 1), EBADF);
    OK("ends are one-way");
    return t_done();
}
