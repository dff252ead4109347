/* umask returns the previous mask, masks open/mkdir/mkfifo modes, is inherited by children. */
#include "../common.h"

static mode_t mode_of(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? st.st_mode & 07777 : (mode_t)-1;
}

int main(void)
{
    mode_t first = umask(077);
    (void)first; /* inherited from the environment: not printed */
    CHECK_EQ(umask(022), 077);
    CHECK_EQ(umask(0), 022);
    CHECK_EQ(umask(0777 | 07000), 0); /* only the permission bits are kept */
    CHECK_EQ(umask(0), 0777);
    OK("previous value");

    mode_t masks[] = {0, 022, 027, 077, 0777};
    for (unsigned i = 0; i < sizeof masks / sizeof *masks; i++) {
        umask(masks[i]);
        char f[32], d[32], p[32];
        snprintf(f, sizeof f, "f%u", i);
        snprintf(d, sizeof d, "d%u", i);
        snprintf(p, sizeof p, "p%u", i);
        close(open(f, O_CREAT | O_WRONLY, 0666));
        mkdir(d, 0777);
        mkfifo(p, 0666);
        printf("umask %04o: file %04o dir %04o fifo %04o\n", (unsigned)masks[i],
               (unsigned)mode_of(f), (unsigned)mode_of(d), (unsigned)mode_of(p));
        CHECK_EQ(mode_of(f), 0666 & ~masks[i]);
        CHECK_EQ(mode_of(d), 0777 & ~masks[i]);
        CHECK_EQ(mode_of(p), 0666 & ~masks[i]);
        chmod(d, 0755);
    }
    OK("creation modes");

    umask(0);
    close(open("explicit", O_CREAT | O_WRONLY, 0604));
    CHECK_EQ(mode_of("explicit"), 0604);
    umask(027);
    pid_t pid = t_fork();
    if (pid == 0)
        _exit(umask(0) == 027 ? 0 : 1);
    CHECK_EQ(t_wait(pid), 0);
    OK("inherited");
    return t_done();
}
