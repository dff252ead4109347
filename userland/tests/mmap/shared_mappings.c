/* MAP_SHARED: file mappings write through to the file; anonymous shared memory is shared
 * with a forked child; msync. */
#include "../common.h"
#include <sys/mman.h>

int main(void)
{
    int fd = open("shared", O_RDWR | O_CREAT | O_TRUNC, 0644);
    ftruncate(fd, 8192);
    char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED);
    memcpy(m + 4096, "written via mapping", 19);
    CHECK_EQ(msync(m, 8192, MS_SYNC), 0);
    char buf[32] = {0};
    CHECK_EQ(pread(fd, buf, 19, 4096), 19);
    CHECK_STR(buf, "written via mapping");
    pwrite(fd, "WRITTEN", 7, 4096);
    CHECK(memcmp(m + 4096, "WRITTEN via", 11) == 0);
    OK("file write-through both ways");

    int *counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(counter != MAP_FAILED);
    *counter = 1;
    pid_t pid = t_fork();
    if (pid == 0) {
        *counter += 41;
        m[0] = 'C';
        _exit(0);
    }
    t_wait(pid);
    CHECK_EQ(*counter, 42);
    CHECK_EQ(m[0], 'C');
    OK("shared with child");

    munmap(m, 8192);
    CHECK_EQ(pread(fd, buf, 1, 0), 1);
    CHECK_EQ(buf[0], 'C');
    close(fd);
    OK("persisted");
    return t_done();
}
