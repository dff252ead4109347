/* vfork + _exit / exec, posix_spawn of ourselves with file actions. */
#include "../common.h"
#include <spawn.h>

extern char **environ;

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--spawned") == 0) {
        char line[64] = {0};
        ssize_t n = read(0, line, sizeof line - 1); /* stdin redirected by file action */
        printf("spawned read: %s", n > 0 ? line : "(nothing)\n");
        return 21;
    }

    fflush(stdout);
    pid_t pid = vfork();
    if (pid == 0)
        _exit(12);
    int st = t_wait(pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 12);
    OK("vfork _exit");

    fflush(stdout);
    pid = vfork();
    if (pid == 0) {
        execl(argv[0], argv[0], "--spawned", (char *)NULL);
        _exit(127);
    }
    st = t_wait(pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 21);
    OK("vfork exec");

    t_mkfile("input.txt", "from a file action\n");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "input.txt", O_RDONLY, 0);
    char *args[] = {argv[0], "--spawned", NULL};
    fflush(stdout);
    CHECK_EQ(posix_spawn(&pid, argv[0], &fa, NULL, args, environ), 0);
    st = t_wait(pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 21);
    posix_spawn_file_actions_destroy(&fa);
    OK("posix_spawn");

    char *bad[] = {"./nope", NULL};
    int err = posix_spawn(&pid, "./nope", NULL, NULL, bad, environ);
    CHECK_EQ(err, ENOENT);
    OK("posix_spawn ENOENT");
    return t_done();
}
