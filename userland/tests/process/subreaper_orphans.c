/* Orphans are re-parented to the nearest subreaper (PR_SET_CHILD_SUBREAPER). */
#include "../common.h"
#include <sys/prctl.h>

int main(void)
{
    CHECK_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
    int v = 0;
    CHECK_EQ(prctl(PR_GET_CHILD_SUBREAPER, &v, 0, 0, 0), 0);
    CHECK_EQ(v, 1);
    pid_t me = getpid();
    int p[2];
    pipe(p);
    pid_t mid = t_fork();
    if (mid == 0) {
        pid_t g = t_fork();
        if (g == 0) {
            close(p[0]);
            t_msleep(100); /* let the middle process die */
            pid_t pp = getppid();
            write(p[1], &pp, sizeof pp);
            _exit(8);
        }
        write(p[1], &g, sizeof g);
        _exit(0);
    }
    close(p[1]);
    pid_t g = 0, reparent = 0;
    CHECK_EQ(read(p[0], &g, sizeof g), (ssize_t)sizeof g);
    CHECK_EQ(t_wait(mid), 0);
    CHECK_EQ(read(p[0], &reparent, sizeof reparent), (ssize_t)sizeof reparent);
    CHECK_EQ(reparent, me);
    int st;
    CHECK_EQ(waitpid(g, &st, 0), g); /* we can reap the grandchild */
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 8);
    OK("grandchild re-parented to us");
    return t_done();
}
