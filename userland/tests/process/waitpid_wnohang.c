/* waitpid WNOHANG returns 0 while the child runs; waitpid(-1) and ECHILD; WUNTRACED/WCONTINUED. */
#include "../common.h"

int main(void)
{
    int p[2];
    pipe(p);
    pid_t pid = t_fork();
    if (pid == 0) {
        close(p[1]);
        char c;
        read(p[0], &c, 1);
        _exit(9);
    }
    close(p[0]);
    int st = 12345;
    CHECK_EQ(waitpid(pid, &st, WNOHANG), 0);
    CHECK_EQ(waitpid(-1, &st, WNOHANG), 0);
    CHECK_EQ(st, 12345); /* untouched */
    OK("running: 0");

    close(p[1]);
    pid_t r;
    int spins = 0;
    while ((r = waitpid(pid, &st, WNOHANG)) == 0 && spins < 5000) {
        t_msleep(1);
        spins++;
    }
    CHECK_EQ(r, pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 9);
    CHECK_ERR(waitpid(-1, &st, WNOHANG), ECHILD);
    CHECK_ERR(waitpid(pid, &st, WNOHANG), ECHILD);
    OK("exited: reaped");

    /* stop and continue reporting */
    pid = t_fork();
    if (pid == 0) {
        for (;;)
            pause();
    }
    kill(pid, SIGSTOP);
    CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
    CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
    kill(pid, SIGCONT);
    CHECK_EQ(waitpid(pid, &st, WCONTINUED), pid);
    CHECK(WIFCONTINUED(st));
    kill(pid, SIGTERM);
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
    OK("stopped/continued/killed");

    CHECK_ERR(waitpid(pid, &st, 0x100), EINVAL);
    CHECK_ERR(waitpid(1, &st, 0), ECHILD);
    OK("errors");
    return t_done();
}
