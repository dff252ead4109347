/* readdir lists exactly the entries created (sorted for determinism), with d_type. */
#include "../common.h"
#include <dirent.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int list(const char *dir, char **names, int max, int *types_ok)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    *types_ok = 1;
    while ((e = readdir(d)) && n < max) {
        names[n++] = strdup(e->d_name);
        if (!strcmp(e->d_name, "sub") || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            *types_ok &= e->d_type == DT_DIR || e->d_type == DT_UNKNOWN;
        else if (!strcmp(e->d_name, "link"))
            *types_ok &= e->d_type == DT_LNK || e->d_type == DT_UNKNOWN;
        else
            *types_ok &= e->d_type == DT_REG || e->d_type == DT_UNKNOWN;
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp);
    return n;
}

int main(void)
{
    mkdir("d", 0755);
    const char *files[] = {"zeta", "alpha", "Beta", "a b c", "longer-name-with.dots.txt", "_x"};
    for (unsigned i = 0; i < sizeof files / sizeof *files; i++) {
        char p[64];
        snprintf(p, sizeof p, "d/%s", files[i]);
        t_mkfile(p, "x");
    }
    mkdir("d/sub", 0755);
    symlink("alpha", "d/link");
    char *names[64];
    int ok;
    int n = list("d", names, 64, &ok);
    CHECK_EQ(n, 10);
    CHECK(ok);
    for (int i = 0; i < n; i++)
        printf("entry %s\n", names[i]);
    OK("listing");

    unlink("d/zeta");
    rmdir("d/sub");
    n = list("d", names, 64, &ok);
    CHECK_EQ(n, 8);
    for (int i = 0; i < n; i++)
        CHECK(strcmp(names[i], "zeta") && strcmp(names[i], "sub"));
    OK("after removal");

    mkdir("empty", 0755);
    n = list("empty", names, 64, &ok);
    CHECK_EQ(n, 2);
    CHECK(n == 2 && !strcmp(names[0], ".") && !strcmp(names[1], ".."));
    OK("empty dir");

    CHECK(opendir("missing") == NULL && errno == ENOENT);
    CHECK(opendir("d/alpha") == NULL && errno == ENOTDIR);
    OK("errors");
    return t_done();
}
