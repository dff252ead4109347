/* atexit handlers run in reverse order of registration, once, on exit() and on return
 * from main, not on _exit(); a handler may register another. Child output is captured. */
#include "../common.h"

static void h1(void) { printf("handler 1\n"); }
static void h2(void) { printf("handler 2\n"); }
static void h3(void) { printf("handler 3\n"); }
static void late(void) { printf("late handler\n"); }
static void registers(void) { printf("registering\n"); atexit(late); }

static const char *capture(void (*body)(void))
{
    static char buf[512];
    int p[2];
    pipe(p);
    pid_t pid = t_fork();
    if (pid == 0) {
        close(p[0]);
        dup2(p[1], 1);
        close(p[1]);
        body();
        _exit(99);
    }
    close(p[1]);
    size_t got = 0;
    ssize_t n;
    while ((n = read(p[0], buf + got, sizeof buf - 1 - got)) > 0)
        got += (size_t)n;
    buf[got] = 0;
    close(p[0]);
    int st = t_wait(pid);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 3)
        snprintf(buf + got, sizeof buf - got, "[%s]", t_status(st));
    return buf;
}

static void via_exit(void) { atexit(h1); atexit(h2); atexit(h3); printf("body\n"); exit(3); }
static void via__exit(void) { atexit(h1); printf("body\n"); fflush(stdout); _exit(3); }
static void nested(void) { atexit(h1); atexit(registers); atexit(h3); exit(3); }

int main(void)
{
    const char *out = capture(via_exit);
    printf("--- exit():\n%s", out);
    CHECK_STR(out, "body\nhandler 3\nhandler 2\nhandler 1\n");
    out = capture(via__exit);
    printf("--- _exit():\n%s", out);
    CHECK_STR(out, "body\n");
    out = capture(nested);
    printf("--- nested:\n%s", out);
    CHECK_STR(out, "handler 3\nregistering\nlate handler\nhandler 1\n");
    return t_done();
}
