/* uname: sysname "Linux", non-empty fields, nodename matches gethostname. */
#include "../common.h"
#include <sys/utsname.h>

int main(void)
{
    struct utsname u;
    CHECK_EQ(uname(&u), 0);
    printf("sysname: %s\n", u.sysname);
    CHECK_STR(u.sysname, "Linux");
    CHECK(u.release[0] >= '2' && u.release[0] <= '9'); /* "X.Y..." */
    CHECK(strchr(u.release, '.') != NULL);
    CHECK(u.version[0] != 0);
    CHECK(u.machine[0] != 0);
    char host[256];
    CHECK_EQ(gethostname(host, sizeof host), 0);
    CHECK_STR(host, u.nodename);
    OK("fields");
    const char *os = t_slurp("/proc/sys/kernel/ostype");
    CHECK(os && strcmp(os, "Linux\n") == 0);
    OK("/proc/sys/kernel/ostype");
    return t_done();
}
