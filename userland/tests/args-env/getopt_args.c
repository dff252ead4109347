/* getopt/getopt_long over a fixed argument vector (argv handling in libc). */
#include "../common.h"
#include <getopt.h>

int main(void)
{
    char *args[] = {"prog", "-a", "-b", "val", "-cVAL2", "--long", "--with=x", "--with", "y",
                    "file1", "--", "-notopt", NULL};
    int argc = 12;
    static struct option longs[] = {
        {"long", no_argument, 0, 'L'}, {"with", required_argument, 0, 'W'}, {0, 0, 0, 0}};
    char log[256] = "";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, args, "ab:c:", longs, NULL)) != -1) {
        char item[64];
        snprintf(item, sizeof item, "%c%s%s ", c, optarg ? "=" : "", optarg ? optarg : "");
        strcat(log, item);
    }
    printf("options: %s\n", log);
    CHECK_STR(log, "a b=val c=VAL2 L W=x W=y ");
    CHECK_EQ(optind, 10); /* permuted: file1 moved after the options */
    for (int i = optind; i < argc; i++)
        printf("operand: %s\n", args[i]);
    CHECK_STR(args[optind], "file1");

    char *bad[] = {"prog", "-z", NULL};
    optind = 1;
    opterr = 0;
    CHECK_EQ(getopt(2, bad, "ab:"), '?');
    CHECK_EQ(optopt, 'z');
    OK("errors");
    return t_done();
}
