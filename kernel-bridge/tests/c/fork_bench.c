/* Timing: fork+_exit+waitpid and posix_spawn(argv[1])+waitpid, N times each.
 * usage: fork_bench [N] [PROGRAM]  (PROGRAM: spawned with no arguments) */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
extern char **environ;
static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}
int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 1000;
    static char heap_like[256 * 1024]; /* a little dirtied memory */
    for (unsigned i = 0; i < sizeof heap_like; i += 4096) heap_like[i] = 1;
    char *p = malloc(1 << 20);
    for (int i = 0; i < (1 << 20); i += 4096) p[i] = 2;
    double t0 = now();
    for (int i = 0; i < n; i++) {
        pid_t c = fork();
        if (c < 0) return 1;
        if (c == 0) _exit(0);
        int st;
        if (waitpid(c, &st, 0) != c || !WIFEXITED(st)) return 2;
    }
    double t1 = now();
    printf("fork+exit+wait: %.1f us\n", (t1 - t0) / n * 1e6);
    if (argc > 2) {
        char *av[] = {argv[2], NULL};
        t0 = now();
        for (int i = 0; i < n; i++) {
            pid_t c;
            if (posix_spawn(&c, argv[2], NULL, NULL, av, environ)) return 3;
            int st;
            if (waitpid(c, &st, 0) != c || !WIFEXITED(st)) return 4;
        }
        t1 = now();
        printf("posix_spawn+wait: %.1f us\n", (t1 - t0) / n * 1e6);
    }
    return 0;
}
