/* pipe MIB: a child writes MIB MiB into a pipe in 64 KiB blocks, the parent reads them.
 * Prints the throughput seen by the parent (MiB/s), timed from after fork to EOF. */
#include "bench.h"
#include <sys/wait.h>
#include <unistd.h>

#define BLOCK 65536

int main(int argc, char **argv)
{
	long mib = arg_long(argc, argv, 1, 1024);
	long long total = (long long)mib << 20;
	static char buf[BLOCK];
	int p[2];
	if (pipe(p) != 0)
		die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(p[0]);
		memset(buf, 'p', sizeof buf);
		for (long long left = total; left > 0;) {
			ssize_t w = write(p[1], buf, left < BLOCK ? (size_t)left : BLOCK);
			if (w <= 0)
				die("write");
			left -= w;
		}
		_exit(0);
	}
	close(p[1]);
	uint64_t t0 = now_ns();
	long long got = 0;
	for (;;) {
		ssize_t r = read(p[0], buf, BLOCK);
		if (r < 0)
			die("read");
		if (r == 0)
			break;
		got += r;
	}
	uint64_t t1 = now_ns();
	int st;
	waitpid(pid, &st, 0);
	if (got != total) {
		fprintf(stderr, "pipe: got %lld of %lld bytes\n", got, total);
		return 1;
	}
	result("pipe", (double)total / 1048576.0 / ((double)(t1 - t0) / 1e9), "MiB/s");
	return 0;
}
