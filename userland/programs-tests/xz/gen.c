/* gen MIB: writes MIB MiB of deterministic test data for the xz program tests on stdout:
 * log-like text lines built from a small vocabulary and pseudo-random numbers (compressible,
 * with long-range repeats), with a block of pseudo-random bytes (incompressible) every ~256 KiB.
 * Compiled with the host compiler by scripts/test-programs; the same bytes on every machine. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t s = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	/* xorshift64* */
	s ^= s >> 12;
	s ^= s << 25;
	s ^= s >> 27;
	return s * 0x2545f4914f6cdd1dull;
}

static const char *words[] = {
	"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
	"juliet", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo",
	"sierra", "tango", "uniform", "victor", "whiskey", "xray", "yankee", "zulu",
	"read", "write", "open", "close", "futex", "thread", "mutex", "page", "fault", "map",
};
#define NWORDS (sizeof words / sizeof words[0])

int main(int argc, char **argv)
{
	long long total = (argc > 1 ? atoll(argv[1]) : 64) << 20, done = 0, next_noise = 1 << 18;
	static char buf[1 << 16];
	unsigned long line = 0;
	while (done < total) {
		int n;
		if (done >= next_noise) { /* 1-4 KiB of noise */
			n = 1024 + (int)(next() % 3072);
			for (int i = 0; i < n; i++)
				buf[i] = (char)next();
			next_noise += 1 << 18;
		} else {
			uint64_t r = next();
			unsigned long l = line++;
			n = snprintf(buf, sizeof buf, "%08lu %s.%s[%u]: %s %s len=%u off=0x%x t=%u.%03u\n", l,
				     words[r % NWORDS], words[(r >> 8) % NWORDS], (unsigned)(r >> 16) % 4096,
				     words[(r >> 28) % NWORDS], words[(r >> 36) % NWORDS], (unsigned)(r >> 44) % 65536,
				     (unsigned)(next() % 0x100000) * 4096, (unsigned)l / 1000, (unsigned)l % 1000);
		}
		if (n > total - done)
			n = (int)(total - done);
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			return 1;
		done += n;
	}
	return fflush(stdout) != 0;
}
