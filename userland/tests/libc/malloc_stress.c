/* malloc/calloc/realloc/free under a deterministic random workload, small and large. */
#include "../common.h"

#define SLOTS 512
static unsigned char *ptr[SLOTS];
static size_t len[SLOTS];
static unsigned char tag[SLOTS];
static unsigned long long rng = 88172645463325252ULL;

static unsigned rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng >> 16);
}

static size_t pick_size(void)
{
    unsigned r = rnd() % 100;
    if (r < 60) return rnd() % 64 + 1;
    if (r < 90) return rnd() % 4096 + 1;
    if (r < 99) return rnd() % 65536 + 1;
    return rnd() % (1 << 20) + 1; /* mmap-sized */
}

static int verify(int i)
{
    for (size_t k = 0; k < len[i]; k += 1 + len[i] / 64)
        if (ptr[i][k] != (unsigned char)(tag[i] + k)) return 0;
    return len[i] == 0 || ptr[i][len[i] - 1] == (unsigned char)(tag[i] + len[i] - 1);
}

static void fill(int i)
{
    for (size_t k = 0; k < len[i]; k++) ptr[i][k] = (unsigned char)(tag[i] + k);
}

int main(void)
{
    long ops = 0, bad = 0;
    for (int round = 0; round < 20000; round++) {
        int i = rnd() % SLOTS;
        if (ptr[i]) {
            if (!verify(i)) bad++;
            if (rnd() % 3 == 0) {
                size_t nl = pick_size();
                unsigned char *q = realloc(ptr[i], nl);
                if (!q) { FAILF("realloc %zu failed", nl); break; }
                size_t keep = nl < len[i] ? nl : len[i];
                for (size_t k = 0; k < keep; k += 1 + keep / 64)
                    if (q[k] != (unsigned char)(tag[i] + k)) { bad++; break; }
                ptr[i] = q;
                len[i] = nl;
                fill(i);
            } else {
                free(ptr[i]);
                ptr[i] = NULL;
            }
        } else {
            len[i] = pick_size();
            tag[i] = (unsigned char)rnd();
            if (rnd() % 4 == 0) {
                ptr[i] = calloc(1, len[i]);
                if (ptr[i])
                    for (size_t k = 0; k < len[i]; k++)
                        if (ptr[i][k]) { bad++; break; }
            } else {
                ptr[i] = malloc(len[i]);
            }
            if (!ptr[i]) { FAILF("malloc %zu failed", len[i]); break; }
            if (((uintptr_t)ptr[i] & 7) != 0) FAILF("misaligned %p", (void *)ptr[i]);
            fill(i);
        }
        ops++;
    }
    for (int i = 0; i < SLOTS; i++) {
        if (ptr[i] && !verify(i)) bad++;
        free(ptr[i]);
    }
    CHECK_EQ(bad, 0);
    void *al = aligned_alloc(4096, 8192);
    CHECK(al != NULL && ((uintptr_t)al & 4095) == 0);
    free(al);
    void *pm = NULL;
    CHECK_EQ(posix_memalign(&pm, 256, 100), 0);
    CHECK(((uintptr_t)pm & 255) == 0);
    free(pm);
    printf("ops %ld\n", ops);
    return t_done();
}
