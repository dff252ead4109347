/* posix_spawn/system/popen create processes through the fork import. */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
extern char **environ;
int main(void)
{
    pid_t p;
    char *argv[] = {"/bin/true", NULL};
    int r = posix_spawn(&p, "/bin/true", NULL, NULL, argv, environ);
    if (r == 0) waitpid(p, NULL, 0);
    return system("exit 0");
}
