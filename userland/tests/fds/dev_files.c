/* /dev/null, /dev/zero, /dev/urandom behaviour. */
#include "../common.h"

int main(void)
{
    char buf[4096];
    int fd = open("/dev/null", O_RDWR);
    CHECK(fd >= 0);
    CHECK_EQ(read(fd, buf, sizeof buf), 0);
    CHECK_EQ(write(fd, buf, sizeof buf), (ssize_t)sizeof buf);
    CHECK_EQ(lseek(fd, 1000, SEEK_SET), 0); /* seeking /dev/null always yields 0 */
    close(fd);
    OK("null");

    fd = open("/dev/zero", O_RDWR);
    memset(buf, 0x55, sizeof buf);
    CHECK_EQ(read(fd, buf, sizeof buf), (ssize_t)sizeof buf);
    int allzero = 1;
    for (size_t i = 0; i < sizeof buf; i++)
        allzero &= buf[i] == 0;
    CHECK(allzero);
    CHECK_EQ(write(fd, "x", 1), 1);
    close(fd);
    OK("zero");

    unsigned char r1[64], r2[64];
    fd = open("/dev/urandom", O_RDONLY);
    CHECK_EQ(read(fd, r1, sizeof r1), 64);
    CHECK_EQ(read(fd, r2, sizeof r2), 64);
    CHECK(memcmp(r1, r2, 64) != 0);
    int distinct = 0;
    for (int i = 1; i < 64; i++)
        distinct += r1[i] != r1[0];
    CHECK(distinct > 32);
    close(fd);
    OK("urandom");

    struct stat st;
    CHECK_EQ(stat("/dev/zero", &st), 0);
    CHECK(S_ISCHR(st.st_mode));
    CHECK_EQ(stat("/dev/urandom", &st), 0);
    CHECK(S_ISCHR(st.st_mode));
    CHECK_EQ(access("/dev/null", R_OK | W_OK), 0);
    OK("stat");

    FILE *f = fopen("/dev/null", "w");
    CHECK_EQ(fprintf(f, "%d\n", 12345), 6);
    CHECK_EQ(fclose(f), 0);
    OK("stdio to null");
    return t_done();
}
