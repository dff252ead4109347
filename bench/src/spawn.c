/* spawn N PROG: N times posix_spawn(PROG) + waitpid (PROG exits at once).
 * Prints µs per spawn+exec+exit+wait. The first spawn (warm-up, fills caches) is not timed. */
#include "bench.h"
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void one(const char *prog)
{
	pid_t pid;
	int st;
	char *av[] = {(char *)prog, NULL};
	int e = posix_spawn(&pid, prog, NULL, NULL, av, environ);
	if (e != 0) {
		fprintf(stderr, "posix_spawn %s: %s\n", prog, strerror(e));
		exit(1);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "spawn: bad child status %#x\n", st);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	long n = arg_long(argc, argv, 1, 200);
	const char *prog = argc > 2 ? argv[2] : "/bin/nop";
	one(prog);
	uint64_t t0 = now_ns();
	for (long i = 0; i < n; i++)
		one(prog);
	uint64_t t1 = now_ns();
	result("spawn", (double)(t1 - t0) / (double)n / 1000.0, "us/op");
	return 0;
}
