/* File-backed MAP_PRIVATE: sees the file contents, private writes never reach the file,
 * offsets, partial last page zero-filled. */
#include "../common.h"
#include <sys/mman.h>

int main(void)
{
    int fd = open("data", O_RDWR | O_CREAT | O_TRUNC, 0644);
    static char buf[3 * 4096 + 100];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (char)('a' + i % 26);
    t_write_all(fd, buf, sizeof buf);
    char *m = mmap(NULL, sizeof buf, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(m != MAP_FAILED);
    CHECK(memcmp(m, buf, sizeof buf) == 0);
    CHECK_EQ(m[sizeof buf], 0); /* rest of the last page */
    OK("reads file contents");

    m[0] = 'X';
    m[4096 * 2] = 'Y';
    char c;
    pread(fd, &c, 1, 0);
    CHECK_EQ(c, 'a');
    CHECK_EQ(munmap(m, sizeof buf), 0);
    CHECK_EQ(t_slurp("data")[0], 'a');
    OK("private writes stay private");

    char *o = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 4096);
    CHECK(o != MAP_FAILED);
    CHECK(memcmp(o, buf + 4096, 4096) == 0);
    munmap(o, 4096);
    CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 100) == MAP_FAILED && errno == EINVAL);
    OK("offset");

    /* read-only fd: PROT_WRITE + MAP_PRIVATE is allowed, MAP_SHARED is not */
    int ro = open("data", O_RDONLY);
    char *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
    CHECK(w != MAP_FAILED);
    if (w != MAP_FAILED) {
        w[1] = '!';
        munmap(w, 4096);
    }
    CHECK(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED && errno == EACCES);
    OK("read-only fd");

    /* the mapping survives close of the fd */
    char *k = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, ro, 0);
    close(ro);
    CHECK_EQ(k[25], 'z');
    munmap(k, 4096);
    OK("survives close");

    /* mapping a directory or a pipe fails */
    int d = open(".", O_RDONLY | O_DIRECTORY);
    CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, d, 0) == MAP_FAILED && errno == ENODEV);
    int p[2];
    pipe(p);
    CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, p[0], 0) == MAP_FAILED && errno == ENODEV);
    OK("unmappable");
    close(fd);
    return t_done();
}
