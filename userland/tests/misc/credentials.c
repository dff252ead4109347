/* User and group ids: consistent getters, getres*id, setting to the current values is
 * allowed, /proc/self/status agrees, children inherit. Ids themselves are not printed. */
#include "../common.h"
#include <grp.h>

int main(void)
{
    uid_t r, e, s;
    gid_t gr, ge, gs;
    CHECK_EQ(getresuid(&r, &e, &s), 0);
    CHECK_EQ(r, getuid());
    CHECK_EQ(e, geteuid());
    CHECK_EQ(getresgid(&gr, &ge, &gs), 0);
    CHECK_EQ(gr, getgid());
    CHECK_EQ(ge, getegid());
    OK("getters agree");

    CHECK_EQ(setuid(getuid()), 0);
    CHECK_EQ(seteuid(geteuid()), 0);
    CHECK_EQ(setgid(getgid()), 0);
    CHECK_EQ(setresuid(-1, -1, -1), 0);
    CHECK_EQ(getuid(), r);
    OK("no-op changes allowed");

    int n = getgroups(0, NULL);
    CHECK(n >= 0);
    gid_t groups[256];
    CHECK_EQ(getgroups(256, groups), n);
    if (n > 1)
        CHECK_ERR(getgroups(n - 1, groups), EINVAL);
    OK("getgroups");

    const char *st = t_slurp("/proc/self/status");
    CHECK(st != NULL);
    if (st) {
        const char *u = strstr(st, "\nUid:");
        unsigned a = 1, b = 1, c = 1, d = 1;
        CHECK(u && sscanf(u, "\nUid:\t%u\t%u\t%u\t%u", &a, &b, &c, &d) == 4);
        CHECK(a == r && b == e && c == s);
        const char *g = strstr(st, "\nGid:");
        CHECK(g && sscanf(g, "\nGid:\t%u\t%u\t%u", &a, &b, &c) == 3);
        CHECK(a == gr && b == ge && c == gs);
    }
    OK("/proc/self/status");

    pid_t pid = t_fork();
    if (pid == 0)
        _exit(getuid() == r && getegid() == ge ? 0 : 1);
    CHECK_EQ(t_wait(pid), 0);

    /* root can drop privileges in a child and then cannot regain them */
    if (geteuid() == 0) {
        pid = t_fork();
        if (pid == 0) {
            if (setgroups(0, NULL) || setgid(1000) || setuid(1000))
                _exit(1);
            if (getuid() != 1000 || geteuid() != 1000 || getgid() != 1000)
                _exit(2);
            errno = 0;
            if (setuid(0) != -1 || errno != EPERM)
                _exit(3);
            /* a non-root user cannot open a 0600 root file */
            _exit(open("/proc/1/mem", O_RDONLY) == -1 ? 0 : 4);
        }
        CHECK_EQ(t_wait(pid), 0);
    } else {
        CHECK_ERR(setuid(0), EPERM);
    }
    OK("inheritance and privilege drop");
    return t_done();
}
