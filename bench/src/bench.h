/* Shared helpers for the benchmark programs (native musl, wasmlinux, WASI).
 * Each program prints machine-readable lines "RESULT <key> <value> <unit>" on stdout. */
#ifndef BENCH_H
#define BENCH_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline uint64_t now_ns(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
		perror("clock_gettime");
		exit(2);
	}
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline void result(const char *key, double value, const char *unit)
{
	printf("RESULT %s %.6g %s\n", key, value, unit);
	fflush(stdout);
}

static inline long arg_long(int argc, char **argv, int i, long dflt)
{
	return argc > i ? strtol(argv[i], NULL, 0) : dflt;
}

static inline void die(const char *what)
{
	perror(what);
	exit(1);
}
#endif
