/* Nested setjmp buffers: inner and outer handlers, jumping past intermediate frames. */
#include "../common.h"
#include <setjmp.h>

static jmp_buf outer, inner;
static char trace[128];
static void add(const char *s) { strncat(trace, s, sizeof trace - strlen(trace) - 1); }

static void level3(int where)
{
    add("3");
    if (where == 1)
        longjmp(inner, 31);
    if (where == 2)
        longjmp(outer, 32);
    add("r");
}

static int level2(int where)
{
    add("2");
    int r = setjmp(inner);
    if (r == 0) {
        level3(where);
        add("n");
        return 0;
    }
    add("i");
    return r;
}

static int run(int where)
{
    trace[0] = 0;
    int r = setjmp(outer);
    if (r == 0) {
        add("1");
        int v = level2(where);
        add("e");
        return v;
    }
    add("o");
    return r;
}

int main(void)
{
    CHECK_EQ(run(0), 0);
    printf("no jump:   %s\n", trace);
    CHECK_STR(trace, "123rne");
    CHECK_EQ(run(1), 31);
    printf("inner:     %s\n", trace);
    CHECK_STR(trace, "123ie");
    CHECK_EQ(run(2), 32);
    printf("outer:     %s\n", trace);
    CHECK_STR(trace, "123o");
    OK("nesting");
    return t_done();
}
