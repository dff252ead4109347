/* fork(): imports env.wasmlinux_fork, so wasmlinux-cc asyncifies the module. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void)
{
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) { puts("child"); _exit(7); }
    int st = 0;
    waitpid(p, &st, 0);
    printf("parent: child exited %d\n", WEXITSTATUS(st));
    return 0;
}
