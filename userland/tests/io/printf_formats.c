/* printf/scanf/strtod formatting and parsing results (pure computation + stdio). */
#include "../common.h"
#include <inttypes.h>
#include <math.h>

int main(void)
{
    char b[256];
    snprintf(b, sizeof b, "[%d|%5d|%-5d|%05d|%+d|%x|%X|%#o|%u]", -42, 42, 42, 42, 42, 255, 255, 8, 4000000000u);
    printf("%s\n", b);
    CHECK_STR(b, "[-42|   42|42   |00042|+42|ff|FF|010|4000000000]");
    snprintf(b, sizeof b, "[%lld|%" PRId64 "|%zu|%jd]", -9000000000000000000LL, (int64_t)INT64_MAX,
             (size_t)123, (intmax_t)-1);
    printf("%s\n", b);
    CHECK_STR(b, "[-9000000000000000000|9223372036854775807|123|-1]");
    snprintf(b, sizeof b, "[%f|%.3f|%e|%g|%g|%g|%a]", 3.14159, 2.0 / 3, 12345.678, 0.0001, 1e20, 100.0, 1.0);
    printf("%s\n", b);
    CHECK_STR(b, "[3.141590|0.667|1.234568e+04|0.0001|1e+20|100|0x1p+0]");
    snprintf(b, sizeof b, "[%f|%f|%f|%.0f|%.0f]", INFINITY, -INFINITY, NAN, 0.5, 1.5);
    printf("%s\n", b);
    CHECK_STR(b, "[inf|-inf|nan|0|2]");
    snprintf(b, sizeof b, "[%s|%10s|%-10s|%.2s|%c|%%|%p]", "str", "right", "left", "trunc", 'c', (void *)0);
    printf("%s\n", b);
    CHECK_STR(b, "[str|     right|left      |tr|c|%|0]");
    CHECK_EQ(snprintf(b, 5, "%s", "overflowing"), 11);
    CHECK_STR(b, "over");
    OK("printf");

    int i;
    unsigned x;
    double d;
    char word[16];
    CHECK_EQ(sscanf("  17 0x1f 2.5e3 word", "%d %x %lf %15s", &i, &x, &d, word), 4);
    CHECK(i == 17 && x == 31 && d == 2500.0 && strcmp(word, "word") == 0);
    CHECK_EQ(sscanf("abc", "%d", &i), 0);
    CHECK_EQ(sscanf("", "%d", &i), EOF);
    OK("scanf");

    char *end;
    CHECK(strtod("1e-310", &end) > 0 && *end == 0);
    CHECK(strtod("0x1.8p1", NULL) == 3.0);
    errno = 0;
    CHECK(strtod("1e999", NULL) == HUGE_VAL && errno == ERANGE);
    errno = 0;
    CHECK(strtol("99999999999999999999", NULL, 10) == LONG_MAX && errno == ERANGE);
    CHECK_EQ(strtoul("777", NULL, 8), 511);
    CHECK_EQ(strtoll("-0x10", NULL, 0), -16);
    snprintf(b, sizeof b, "%.17g %.17g", 0.1, 1.0 / 3);
    CHECK_STR(b, "0.10000000000000001 0.33333333333333331");
    OK("strto*");

    CHECK(sqrt(2.0) > 1.41421356 && sqrt(2.0) < 1.41421357);
    CHECK(fabs(sin(M_PI)) < 1e-15);
    CHECK_EQ((long)floor(-2.5), -3);
    CHECK_EQ(lround(2.5), 3);
    snprintf(b, sizeof b, "%.10f %.10f %.10f", exp(1.0), log(10.0), pow(2.0, 0.5));
    printf("%s\n", b);
    CHECK_STR(b, "2.7182818285 2.3025850930 1.4142135624");
    OK("libm");
    return t_done();
}
