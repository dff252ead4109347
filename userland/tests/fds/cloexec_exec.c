/* Close-on-exec: O_CLOEXEC, FD_CLOEXEC, pipe2, dup3 fds vanish across execve; others stay. */
#include "../common.h"

static int child_mode(int argc, char **argv)
{
    /* argv: self --child <label> <fd> <expect-open 0/1> ... */
    int bad = 0;
    for (int i = 2; i + 2 < argc; i += 3) {
        int fd = atoi(argv[i + 1]);
        int expect_open = atoi(argv[i + 2]);
        int is_open = fcntl(fd, F_GETFD) != -1;
        printf("child: %s %s\n", argv[i], is_open ? "open" : "closed");
        if (is_open != expect_open) {
            printf("FAIL: %s open=%d expected %d\n", argv[i], is_open, expect_open);
            bad = 1;
        }
        if (is_open && fcntl(fd, F_GETFD) != 0) {
            printf("FAIL: %s still has FD_CLOEXEC\n", argv[i]);
            bad = 1;
        }
    }
    /* the kept file still reads from its shared offset */
    char c = 0;
    if (read(atoi(argv[3]), &c, 1) != 1 || c != 'b') {
        printf("FAIL: shared offset after exec\n");
        bad = 1;
    }
    return bad;
}

static char *num(int v)
{
    char *s = malloc(16);
    snprintf(s, 16, "%d", v);
    return s;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--child") == 0)
        return child_mode(argc, argv);

    t_mkfile("f", "abc");
    int keep = open("f", O_RDONLY);
    char c;
    read(keep, &c, 1);
    int ocloexec = open("f", O_RDONLY | O_CLOEXEC);
    CHECK_EQ(fcntl(ocloexec, F_GETFD), FD_CLOEXEC);
    int setfd = open("f", O_RDONLY);
    CHECK_EQ(fcntl(setfd, F_SETFD, FD_CLOEXEC), 0);
    int p[2];
    CHECK_EQ(pipe2(p, O_CLOEXEC), 0);
    int dup2ed = dup2(p[0], 20); /* dup2 clears FD_CLOEXEC on the new fd */
    CHECK_EQ(fcntl(dup2ed, F_GETFD), 0);
    int dup3ed = dup3(keep, 21, O_CLOEXEC);
    int dupfdc = fcntl(keep, F_DUPFD_CLOEXEC, 0);
    int cleared = open("f", O_RDONLY | O_CLOEXEC);
    fcntl(cleared, F_SETFD, 0);
    OK("parent set up");

    pid_t pid = t_fork();
    if (pid == 0) {
        char *args[] = {argv[0], "--child",
                        "plain", num(keep), "1",
                        "o_cloexec", num(ocloexec), "0",
                        "f_setfd", num(setfd), "0",
                        "pipe2_r", num(p[0]), "0",
                        "pipe2_w", num(p[1]), "0",
                        "dup2_of_cloexec", num(dup2ed), "1",
                        "dup3_cloexec", num(dup3ed), "0",
                        "dupfd_cloexec", num(dupfdc), "0",
                        "cleared", num(cleared), "1",
                        NULL};
        execv(argv[0], args);
        printf("FAIL: execv: %s\n", strerror(errno));
        _exit(127);
    }
    int st = t_wait(pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    printf("child %s\n", t_status(st));
    return t_done();
}
