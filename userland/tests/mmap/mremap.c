/* mremap grows (MREMAP_MAYMOVE keeps contents), shrinks in place, fails without MAYMOVE when blocked. */
#include "../common.h"
#include <sys/mman.h>

int main(void)
{
    size_t pg = 4096;
    unsigned char *p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (size_t i = 0; i < 4 * pg; i++)
        p[i] = (unsigned char)(i % 251);
    unsigned char *q = mremap(p, 4 * pg, 64 * pg, MREMAP_MAYMOVE);
    CHECK(q != MAP_FAILED);
    size_t bad = 0;
    for (size_t i = 0; i < 4 * pg; i++)
        bad += q[i] != (unsigned char)(i % 251);
    CHECK_EQ(bad, 0);
    size_t nz = 0;
    for (size_t i = 4 * pg; i < 64 * pg; i++)
        nz += q[i] != 0;
    CHECK_EQ(nz, 0);
    q[64 * pg - 1] = 7;
    OK("grow keeps contents");

    unsigned char *s = mremap(q, 64 * pg, 2 * pg, 0);
    CHECK(s == q);
    CHECK_EQ(s[pg + 5], (unsigned char)((pg + 5) % 251));
    OK("shrink in place");

    /* block growth with a neighbour mapping, then grow without MAYMOVE */
    unsigned char *a = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK_EQ(munmap(a + pg, 2 * pg), 0);
    unsigned char *blocker = mmap(a + pg, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK(blocker == a + pg);
    a[0] = 'k';
    CHECK(mremap(a, pg, 2 * pg, 0) == MAP_FAILED && errno == ENOMEM);
    unsigned char *moved = mremap(a, pg, 2 * pg, MREMAP_MAYMOVE);
    CHECK(moved != MAP_FAILED && moved != a);
    CHECK_EQ(moved[0], 'k');
    OK("blocked grow moves");

    /* MREMAP_FIXED to a chosen address */
    unsigned char *dst = mmap(NULL, 2 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    unsigned char *f = mremap(moved, 2 * pg, 2 * pg, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
    CHECK(f == dst);
    CHECK_EQ(f[0], 'k');
    OK("mremap fixed");

    CHECK(mremap(s + 1, pg, 2 * pg, MREMAP_MAYMOVE) == MAP_FAILED && errno == EINVAL);
    CHECK(mremap(s, pg, 0, MREMAP_MAYMOVE) == MAP_FAILED && errno == EINVAL);
    OK("errors");
    return t_done();
}
