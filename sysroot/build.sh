#!/usr/bin/env bash
# Builds the wasm32 musl sysroot: build/sysroot/{include,lib,bin}.
# Invoked by scripts/build-sysroot; see sysroot/README.md.
#
# Steps: fetch pinned musl (or use MUSL_SRC), stage a copy with our arch/wasm32 port overlaid
# (and the excluded files removed), run musl's own Makefile with clang-16 for
# wasm32-unknown-unknown, install headers + libc.a + crt1.o, install the compiler driver.
# Idempotent: does nothing when the inputs' fingerprint matches the last successful build.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${WASMLINUX_BUILD:-$ROOT/build}
SYSROOT=$BUILD/sysroot
PORT=$ROOT/sysroot/arch/wasm32
WORK=$BUILD/musl-wasm32
STAGE=$WORK/src
OBJ=$WORK/obj
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

MUSL_PKG=musl
MUSL_VERSION=1.2.5-3.1~deb13u1
MUSL_ORIG_SHA256=a9a118bbe84d8764da0ea0d28b3ab3fae8477fc7e4085d90102b8596fc7c75e4
MUSL_SUITE=trixie

say() { echo "build-sysroot: $*"; }
die() { echo "build-sysroot: error: $*" >&2; exit 1; }

# ---- tools --------------------------------------------------------------------------------------
CLANG=${CLANG:-clang-16}
LLVM_AR=${LLVM_AR:-llvm-ar-16}
LLVM_RANLIB=${LLVM_RANLIB:-llvm-ranlib-16}
missing=()
for t in "$CLANG" wasm-ld-16 "$LLVM_AR" "$LLVM_RANLIB" llvm-objdump-16 wasm-opt make sed awk; do
    command -v "$t" >/dev/null || missing+=("$t")
done
BUILTINS=$("$CLANG" --target=wasm32-unknown-unknown -print-resource-dir 2>/dev/null || true)/lib/wasi/libclang_rt.builtins-wasm32.a
[ -f "$BUILTINS" ] || missing+=("libclang_rt.builtins-wasm32.a")
if [ ${#missing[@]} -gt 0 ]; then
    die "missing: ${missing[*]}
  On Debian 12: run scripts/setup (apt-get install clang-16 lld-16 llvm-16 libclang-rt-16-dev-wasm32 binaryen make)"
fi

# ---- musl source ------------------------------------------------------------------------------------
if [ -n "${MUSL_SRC:-}" ]; then
    [ -f "$MUSL_SRC/Makefile" ] && [ -d "$MUSL_SRC/src" ] || die "MUSL_SRC=$MUSL_SRC is not a musl source tree"
    MUSL_SRC=$(cd "$MUSL_SRC" && pwd)
    say "using MUSL_SRC=$MUSL_SRC"
else
    MUSL_SRC=$("$ROOT/scripts/fetch-debian-source" "$MUSL_PKG" "$MUSL_VERSION" "$MUSL_ORIG_SHA256" "$MUSL_SUITE" | tail -n1)
fi

# ---- files left out of libc.a (each with its reason; keep in sync with sysroot/README.md) ------------
# Paths are relative to the musl tree.
EXCLUDE=(
    crt/Scrt1.c   # PIE start file: wasm modules are not position independent
    crt/rcrt1.c   # static-PIE start file (self-relocation), same reason
)

# ---- fingerprint: skip when nothing changed ----------------------------------------------------------
fingerprint() {
    {
        echo "$MUSL_SRC"; cat "$MUSL_SRC/VERSION"
        [ -f "$MUSL_SRC/.wasmlinux-fetched" ] && cat "$MUSL_SRC/.wasmlinux-fetched"
        "$CLANG" --version | head -n1
        cat "${BASH_SOURCE[0]}"
        (cd "$ROOT/sysroot" && find arch bin -type f | LC_ALL=C sort | xargs sha256sum)
    } | sha256sum | awk '{ print $1 }'
}
# The kernel's uapi headers (linux/, asm/, asm-generic/): idempotent, ~0.1 s when current.
"$ROOT/sysroot/uapi/export-headers.sh" "$SYSROOT/include"

FP=$(fingerprint)
if [ -f "$SYSROOT/.stamp" ] && [ "$(cat "$SYSROOT/.stamp")" = "$FP" ] \
   && [ -f "$SYSROOT/lib/libc.a" ] && [ -x "$SYSROOT/bin/wasmlinux-cc" ]; then
    say "sysroot up to date: $SYSROOT"
    exit 0
fi
START=$(date +%s)

# ---- stage: pristine musl + our port ------------------------------------------------------------------
PORT_FP=$( (cd "$ROOT/sysroot" && find arch -type f | LC_ALL=C sort; echo "$MUSL_SRC"; printf '%s\n' "${EXCLUDE[@]}") | sha256sum | awk '{print $1}')
if [ ! -f "$WORK/.stage" ] || [ "$(cat "$WORK/.stage")" != "$PORT_FP" ]; then
    say "staging musl from $MUSL_SRC into $STAGE"
    rm -rf "$WORK"
    mkdir -p "$STAGE" "$OBJ"
    (cd "$MUSL_SRC" && tar --exclude=./debian --exclude=./.pc -cf - .) | (cd "$STAGE" && tar -xf -)
    for f in "${EXCLUDE[@]}"; do
        [ -e "$STAGE/$f" ] || die "excluded file $f does not exist in musl (update EXCLUDE)"
        rm -f "$STAGE/$f"
    done
    echo "$PORT_FP" > "$WORK/.stage"
fi
# Overlay (copy only files whose content changed, so make rebuilds just what depends on them).
overlay() { # src dst
    mkdir -p "$(dirname "$2")"
    cmp -s "$1" "$2" 2>/dev/null || cp "$1" "$2"
}
mkdir -p "$STAGE/arch/wasm32"
(cd "$PORT" && find . -type f) | while read -r f; do
    f=${f#./}
    case $f in
        include/*) overlay "$PORT/$f" "$STAGE/$f" ;;                     # header replacements
        src/*|crt/*) d=$(dirname "$f"); overlay "$PORT/$f" "$STAGE/$d/wasm32/$(basename "$f")" ;;
        *) overlay "$PORT/$f" "$STAGE/arch/wasm32/$f" ;;
    esac
done

# musl's Makefile does not track dependencies on arch headers: when any header of the port
# changes, rebuild everything (a clean build takes a minute or two).
HDR_FP=$( (cd "$PORT" && find . -name '*.h' -o -name '*.in' | LC_ALL=C sort | xargs sha256sum) | sha256sum | awk '{print $1}')
if [ "$(cat "$OBJ/.headers" 2>/dev/null)" != "$HDR_FP" ]; then
    [ -d "$OBJ/obj" ] && say "port headers changed: full rebuild"
    rm -rf "$OBJ/obj" "$OBJ/lib"
fi

# ---- configure (hand-written config.mak; musl's configure does not know wasm32) ---------------------
CFLAGS_AUTO="-O2 -pipe -ffunction-sections -fdata-sections -fno-unwind-tables -fno-asynchronous-unwind-tables"
CFLAGS_AUTO+=" -matomics -mbulk-memory -mnontrapping-fptoint -msign-ext -mmutable-globals"
CFLAGS_AUTO+=" -Werror=implicit-function-declaration -Werror=implicit-int -Werror=pointer-sign -Werror=pointer-arith"
CFLAGS_AUTO+=" -Werror=int-conversion -Werror=incompatible-pointer-types -Werror=incompatible-function-pointer-types"
CFLAGS_AUTO+=" -Qunused-arguments -Wno-parentheses -Wno-dangling-else -Wno-string-plus-int -Wno-unknown-pragmas"
CFLAGS_AUTO+=" -Wno-shift-op-parentheses -Wno-bitwise-op-parentheses -Wno-logical-op-parentheses -Wno-ignored-attributes"
CFLAGS_AUTO+=" -Wno-unused-command-line-argument -Wno-builtin-requires-header"
cat > "$OBJ/config.mak.new" <<MAK
# generated by sysroot/build.sh
ARCH = wasm32
SUBARCH =
ASMSUBARCH =
srcdir = $STAGE
prefix = $SYSROOT
exec_prefix = $SYSROOT
bindir = $SYSROOT/bin
libdir = $SYSROOT/lib
includedir = $SYSROOT/include
syslibdir = /lib
CC = $CLANG --target=wasm32-unknown-unknown
CFLAGS =
CFLAGS_AUTO = $CFLAGS_AUTO
CFLAGS_C99FSE = -std=c99 -nostdinc -ffreestanding
CFLAGS_MEMOPS =
CFLAGS_NOSSP =
CPPFLAGS =
LDFLAGS =
LDFLAGS_AUTO =
CROSS_COMPILE =
LIBCC =
OPTIMIZE_GLOBS =
ALL_TOOLS =
TOOL_LIBS =
SHARED_LIBS =
AR = $LLVM_AR
RANLIB = $LLVM_RANLIB
MAK
cmp -s "$OBJ/config.mak.new" "$OBJ/config.mak" 2>/dev/null && rm "$OBJ/config.mak.new" || mv "$OBJ/config.mak.new" "$OBJ/config.mak"

# ---- build + install ------------------------------------------------------------------------------------
NSRC=$(cd "$STAGE" && ls src/*/*.c src/malloc/mallocng/*.c crt/*.c 2>/dev/null | wc -l)
NARCH=$(cd "$STAGE" && ls src/*/wasm32/*.c crt/wasm32/*.c 2>/dev/null | wc -l)
say "compiling musl ($NSRC generic C files, $NARCH wasm32 files) with -j$JOBS"
make -C "$OBJ" -f "$STAGE/Makefile" -j"$JOBS" -s all >"$WORK/make.log" 2>&1 || {
    grep -E "error|Error" "$WORK/make.log" | head -n 40 >&2
    die "musl build failed; full log: $WORK/make.log"
}
echo "$HDR_FP" > "$OBJ/.headers"
say "installing headers and libraries into $SYSROOT"
mkdir -p "$SYSROOT/include" "$SYSROOT/lib" "$SYSROOT/bin"
make -C "$OBJ" -f "$STAGE/Makefile" -s install-headers install-libs >>"$WORK/make.log" 2>&1 \
    || die "musl install failed; log: $WORK/make.log"

# ---- driver -------------------------------------------------------------------------------------------
for t in wasmlinux-cc wasmlinux-ar wasmlinux-ranlib wasmlinux-strip wasmlinux-imports; do
    install -m 0755 "$ROOT/sysroot/bin/$t" "$SYSROOT/bin/$t"
done
ln -sf wasmlinux-cc "$SYSROOT/bin/wasm32-unknown-linux-musl-gcc"
ln -sf wasmlinux-cc "$SYSROOT/bin/wasm32-unknown-linux-musl-cc"
ln -sf wasmlinux-ar "$SYSROOT/bin/wasm32-unknown-linux-musl-ar"
ln -sf wasmlinux-ranlib "$SYSROOT/bin/wasm32-unknown-linux-musl-ranlib"
ln -sf wasmlinux-strip "$SYSROOT/bin/wasm32-unknown-linux-musl-strip"

echo "$FP" > "$SYSROOT/.stamp"
say "done in $(( $(date +%s) - START )) s: $SYSROOT (libc.a $(du -k "$SYSROOT/lib/libc.a" | cut -f1) KiB)"
