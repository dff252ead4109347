/* gmtime/strftime/timegm/mktime of fixed times in UTC; no timezone database needed. */
#include "../common.h"

int main(void)
{
    setenv("TZ", "UTC0", 1);
    tzset();
    time_t fixed[] = {0, 951782400 /* 2000-02-29 */, 1700000000, 2147483647, 4102444800LL};
    for (unsigned i = 0; i < sizeof fixed / sizeof *fixed; i++) {
        struct tm tm;
        CHECK(gmtime_r(&fixed[i], &tm) != NULL);
        char buf[128];
        strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %a %b %j %u %w %U %V %G %Z", &tm);
        printf("%lld -> %s\n", (long long)fixed[i], buf);
        CHECK_EQ(timegm(&tm), fixed[i]);
        struct tm lt;
        localtime_r(&fixed[i], &lt);
        CHECK_EQ(lt.tm_hour, tm.tm_hour);
        CHECK_EQ(mktime(&lt), fixed[i]);
    }
    OK("round trips");

    time_t t = 1700000000;
    struct tm *g = gmtime(&t);
    CHECK_EQ(g->tm_year, 123);
    CHECK_EQ(g->tm_mon, 10);
    CHECK_EQ(g->tm_mday, 14);
    CHECK_EQ(g->tm_hour, 22);
    CHECK_EQ(g->tm_min, 13);
    CHECK_EQ(g->tm_sec, 20);
    CHECK_EQ(g->tm_wday, 2);
    CHECK_EQ(g->tm_yday, 317);
    char buf[64];
    CHECK_EQ(strftime(buf, sizeof buf, "%c", g), 24);
    CHECK_STR(buf, "Tue Nov 14 22:13:20 2023");
    strftime(buf, sizeof buf, "%D %T %R %e %I %p %s", g);
    CHECK_STR(buf, "11/14/23 22:13:20 22:13 14 10 PM 1700000000");
    CHECK_STR(asctime(g), "Tue Nov 14 22:13:20 2023\n");
    CHECK_EQ(strftime(buf, 5, "%Y-%m-%d", g), 0); /* too small */
    OK("fields");

    /* mktime normalises out-of-range fields */
    struct tm n = {0};
    n.tm_year = 124;
    n.tm_mon = 1;
    n.tm_mday = 30; /* Feb 30 2024 -> Mar 1 */
    n.tm_hour = 25;
    n.tm_isdst = 0;
    time_t nt = mktime(&n);
    CHECK_EQ(n.tm_mon, 2);
    CHECK_EQ(n.tm_mday, 2);
    CHECK_EQ(n.tm_hour, 1);
    CHECK_EQ(nt, 1709341200);
    OK("normalisation");

    struct tm parsed = {0};
    char *end = strptime("2021-07-04 12:34:56", "%Y-%m-%d %H:%M:%S", &parsed);
    CHECK(end && *end == 0);
    CHECK_EQ(timegm(&parsed), 1625402096);
    OK("strptime");
    return t_done();
}
