/* setjmp inside loops and called functions; many live jmp_bufs; jump from callbacks (qsort). */
#include "../common.h"
#include <setjmp.h>

static jmp_buf bufs[8];
static jmp_buf cmp_env;
static int compares;

static void hop(int i) { longjmp(bufs[i], i + 1); }

static int cmp(const void *a, const void *b)
{
    if (++compares == 5)
        longjmp(cmp_env, 99);
    return *(const int *)a - *(const int *)b;
}

int main(void)
{
    int total = 0;
    for (int i = 0; i < 8; i++) {
        int r = setjmp(bufs[i]);
        if (r == 0)
            hop(i);
        total += r;
    }
    CHECK_EQ(total, 36);
    OK("eight buffers");

    int arr[50];
    for (int i = 0; i < 50; i++)
        arr[i] = 50 - i;
    int r = setjmp(cmp_env);
    if (r == 0)
        qsort(arr, 50, sizeof arr[0], cmp);
    CHECK_EQ(r, 99);
    CHECK_EQ(compares, 5);
    OK("longjmp out of a libc callback");

    /* heap state is fine afterwards */
    char *p = malloc(1000);
    memset(p, 1, 1000);
    free(p);
    printf("compares=%d total=%d\n", compares, total);
    return t_done();
}
