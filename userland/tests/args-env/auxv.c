/* The auxiliary vector: AT_PAGESZ, AT_RANDOM (16 bytes), uids, AT_SECURE, getpagesize. */
#include "../common.h"
#include <sys/auxv.h>

int main(void)
{
    CHECK_EQ(getauxval(AT_PAGESZ), 4096);
    CHECK_EQ(getpagesize(), 4096);
    CHECK_EQ(sysconf(_SC_PAGESIZE), 4096);
    OK("page size");

    const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
    CHECK(rnd != NULL);
    if (rnd) {
        int distinct = 0;
        for (int i = 1; i < 16; i++)
            distinct += rnd[i] != rnd[0];
        CHECK(distinct > 0);
    }
    OK("AT_RANDOM");

    CHECK_EQ(getauxval(AT_UID), getuid());
    CHECK_EQ(getauxval(AT_EUID), geteuid());
    CHECK_EQ(getauxval(AT_GID), getgid());
    CHECK_EQ(getauxval(AT_EGID), getegid());
    CHECK_EQ(getauxval(AT_SECURE), 0);
    OK("ids");

    const char *fn = (const char *)getauxval(AT_EXECFN);
    CHECK(fn != NULL && fn[0] != 0);
    errno = 0;
    CHECK_EQ(getauxval(12345), 0);
    CHECK_EQ(errno, ENOENT);
    OK("execfn and missing keys");
    return t_done();
}
