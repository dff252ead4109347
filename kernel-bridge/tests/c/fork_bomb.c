/* Fork bombs that clean up after themselves.
 *
 *   fork_bomb flat   the first process forks until fork fails
 *   fork_bomb tree   every process forks until fork fails (children fork too)
 *
 * Every process forks until its first failure (flat: only the first one
 * forks) and then reports on a pipe: how many children it forked and
 * whether the failure was EAGAIN. Nobody exits before all have reported:
 * the first process reads reports until it has one from every other
 * process (see `complete`), then releases them all (EOF on a second
 * pipe); each process reaps its own children and exits. Output:
 *   "<mode>: <p> processes, <f> failed forks, EAGAIN <a>"
 *   "reaped <r> of <c>"          (the first process's children)
 * Exit 0 if every failed fork was EAGAIN and all children were reaped.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int report[2], release[2];

/* One report, written atomically (< PIPE_BUF). */
struct rec {
    int failed; /* 0: did not fork (flat child), 'A': EAGAIN, 'O': other */
    int forks;  /* children this process forked */
    int pid, ppid;
};

static void report_done(int failed, int forks) {
    struct rec r = {failed, forks, getpid(), getppid()};
    if (write(report[1], &r, sizeof r) != sizeof r) _exit(4);
}

#define MAXP 65536
static struct rec recs[MAXP];
static int pids[MAXP];

static int cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Have all processes reported? `n` reports, `expected` = 1 + all forks
 * they report. Reports arrive in any order (a child's before its
 * parent's), so the counts can agree while a process that has not reported
 * yet has reported children: also check that every reporter's parent is
 * the first process or a reporter itself. */
static int complete(int n, int expected, pid_t top) {
    if (n + 1 != expected) return 0;
    for (int i = 0; i < n; i++) pids[i] = recs[i].pid;
    qsort(pids, n, sizeof *pids, cmp_int);
    for (int i = 0; i < n; i++) {
        int pp = recs[i].ppid;
        if (pp != top && !bsearch(&pp, pids, n, sizeof *pids, cmp_int)) return 0;
    }
    return 1;
}

static int reap(void) {
    int n = 0, st;
    while (wait(&st) > 0) n++;
    return n;
}

int main(int argc, char **argv) {
    int tree = argc > 1 && strcmp(argv[1], "tree") == 0;
    if (pipe(report) || pipe(release)) return 3;
    pid_t top = getpid();
    int forks = 0;
    int my_failure = 0;
    for (;;) {
        pid_t p = fork();
        if (p < 0) {
            my_failure = errno == EAGAIN ? 'A' : 'O';
            if (getpid() != top) report_done(my_failure, forks);
            break;
        }
        if (p == 0) {
            close(release[1]);
            forks = 0;
            if (tree) continue;
            report_done(0, 0);
            break;
        }
        forks++;
    }
    if (getpid() != top) {
        char c;
        read(release[0], &c, 1); /* EOF: released */
        reap();
        _exit(0);
    }
    int n = 0, expected = 1 + forks, failed = 1, again = my_failure == 'A';
    while (!complete(n, expected, top)) {
        if (n == MAXP || read(report[0], &recs[n], sizeof *recs) != sizeof *recs) return 5;
        expected += recs[n].forks;
        if (recs[n].failed) failed++;
        if (recs[n].failed == 'A') again++;
        n++;
    }
    int processes = n + 1;
    close(release[1]);
    int reaped = reap();
    printf("%s: %d processes, %d failed forks, EAGAIN %d\n", tree ? "tree" : "flat", processes,
           failed, again);
    printf("reaped %d of %d\n", reaped, forks);
    return failed == again && again > 0 && reaped == forks ? 0 : 1;
}
