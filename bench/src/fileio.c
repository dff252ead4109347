/* fileio PATH MIB: write MIB MiB to PATH in 1 MiB writes, close, read it
 * back in 1 MiB reads, unlink. Prints write and read throughput (MiB/s). */
#include "bench.h"
#include <fcntl.h>
#include <unistd.h>

#define CHUNK (1 << 20)

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: fileio PATH MIB\n");
		return 2;
	}
	const char *path = argv[1];
	long mib = arg_long(argc, argv, 2, 256);
	char *buf = malloc(CHUNK);
	if (!buf)
		die("malloc");
	memset(buf, 'f', CHUNK);
	uint64_t t0 = now_ns();
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die(path);
	for (long i = 0; i < mib; i++) {
		buf[0] = (char)i;
		if (write(fd, buf, CHUNK) != CHUNK)
			die("write");
	}
	if (close(fd) != 0)
		die("close");
	uint64_t t1 = now_ns();
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die(path);
	long long got = 0;
	long chunks = 0;
	for (;;) {
		ssize_t r = read(fd, buf, CHUNK);
		if (r < 0)
			die("read");
		if (r == 0)
			break;
		if (got % CHUNK == 0 && buf[0] != (char)chunks) {
			fprintf(stderr, "fileio: bad data in chunk %ld\n", chunks);
			return 1;
		}
		got += r;
		chunks++;
	}
	close(fd);
	uint64_t t2 = now_ns();
	unlink(path);
	if (got != (long long)mib * CHUNK) {
		fprintf(stderr, "fileio: read %lld bytes, wrote %lld\n", got, (long long)mib * CHUNK);
		return 1;
	}
	result("write", (double)mib / ((double)(t1 - t0) / 1e9), "MiB/s");
	result("read", (double)mib / ((double)(t2 - t1) / 1e9), "MiB/s");
	return 0;
}
