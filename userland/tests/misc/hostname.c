/* Host name views agree: gethostname, uname().nodename, getdomainname,
 * /proc/sys/kernel/hostname (values are host specific and not printed). */
#include "../common.h"
#include <sys/utsname.h>

int main(void)
{
    char host[256];
    CHECK_EQ(gethostname(host, sizeof host), 0);
    CHECK(strlen(host) > 0 && strlen(host) < 65);
    struct utsname u;
    uname(&u);
    CHECK_STR(host, u.nodename);
    char dom[256];
    CHECK_EQ(getdomainname(dom, sizeof dom), 0);
    CHECK_STR(dom, u.domainname);
    const char *h = t_slurp("/proc/sys/kernel/hostname");
    char want[300];
    snprintf(want, sizeof want, "%s\n", host);
    CHECK_STR(h, want);
    OK("hostname consistent");
    return t_done();
}
