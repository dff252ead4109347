/* 10,000 anonymous mmap/munmap cycles of varying sizes; pages are zero-filled and writable. */
#include "../common.h"
#include <sys/mman.h>

int main(void)
{
    unsigned seed = 1;
    int nonzero = 0, failed = 0;
    for (int i = 0; i < 10000; i++) {
        seed = seed * 1103515245 + 12345;
        size_t pages = 1 + (seed >> 16) % 16;
        size_t len = pages * 4096;
        unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            failed++;
            continue;
        }
        for (size_t off = 0; off < len; off += 4096)
            nonzero += p[off] != 0 || p[off + 4095] != 0;
        memset(p, 0xAB, len);
        if (munmap(p, len) != 0)
            failed++;
    }
    CHECK_EQ(failed, 0);
    CHECK_EQ(nonzero, 0);
    OK("10000 map/unmap cycles");

    /* many live mappings at once, then released */
    enum { LIVE = 500 };
    static unsigned char *live[LIVE];
    for (int i = 0; i < LIVE; i++) {
        live[i] = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (live[i] == MAP_FAILED) {
            FAILF("mmap %d", i);
            return t_done();
        }
        live[i][0] = (unsigned char)i;
        live[i][8191] = (unsigned char)(i >> 1);
    }
    int bad = 0;
    for (int i = 0; i < LIVE; i++)
        bad += live[i][0] != (unsigned char)i || live[i][8191] != (unsigned char)(i >> 1);
    for (int i = 0; i < LIVE; i++)
        munmap(live[i], 8192);
    CHECK_EQ(bad, 0);
    OK("500 live mappings");

    /* a 64 MiB mapping touched sparsely */
    size_t big = 64 << 20;
    unsigned char *b = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(b != MAP_FAILED);
    if (b != MAP_FAILED) {
        for (size_t off = 0; off < big; off += 1 << 20)
            b[off] = 1;
        size_t sum = 0;
        for (size_t off = 0; off < big; off += 1 << 20)
            sum += b[off];
        CHECK_EQ(sum, 64);
        CHECK_EQ(munmap(b, big), 0);
    }
    OK("64 MiB sparse");

    CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL);
    CHECK(mmap(NULL, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL);
    CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, -1, 0) == MAP_FAILED && errno == EBADF);
    CHECK_ERR(munmap((void *)4097, 4096), EINVAL);
    OK("errors");
    return t_done();
}
