# zlib 1.2.13 (Debian zlib 1:1.2.13.dfsg-1): libz.a and its test programs example and minigzip.
# Built with zlib's own configure (--static) and Makefile; no source changes.
SRC_PKG=zlib
SRC_VERSION=1:1.2.13.dfsg-1
SRC_SHA256=71feb7947e3c00ef125f83b79a4e529bde31171e5babe48b391f06758d1ab0a1
PROGRAMS="example minigzip"

recipe_build() {
    local want="$CC $CFLAGS_OPT $(cat "$CC_ID_FILE")"
    if [ "$(cat .configured 2>/dev/null)" != "$want" ]; then
        make distclean >/dev/null 2>&1 || true
        CC="$CC" AR="$AR" RANLIB="$RANLIB" CFLAGS="$CFLAGS_OPT" ./configure --static
        echo "$want" >.configured
    fi
    rm -f example minigzip
    make -j"$JOBS" AR="$AR" ARFLAGS=rc RANLIB="$RANLIB" example minigzip
}
recipe_output() { echo "$WORK/$1"; }
