/* The highest exit status straight from the top-level process. */
// expect-exit: 255
#include "../common.h"

int main(void)
{
    printf("about to exit(255)\n");
    exit(255);
}
