/* 20 children alive at once (blocked on a pipe), released together, reaped with wait(). */
#include "../common.h"

enum { N = 20 };

int main(void)
{
    int gate[2], ready[2];
    pipe(gate);
    pipe(ready);
    pid_t kids[N];
    for (int i = 0; i < N; i++) {
        kids[i] = t_fork();
        if (kids[i] == 0) {
            close(gate[1]);
            write(ready[1], "r", 1);
            char c;
            ssize_t n = read(gate[0], &c, 1); /* EOF when the parent closes */
            _exit(n == 0 ? 100 + i : 1);
        }
    }
    close(gate[0]);
    close(ready[1]);
    int r = 0;
    char c;
    while (r < N && read(ready[0], &c, 1) == 1)
        r++;
    CHECK_EQ(r, N);
    /* all alive: none reapable yet */
    int st;
    CHECK_EQ(waitpid(-1, &st, WNOHANG), 0);
    for (int i = 0; i < N; i++)
        CHECK_EQ(kill(kids[i], 0), 0);
    OK("20 alive");

    close(gate[1]);
    int seen[N] = {0}, got = 0;
    pid_t pid;
    while ((pid = wait(&st)) > 0) {
        for (int i = 0; i < N; i++)
            if (kids[i] == pid && WIFEXITED(st) && WEXITSTATUS(st) == 100 + i)
                seen[i]++;
        got++;
    }
    CHECK(pid == -1 && errno == ECHILD);
    CHECK_EQ(got, N);
    int all = 1;
    for (int i = 0; i < N; i++)
        all &= seen[i] == 1;
    CHECK(all);
    OK("20 reaped with their statuses");
    return t_done();
}
