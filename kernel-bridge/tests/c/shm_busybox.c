/* Makes two System V shared memory segments and attaches one, lists them
 * with busybox `ipcs -m`, removes both with `ipcrm` (the attached one is
 * only marked: "dest", key 0, until its detach) and checks they are gone. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/shm.h>

int main(void)
{
    int a = shmget(0x4321, 5000, IPC_CREAT | 0600);
    int b = shmget(0x8765, 4096, IPC_CREAT | 0640);
    char *p = a < 0 ? (void *)-1 : shmat(a, NULL, 0);
    if (a < 0 || b < 0 || p == (void *)-1)
        return 1;
    p[0] = 'x';
    fflush(stdout);
    if (system("ipcs -m") != 0)
        return 2;
    char cmd[64];
    snprintf(cmd, sizeof cmd, "ipcrm -M 0x4321 -m %d", b);
    if (system(cmd) != 0)
        return 3;
    fflush(stdout);
    if (system("ipcs -m") != 0)
        return 4;
    struct shmid_ds ds;
    int marked = shmctl(a, IPC_STAT, &ds) == 0 && (ds.shm_perm.mode & SHM_DEST) && ds.shm_nattch == 1;
    int gone_b = shmctl(b, IPC_STAT, &ds) == -1 && errno == EINVAL;
    int detached = shmdt(p) == 0;
    int gone_a = shmget(0x4321, 0, 0) == -1 && errno == ENOENT && shmctl(a, IPC_STAT, &ds) == -1 && errno == EINVAL;
    printf("removed: marked %d b %d detached %d a %d\n", marked, gone_b, detached, gone_a);
    return 0;
}
