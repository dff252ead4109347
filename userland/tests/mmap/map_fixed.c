/* MAP_FIXED replaces part of an existing mapping; partial munmap; MAP_FIXED_NOREPLACE. */
#include "../common.h"
#include <sys/mman.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

int main(void)
{
    size_t pg = 4096;
    unsigned char *base = mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(base != MAP_FAILED);
    memset(base, 'a', 8 * pg);
    unsigned char *mid = mmap(base + 2 * pg, 2 * pg, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK(mid == base + 2 * pg);
    CHECK_EQ(base[pg], 'a');
    CHECK_EQ(base[2 * pg], 0); /* fresh zero page replaced the old contents */
    CHECK_EQ(base[4 * pg - 1], 0);
    CHECK_EQ(base[4 * pg], 'a');
    OK("fixed replaces");

    /* MAP_FIXED_NOREPLACE over an existing mapping fails with EEXIST */
    void *r = mmap(base + pg, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    CHECK(r == MAP_FAILED && errno == EEXIST);
    OK("noreplace");

    /* punch a hole, then map something else into it */
    CHECK_EQ(munmap(base + 5 * pg, pg), 0);
    CHECK_EQ(base[4 * pg], 'a');
    CHECK_EQ(base[6 * pg], 'a');
    t_mkfile("f", "file page contents");
    int fd = open("f", O_RDONLY);
    unsigned char *fp = mmap(base + 5 * pg, pg, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0);
    CHECK(fp == base + 5 * pg);
    CHECK(memcmp(base + 5 * pg, "file page contents", 18) == 0);
    CHECK_EQ(base[5 * pg + 18], 0); /* rest of the page past EOF is zero */
    close(fd);
    OK("hole filled from file");

    /* hint without MAP_FIXED is only a hint but a free hint is used as is on Linux */
    CHECK_EQ(munmap(base, 8 * pg), 0);
    unsigned char *h = mmap(base, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(h == base);
    munmap(h, pg);
    OK("hint");

    CHECK(mmap(base + 1, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED &&
          errno == EINVAL);
    CHECK_EQ(munmap(base, pg), 0); /* unmapping nothing is fine */
    OK("errors");
    return t_done();
}
