/* fork from deep inside a setjmp-protected function (asyncify unwinds
 * through invoke_* and plain frames), longjmp in the child. */
#include <setjmp.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static jmp_buf jb;
static void say(const char *s) { write(1, s, strlen(s)); }
__attribute__((noinline)) static int deep(int n) {
    if (n == 0) return fork();
    int r = deep(n - 1);
    return r + (n & 0);
}
__attribute__((noinline)) static void jumper(int v) { longjmp(jb, v); }

int main(void) {
    volatile int local = 7;
    if (setjmp(jb) == 0) {
        pid_t p = deep(10);
        if (p < 0) { say("fork failed\n"); return 1; }
        if (p == 0) { say("child\n"); jumper(0); }
        int st = 0;
        if (waitpid(p, &st, 0) != p) { say("waitpid failed\n"); return 2; }
        say(WIFEXITED(st) && WEXITSTATUS(st) == 42 && local == 7 ? "parent ok\n" : "parent bad\n");
        return 0;
    }
    say("child longjmp\n");
    _exit(local == 7 ? 42 : 43);
}
