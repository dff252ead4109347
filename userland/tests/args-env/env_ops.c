/* getenv/setenv/unsetenv/putenv/clearenv semantics. */
#include "../common.h"

extern char **environ;

int main(void)
{
    CHECK(getenv("WLT_SURELY_UNSET") == NULL);
    CHECK_EQ(setenv("WLT_A", "alpha", 0), 0);
    CHECK_STR(getenv("WLT_A"), "alpha");
    CHECK_EQ(setenv("WLT_A", "beta", 0), 0); /* no overwrite */
    CHECK_STR(getenv("WLT_A"), "alpha");
    CHECK_EQ(setenv("WLT_A", "beta", 1), 0);
    CHECK_STR(getenv("WLT_A"), "beta");
    CHECK_EQ(setenv("WLT_EMPTY", "", 1), 0);
    CHECK_STR(getenv("WLT_EMPTY"), "");
    CHECK_EQ(setenv("WLT_EQ", "a=b=c", 1), 0);
    CHECK_STR(getenv("WLT_EQ"), "a=b=c");
    OK("setenv");

    CHECK_EQ(unsetenv("WLT_A"), 0);
    CHECK(getenv("WLT_A") == NULL);
    CHECK_EQ(unsetenv("WLT_A"), 0); /* unsetting twice is fine */
    OK("unsetenv");

    static char kv[] = "WLT_PUT=first";
    CHECK_EQ(putenv(kv), 0);
    CHECK_STR(getenv("WLT_PUT"), "first");
    strcpy(kv + 8, "again"); /* putenv keeps the caller's string */
    CHECK_STR(getenv("WLT_PUT"), "again");
    OK("putenv");

    CHECK_ERR(setenv("BAD=NAME", "v", 1), EINVAL);
    CHECK_ERR(setenv("", "v", 1), EINVAL);
    CHECK_ERR(unsetenv("BAD=NAME"), EINVAL);
    OK("errors");

    /* the prefix must match a whole name */
    setenv("WLT_LONGNAME", "long", 1);
    CHECK(getenv("WLT_LONG") == NULL);
    CHECK(getenv("WLT_LONGNAMEX") == NULL);
    OK("exact names");

    CHECK_EQ(clearenv(), 0);
    CHECK(environ == NULL || environ[0] == NULL);
    CHECK(getenv("PATH") == NULL);
    setenv("AFTER", "clear", 1);
    CHECK_STR(getenv("AFTER"), "clear");
    OK("clearenv");

    /* many variables */
    char name[32], val[32];
    for (int i = 0; i < 500; i++) {
        snprintf(name, sizeof name, "V%d", i);
        snprintf(val, sizeof val, "%d", i * 3);
        setenv(name, val, 1);
    }
    int bad = 0;
    for (int i = 0; i < 500; i++) {
        snprintf(name, sizeof name, "V%d", i);
        const char *v = getenv(name);
        bad += !v || atoi(v) != i * 3;
    }
    CHECK_EQ(bad, 0);
    OK("500 variables");
    return t_done();
}
