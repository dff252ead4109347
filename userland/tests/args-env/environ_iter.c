/* environ iteration: a known set (after clearenv) and what execve passes to a child. */
#include "../common.h"

extern char **environ;

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int dump(const char *who)
{
    char *v[256];
    int n = 0;
    for (char **e = environ; e && *e && n < 256; e++)
        v[n++] = *e;
    qsort(v, (size_t)n, sizeof *v, cmp);
    for (int i = 0; i < n; i++)
        printf("%s: %s\n", who, v[i]);
    return n;
}

int main(int argc, char **argv, char **envp)
{
    if (argc > 1 && strcmp(argv[1], "--child") == 0) {
        int n = dump("child");
        /* main's envp is the same array as environ */
        return envp == environ && n == 3 ? 0 : 1;
    }
    CHECK(envp == environ);
    clearenv();
    setenv("ZED", "last", 1);
    setenv("ALPHA", "1", 1);
    putenv("MIDDLE=with spaces and = sign");
    setenv("ALPHA", "2", 1);
    CHECK_EQ(dump("self"), 3);
    OK("known set");

    pid_t pid = t_fork();
    if (pid == 0) {
        char *env[] = {"ONE=1", "TWO=", "THREE=3=3", NULL};
        char *args[] = {argv[0], "--child", NULL};
        execve(argv[0], args, env);
        _exit(127);
    }
    CHECK_EQ(t_wait(pid), 0);
    OK("execve envp");

    /* execv passes the current environ */
    pid = t_fork();
    if (pid == 0) {
        char *args[] = {argv[0], "--child", NULL};
        execv(argv[0], args);
        _exit(127);
    }
    CHECK_EQ(t_wait(pid), 0);
    OK("execv inherits environ");
    return t_done();
}
