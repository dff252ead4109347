/* vfork() is a fork on wasmlinux (the child gets a copy of memory). */
#include <unistd.h>
#include <sys/wait.h>
int main(void)
{
    pid_t p = vfork();
    if (p == 0) _exit(3);
    int st = 0;
    waitpid(p, &st, 0);
    return WEXITSTATUS(st) == 3 ? 0 : 1;
}
