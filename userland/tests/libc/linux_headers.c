/* <linux/...> uapi headers coexist with the libc headers. */
#include "../common.h"
#include <linux/limits.h>
#include <linux/types.h>
#include <linux/ioctl.h>
#include <linux/version.h>

int main(void)
{
    CHECK_EQ(PATH_MAX, 4096);
    CHECK_EQ(NAME_MAX, 255);
    CHECK_EQ(sizeof(__u64), 8);
    CHECK_EQ(sizeof(__s32), 4);
    printf("PATH_MAX %d NAME_MAX %d ARG_MAX %d\n", PATH_MAX, NAME_MAX, ARG_MAX);
    printf("_IOR('T', 1, int) = 0x%x\n", (unsigned)_IOR('T', 1, int));
    printf("_IOW('f', 2, long long) = 0x%x\n", (unsigned)_IOW('f', 2, long long));
    printf("have LINUX_VERSION_CODE %d\n", LINUX_VERSION_CODE > 0);
    return t_done();
}
