/* getrandom: full reads, distinct outputs, flags, getentropy limits. */
#include "../common.h"
#include <sys/random.h>

int main(void)
{
    unsigned char a[256], b[256];
    memset(a, 0, sizeof a);
    CHECK_EQ(getrandom(a, sizeof a, 0), 256);
    CHECK_EQ(getrandom(b, sizeof b, GRND_NONBLOCK), 256);
    CHECK(memcmp(a, b, sizeof a) != 0);
    int counts[256] = {0}, distinct = 0;
    for (int i = 0; i < 256; i++)
        counts[a[i]]++;
    for (int i = 0; i < 256; i++)
        distinct += counts[i] > 0;
    CHECK(distinct > 100);
    OK("random bytes");

    static unsigned char big[1 << 20];
    ssize_t n = getrandom(big, sizeof big, 0);
    CHECK_EQ(n, (ssize_t)sizeof big);
    long ones = 0;
    for (ssize_t i = 0; i < n; i++)
        ones += __builtin_popcount(big[i]);
    double ratio = (double)ones / (double)(n * 8);
    CHECK(ratio > 0.49 && ratio < 0.51);
    OK("1 MiB balanced");

    CHECK_EQ(getrandom(a, 0, 0), 0);
    CHECK_ERR(getrandom(a, 16, 0x40), EINVAL);
    CHECK_EQ(getentropy(a, 256), 0);
    CHECK_ERR(getentropy(a, 257), EIO);
    OK("edge cases");
    return t_done();
}
