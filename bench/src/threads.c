/* Threads, futexes and shared memory (issue 15). One workload per first argument:
 *   threads create N      N × (pthread_create of an empty thread + pthread_join): µs/op
 *   threads mutex N       N × uncontended pthread_mutex_lock + unlock: ns/op
 *   threads contended N   4 threads each N × (lock, counter++, unlock) on one mutex: ns per lock
 *   threads pingpong N    two threads pass a futex word back and forth N times: µs per round trip
 *   threads procpong N    the same between two processes over a MAP_SHARED|MAP_ANONYMOUS page
 *                         (shared futex, no FUTEX_PRIVATE_FLAG): µs per round trip
 *   threads shmbw MIB P   a MIB MiB MAP_SHARED|MAP_ANONYMOUS region, touched once, then P passes of
 *                         memset (write) and a 64-bit sum (read): MiB/s each
 * Ping-pong waits in the kernel at once (no spinning), so each round trip is two FUTEX_WAKEs and
 * (usually) two FUTEX_WAITs. Every workload checks its result and prints CHECK lines. */
#include "bench.h"
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* <linux/futex.h> values (musl-gcc has no kernel headers) */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_PRIVATE_FLAG 128

static long futex(atomic_int *uaddr, int op, int val)
{
	return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

static void check(int err, const char *what)
{
	if (err) {
		errno = err;
		die(what);
	}
}

/* ---- create + join */

static void *empty(void *arg)
{
	return arg;
}

static void bench_create(long n)
{
	pthread_t t;
	void *ret;
	check(pthread_create(&t, NULL, empty, NULL), "pthread_create"); /* warm-up */
	check(pthread_join(t, NULL), "pthread_join");
	uint64_t t0 = now_ns();
	for (long i = 0; i < n; i++) {
		check(pthread_create(&t, NULL, empty, (void *)(i + 1)), "pthread_create");
		check(pthread_join(t, &ret), "pthread_join");
		if (ret != (void *)(i + 1)) {
			fprintf(stderr, "threads: join returned %p, not %p\n", ret, (void *)(i + 1));
			exit(1);
		}
	}
	uint64_t t1 = now_ns();
	printf("CHECK create %ld\n", n);
	result("create", (double)(t1 - t0) / (double)n / 1000.0, "us/op");
}

/* ---- uncontended mutex */

static void bench_mutex(long n)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	volatile long counter = 0;
	uint64_t t0 = now_ns();
	for (long i = 0; i < n; i++) {
		pthread_mutex_lock(&m);
		counter++;
		pthread_mutex_unlock(&m);
	}
	uint64_t t1 = now_ns();
	printf("CHECK mutex %ld\n", (long)counter);
	result("mutex", (double)(t1 - t0) / (double)n, "ns/op");
}

/* ---- 4-thread contended mutex */

#define NCONT 4
static pthread_mutex_t cont_m = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t cont_b;
static long cont_counter, cont_n;

static void *contender(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&cont_b);
	for (long i = 0; i < cont_n; i++) {
		pthread_mutex_lock(&cont_m);
		cont_counter++;
		pthread_mutex_unlock(&cont_m);
	}
	return NULL;
}

static void bench_contended(long n)
{
	pthread_t t[NCONT];
	cont_n = n;
	check(pthread_barrier_init(&cont_b, NULL, NCONT + 1), "pthread_barrier_init");
	for (int i = 0; i < NCONT; i++)
		check(pthread_create(&t[i], NULL, contender, NULL), "pthread_create");
	pthread_barrier_wait(&cont_b);
	uint64_t t0 = now_ns();
	for (int i = 0; i < NCONT; i++)
		check(pthread_join(t[i], NULL), "pthread_join");
	uint64_t t1 = now_ns();
	if (cont_counter != NCONT * n) {
		fprintf(stderr, "threads: counter %ld, not %ld\n", cont_counter, NCONT * n);
		exit(1);
	}
	printf("CHECK contended %ld\n", cont_counter);
	result("contended", (double)(t1 - t0) / (double)(NCONT * n), "ns/op");
}

/* ---- futex ping-pong: *w goes 0 -> 1 (ping, by the initiator) and 1 -> 0 (pong) */

struct pong {
	atomic_int w;
	long n;
	int op_wait, op_wake;
};

static void wait_while(struct pong *p, int v)
{
	while (atomic_load(&p->w) == v) {
		long r = futex(&p->w, p->op_wait, v);
		if (r != 0 && errno != EAGAIN && errno != EINTR)
			die("futex wait");
	}
}

static void ponger(struct pong *p)
{
	for (long i = 0; i < p->n; i++) {
		wait_while(p, 0);
		atomic_store(&p->w, 0);
		if (futex(&p->w, p->op_wake, 1) < 0)
			die("futex wake");
	}
}

static double pinger(struct pong *p)
{
	uint64_t t0 = now_ns();
	for (long i = 0; i < p->n; i++) {
		atomic_store(&p->w, 1);
		if (futex(&p->w, p->op_wake, 1) < 0)
			die("futex wake");
		wait_while(p, 1);
	}
	return (double)(now_ns() - t0);
}

static void *ponger_thread(void *arg)
{
	ponger(arg);
	return NULL;
}

static void bench_pingpong(long n)
{
	static struct pong p;
	p.n = n;
	p.op_wait = FUTEX_WAIT | FUTEX_PRIVATE_FLAG;
	p.op_wake = FUTEX_WAKE | FUTEX_PRIVATE_FLAG;
	pthread_t t;
	check(pthread_create(&t, NULL, ponger_thread, &p), "pthread_create");
	double ns = pinger(&p);
	check(pthread_join(t, NULL), "pthread_join");
	printf("CHECK pingpong %ld %d\n", n, atomic_load(&p.w));
	result("pingpong", ns / (double)n / 1000.0, "us/op");
}

static void bench_procpong(long n)
{
	struct pong *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap");
	p->n = n;
	p->op_wait = FUTEX_WAIT;
	p->op_wake = FUTEX_WAKE;
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		ponger(p);
		_exit(0);
	}
	double ns = pinger(p);
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "threads: procpong child status %#x\n", st);
		exit(1);
	}
	printf("CHECK procpong %ld %d\n", n, atomic_load(&p->w));
	result("procpong", ns / (double)n / 1000.0, "us/op");
}

/* ---- bandwidth through a MAP_SHARED region */

static void bench_shmbw(long mib, long passes)
{
	size_t size = (size_t)mib << 20;
	uint64_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap");
	size_t words = size / sizeof *p;
	memset(p, 0xff, size); /* first touch (page faults) is not timed */
	uint64_t tw = 0, tr = 0, sum = 0;
	for (long i = 0; i < passes; i++) {
		uint64_t t0 = now_ns();
		memset(p, (int)(i & 0x7f), size);
		uint64_t t1 = now_ns();
		uint64_t s = 0;
		for (size_t j = 0; j < words; j++)
			s += p[j];
		uint64_t t2 = now_ns();
		tw += t1 - t0;
		tr += t2 - t1;
		sum += s;
	}
	munmap(p, size);
	printf("CHECK shmbw %ld %ld %llu\n", mib, passes, (unsigned long long)sum);
	double total = (double)mib * (double)passes;
	result("shm-write", total / ((double)tw / 1e9), "MiB/s");
	result("shm-read", total / ((double)tr / 1e9), "MiB/s");
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	if (!strcmp(what, "create"))
		bench_create(arg_long(argc, argv, 2, 2000));
	else if (!strcmp(what, "mutex"))
		bench_mutex(arg_long(argc, argv, 2, 10000000));
	else if (!strcmp(what, "contended"))
		bench_contended(arg_long(argc, argv, 2, 200000));
	else if (!strcmp(what, "pingpong"))
		bench_pingpong(arg_long(argc, argv, 2, 20000));
	else if (!strcmp(what, "procpong"))
		bench_procpong(arg_long(argc, argv, 2, 20000));
	else if (!strcmp(what, "shmbw"))
		bench_shmbw(arg_long(argc, argv, 2, 64), arg_long(argc, argv, 3, 4));
	else {
		fprintf(stderr, "usage: threads create|mutex|contended|pingpong|procpong N | shmbw MIB PASSES\n");
		return 2;
	}
	return 0;
}
