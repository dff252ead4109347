/* argv passes through execve byte-exact (empty strings, spaces, quotes, UTF-8, long args). */
#include "../common.h"

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--print") == 0) {
        printf("argc=%d\n", argc);
        for (int i = 1; i < argc; i++) {
            size_t n = strlen(argv[i]);
            if (n > 60)
                printf("argv[%d] len=%zu first=%c last=%c\n", i, n, argv[i][0], argv[i][n - 1]);
            else
                printf("argv[%d]=[%s]\n", i, argv[i]);
        }
        return argv[argc] == NULL ? 0 : 1;
    }
    if (argc > 1 && strcmp(argv[1], "--count") == 0)
        return argc % 256;
    CHECK(argc >= 1);
    CHECK(argv[0] != NULL && argv[0][0] != 0);
    CHECK(argv[argc] == NULL);
    static char longarg[100001];
    memset(longarg, 'L', sizeof longarg - 1);
    longarg[0] = 'S';
    longarg[sizeof longarg - 2] = 'E';
    pid_t pid = t_fork();
    if (pid == 0) {
        char *args[] = {argv[0], "--print", "", "two words", "tab\there", "quote\"d'",
                        "\xc3\xa9t\xc3\xa9", "-", "--", longarg, "*", NULL};
        execv(argv[0], args);
        _exit(127);
    }
    CHECK_EQ(t_wait(pid), 0);

    /* many arguments */
    pid = t_fork();
    if (pid == 0) {
        char *args[2003];
        args[0] = argv[0];
        args[1] = "--count";
        for (int i = 2; i < 2002; i++)
            args[i] = "x";
        args[2002] = NULL;
        execv(argv[0], args);
        _exit(127);
    }
    int st = t_wait(pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 2002 % 256);
    return t_done();
}
