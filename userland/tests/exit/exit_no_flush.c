/* _exit() discards unflushed stdio buffers; exit() flushes them (incl. to files). */
#include "../common.h"

int main(void)
{
    pid_t pid = t_fork();
    if (pid == 0) {
        FILE *f = fopen("via_exit", "w");
        fputs("flushed by exit", f);
        printf("child: printed before exit()\n"); /* stdout is a pipe/file: fully buffered */
        exit(0);
    }
    CHECK_EQ(t_wait(pid), 0);
    CHECK_STR(t_slurp("via_exit"), "flushed by exit");

    pid = t_fork();
    if (pid == 0) {
        FILE *f = fopen("via__exit", "w");
        fputs("never written", f);
        printf("child: THIS MUST NOT APPEAR"); /* no newline: stays buffered */
        _exit(0);
    }
    CHECK_EQ(t_wait(pid), 0);
    CHECK_STR(t_slurp("via__exit"), "");

    pid = t_fork();
    if (pid == 0) {
        printf("child: also lost with _Exit");
        _Exit(0);
    }
    CHECK_EQ(t_wait(pid), 0);

    /* write(2) output is not buffered and survives _exit */
    pid = t_fork();
    if (pid == 0) {
        write(1, "child: raw write survives\n", 26);
        _exit(0);
    }
    CHECK_EQ(t_wait(pid), 0);
    return t_done();
}
