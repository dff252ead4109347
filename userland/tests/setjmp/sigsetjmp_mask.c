/* sigsetjmp(env, 1) restores the signal mask on siglongjmp; sigsetjmp(env, 0) does not;
 * siglongjmp out of a signal handler. */
#include "../common.h"
#include <setjmp.h>

static sigjmp_buf env;
static void on_usr1(int s) { siglongjmp(env, s); }

static int usr2_blocked(void)
{
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    return sigismember(&cur, SIGUSR2);
}

static void block_usr2(void)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    sigprocmask(SIG_BLOCK, &s, NULL);
}

int main(void)
{
    if (sigsetjmp(env, 1) == 0) {
        block_usr2();
        CHECK(usr2_blocked());
        siglongjmp(env, 1);
    }
    CHECK(!usr2_blocked());
    OK("savemask=1 restores");

    if (sigsetjmp(env, 0) == 0) {
        block_usr2();
        siglongjmp(env, 1);
    }
    CHECK(usr2_blocked());
    sigset_t empty;
    sigemptyset(&empty);
    sigprocmask(SIG_SETMASK, &empty, NULL);
    OK("savemask=0 keeps");

    /* jumping out of a handler: with savemask the handler's implicit block is undone */
    signal(SIGUSR1, on_usr1);
    volatile int jumps = 0;
    int r = sigsetjmp(env, 1);
    if (r == 0 || jumps < 3) {
        if (r)
            jumps++;
        raise(SIGUSR1);
    }
    CHECK_EQ(jumps, 3);
    CHECK_EQ(r, SIGUSR1);
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    CHECK(!sigismember(&cur, SIGUSR1));
    OK("out of handler, repeatedly");

    /* without savemask, SIGUSR1 stays blocked after leaving the handler */
    r = sigsetjmp(env, 0);
    if (r == 0)
        raise(SIGUSR1);
    sigprocmask(SIG_BLOCK, NULL, &cur);
    CHECK(sigismember(&cur, SIGUSR1));
    OK("handler mask kept without savemask");
    return t_done();
}
