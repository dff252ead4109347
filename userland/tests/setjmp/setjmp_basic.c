/* setjmp returns 0 first, then the longjmp value; longjmp(env, 0) yields 1. */
#include "../common.h"
#include <setjmp.h>

static jmp_buf env;
static void jump(int v) { longjmp(env, v); }

int main(void)
{
    volatile int passes = 0;
    int r = setjmp(env);
    passes++;
    printf("setjmp returned %d (pass %d)\n", r, passes);
    if (r == 0)
        jump(5);
    else if (r == 5)
        jump(0);
    CHECK_EQ(r, 1); /* longjmp with 0 becomes 1 */
    CHECK_EQ(passes, 3);
    OK("values");

    /* locals declared volatile keep their latest values */
    volatile int counter = 0;
    jmp_buf e2;
    if (setjmp(e2) < 10) {
        counter++;
        if (counter < 10)
            longjmp(e2, counter);
    }
    CHECK_EQ(counter, 10);
    OK("loop via longjmp");

    /* _setjmp/_longjmp variants */
    jmp_buf e3;
    volatile int hit = 0;
    if (_setjmp(e3) == 0) {
        hit = 1;
        _longjmp(e3, 2);
    }
    CHECK_EQ(hit, 1);
    OK("_setjmp");
    return t_done();
}
