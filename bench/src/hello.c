/* hello: the CLI start-up workload (timed from outside). */
#include <stdio.h>

int main(void)
{
	puts("hello, world");
	return 0;
}
