/* sysconf values, prctl names, sched_yield, priorities, sysinfo, /proc/self basics. */
#include "../common.h"
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>

int main(void)
{
    CHECK_EQ(sysconf(_SC_PAGESIZE), 4096);
    CHECK_EQ(sysconf(_SC_CLK_TCK), 100);
    CHECK(sysconf(_SC_NPROCESSORS_ONLN) >= 1);
    CHECK(sysconf(_SC_ARG_MAX) >= 131072);
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    CHECK_EQ(sysconf(_SC_OPEN_MAX), (long)rl.rlim_cur);
    OK("sysconf");

    char name[17] = {0};
    CHECK_EQ(prctl(PR_SET_NAME, "wlt-renamed", 0, 0, 0), 0);
    CHECK_EQ(prctl(PR_GET_NAME, name, 0, 0, 0), 0);
    CHECK_STR(name, "wlt-renamed");
    const char *comm = t_slurp("/proc/self/comm");
    CHECK_STR(comm, "wlt-renamed\n");
    prctl(PR_SET_NAME, "a-very-long-name-truncated", 0, 0, 0);
    prctl(PR_GET_NAME, name, 0, 0, 0);
    CHECK_STR(name, "a-very-long-nam"); /* 15 chars + NUL */
    OK("prctl name");

    CHECK_EQ(sched_yield(), 0);
    errno = 0;
    int prio = getpriority(PRIO_PROCESS, 0);
    CHECK(errno == 0);
    CHECK_EQ(setpriority(PRIO_PROCESS, 0, prio + 1), 0);
    CHECK_EQ(getpriority(PRIO_PROCESS, 0), prio + 1);
    errno = 0;
    CHECK_EQ(nice(1), prio + 2);
    OK("sched and priority");

    struct sysinfo si;
    CHECK_EQ(sysinfo(&si), 0);
    CHECK(si.totalram > 0 && si.mem_unit > 0);
    CHECK(si.uptime >= 0);
    CHECK(si.procs >= 1);
    OK("sysinfo");

    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    CHECK(n > 0 && exe[0] == '/');
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/comm", (int)getpid());
    CHECK(t_slurp(path) != NULL);
    const char *st = t_slurp("/proc/self/stat");
    int pid = 0;
    CHECK(st && sscanf(st, "%d", &pid) == 1 && pid == getpid());
    OK("/proc/self");
    return t_done();
}
