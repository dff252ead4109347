/* Makes a System V semaphore set and a message queue, lists them with
 * busybox `ipcs`, removes them with `ipcrm` and checks they are gone. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>

int main(void)
{
    int s = semget(0x1234, 3, IPC_CREAT | 0640);
    int q = msgget(0x5678, IPC_CREAT | 0600);
    struct { long t; char x[5]; } m = {1, {'h', 'e', 'l', 'l', 'o'}};
    if (s < 0 || q < 0 || msgsnd(q, &m, 5, 0) != 0)
        return 1;
    fflush(stdout);
    if (system("ipcs -s -q") != 0)
        return 2;
    if (system("ipcrm -S 0x1234 -Q 0x5678") != 0)
        return 3;
    int gone_s = semget(0x1234, 0, 0) == -1 && errno == ENOENT;
    int gone_q = msgget(0x5678, 0) == -1 && errno == ENOENT;
    printf("removed: sem %d msg %d\n", gone_s, gone_q);
    return 0;
}
