/* Writing to a pipe with no readers: SIGPIPE kills by default; EPIPE when ignored or handled. */
#include "../common.h"

static volatile sig_atomic_t got_pipe;
static void on_pipe(int s) { got_pipe = s; }

int main(void)
{
    int p[2], go[2];
    pipe(p);
    pipe(go);
    pid_t pid = t_fork();
    if (pid == 0) {
        close(p[0]);
        close(go[1]);
        char c;
        read(go[0], &c, 1); /* EOF once the parent has closed its read end */
        write(p[1], "x", 1);
        _exit(42); /* not reached */
    }
    close(p[1]);
    close(p[0]);
    close(go[0]);
    close(go[1]);
    int st = t_wait(pid);
    printf("default: %s\n", t_status(st));
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE);
    OK("killed by SIGPIPE");

    signal(SIGPIPE, SIG_IGN);
    pipe(p);
    close(p[0]);
    CHECK_ERR(write(p[1], "x", 1), EPIPE);
    close(p[1]);
    OK("ignored: EPIPE");

    signal(SIGPIPE, on_pipe);
    pipe(p);
    close(p[0]);
    CHECK_ERR(write(p[1], "x", 1), EPIPE);
    CHECK_EQ(got_pipe, SIGPIPE);
    close(p[1]);
    OK("handled: EPIPE and handler ran");

    /* reader exits while writer is blocked on a full pipe: writer gets EPIPE */
    pipe(p);
    pid = t_fork();
    if (pid == 0) {
        close(p[1]);
        t_msleep(50);
        _exit(0);
    }
    close(p[0]);
    static char big[200000];
    got_pipe = 0;
    ssize_t n = write(p[1], big, sizeof big);
    CHECK(n == -1 ? errno == EPIPE : (n > 0 && n < (ssize_t)sizeof big));
    if (n > 0)
        CHECK_ERR(write(p[1], big, 1), EPIPE);
    CHECK_EQ(got_pipe, SIGPIPE);
    t_wait(pid);
    OK("reader went away while writing");
    return t_done();
}
