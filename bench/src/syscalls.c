/* syscalls WHICH ITERS [FILE]: time ITERS calls of one cheap system call, print ns/op.
 *   getppid    getppid()                         (not in WASI)
 *   pread1     pread(fd, buf, 1, 0) on FILE       (WASI: fd_pread)
 *   devnull    write(fd, buf, 1) to /dev/null     (not in WASI)
 *   openclose  open(FILE, O_RDONLY) + close       (WASI: path_open + fd_close)
 *   stat       stat(FILE)                         (WASI: path_filestat_get)
 * FILE is created (4 KiB) if missing. A warm-up of ITERS/10 calls precedes the timed loop. */
#include "bench.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef __wasi__
static volatile long sink;
#endif

static void make_file(const char *path)
{
	static char block[4096];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die(path);
	memset(block, 'x', sizeof block);
	if (write(fd, block, sizeof block) != (ssize_t)sizeof block)
		die("write");
	close(fd);
}

static void loop(const char *which, long n, int fd, const char *path)
{
	char c = 'x';
	struct stat st;
	long i;
	if (!strcmp(which, "getppid")) {
#ifdef __wasi__
		(void)i;
		fprintf(stderr, "getppid: not available in WASI\n");
		exit(3);
#else
		for (i = 0; i < n; i++)
			sink += getppid();
#endif
	} else if (!strcmp(which, "pread1")) {
		for (i = 0; i < n; i++)
			if (pread(fd, &c, 1, 0) != 1)
				die("pread");
	} else if (!strcmp(which, "devnull")) {
		for (i = 0; i < n; i++)
			if (write(fd, &c, 1) != 1)
				die("write /dev/null");
	} else if (!strcmp(which, "openclose")) {
		for (i = 0; i < n; i++) {
			int f = open(path, O_RDONLY);
			if (f < 0)
				die("open");
			close(f);
		}
	} else if (!strcmp(which, "stat")) {
		for (i = 0; i < n; i++)
			if (stat(path, &st) != 0)
				die("stat");
	} else {
		fprintf(stderr, "unknown syscall benchmark %s\n", which);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: syscalls getppid|pread1|devnull|openclose|stat ITERS [FILE]\n");
		return 2;
	}
	const char *which = argv[1];
	long n = arg_long(argc, argv, 2, 100000);
	const char *path = argc > 3 ? argv[3] : "/tmp/bench-syscalls";
	int fd = -1;
	if (!strcmp(which, "devnull")) {
		fd = open("/dev/null", O_WRONLY);
		if (fd < 0)
			die("/dev/null");
	} else if (strcmp(which, "getppid")) {
		make_file(path);
		if (!strcmp(which, "pread1") && (fd = open(path, O_RDONLY)) < 0)
			die(path);
	}
	loop(which, n / 10 + 1, fd, path);
	uint64_t t0 = now_ns();
	loop(which, n, fd, path);
	uint64_t t1 = now_ns();
	char key[64];
	snprintf(key, sizeof key, "%s", which);
	result(key, (double)(t1 - t0) / (double)n, "ns/op");
	if (strcmp(which, "getppid") && strcmp(which, "devnull"))
		unlink(path);
	return 0;
}
