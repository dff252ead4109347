/* printf/scanf formatting, including long double (%Lf) and hex floats. */
#include "../common.h"
#include <inttypes.h>
#include <stddef.h>

int main(void)
{
    char buf[256];
    printf("[%d] [%5d] [%-5d] [%05d] [%+d] [% d]\n", 42, 42, 42, 42, 42, 42);
    printf("[%u] [%x] [%X] [%o] [%#x] [%#o]\n", 3000000000u, 0xbeefu, 0xbeefu, 511u, 255u, 8u);
    printf("[%lld] [%llu] [%" PRId64 "] [%" PRIx64 "]\n", -9000000000000000000LL,
           18000000000000000000ULL, (int64_t)-1234567890123LL, (uint64_t)0xdeadbeefcafeULL);
    printf("[%zu] [%zd] [%td] [%jd]\n", (size_t)123456, (ssize_t)-5, (ptrdiff_t)-7, (intmax_t)99);
    printf("[%hhd] [%hd] [%c] [%%]\n", (signed char)-3, (short)-300, 'w');
    printf("[%s] [%10s] [%-10s] [%.3s] [%*d] [%-*d]\n", "abc", "right", "left", "truncate", 6, 7, 6, 7);
    printf("[%f] [%.2f] [%10.3f] [%-10.1f] [%e] [%.3E]\n", 3.14159265, 2.5, -1.0 / 3, 1e3, 123456.789, 0.000123);
    printf("[%g] [%g] [%g] [%G] [%.10g]\n", 100000.0, 1000000.0, 0.0001, 1e-5, 1.0 / 7);
    printf("[%a] [%A] [%.2a]\n", 1.0, 0.5, 3.0);
    printf("[%f] [%f] [%F] [%e]\n", 1.0 / 0.0, -1.0 / 0.0, 1.0 / 0.0, 0.0 / 0.0 > 0 ? 1.0 : -0.0);
    printf("[%Lf] [%.3Lf] [%Le] [%Lg]\n", 2.5L, 1.0L / 3, 12345.678L, 0.0625L);
    printf("[%.10Lf] [%20.5Lf]\n", 3.0L / 8, -1234.5L);
    long double big = 1e300L;
    big *= 1e10L;
    printf("[%Lg]\n", big > 1e309L ? 1.0L : 0.0L); /* 1 where long double is wider than double */

    int n = snprintf(buf, 8, "%s", "0123456789");
    CHECK_EQ(n, 10);
    CHECK_STR(buf, "0123456");
    n = snprintf(NULL, 0, "%d-%d", 12, 345);
    CHECK_EQ(n, 6);

    int a = 0, b = 0;
    char word[32];
    double d = 0;
    long double ld = 0;
    CHECK_EQ(sscanf("17 0x1f hello 2.75 -6.5", "%d %i %31s %lf %Lf", &a, &b, word, &d, &ld), 5);
    CHECK_EQ(a, 17);
    CHECK_EQ(b, 31);
    CHECK_STR(word, "hello");
    CHECK(d == 2.75);
    CHECK(ld == -6.5L);
    printf("scanned %d %d %s %.2f %.2Lf\n", a, b, word, d, ld);

    FILE *f = fmemopen(buf, sizeof buf, "w+");
    CHECK(f != NULL);
    if (f) {
        fprintf(f, "%s=%d;", "x", 5);
        fputs("tail", f);
        fflush(f);
        rewind(f);
        char line[64] = {0};
        CHECK(fgets(line, sizeof line, f) != NULL);
        CHECK_STR(line, "x=5;tail");
        fclose(f);
    }
    return t_done();
}
