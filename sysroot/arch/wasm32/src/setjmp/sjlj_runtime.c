/* Runtime for LLVM 16's emscripten-style setjmp/longjmp lowering
 * (-mllvm -enable-emscripten-sjlj). The compiler emits, in every function that calls
 * setjmp:
 *   table = malloc(40); table[0].id = 0;                    (room for 4 entries + end)
 *   table = saveSetjmp(env, label, table, size); size = getTempRet0();   at each setjmp
 *   after each call, made through env.invoke_<sig>(fnptr, args...):
 *     threw = __THREW__; __THREW__ = 0;
 *     if (threw && __threwValue) {
 *       label = testSetjmp(*(int *)threw, table, size);
 *       if (!label) emscripten_longjmp(threw, __threwValue);   (not ours: rethrow)
 *       setTempRet0(__threwValue);  ... jump to the setjmp site, which returns getTempRet0()
 *     }
 *   free(table) on return.
 * The host's invoke_* catches the longjmp trap and calls the exported setThrew(env, val).
 * Setjmp ids are unique per setjmp call, so a longjmp to a buffer whose frame has
 * returned finds no table entry and propagates to the top (the program dies). */
#include <stdlib.h>
#include <stdint.h>

/* Thread-local: LLVM declares __THREW__ and __threwValue local-exec TLS, and every
 * thread has its own longjmp in flight and its own setjmp ids. */
__thread int __THREW__;
__thread int __threwValue;

static __thread int temp_ret0;
static __thread uint32_t setjmp_id;

struct sjlj_entry {
	uint32_t id;
	uint32_t label;
};

int getTempRet0(void)
{
	return temp_ret0;
}

void setTempRet0(int value)
{
	temp_ret0 = value;
}

/* Called by the host's invoke_* when a longjmp unwound through it. longjmp(env, 0)
 * must make setjmp return 1 (C11 7.13.2.1); the lowering tests __threwValue != 0. */
__attribute__((__export_name__("setThrew")))
void setThrew(int threw, int value)
{
	if (__THREW__ == 0) {
		__THREW__ = threw;
		__threwValue = value ? value : 1;
	}
}

struct sjlj_entry *saveSetjmp(uint32_t *env, uint32_t label, struct sjlj_entry *table, uint32_t size)
{
	uint32_t i;
	setjmp_id++;
	if (setjmp_id == 0) setjmp_id = 1;
	*env = setjmp_id;
	for (;;) {
		for (i = 0; i < size; i++) {
			if (table[i].id == 0) {
				table[i].id = setjmp_id;
				table[i].label = label;
				table[i + 1].id = 0;
				temp_ret0 = size;
				return table;
			}
		}
		size *= 2;
		table = realloc(table, sizeof *table * (size + 1));
		if (!table) abort();
	}
}

uint32_t testSetjmp(uint32_t id, struct sjlj_entry *table, uint32_t size)
{
	uint32_t i;
	for (i = 0; i < size && table[i].id; i++)
		if (table[i].id == id) return table[i].label;
	return 0;
}
