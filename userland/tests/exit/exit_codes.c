/* exit(0..255) seen by the parent exactly; exit(256+n) truncates to n; negative values wrap. */
#include "../common.h"

int main(void)
{
    int ok = 0;
    for (int code = 0; code <= 255; code++) {
        pid_t pid = t_fork();
        if (pid == 0)
            exit(code);
        int st = t_wait(pid);
        ok += WIFEXITED(st) && WEXITSTATUS(st) == code;
    }
    CHECK_EQ(ok, 256);
    printf("exit codes 0..255: %d ok\n", ok);

    int odd[][2] = {{256, 0}, {257, 1}, {-1, 255}, {-2, 254}, {1000, 232}};
    for (unsigned i = 0; i < sizeof odd / sizeof *odd; i++) {
        pid_t pid = t_fork();
        if (pid == 0)
            _exit(odd[i][0]);
        int st = t_wait(pid);
        printf("_exit(%d) -> %s\n", odd[i][0], t_status(st));
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == odd[i][1]);
    }
    return t_done();
}
