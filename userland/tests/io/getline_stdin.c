/* A child reads lines from a pipe on its stdin with getline/fgets and answers on stdout. */
#include "../common.h"

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--filter") == 0) {
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        int count = 0;
        size_t longest = 0;
        while ((n = getline(&line, &cap, stdin)) != -1) {
            count++;
            if ((size_t)n > longest)
                longest = (size_t)n;
        }
        free(line);
        printf("lines=%d longest=%zu\n", count, longest);
        return 0;
    }
    int in[2], out[2];
    pipe(in);
    pipe(out);
    pid_t pid = t_fork();
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]); close(in[1]); close(out[0]); close(out[1]);
        execl(argv[0], argv[0], "--filter", (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    FILE *w = fdopen(in[1], "w");
    for (int i = 0; i < 1000; i++)
        fprintf(w, "%0*d\n", 1 + i % 200, i);
    fputs("no trailing newline", w);
    fclose(w);
    FILE *r = fdopen(out[0], "r");
    char answer[128] = "";
    CHECK(fgets(answer, sizeof answer, r) != NULL);
    fclose(r);
    printf("child said: %s", answer);
    CHECK_STR(answer, "lines=1001 longest=201\n");
    CHECK_EQ(t_wait(pid), 0);
    return t_done();
}
