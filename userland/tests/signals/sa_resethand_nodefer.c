/* SA_RESETHAND restores SIG_DFL after one delivery; SA_NODEFER allows nesting;
 * by default the signal is blocked inside its handler and sa_mask adds more. */
#include "../common.h"

static volatile sig_atomic_t depth, maxdepth, calls;
static void nested(int s)
{
    calls++;
    depth++;
    if (depth > maxdepth)
        maxdepth = depth;
    if (calls < 3)
        raise(s); /* with SA_NODEFER this nests immediately */
    depth--;
}

static volatile sig_atomic_t usr2_blocked_inside;
static void check_mask(int s)
{
    (void)s;
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    usr2_blocked_inside = sigismember(&cur, SIGUSR2) && sigismember(&cur, SIGUSR1);
}

static void once(int s) { (void)s; calls++; }

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = nested;
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    CHECK_EQ(calls, 3);
    CHECK_EQ(maxdepth, 3);
    OK("nodefer nests");

    calls = maxdepth = depth = 0;
    sa.sa_flags = 0;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    CHECK_EQ(calls, 3);
    CHECK_EQ(maxdepth, 1); /* deferred until the handler returned */
    OK("default defers");

    sa.sa_handler = check_mask;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    CHECK(usr2_blocked_inside);
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    CHECK(!sigismember(&cur, SIGUSR1) && !sigismember(&cur, SIGUSR2));
    OK("sa_mask inside handler, restored after");

    calls = 0;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = once;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR2);
    CHECK_EQ(calls, 1);
    struct sigaction now;
    sigaction(SIGUSR2, NULL, &now);
    CHECK(now.sa_handler == SIG_DFL);
    pid_t pid = t_fork();
    if (pid == 0) {
        sigaction(SIGUSR2, &sa, NULL);
        raise(SIGUSR2); /* handled */
        raise(SIGUSR2); /* default: terminate */
        _exit(0);
    }
    int st = t_wait(pid);
    printf("resethand child: %s\n", t_status(st));
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR2);
    OK("resethand");
    return t_done();
}
