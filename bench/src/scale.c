/* scale N HOLD_S: fork up to N children that each block in read() on one pipe, then hold them
 * for HOLD_S seconds (the harness samples the host RSS meanwhile), close the pipe and reap.
 * Prints "PROGRESS n" every 100 children, "RESULT scale <n> procs" and "READY" once all are
 * forked (or fork failed), then "DONE" after reaping. */
#include "bench.h"
#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

static void say(const char *s)
{
	(void)!write(1, s, strlen(s));
}

int main(int argc, char **argv)
{
	long n = arg_long(argc, argv, 1, 10000);
	long hold = arg_long(argc, argv, 2, 2);
	int p[2];
	char line[96];
	if (pipe(p) != 0)
		die("pipe");
	long made = 0;
	int err = 0;
	for (; made < n; made++) {
		pid_t pid = fork();
		if (pid < 0) {
			err = errno;
			break;
		}
		if (pid == 0) {
			char c;
			close(p[1]);
			ssize_t r = read(p[0], &c, 1);
			_exit(r == 0 ? 0 : 1);
		}
		if ((made + 1) % 100 == 0) {
			snprintf(line, sizeof line, "PROGRESS %ld\n", made + 1);
			say(line);
		}
	}
	if (err) {
		snprintf(line, sizeof line, "NOTE fork failed after %ld children: %s\n", made, strerror(err));
		say(line);
	}
	snprintf(line, sizeof line, "RESULT scale %ld procs\nREADY\n", made);
	say(line);
	struct timespec ts = {hold, 0};
	nanosleep(&ts, NULL);
	close(p[1]);
	close(p[0]);
	long bad = 0;
	for (long i = 0; i < made; i++) {
		int st;
		if (wait(&st) < 0)
			die("wait");
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bad++;
	}
	snprintf(line, sizeof line, "DONE %ld reaped, %ld bad\n", made, bad);
	say(line);
	return bad != 0;
}
