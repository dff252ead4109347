/* Create threads until pthread_create fails; each waits on a pipe. Prints how many were
 * made and the error, then releases and joins them all. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int fds[2];
static void *wait_pipe(void *arg)
{
    char c;
    (void)arg;
    read(fds[0], &c, 1);
    return 0;
}

int main(void)
{
    static pthread_t t[100000];
    pthread_attr_t a;
    int n = 0, err = 0;
    pipe(fds);
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, 64 * 1024);
    while (n < 100000 && !(err = pthread_create(&t[n], &a, wait_pipe, 0)))
        n++;
    printf("threads: %d created, %s\n", n, err == EAGAIN ? "EAGAIN" : strerror(err));
    close(fds[1]);
    int joined = 0;
    for (int i = 0; i < n; i++)
        joined += pthread_join(t[i], 0) == 0;
    printf("joined %d\n", joined);
    return 0;
}
