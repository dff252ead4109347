/* sigaction with and without SA_SIGINFO: handlers are called by __wasmlinux_sigentry. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
static volatile sig_atomic_t got1, got2;
static void h1(int sig) { got1 = sig; }
static void h2(int sig, siginfo_t *si, void *uc) { (void)uc; got2 = sig + (si->si_signo == sig); }
int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h1;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_sigaction = h2;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR1);
    raise(SIGUSR2);
    printf("%d %d\n", got1, got2);
    return 0;
}
