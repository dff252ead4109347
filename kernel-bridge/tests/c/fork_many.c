/* Fork N children that each block in read(0); then wait for all of them. */
#include <sys/wait.h>
#include <unistd.h>
#ifndef N
#define N 100
#endif
static pid_t kids[N];
int main(void) {
    static char heap_like[256 * 1024]; /* some dirtied memory to copy */
    for (unsigned i = 0; i < sizeof heap_like; i += 4096) heap_like[i] = 1;
    for (int i = 0; i < N; i++) {
        pid_t p = fork();
        if (p < 0) return 1;
        if (p == 0) { char c; _exit(read(0, &c, 1) == 0 ? 0 : 3); }
        kids[i] = p;
    }
    write(1, "forked\n", 7);
    for (int i = 0; i < N; i++) {
        int st;
        if (waitpid(kids[i], &st, 0) != kids[i] || !WIFEXITED(st) || WEXITSTATUS(st)) return 2;
    }
    return 0;
}
