/* 100 children in sequence, each returning a distinct status through a pipe and exit(). */
#include "../common.h"

int main(void)
{
    int sum = 0, ok = 0;
    for (int i = 0; i < 100; i++) {
        int p[2];
        pipe(p);
        pid_t pid = t_fork();
        if (pid == 0) {
            close(p[0]);
            int v = i * i;
            write(p[1], &v, sizeof v);
            _exit(i);
        }
        close(p[1]);
        int v = -1;
        CHECK_EQ(read(p[0], &v, sizeof v), (ssize_t)sizeof v);
        close(p[0]);
        int st = t_wait(pid);
        if (WIFEXITED(st) && WEXITSTATUS(st) == i && v == i * i)
            ok++;
        sum += WEXITSTATUS(st);
    }
    CHECK_EQ(ok, 100);
    CHECK_EQ(sum, 4950);
    CHECK_ERR(wait(NULL), ECHILD);
    printf("children ok: %d\n", ok);
    return t_done();
}
