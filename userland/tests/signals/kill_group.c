/* Process groups: setpgid/getpgid, kill(-pgid) reaches every member, kill(0) our group. */
#include "../common.h"

int main(void)
{
    int p[2];
    pipe(p);
    pid_t leader = t_fork();
    if (leader == 0) {
        setpgid(0, 0);
        for (;;)
            pause();
    }
    setpgid(leader, leader); /* both sides, to avoid the race */
    pid_t member = t_fork();
    if (member == 0) {
        setpgid(0, leader);
        write(p[1], "j", 1);
        for (;;)
            pause();
    }
    char c;
    read(p[0], &c, 1);
    CHECK_EQ(getpgid(leader), leader);
    CHECK_EQ(getpgid(member), leader);
    CHECK(getpgid(0) != leader);
    OK("group formed");

    CHECK_EQ(kill(-leader, SIGTERM), 0);
    int st1 = t_wait(leader), st2 = t_wait(member);
    printf("leader %s, member %s\n", t_status(st1), t_status(st2));
    CHECK(WIFSIGNALED(st1) && WTERMSIG(st1) == SIGTERM);
    CHECK(WIFSIGNALED(st2) && WTERMSIG(st2) == SIGTERM);
    CHECK_ERR(kill(-leader, SIGTERM), ESRCH);
    OK("kill(-pgid)");

    /* kill(0, sig) signals the caller's own group (run inside a fresh group) */
    pid_t boss = t_fork();
    if (boss == 0) {
        setpgid(0, 0);
        signal(SIGUSR1, SIG_IGN);
        pid_t kid = t_fork();
        if (kid == 0) {
            signal(SIGUSR1, SIG_DFL);
            for (;;)
                pause();
        }
        t_msleep(20);
        kill(0, SIGUSR1);
        int st = t_wait(kid);
        _exit(WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1 ? 0 : 1);
    }
    CHECK_EQ(t_wait(boss), 0);
    OK("kill(0)");

    CHECK_ERR(setpgid(getpid(), 424242), EPERM);
    CHECK_ERR(kill(-999999, SIGTERM), ESRCH);
    CHECK_EQ(getpgrp(), getpgid(0));
    OK("errors");
    return t_done();
}
