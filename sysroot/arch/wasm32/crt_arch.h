/* wasm32: _start is written in C (crt/wasm32/crt1.c); nothing to add here. */
