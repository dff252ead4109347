/* strtod/strtof/strtold: decimal, hex, inf/nan, endptr, overflow. Printed at a precision
 * where x86 80-bit and IEEE binary128 long double agree. */
#include "../common.h"
#include <float.h>
#include <math.h>

int main(void)
{
    const char *in[] = {"0", "-0.0", "1", "3.14159265358979323846", "1e308", "2.2250738585072014e-308",
                        "0x1.8p1", "  +42.5xyz", "1e-400", "123456789012345678901234567890", ".5", "7."};
    for (unsigned i = 0; i < sizeof in / sizeof *in; i++) {
        char *end;
        errno = 0;
        double d = strtod(in[i], &end);
        printf("strtod(\"%s\") = %.17g rest \"%s\" erange %d\n", in[i], d, end, errno == ERANGE);
    }
    char *end;
    errno = 0;
    double inf = strtod("1e999", &end);
    CHECK(isinf(inf) && errno == ERANGE);
    CHECK(isinf(strtod("-inf", NULL)) && strtod("-inf", NULL) < 0);
    CHECK(isnan(strtod("nan", NULL)));
    CHECK(isinf(strtod("INFINITY", &end)) && *end == 0);
    CHECK(strtod("junk", &end) == 0 && strcmp(end, "junk") == 0);
    float f = strtof("0.1", NULL);
    printf("strtof(0.1) = %.9g\n", f);

    const char *lin[] = {"0.1", "2.5", "-1e100", "0x1p-2", "3.141592653589793238462643383279", "1e4000"};
    for (unsigned i = 0; i < sizeof lin / sizeof *lin; i++) {
        errno = 0;
        long double ld = strtold(lin[i], &end);
        printf("strtold(\"%s\") = %.15Lg rest \"%s\"\n", lin[i], ld, end);
    }
    long double third = strtold("0.333333333333333333333333333333333333", NULL);
    CHECK(fabsl(third * 3 - 1) < 1e-18L);
    CHECK(strtold("0.1", NULL) != (long double)0.1 || LDBL_MANT_DIG == DBL_MANT_DIG);
    CHECK_EQ(strtol("-0x7fff", NULL, 16), -0x7fff);
    CHECK_EQ(strtoul("777", NULL, 8), 511);
    CHECK_EQ(strtoll("9223372036854775807", NULL, 10), 9223372036854775807LL);
    errno = 0;
    strtoll("9223372036854775808", NULL, 10);
    CHECK_EQ(errno, ERANGE);
    CHECK_EQ(atoi("  -17abc"), -17);
    printf("atof %.3f\n", atof("6.0221e23") / 1e23);
    return t_done();
}
