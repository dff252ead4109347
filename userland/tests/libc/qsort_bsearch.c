/* qsort and bsearch on ints, strings and structs (stable check via tie-breaking key). */
#include "../common.h"

struct rec { int key; int seq; };

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}
static int cmp_rec(const void *a, const void *b)
{
    const struct rec *x = a, *y = b;
    if (x->key != y->key) return (x->key > y->key) - (x->key < y->key);
    return (x->seq > y->seq) - (x->seq < y->seq);
}

int main(void)
{
    enum { N = 10000 };
    static int v[N];
    unsigned s = 12345;
    for (int i = 0; i < N; i++) { s = s * 1103515245 + 12345; v[i] = (int)(s >> 8) % 5000 - 2500; }
    qsort(v, N, sizeof *v, cmp_int);
    int sorted = 1;
    for (int i = 1; i < N; i++) if (v[i - 1] > v[i]) sorted = 0;
    CHECK(sorted);
    printf("ints: min %d max %d median %d\n", v[0], v[N - 1], v[N / 2]);
    int found = 0;
    for (int k = -2500; k < 2500; k += 7) found += bsearch(&k, v, N, sizeof *v, cmp_int) != NULL;
    printf("bsearch hits %d\n", found);
    int missing = 99999;
    CHECK(bsearch(&missing, v, N, sizeof *v, cmp_int) == NULL);

    const char *words[] = {"pear", "apple", "fig", "banana", "cherry", "date", "elderberry", "apple"};
    qsort(words, 8, sizeof *words, cmp_str);
    printf("words:");
    for (int i = 0; i < 8; i++) printf(" %s", words[i]);
    printf("\n");
    const char *key = "date";
    const char **hit = bsearch(&key, words, 8, sizeof *words, cmp_str);
    CHECK(hit && strcmp(*hit, "date") == 0);

    static struct rec r[1000];
    for (int i = 0; i < 1000; i++) { r[i].key = (i * 37) % 10; r[i].seq = i; }
    qsort(r, 1000, sizeof *r, cmp_rec);
    int ok = 1;
    for (int i = 1; i < 1000; i++) if (cmp_rec(&r[i - 1], &r[i]) >= 0) ok = 0;
    CHECK(ok);
    printf("recs: first %d/%d last %d/%d\n", r[0].key, r[0].seq, r[999].key, r[999].seq);
    qsort(v, 0, sizeof *v, cmp_int);
    qsort(v, 1, sizeof *v, cmp_int);
    return t_done();
}
