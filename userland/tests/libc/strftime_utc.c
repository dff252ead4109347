/* Time formatting and conversion with TZ=UTC (no zoneinfo files needed). */
#include "../common.h"
#include <time.h>

int main(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    time_t t = 1700000000; /* 2023-11-14 22:13:20 UTC, a Tuesday */
    struct tm tm;
    CHECK(gmtime_r(&t, &tm) != NULL);
    char buf[256];
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %a %A %b %B %j %U %W %u %w %y %C %e %p %Z %z", &tm);
    printf("%s\n", buf);
    strftime(buf, sizeof buf, "%c | %x | %X | %D | %F | %T | %R | %G-W%V | %s | %%", &tm);
    printf("%s\n", buf);
    struct tm lt;
    CHECK(localtime_r(&t, &lt) != NULL);
    CHECK_EQ(lt.tm_hour, 22);
    CHECK_EQ(mktime(&lt), t);
    CHECK_EQ(timegm(&tm), t);
    struct tm y2038 = {.tm_year = 2038 - 1900, .tm_mon = 0, .tm_mday = 19, .tm_hour = 3, .tm_min = 14, .tm_sec = 8};
    time_t big = timegm(&y2038);
    printf("2038-01-19T03:14:08Z = %lld\n", (long long)big);
    time_t far = 4102444800LL; /* 2100-01-01 */
    gmtime_r(&far, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%d %A", &tm);
    printf("%s\n", buf);
    struct tm parsed = {0};
    const char *rest = strptime("2024-02-29 12:34:56", "%Y-%m-%d %H:%M:%S", &parsed);
    CHECK(rest && *rest == 0);
    printf("strptime: %d %d %d %d:%d:%d wday %d\n", parsed.tm_year + 1900, parsed.tm_mon + 1,
           parsed.tm_mday, parsed.tm_hour, parsed.tm_min, parsed.tm_sec, parsed.tm_wday);
    printf("asctime: %s", asctime(gmtime(&t)));
    double diff = difftime(t + 90, t);
    printf("difftime %.1f\n", diff);
    return t_done();
}
