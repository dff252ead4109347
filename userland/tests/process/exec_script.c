/* A "#!" script whose interpreter is this very program: the kernel runs
 * "<interp> <optional-arg> <script-path> <args...>". */
#include "../common.h"

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--script-mode") == 0) {
        /* argv: interp, "--script-mode", script path, script args... */
        printf("script mode: argc=%d\n", argc);
        printf("script path: %s\n", argc > 2 ? argv[2] : "(none)");
        for (int i = 3; i < argc; i++)
            printf("script arg: [%s]\n", argv[i]);
        /* the script file is readable and holds the body */
        const char *body = argc > 2 ? t_slurp(argv[2]) : NULL;
        const char *nl = body ? strchr(body, '\n') : NULL;
        printf("script body: %s", nl ? nl + 1 : "(unreadable)\n");
        return 17;
    }

    if (argv[0][0] != '/') {
        printf("FAIL: argv[0] is not absolute\n");
        return 1;
    }
    char text[PATH_MAX + 64];
    snprintf(text, sizeof text, "#!%s --script-mode\nhello from the script body\n", argv[0]);
    t_mkfile("myscript", text);
    CHECK_EQ(chmod("myscript", 0755), 0);

    pid_t pid = t_fork();
    if (pid == 0) {
        char *args[] = {"myscript", "a1", "a 2", NULL};
        execv("./myscript", args);
        printf("FAIL: execv script: %s\n", strerror(errno));
        _exit(127);
    }
    int st = t_wait(pid);
    printf("script %s\n", t_status(st));
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 17);

    /* non-executable script: EACCES */
    chmod("myscript", 0644);
    pid = t_fork();
    if (pid == 0) {
        char *args[] = {"myscript", NULL};
        execv("./myscript", args);
        _exit(errno == EACCES ? 0 : 1);
    }
    CHECK_EQ(t_wait(pid), 0);

    /* interpreter that does not exist: ENOENT */
    t_mkfile("bad", "#!/nonexistent/interp\n");
    chmod("bad", 0755);
    pid = t_fork();
    if (pid == 0) {
        char *args[] = {"bad", NULL};
        execv("./bad", args);
        _exit(errno == ENOENT ? 0 : 1);
    }
    CHECK_EQ(t_wait(pid), 0);
    OK("errors");
    return t_done();
}
