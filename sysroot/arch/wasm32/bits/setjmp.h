/* wasm32 (emscripten-style SjLj): word 0 holds the setjmp id written by saveSetjmp;
 * the other words are reserved. */
typedef unsigned long __jmp_buf[8];
