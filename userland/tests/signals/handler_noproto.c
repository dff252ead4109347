/* Signal handlers and thread start routines defined without a prototype (`void handler()`,
 * K&R style, all over the Open POSIX test suite and older C) are called like on Linux,
 * where the arguments are simply ignored: under wasm, an indirect call of another type
 * traps, so libc calls them with the type they were defined with. Also a handler whose
 * arity does not match SA_SIGINFO, and one that returns int. */
#include "../common.h"
#include <pthread.h>

static volatile sig_atomic_t got_noproto, got_int, got_one, got_info;

void handler_noproto() { got_noproto++; }
int handler_int(int sig) { got_int = sig; return 7; }
static void handler_one(int sig) { got_one = sig; }
static void handler_info(int sig, siginfo_t *si) { got_info = sig == SIGUSR2 && si->si_signo == SIGUSR2; }

static int started;
void *thread_noproto() { started++; return (void *)42; }
static void thread_void(void *arg) { *(int *)arg = 5; }
static int cleaned;
void cleanup_noproto() { cleaned++; }
void *thread_cleanup()
{
    pthread_cleanup_push(cleanup_noproto, 0);
    pthread_cleanup_push(cleanup_noproto, 0);
    pthread_cleanup_pop(1);
    pthread_exit(0);
    pthread_cleanup_pop(0);
    return 0;
}

int main(void)
{
    CHECK(signal(SIGUSR1, handler_noproto) != SIG_ERR);
    CHECK_EQ(raise(SIGUSR1), 0);
    CHECK_EQ(raise(SIGUSR1), 0);
    CHECK_EQ(got_noproto, 2);
    OK("a handler defined as `void handler()` runs");

    struct sigaction sa = { 0 };
    sa.sa_handler = (void (*)(int))handler_int;
    CHECK_EQ(sigaction(SIGUSR1, &sa, 0), 0);
    CHECK_EQ(kill(getpid(), SIGUSR1), 0);
    CHECK_EQ(got_int, SIGUSR1);
    OK("a handler returning int runs");

    sa.sa_flags = SA_SIGINFO;
    sa.sa_sigaction = (void (*)(int, siginfo_t *, void *))handler_one;
    CHECK_EQ(sigaction(SIGUSR2, &sa, 0), 0);
    CHECK_EQ(raise(SIGUSR2), 0);
    CHECK_EQ(got_one, SIGUSR2);
    sa.sa_sigaction = (void (*)(int, siginfo_t *, void *))handler_info;
    CHECK_EQ(sigaction(SIGUSR2, &sa, 0), 0);
    CHECK_EQ(raise(SIGUSR2), 0);
    CHECK_EQ(got_info, 1);
    OK("SA_SIGINFO handlers taking one or two arguments run");

    sa.sa_flags = 0;
    sa.sa_handler = (void (*)(int))handler_noproto;
    CHECK_EQ(sigaction(SIGALRM, &sa, 0), 0);
    alarm(1);
    pause();
    CHECK_EQ(got_noproto, 3);
    OK("a prototype-less handler interrupts pause()");

    pthread_t t;
    void *res = 0;
    CHECK_EQ(pthread_create(&t, 0, thread_noproto, 0), 0);
    CHECK_EQ(pthread_join(t, &res), 0);
    CHECK(res == (void *)42);
    CHECK_EQ(started, 1);
    int v = 0;
    CHECK_EQ(pthread_create(&t, 0, (void *(*)(void *))thread_void, &v), 0);
    CHECK_EQ(pthread_join(t, 0), 0);
    CHECK_EQ(v, 5);
    OK("thread start routines `void *f()` and `void f(void *)` run");
    CHECK_EQ(pthread_create(&t, 0, thread_cleanup, 0), 0);
    CHECK_EQ(pthread_join(t, 0), 0);
    CHECK_EQ(cleaned, 2);
    OK("cleanup routines `void f()` run at pop and at pthread_exit");
    return t_done();
}
