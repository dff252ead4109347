# dash 0.5.12 (Debian dash 0.5.12-2), unpacked WITHOUT Debian's patches: three of them change
# configure.ac/src/Makefile.am (9002 adds src/priv.c), which needs autoconf+automake to take effect
# and these are not build prerequisites here. So this is upstream dash 0.5.12 as released.
# Built with dash's configure (cross: helper programs with the host cc) and Makefile; no source changes.
SRC_PKG=dash
SRC_VERSION=0.5.12-2
SRC_SHA256=6a474ac46e8b0b32916c4c60df694c82058d3297d8b385b74508030ca4a8f28a
SRC_DEBIAN_PATCHES=0
PROGRAMS="dash"

recipe_build() {
    local want="$CC $CFLAGS_OPT $(cat "$CC_ID_FILE")"
    if [ "$(cat .configured 2>/dev/null)" != "$want" ]; then
        make distclean >/dev/null 2>&1 || true
        local host=()
        [ "$TARGET" = wasm ] && host=(--host=wasm32-unknown-linux-musl)
        CC_FOR_BUILD=gcc CC="$CC" CFLAGS="$CFLAGS_OPT" ./configure "${host[@]}"
        echo "$want" >.configured
    fi
    rm -f src/dash
    make -j"$JOBS"
}
recipe_output() { echo "$WORK/src/dash"; }
