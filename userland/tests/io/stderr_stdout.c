/* stdout and stderr are separate: only stdout is compared; stderr output does not leak
 * into stdout; dup2(1, 2) merges them in order. */
#include "../common.h"

int main(void)
{
    fprintf(stderr, "this goes to stderr only\n");
    printf("stdout line 1\n");
    fflush(stdout);
    int saved = dup(2);
    dup2(1, 2);
    fprintf(stderr, "stderr now merged into stdout\n");
    printf("stdout line 2\n");
    fflush(stdout);
    dup2(saved, 2);
    fprintf(stderr, "back to real stderr\n");
    CHECK_EQ(fileno(stdin), 0);
    CHECK_EQ(fileno(stdout), 1);
    CHECK_EQ(fileno(stderr), 2);
    return t_done();
}
