# XZ Utils 5.4.1 (Debian xz-utils 5.4.1-1+deb12u1): the `xz` command, multi-threaded.
# Built with xz's own configure and Makefile (static liblzma, POSIX threads: configure must find
# pthreads and `-pthread` with the target compiler, or the build stops); the wasm build is a cross
# build (--host=wasm32-unknown-linux-musl), so configure runs no target programs. Only xz itself is
# built: no xzdec/lzmadec/lzmainfo, scripts, NLS or docs. No source changes.
SRC_PKG=xz-utils
SRC_VERSION=5.4.1-1+deb12u1
SRC_SHA256=5d9827aa1875b21c288f78864bb26d2650b436ea8d2cad364e4921eb6266a5a5
PROGRAMS="xz"

recipe_build() {
    local want="$CC $CFLAGS_OPT $(cat "$CC_ID_FILE")"
    if [ "$(cat .configured 2>/dev/null)" != "$want" ]; then
        make distclean >/dev/null 2>&1 || true
        local host=()
        [ "$TARGET" = wasm ] && host=(--host=wasm32-unknown-linux-musl)
        CC="$CC" AR="$AR" RANLIB="$RANLIB" CFLAGS="$CFLAGS_OPT" ./configure "${host[@]}" \
            --enable-threads=posix --disable-shared --enable-static --disable-nls --disable-doc \
            --disable-xzdec --disable-lzmadec --disable-lzmainfo --disable-lzma-links --disable-scripts
        # the threaded build is the point of this recipe: fail rather than build a single-threaded xz
        grep -q '^#define MYTHREAD_POSIX 1' config.h || { echo "xz: configure did not enable POSIX threads" >&2; return 1; }
        grep -q '^PTHREAD_CFLAGS = .*-pthread' Makefile || { echo "xz: configure did not pick -pthread" >&2; return 1; }
        echo "$want" >.configured
    fi
    rm -f src/xz/xz
    make -j"$JOBS" -C src/liblzma
    make -j"$JOBS" -C src/xz xz
}
recipe_output() { echo "$WORK/src/xz/xz"; }
