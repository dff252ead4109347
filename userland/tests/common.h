/* Shared helpers for the differential C tests (userland/tests/<area>/<name>.c).
 *
 * Each test is a single translation unit that includes this header with
 * `#include "../common.h"`. It is compiled natively (musl-gcc -static) and
 * with wasmlinux-cc; scripts/test-userland compares stdout and exit status.
 *
 * Rules for tests: deterministic stdout (no pids, addresses, times, inode
 * numbers, host paths); failures print a line starting with "FAIL:" and make
 * the program exit non-zero; everything created lives in the cwd or /tmp.
 * A test that expects a non-zero exit status says so with a line
 * `// expect-exit: N` (checked by `scripts/test-userland --native-only`).
 */
#ifndef WASMLINUX_TEST_COMMON_H
#define WASMLINUX_TEST_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int t_failures;

#define FAILF(...)                                                            \
    do {                                                                      \
        printf("FAIL: line %d: ", __LINE__);                                  \
        printf(__VA_ARGS__);                                                  \
        printf("\n");                                                         \
        fflush(stdout);                                                       \
        t_failures++;                                                         \
    } while (0)

/* CHECK(cond): cond must hold. Prints errno on failure (only then). */
#define CHECK(cond)                                                           \
    do {                                                                      \
        int _e = errno;                                                       \
        if (!(cond))                                                          \
            FAILF("%s (errno %d: %s)", #cond, _e, strerror(_e));              \
    } while (0)

/* CHECK_EQ(actual, expected): integer equality. */
#define CHECK_EQ(a, b)                                                        \
    do {                                                                      \
        int _e = errno;                                                       \
        long long _a = (long long)(a), _b = (long long)(b);                   \
        if (_a != _b)                                                         \
            FAILF("%s == %lld, expected %s == %lld (errno %d: %s)", #a, _a,   \
                  #b, _b, _e, strerror(_e));                                  \
    } while (0)

/* CHECK_STR(actual, expected): string equality. */
#define CHECK_STR(a, b)                                                       \
    do {                                                                      \
        const char *_a = (a), *_b = (b);                                      \
        if (!_a || strcmp(_a, _b) != 0)                                       \
            FAILF("%s == \"%s\", expected \"%s\"", #a, _a ? _a : "(null)",    \
                  _b);                                                        \
    } while (0)

/* CHECK_ERR(expr, E): expr must return -1 with errno == E. */
#define CHECK_ERR(expr, E)                                                    \
    do {                                                                      \
        errno = 0;                                                            \
        long _r = (long)(expr);                                               \
        int _e = errno;                                                       \
        if (_r != -1 || _e != (E))                                            \
            FAILF("%s returned %ld errno %d (%s), expected -1 errno %s",      \
                  #expr, _r, _e, strerror(_e), #E);                           \
    } while (0)

/* CHECK_OK(expr): expr must not return -1. */
#define CHECK_OK(expr)                                                        \
    do {                                                                      \
        errno = 0;                                                            \
        long _r = (long)(expr);                                               \
        int _e = errno;                                                       \
        if (_r == -1)                                                         \
            FAILF("%s failed (errno %d: %s)", #expr, _e, strerror(_e));       \
    } while (0)

/* A step label: printed so that output documents progress. */
#define OK(label) printf("ok %s\n", label)

/* fork() after flushing stdio so buffered output is not duplicated. */
static inline pid_t t_fork(void)
{
    fflush(stdout);
    fflush(stderr);
    pid_t p = fork();
    if (p < 0) {
        printf("FAIL: fork: %s\n", strerror(errno));
        fflush(stdout);
        exit(2);
    }
    return p;
}

/* Wait for pid; returns its raw status or -1. */
static inline int t_wait(pid_t pid)
{
    int st;
    pid_t r;
    do
        r = waitpid(pid, &st, 0);
    while (r < 0 && errno == EINTR);
    return r == pid ? st : -1;
}

/* Describe a wait status deterministically. */
static inline const char *t_status(int st)
{
    static char buf[64];
    if (st == -1)
        snprintf(buf, sizeof buf, "wait-failed");
    else if (WIFEXITED(st))
        snprintf(buf, sizeof buf, "exited %d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        snprintf(buf, sizeof buf, "killed by signal %d", WTERMSIG(st));
    else
        snprintf(buf, sizeof buf, "status 0x%x", st);
    return buf;
}

/* Write a whole buffer or fail. */
static inline void t_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            FAILF("write_all: %s", strerror(errno));
            return;
        }
        p += n;
        len -= (size_t)n;
    }
}

/* Create a file with given contents (mode 0644). */
static inline void t_mkfile(const char *path, const char *contents)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        FAILF("create %s: %s", path, strerror(errno));
        return;
    }
    t_write_all(fd, contents, strlen(contents));
    close(fd);
}

/* Read a whole small file into a static buffer (NUL-terminated). */
static inline const char *t_slurp(const char *path)
{
    static char buf[8192];
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    size_t off = 0;
    ssize_t n;
    while (off < sizeof buf - 1 &&
           (n = read(fd, buf + off, sizeof buf - 1 - off)) > 0)
        off += (size_t)n;
    buf[off] = 0;
    close(fd);
    return buf;
}

/* Sleep for ms milliseconds (restarting after signals). */
static inline void t_msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

/* Final line and exit status: 0 if all checks passed. */
static inline int t_done(void)
{
    if (t_failures)
        printf("%d check(s) failed\n", t_failures);
    else
        printf("ok all\n");
    fflush(stdout);
    return t_failures ? 1 : 0;
}

#endif
