/* pipe_many N: fork N children blocked in read() on one pipe, print
 * "ready", wait for stdin EOF, close the pipe, reap all children. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 100;
    int fd[2];
    if (pipe(fd)) { perror("pipe"); return 1; }
    for (int i = 0; i < n; i++) {
        pid_t p = fork();
        if (p < 0) { perror("fork"); return 1; }
        if (p == 0) {
            char c;
            close(fd[1]);
            _exit(read(fd[0], &c, 1) == 0 ? 0 : 1);
        }
    }
    close(fd[0]);
    printf("ready\n");
    fflush(stdout);
    char c;
    while (read(0, &c, 1) > 0) {}
    close(fd[1]);
    int bad = 0, st;
    for (int i = 0; i < n; i++) {
        if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) bad++;
    }
    printf("reaped %d, bad %d\n", n, bad);
    return bad != 0;
}
