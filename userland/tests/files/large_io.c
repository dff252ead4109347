/* 4 MiB written in odd-sized chunks and read back with checksums. */
#include "../common.h"

static unsigned char pattern(size_t i) { return (unsigned char)((i * 2654435761u) >> 13); }

int main(void)
{
    enum { TOTAL = 4 << 20 };
    static unsigned char buf[100003];
    int fd = open("big.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
    size_t off = 0;
    while (off < TOTAL) {
        size_t n = sizeof buf;
        if (n > TOTAL - off)
            n = TOTAL - off;
        for (size_t i = 0; i < n; i++)
            buf[i] = pattern(off + i);
        ssize_t w = write(fd, buf, n);
        CHECK_EQ(w, (ssize_t)n);
        if (w != (ssize_t)n)
            return t_done();
        off += n;
    }
    struct stat st;
    fstat(fd, &st);
    CHECK_EQ(st.st_size, TOTAL);
    OK("written");

    lseek(fd, 0, SEEK_SET);
    size_t got = 0, bad = 0;
    ssize_t r;
    while ((r = read(fd, buf, 65521)) > 0) {
        for (ssize_t i = 0; i < r; i++)
            bad += buf[i] != pattern(got + (size_t)i);
        got += (size_t)r;
    }
    CHECK_EQ(r, 0);
    CHECK_EQ(got, TOTAL);
    CHECK_EQ(bad, 0);
    OK("read back");

    /* random-access preads */
    unsigned seed = 12345;
    for (int k = 0; k < 200; k++) {
        seed = seed * 1103515245 + 12345;
        size_t pos = seed % (TOTAL - 100);
        unsigned char small[100];
        CHECK_EQ(pread(fd, small, 100, (off_t)pos), 100);
        for (int i = 0; i < 100; i++)
            if (small[i] != pattern(pos + i)) {
                FAILF("pread mismatch at %zu", pos + i);
                break;
            }
    }
    OK("random preads");
    close(fd);
    return t_done();
}
