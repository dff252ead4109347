/* stdout to a non-tty is fully buffered once its mode is known: raw write(2) output can
 * overtake printf output; setvbuf modes; stderr is unbuffered. */
#include "../common.h"

int main(void)
{
    /* the first flush happens in line-buffered mode (the stream's mode is decided on the
     * first real write): explicitly flush, then the stream is fully buffered */
    printf("1: first printf, flushed explicitly\n");
    fflush(stdout);
    printf("3: buffered printf\n");
    write(1, "2: raw write overtakes\n", 23);
    fflush(stdout);

    setvbuf(stdout, NULL, _IONBF, 0);
    printf("4: unbuffered ");
    write(1, "5: raw\n", 7);
    printf("\n");

    static char lb[256];
    setvbuf(stdout, lb, _IOLBF, sizeof lb);
    printf("6: line buffered\n");
    write(1, "7: raw after a complete line\n", 29);
    printf("9: partial line...");
    write(1, "8: raw before the rest\n", 23);
    printf(" done\n");

    static char fb[64];
    setvbuf(stdout, fb, _IOFBF, sizeof fb);
    for (int i = 0; i < 10; i++)
        printf("%d", i); /* 10 bytes < 64 */
    write(1, "\n10: raw before digits\n", 23);
    printf("\n");
    fflush(stdout);
    return t_done();
}
