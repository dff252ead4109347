# Lua 5.4.4 (Debian lua5.4 5.4.4-3+deb12u1): the stand-alone interpreter `lua`.
# Debian's build system patch makes src/Makefile use libtool and dpkg-buildflags, so the
# interpreter is compiled directly with the flags of Lua's own `make posix` target
# (-std=gnu99 -DLUA_COMPAT_5_3 -DLUA_USE_POSIX; no readline, no dlopen). No source changes;
# src/lua5.4-deb-multiarch.h, which debian/rules generates, is written as debian/rules would.
SRC_PKG=lua5.4
SRC_VERSION=5.4.4-3+deb12u1
SRC_SHA256=164c7849653b80ae67bec4b7473b884bf5cc8d2dca05653475ec2ed27b9ebf61
PROGRAMS="lua"

recipe_build() {
    # debian/rules generates this header (module search paths); the same value on both targets
    # keeps package.cpath identical, so test output does not depend on the target.
    [ -f src/lua5.4-deb-multiarch.h ] || echo '#define DEB_HOST_MULTIARCH "x86_64-linux-gnu"' >src/lua5.4-deb-multiarch.h
    local srcs=() s
    for s in src/*.c; do
        case $(basename "$s") in luac.c|onelua.c) continue ;; esac
        srcs+=("$s")
    done
    compile_objs obj $CFLAGS_OPT -std=gnu99 -Wall -Wextra -DLUA_COMPAT_5_3 -DLUA_USE_POSIX -- "${srcs[@]}"
    rm -f lua
    $CC $CFLAGS_OPT -o lua obj/*.o -lm
}
recipe_output() { echo "$WORK/lua"; }
