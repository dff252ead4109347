/* fork: return values, separate memory, inherited fds share offsets, getppid. */
#include "../common.h"

static int global = 1;

int main(void)
{
    int local = 10;
    char *heap = malloc(64);
    strcpy(heap, "parent heap");
    t_mkfile("f", "0123456789");
    int fd = open("f", O_RDONLY);
    pid_t me = getpid();
    pid_t pid = t_fork();
    if (pid == 0) {
        int bad = 0;
        bad |= getppid() != me;
        bad |= getpid() == me;
        bad |= global != 1 || local != 10 || strcmp(heap, "parent heap") != 0;
        global = 2;
        local = 20;
        strcpy(heap, "child heap");
        char c;
        lseek(fd, 5, SEEK_SET); /* shared open file description */
        read(fd, &c, 1);
        bad |= c != '5';
        printf("child sees copies: %s\n", bad ? "no" : "yes");
        fflush(stdout);
        _exit(bad ? 1 : 7);
    }
    CHECK(pid > 0);
    int st = t_wait(pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 7);
    CHECK_EQ(global, 1);
    CHECK_EQ(local, 10);
    CHECK_STR(heap, "parent heap");
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 6);
    OK("isolated memory, shared offset");

    CHECK_ERR(waitpid(pid, &st, 0), ECHILD);
    CHECK_ERR(wait(&st), ECHILD);
    OK("reaped once");

    /* big heap copied on fork */
    size_t sz = 8 << 20;
    unsigned char *big = malloc(sz);
    for (size_t i = 0; i < sz; i++)
        big[i] = (unsigned char)(i * 7);
    pid = t_fork();
    if (pid == 0) {
        size_t bad = 0;
        for (size_t i = 0; i < sz; i++)
            bad += big[i] != (unsigned char)(i * 7);
        memset(big, 0, sz);
        _exit(bad ? 1 : 0);
    }
    CHECK_EQ(t_wait(pid), 0);
    CHECK_EQ(big[12345], (unsigned char)(12345 * 7));
    OK("8 MiB heap copied");

    /* grandchild */
    pid = t_fork();
    if (pid == 0) {
        pid_t g = t_fork();
        if (g == 0)
            _exit(3);
        int s = t_wait(g);
        _exit(WIFEXITED(s) ? WEXITSTATUS(s) + 1 : 99);
    }
    st = t_wait(pid);
    CHECK_EQ(WEXITSTATUS(st), 4);
    OK("grandchild");
    return t_done();
}
