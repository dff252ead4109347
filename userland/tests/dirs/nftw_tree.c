/* Build a tree, walk it with nftw (depth-first, post-order), then remove it. */
#include "../common.h"
#include <ftw.h>

static char *seen[64];
static int nseen;

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    char buf[128];
    snprintf(buf, sizeof buf, "%s %d %c", path, ftw->level,
             type == FTW_DP ? 'D' : type == FTW_F ? 'F' : type == FTW_SL ? 'L' : '?');
    if (nseen < 64)
        seen[nseen++] = strdup(buf);
    return 0;
}

static int rm(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    return type == FTW_DP ? rmdir(path) : unlink(path);
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(void)
{
    mkdir("tree", 0755);
    mkdir("tree/a", 0755);
    mkdir("tree/a/deep", 0755);
    mkdir("tree/b", 0755);
    t_mkfile("tree/a/deep/f1", "1");
    t_mkfile("tree/a/f2", "2");
    t_mkfile("tree/b/f3", "3");
    t_mkfile("tree/top", "t");
    symlink("a", "tree/lnk");
    CHECK_EQ(nftw("tree", visit, 8, FTW_DEPTH | FTW_PHYS), 0);
    CHECK_EQ(nseen, 9);
    /* post-order: the root comes last */
    CHECK(nseen > 0 && strcmp(seen[nseen - 1], "tree 0 D") == 0);
    qsort(seen, (size_t)nseen, sizeof *seen, cmp);
    for (int i = 0; i < nseen; i++)
        printf("%s\n", seen[i]);
    OK("walk");

    CHECK_EQ(nftw("tree", rm, 8, FTW_DEPTH | FTW_PHYS), 0);
    CHECK_ERR(access("tree", F_OK), ENOENT);
    OK("removed");
    return t_done();
}
