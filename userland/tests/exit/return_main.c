/* Returning from main is exit(value): stdio is flushed and the status reaches the parent.
 * expect-exit below is checked by the harness. */
// expect-exit: 42
#include "../common.h"

int main(void)
{
    printf("returning 42 from main");
    /* no newline and no flush: exit() must flush */
    return 42;
}
