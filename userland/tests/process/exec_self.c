/* execv of our own binary (argv[0]) with arguments; exec replaces the image, keeps the pid. */
#include "../common.h"

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--exec-child") == 0) {
        printf("exec child argc=%d\n", argc);
        for (int i = 1; i < argc; i++) /* argv[2] is a pid: not printed */
            printf("  argv[%d]=[%s]\n", i, i == 2 ? "<pid>" : argv[i]);
        /* argv[argc] is NULL */
        if (argv[argc] != NULL)
            printf("FAIL: argv not NULL-terminated\n");
        pid_t expected = (pid_t)atoi(argv[2]);
        fflush(stdout);
        printf("same pid: %s\n", getpid() == expected ? "yes" : "no");
        return getpid() == expected ? 33 : 1;
    }

    pid_t pid = t_fork();
    if (pid == 0) {
        char pidbuf[16];
        snprintf(pidbuf, sizeof pidbuf, "%d", (int)getpid());
        char *args[] = {argv[0], "--exec-child", pidbuf, "two words", "", "last", NULL};
        execv(argv[0], args);
        printf("FAIL: execv: %s\n", strerror(errno));
        _exit(127);
    }
    int st = t_wait(pid);
    printf("child %s\n", t_status(st));
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 33);

    /* execvp with a path containing '/' does not search PATH */
    pid = t_fork();
    if (pid == 0) {
        char *args[] = {argv[0], "--exec-child", "0", NULL};
        execvp(argv[0], args);
        _exit(127);
    }
    st = t_wait(pid);
    printf("execvp child %s\n", t_status(st));
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1);
    return t_done();
}
