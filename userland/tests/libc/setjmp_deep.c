/* longjmp through 10 frames with value 0 (setjmp must return 1), nested setjmp buffers,
 * and sigsetjmp/siglongjmp restoring (or not) the signal mask. */
#include "../common.h"
#include <setjmp.h>

static jmp_buf env;
static int frames;

static int dive(int n, int val)
{
    volatile int local = n;
    frames++;
    if (n == 0) longjmp(env, val);
    return dive(n - 1, val) + local;
}

static jmp_buf outer, inner;

static void inner_fn(void) { longjmp(inner, 5); }
static void outer_fn(void) { longjmp(outer, 9); }

static int blocked(int sig)
{
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    return sigismember(&cur, sig);
}

int main(void)
{
    volatile int pass = 0;
    int r = setjmp(env);
    if (pass == 0) {
        CHECK_EQ(r, 0);
        pass = 1;
        dive(10, 0);
        FAILF("dive returned");
    } else if (pass == 1) {
        printf("longjmp(env, 0) from 10 frames: setjmp returned %d after %d frames\n", r, frames);
        CHECK_EQ(r, 1);
        pass = 2;
        frames = 0;
        dive(10, 42);
    } else {
        printf("longjmp(env, 42): setjmp returned %d after %d frames\n", r, frames);
        CHECK_EQ(r, 42);
    }

    int ro = setjmp(outer);
    if (ro == 0) {
        int ri = setjmp(inner);
        if (ri == 0) inner_fn();
        CHECK_EQ(ri, 5);
        outer_fn();
    }
    CHECK_EQ(ro, 9);
    printf("nested: inner 5, outer %d\n", ro);

    sigjmp_buf sj;
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_UNBLOCK, &usr1, NULL);
    volatile int step = 0;
    int rs = sigsetjmp(sj, 1);
    if (step == 0) {
        step = 1;
        sigprocmask(SIG_BLOCK, &usr1, NULL);
        CHECK(blocked(SIGUSR1));
        siglongjmp(sj, 3);
    }
    CHECK_EQ(rs, 3);
    CHECK(!blocked(SIGUSR1));
    printf("sigsetjmp(…, 1): mask restored %s\n", blocked(SIGUSR1) ? "no" : "yes");

    step = 0;
    rs = sigsetjmp(sj, 0);
    if (step == 0) {
        step = 1;
        sigprocmask(SIG_BLOCK, &usr1, NULL);
        siglongjmp(sj, 4);
    }
    CHECK_EQ(rs, 4);
    CHECK(blocked(SIGUSR1));
    printf("sigsetjmp(…, 0): mask kept %s\n", blocked(SIGUSR1) ? "yes" : "no");
    sigprocmask(SIG_UNBLOCK, &usr1, NULL);
    return t_done();
}
