/* getrlimit/setrlimit/prlimit: lowering soft limits, soft > hard EINVAL, effects of
 * RLIMIT_FSIZE (SIGXFSZ / EFBIG) and RLIMIT_NOFILE, inheritance across fork. */
#include "../common.h"
#include <sys/resource.h>

int main(void)
{
    struct rlimit rl;
    int res[] = {RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_DATA, RLIMIT_STACK, RLIMIT_CORE,
                 RLIMIT_NOFILE, RLIMIT_AS, RLIMIT_NPROC};
    for (unsigned i = 0; i < sizeof res / sizeof *res; i++) {
        CHECK_EQ(getrlimit(res[i], &rl), 0);
        CHECK(rl.rlim_cur <= rl.rlim_max);
    }
    CHECK_EQ(getrlimit(RLIMIT_STACK, &rl), 0);
    CHECK(rl.rlim_cur >= 64 * 1024);
    OK("readable");

    CHECK_EQ(getrlimit(RLIMIT_NOFILE, &rl), 0);
    struct rlimit lower = {rl.rlim_cur > 100 ? 100 : rl.rlim_cur, rl.rlim_max};
    CHECK_EQ(setrlimit(RLIMIT_NOFILE, &lower), 0);
    struct rlimit now;
    getrlimit(RLIMIT_NOFILE, &now);
    CHECK_EQ(now.rlim_cur, lower.rlim_cur);
    struct rlimit bad = {rl.rlim_max, rl.rlim_max - 1};
    CHECK_ERR(setrlimit(RLIMIT_NOFILE, &bad), EINVAL);
    CHECK_ERR(getrlimit(999, &rl), EINVAL);
    OK("set and errors");

    struct rlimit old, newl = {1024 * 1024, RLIM_INFINITY};
    CHECK_EQ(prlimit(0, RLIMIT_CORE, NULL, &old), 0);
    newl.rlim_max = old.rlim_max;
    newl.rlim_cur = old.rlim_max < 4096 ? old.rlim_max : 4096;
    CHECK_EQ(prlimit(0, RLIMIT_CORE, &newl, &old), 0);
    getrlimit(RLIMIT_CORE, &now);
    CHECK_EQ(now.rlim_cur, newl.rlim_cur);
    OK("prlimit");

    pid_t pid = t_fork();
    if (pid == 0) {
        struct rlimit c;
        getrlimit(RLIMIT_NOFILE, &c);
        if (c.rlim_cur != lower.rlim_cur)
            _exit(1);
        struct rlimit fs = {1000, RLIM_INFINITY};
        getrlimit(RLIMIT_FSIZE, &c);
        fs.rlim_max = c.rlim_max;
        setrlimit(RLIMIT_FSIZE, &fs);
        signal(SIGXFSZ, SIG_IGN);
        int fd = open("limited", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        static char buf[3000];
        ssize_t n = write(fd, buf, sizeof buf); /* partial up to the limit */
        if (n != 1000)
            _exit(2);
        errno = 0;
        if (write(fd, buf, 1) != -1 || errno != EFBIG)
            _exit(3);
        signal(SIGXFSZ, SIG_DFL);
        write(fd, buf, 1); /* now kills */
        _exit(4);
    }
    int st = t_wait(pid);
    printf("fsize child: %s\n", t_status(st));
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGXFSZ);
    OK("inherited, RLIMIT_FSIZE enforced");
    return t_done();
}
