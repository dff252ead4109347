/* pthread_create links without the fork import (threads need no stack capture). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
static void *run(void *arg) { return arg; }
int main(void)
{
    pthread_t t;
    int r = pthread_create(&t, NULL, run, NULL);
    printf("pthread_create: %s\n", r ? strerror(r) : "ok");
    if (r == 0) pthread_join(t, NULL);
    return 0;
}
