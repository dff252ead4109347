# BusyBox 1.35.0 (Debian busybox 1:1.35.0-4+deb12u1, Debian's patches applied): one multi-call
# binary, `make defconfig` minus the options in disabled.txt (the same .config natively and on wasm).
# wasm32: CC=cc-wasm (wasmlinux-cc minus ELF-only linker flags), LD=ld-wasm (wasm-ld -r for
# kbuild's built-in.o), HOSTCC=gcc for kconfig and the generators. No source changes.
SRC_PKG=busybox
SRC_VERSION=1:1.35.0-4+deb12u1
SRC_SHA256=faeeb244c35a348a334f4a59e44626ee870fb07b6884d68c10ae8bc19f83a694
PROGRAMS="busybox"

bb_make() {
    if [ "$TARGET" = wasm ]; then
        WASMLINUX_CC=$CC make -j"$JOBS" CC="$RECIPE_DIR/cc-wasm" AR="$AR" LD="$RECIPE_DIR/ld-wasm" \
            HOSTCC=gcc STRIP=true SKIP_STRIP=y "$@"
    else
        make -j"$JOBS" CC="$CC" HOSTCC=gcc "$@"
    fi
}

recipe_build() {
    # kbuild tracks headers (fixdep) and command lines, but not the compiler driver's own flags:
    # start from scratch when the compiler identity changes.
    if [ "$(cat .bb-cc-id 2>/dev/null)" != "$(cat "$CC_ID_FILE")" ]; then
        bb_make clean >/dev/null 2>&1 || true
        rm -f .config
        cp "$CC_ID_FILE" .bb-cc-id
    fi
    local want
    want=$(sha256sum <"$RECIPE_DIR/disabled.txt")
    if [ ! -f .config ] || [ "$(cat .bb-config-id 2>/dev/null)" != "$want" ]; then
        make defconfig HOSTCC=gcc >/dev/null
        local opt
        for opt in $(grep -v '^#' "$RECIPE_DIR/disabled.txt" | awk 'NF { print $1 }'); do
            grep -q "^$opt=" .config || { echo "disabled.txt: $opt is not set by defconfig" >&2; return 1; }
            sed -i "s/^$opt=.*/# $opt is not set/" .config
        done
        yes '' | make oldconfig HOSTCC=gcc >/dev/null
        echo "$want" >.bb-config-id
    fi
    rm -f busybox busybox_unstripped
    bb_make
    bb_make busybox.links
}
recipe_output() { echo "$WORK/busybox"; }
recipe_install() { # OUTDIR: the applet list for build-rootfs / the test suite
    cp -f "$WORK/busybox.links" "$1/busybox.links"
    cp -f "$WORK/.config" "$1/busybox.config"
}
