/* <string.h>, <strings.h> and <ctype.h> basics. */
#include "../common.h"
#include <ctype.h>
#include <strings.h>

int main(void)
{
    char buf[64];
    CHECK_EQ(strlen("hello"), 5);
    CHECK(strcmp("abc", "abd") < 0);
    CHECK(strcmp("b", "a") > 0);
    CHECK_EQ(strncmp("abcdef", "abcxyz", 3), 0);
    CHECK_EQ(strcasecmp("HeLLo", "hello"), 0);
    CHECK(strncasecmp("ABCx", "abcy", 4) < 0);
    strcpy(buf, "foo");
    strcat(buf, "bar");
    CHECK_STR(buf, "foobar");
    strncpy(buf, "xy", 5);
    CHECK(buf[2] == 0 && buf[4] == 0);
    CHECK_STR(strchr("hello", 'l'), "llo");
    CHECK_STR(strrchr("hello", 'l'), "lo");
    CHECK_STR(strstr("haystack needle hay", "needle"), "needle hay");
    CHECK(strstr("abc", "abd") == NULL);
    CHECK_EQ(strspn("aabbcx", "abc"), 5);
    CHECK_EQ(strcspn("hello, world", ", "), 5);
    CHECK_STR(strpbrk("key=value", "=:"), "=value");
    memset(buf, 'z', 10);
    buf[10] = 0;
    CHECK_STR(buf, "zzzzzzzzzz");
    strcpy(buf, "0123456789");
    memmove(buf + 2, buf, 5);
    CHECK_STR(buf, "0101234789");
    memmove(buf, buf + 3, 5);
    CHECK_STR(buf, "1234734789");
    CHECK(memcmp("abc", "abd", 3) < 0);
    CHECK(memchr("abcdef", 'd', 6) != NULL);
    char *dup = strdup("duplicate");
    CHECK_STR(dup, "duplicate");
    free(dup);
    char *nd = strndup("truncated", 5);
    CHECK_STR(nd, "trunc");
    free(nd);

    char tok[] = "a,b;;c , d";
    char *save, *t;
    int count = 0;
    printf("tokens:");
    for (t = strtok_r(tok, ",; ", &save); t; t = strtok_r(NULL, ",; ", &save), count++)
        printf(" [%s]", t);
    printf("\n");
    CHECK_EQ(count, 4);

    CHECK_STR(strerror(ENOENT), "No such file or directory");

    int alpha = 0, digit = 0, space = 0, punct = 0, upper = 0, lower = 0, xdig = 0, cntrl = 0;
    for (int c = 0; c < 128; c++) {
        alpha += !!isalpha(c); digit += !!isdigit(c); space += !!isspace(c);
        punct += !!ispunct(c); upper += !!isupper(c); lower += !!islower(c);
        xdig += !!isxdigit(c); cntrl += !!iscntrl(c);
    }
    printf("ctype: alpha %d digit %d space %d punct %d upper %d lower %d xdigit %d cntrl %d\n",
           alpha, digit, space, punct, upper, lower, xdig, cntrl);
    CHECK_EQ(toupper('q'), 'Q');
    CHECK_EQ(tolower('Q'), 'q');
    CHECK_EQ(toupper('1'), '1');
    CHECK_EQ(ffs(0x50), 5);
    return t_done();
}
