/* musl's pthread_create.c, unchanged except that start() calls the user's routine through
 * __wasmlinux_call_start (thread/wasm32/fncall.c), which calls it with the type it was
 * defined with. The function-like macro only matches the one call
 * `args->start_func(args->start_arg)`: the member's declaration and assignment are not
 * followed by "(". */
#define start_func(a) start_func ? __wasmlinux_call_start(args->start_func, a) : 0
#include "../pthread_create.c"
