/* fork inside a setjmp-protected function (shell pattern): both fork and invoke_* imports;
 * asyncify must cover the invoke_* trampolines. */
#include <setjmp.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
static jmp_buf jb;
static int child_work(void) { longjmp(jb, 2); }
int main(void)
{
    int r = setjmp(jb);
    if (r == 0) {
        fflush(stdout);
        pid_t p = fork();
        if (p == 0) child_work();
        int st = 0;
        waitpid(p, &st, 0);
        printf("parent: child status %d\n", WEXITSTATUS(st));
        return 0;
    }
    _exit(r == 2 ? 0 : 1);
}
