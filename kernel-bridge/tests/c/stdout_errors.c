/* Writes to the console stdout until a write fails, then reports the
 * errno on stderr (exit 3). As pid 1 it is immune to SIGPIPE's default
 * action (like Linux's init), so an EPIPE is reported like ENOSPC
 * (/dev/full) and EBADF (closed stdout). Argument "child": a forked child
 * writes, and the parent reports how it ended (SIGPIPE kills it). */
#include <errno.h>
#include <sys/wait.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int writer(void) {
    static char buf[4096];
    memset(buf, 'y', sizeof buf);
    for (long i = 0; i < 1000000; i++) {
        if (write(1, buf, sizeof buf) < 0) {
            char msg[64];
            int n = snprintf(msg, sizeof msg, "write: errno %d\n", errno);
            write(2, msg, n);
            return 3;
        }
    }
    write(2, "no error\n", 9);
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "child") == 0) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(writer());
        int st;
        if (waitpid(pid, &st, 0) != pid)
            return 4;
        char msg[64];
        int n = WIFSIGNALED(st) ? snprintf(msg, sizeof msg, "child signal %d\n", WTERMSIG(st))
                                : snprintf(msg, sizeof msg, "child exit %d\n", WEXITSTATUS(st));
        write(2, msg, n);
        return 0;
    }
    return writer();
}
