/* wasm has no user-visible register file; sys/user.h offers nothing arch-specific. */
#include <signal.h>
