/* compute matmul REPS | sha256 MIB: pure C compute kernels (no system calls in the timed part).
 *   matmul: REPS multiplications of two 256x256 double matrices (i-k-j order); ms per multiply.
 *   sha256: hash MIB MiB of a fixed pattern in 64 KiB updates; MiB/s.
 * Each also prints a CHECK line so the three builds can be compared for identical output. */
#include "bench.h"

#define N 256
static double A[N][N], B[N][N], C[N][N];

static double matmul(long reps)
{
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			A[i][j] = (double)((i * 7 + j * 3) % 17) / 17.0;
			B[i][j] = (double)((i * 5 + j * 11) % 13) / 13.0;
		}
	uint64_t t0 = now_ns();
	for (long r = 0; r < reps; r++) {
		memset(C, 0, sizeof C);
		for (int i = 0; i < N; i++)
			for (int k = 0; k < N; k++) {
				double a = A[i][k];
				for (int j = 0; j < N; j++)
					C[i][j] += a * B[k][j];
			}
		A[r % N][r % N] += C[N - 1 - r % N][r % N] * 1e-9; /* carry a dependency between reps */
	}
	uint64_t t1 = now_ns();
	double sum = 0;
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			sum += C[i][j];
	printf("CHECK matmul %.6f\n", sum);
	return (double)(t1 - t0) / (double)reps / 1e6;
}

/* SHA-256 (FIPS 180-4) */
typedef struct {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	unsigned nbuf;
} sha256_ctx;

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(sha256_ctx *c, const unsigned char *p)
{
	uint32_t w[64], a, b, cc, d, e, f, g, h;
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = c->h[0], b = c->h[1], cc = c->h[2], d = c->h[3], e = c->h[4], f = c->h[5], g = c->h[6], h = c->h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
		uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & cc) ^ (b & cc));
		h = g, g = f, f = e, e = d + t1, d = cc, cc = b, b = a, a = t1 + t2;
	}
	c->h[0] += a, c->h[1] += b, c->h[2] += cc, c->h[3] += d;
	c->h[4] += e, c->h[5] += f, c->h[6] += g, c->h[7] += h;
}

static void sha256_init(sha256_ctx *c)
{
	static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
				       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	memcpy(c->h, iv, sizeof iv);
	c->len = 0;
	c->nbuf = 0;
}

static void sha256_update(sha256_ctx *c, const unsigned char *p, size_t n)
{
	c->len += n;
	while (n) {
		if (c->nbuf == 0 && n >= 64) {
			sha256_block(c, p);
			p += 64, n -= 64;
			continue;
		}
		size_t k = 64 - c->nbuf < n ? 64 - c->nbuf : n;
		memcpy(c->buf + c->nbuf, p, k);
		c->nbuf += k, p += k, n -= k;
		if (c->nbuf == 64) {
			sha256_block(c, c->buf);
			c->nbuf = 0;
		}
	}
}

static void sha256_final(sha256_ctx *c, unsigned char out[32])
{
	uint64_t bits = c->len * 8;
	unsigned char pad = 0x80, zero = 0, lenb[8];
	sha256_update(c, &pad, 1);
	while (c->nbuf != 56)
		sha256_update(c, &zero, 1);
	for (int i = 0; i < 8; i++)
		lenb[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_update(c, lenb, 8);
	for (int i = 0; i < 8; i++)
		out[4 * i] = c->h[i] >> 24, out[4 * i + 1] = c->h[i] >> 16, out[4 * i + 2] = c->h[i] >> 8, out[4 * i + 3] = c->h[i];
}

static double sha256(long mib)
{
	static unsigned char block[65536];
	unsigned char out[32];
	sha256_ctx c;
	for (size_t i = 0; i < sizeof block; i++)
		block[i] = (unsigned char)(i * 131 + (i >> 8));
	/* self-test: sha256("abc") */
	sha256_init(&c);
	sha256_update(&c, (const unsigned char *)"abc", 3);
	sha256_final(&c, out);
	if (out[0] != 0xba || out[1] != 0x78 || out[31] != 0xad) {
		fprintf(stderr, "sha256 self-test failed\n");
		exit(1);
	}
	uint64_t t0 = now_ns();
	sha256_init(&c);
	for (long i = 0; i < mib * 16; i++)
		sha256_update(&c, block, sizeof block);
	sha256_final(&c, out);
	uint64_t t1 = now_ns();
	printf("CHECK sha256 ");
	for (int i = 0; i < 32; i++)
		printf("%02x", out[i]);
	printf("\n");
	return (double)mib / ((double)(t1 - t0) / 1e9);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: compute matmul REPS | sha256 MIB\n");
		return 2;
	}
	if (!strcmp(argv[1], "matmul"))
		result("matmul", matmul(arg_long(argc, argv, 2, 20)), "ms/op");
	else if (!strcmp(argv[1], "sha256"))
		result("sha256", sha256(arg_long(argc, argv, 2, 256)), "MiB/s");
	else
		return 2;
	return 0;
}
