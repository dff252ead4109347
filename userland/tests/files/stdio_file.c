/* stdio on files: fopen modes, fgets, fscanf, fseek/ftell, ungetc, fread/fwrite. */
#include "../common.h"

int main(void)
{
    FILE *f = fopen("s.txt", "w");
    CHECK(f != NULL);
    for (int i = 1; i <= 100; i++)
        fprintf(f, "line %d %s\n", i, i % 2 ? "odd" : "even");
    CHECK_EQ(fclose(f), 0);

    f = fopen("s.txt", "r");
    char line[64];
    int n = 0, sum = 0;
    while (fgets(line, sizeof line, f)) {
        int v;
        char kind[8];
        if (sscanf(line, "line %d %7s", &v, kind) == 2 &&
            strcmp(kind, v % 2 ? "odd" : "even") == 0)
            sum += v;
        n++;
    }
    CHECK_EQ(n, 100);
    CHECK_EQ(sum, 5050);
    CHECK(feof(f));
    CHECK(!ferror(f));
    long end = ftell(f);
    CHECK_EQ(end, 1242);
    OK("fgets");

    CHECK_EQ(fseek(f, 5, SEEK_SET), 0);
    int v = 0;
    CHECK_EQ(fscanf(f, "%d", &v), 1);
    CHECK_EQ(v, 1);
    int c = fgetc(f);
    CHECK_EQ(c, ' ');
    CHECK_EQ(ungetc('Z', f), 'Z');
    CHECK_EQ(fgetc(f), 'Z');
    CHECK_EQ(fgetc(f), 'o');
    rewind(f);
    CHECK_EQ(ftell(f), 0);
    fclose(f);
    OK("seek and ungetc");

    f = fopen("s.txt", "a+");
    fputs("tail\n", f);
    fflush(f);
    fseek(f, -5, SEEK_END);
    CHECK(fgets(line, sizeof line, f) != NULL);
    CHECK_STR(line, "tail\n");
    fclose(f);
    OK("append mode");

    double d[4] = {1.5, -2.25, 1e300, 0}, r[4];
    f = fopen("bin", "wb+");
    CHECK_EQ(fwrite(d, sizeof d[0], 4, f), 4);
    rewind(f);
    CHECK_EQ(fread(r, sizeof r[0], 5, f), 4);
    CHECK(memcmp(d, r, sizeof d) == 0);
    fclose(f);
    OK("binary");

    CHECK(fopen("missing", "r") == NULL && errno == ENOENT);
    CHECK(fopen("s.txt", "q") == NULL && errno == EINVAL);
    f = fopen("x", "wx");
    CHECK(f != NULL);
    fclose(f);
    CHECK(fopen("x", "wx") == NULL && errno == EEXIST);
    OK("errors");

    f = tmpfile();
    CHECK(f != NULL);
    fputs("scratch", f);
    rewind(f);
    CHECK(fgets(line, sizeof line, f) != NULL);
    CHECK_STR(line, "scratch");
    fclose(f);
    char tmpl[] = "tmpXXXXXX";
    int fd = mkstemp(tmpl);
    CHECK(fd >= 0);
    CHECK(strncmp(tmpl, "tmp", 3) == 0 && strcmp(tmpl + 3, "XXXXXX") != 0);
    CHECK_EQ(access(tmpl, F_OK), 0);
    close(fd);
    unlink(tmpl);
    OK("tmpfile and mkstemp");
    return t_done();
}
