/* longjmp out of deep recursion (10,000 frames with stack buffers), repeatedly. */
#include "../common.h"
#include <setjmp.h>

static jmp_buf env;
static volatile long deepest;

static long recurse(int depth, int limit)
{
    volatile char pad[64];
    pad[0] = (char)depth;
    if (depth > deepest)
        deepest = depth;
    if (depth == limit)
        longjmp(env, depth);
    return recurse(depth + 1, limit) + pad[0];
}

int main(void)
{
    int limits[] = {1, 10, 1000, 10000, 5000};
    for (unsigned i = 0; i < sizeof limits / sizeof *limits; i++) {
        deepest = 0;
        int r = setjmp(env);
        if (r == 0) {
            recurse(0, limits[i]);
            FAILF("recursion returned");
        }
        CHECK_EQ(r, limits[i]);
        CHECK_EQ(deepest, limits[i]);
        printf("jumped out of depth %d\n", r);
    }
    /* the stack is usable after all those jumps */
    for (int k = 0; k < 100; k++) {
        deepest = 0;
        if (setjmp(env) == 0)
            recurse(0, 2000);
    }
    CHECK_EQ(deepest, 2000);
    OK("100 more deep jumps");
    return t_done();
}
