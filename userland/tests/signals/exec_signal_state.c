/* Across execve: handled signals reset to SIG_DFL, ignored stay ignored, mask preserved. */
#include "../common.h"

static void handler(int s) { (void)s; }

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--after-exec") == 0) {
        struct sigaction sa;
        sigaction(SIGUSR1, NULL, &sa);
        printf("SIGUSR1 after exec: %s\n", sa.sa_handler == SIG_DFL ? "default" : "other");
        sigaction(SIGUSR2, NULL, &sa);
        printf("SIGUSR2 after exec: %s\n", sa.sa_handler == SIG_IGN ? "ignored" : "other");
        sigset_t m;
        sigprocmask(SIG_BLOCK, NULL, &m);
        printf("SIGINT blocked after exec: %s\n", sigismember(&m, SIGINT) ? "yes" : "no");
        sigset_t p;
        sigpending(&p);
        printf("SIGINT pending after exec: %s\n", sigismember(&p, SIGINT) ? "yes" : "no");
        return 0;
    }
    pid_t pid = t_fork();
    if (pid == 0) {
        signal(SIGUSR1, handler);
        signal(SIGUSR2, SIG_IGN);
        sigset_t m;
        sigemptyset(&m);
        sigaddset(&m, SIGINT);
        sigprocmask(SIG_BLOCK, &m, NULL);
        raise(SIGINT); /* pending signals survive exec */
        execl(argv[0], argv[0], "--after-exec", (char *)NULL);
        _exit(127);
    }
    int st = t_wait(pid);
    CHECK_EQ(st, 0);
    return t_done();
}
