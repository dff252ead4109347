/* Children dying of various signals: WIFSIGNALED/WTERMSIG in the parent; not WIFEXITED. */
#include "../common.h"

int main(void)
{
    int sigs[] = {SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGKILL,
                  SIGUSR1, SIGSEGV, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM, SIGXCPU, SIGSYS,
                  SIGRTMIN, SIGRTMAX};
    for (unsigned i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        pid_t pid = t_fork();
        if (pid == 0) {
            raise(sigs[i]);
            _exit(100);
        }
        int st = t_wait(pid);
        /* the core-dump bit depends on host limits: ignore it */
        printf("signal %d: %s\n", sigs[i], t_status(st));
        CHECK(WIFSIGNALED(st) && !WIFEXITED(st) && WTERMSIG(st) == sigs[i]);
    }
    /* ignored-by-default signals do not kill */
    int harmless[] = {SIGCHLD, SIGURG, SIGWINCH, SIGCONT};
    for (unsigned i = 0; i < sizeof harmless / sizeof *harmless; i++) {
        pid_t pid = t_fork();
        if (pid == 0) {
            raise(harmless[i]);
            _exit(7);
        }
        int st = t_wait(pid);
        printf("signal %d: %s\n", harmless[i], t_status(st));
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);
    }
    return t_done();
}
