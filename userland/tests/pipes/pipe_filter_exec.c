/* A two-stage pipeline: parent | exec(self --upper) | parent, through dup2 onto stdin/stdout. */
#include "../common.h"
#include <ctype.h>

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--upper") == 0) {
        int c;
        while ((c = getchar()) != EOF)
            putchar(toupper(c));
        return 0;
    }
    int to[2], from[2];
    pipe(to);
    pipe(from);
    pid_t pid = t_fork();
    if (pid == 0) {
        dup2(to[0], 0);
        dup2(from[1], 1);
        close(to[0]); close(to[1]); close(from[0]); close(from[1]);
        execl(argv[0], argv[0], "--upper", (char *)NULL);
        _exit(127);
    }
    close(to[0]);
    close(from[1]);
    const char *text = "the quick brown fox\njumps over the lazy dog\n";
    t_write_all(to[1], text, strlen(text));
    close(to[1]);
    char buf[256] = {0};
    size_t got = 0;
    ssize_t n;
    while ((n = read(from[0], buf + got, sizeof buf - 1 - got)) > 0)
        got += (size_t)n;
    CHECK_STR(buf, "THE QUICK BROWN FOX\nJUMPS OVER THE LAZY DOG\n");
    fputs(buf, stdout);
    CHECK_EQ(t_wait(pid), 0);
    OK("pipeline");
    return t_done();
}
