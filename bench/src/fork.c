/* fork N: N times fork(); child _exit(0); parent waitpid. Prints µs per fork+exit+wait. */
#include "bench.h"
#include <sys/wait.h>
#include <unistd.h>

static void one(void)
{
	int st;
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		_exit(0);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "fork: bad child status %#x\n", st);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	long n = arg_long(argc, argv, 1, 1000);
	one(); /* warm-up */
	uint64_t t0 = now_ns();
	for (long i = 0; i < n; i++)
		one();
	uint64_t t1 = now_ns();
	result("fork", (double)(t1 - t0) / (double)n / 1000.0, "us/op");
	return 0;
}
