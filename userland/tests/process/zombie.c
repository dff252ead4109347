/* A dead child stays a zombie (visible, signalable, waitid WNOWAIT) until reaped. */
#include "../common.h"

int main(void)
{
    int p[2];
    pipe(p);
    pid_t pid = t_fork();
    if (pid == 0) {
        close(p[0]);
        _exit(5); /* closing the pipe tells the parent we are gone */
    }
    close(p[1]);
    char c;
    CHECK_EQ(read(p[0], &c, 1), 0);
    t_msleep(20);
    /* zombie: still exists */
    CHECK_EQ(kill(pid, 0), 0);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    const char *stat = t_slurp(path);
    const char *rp = stat ? strrchr(stat, ')') : NULL;
    CHECK(rp && rp[1] == ' ' && rp[2] == 'Z');
    OK("zombie visible");

    siginfo_t si;
    memset(&si, 0, sizeof si);
    CHECK_EQ(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
    CHECK_EQ(si.si_pid, pid);
    CHECK_EQ(si.si_code, CLD_EXITED);
    CHECK_EQ(si.si_status, 5);
    CHECK_EQ(kill(pid, 0), 0);
    OK("waitid WNOWAIT leaves it");

    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5);
    CHECK_ERR(kill(pid, 0), ESRCH);
    CHECK_ERR(access(path, F_OK), ENOENT);
    OK("reaped and gone");

    /* several zombies reaped in any order */
    pid_t k[5];
    for (int i = 0; i < 5; i++) {
        k[i] = t_fork();
        if (k[i] == 0)
            _exit(i);
    }
    t_msleep(50);
    int good = 0;
    for (int i = 4; i >= 0; i--) {
        CHECK_EQ(kill(k[i], 0), 0);
        good += waitpid(k[i], &st, 0) == k[i] && WEXITSTATUS(st) == i;
    }
    CHECK_EQ(good, 5);
    OK("reverse order");
    return t_done();
}
