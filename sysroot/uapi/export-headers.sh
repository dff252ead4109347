#!/usr/bin/env bash
# export-headers.sh [DEST_INCLUDE_DIR]
#
# Exports the Linux uapi headers for wasm32, i.e. what `make headers_install` gives for an
# asm-generic, 32-bit, time64-only architecture (like riscv32):
#
#   DEST/linux/...        from Debian's linux-libc-dev (pinned version + sha256), less the
#                         headers headers_install leaves out for an arch without asm/a.out.h
#                         and asm/kvm*.h (linux/a.out.h, linux/kvm.h, linux/kvm_para.h)
#   DEST/asm-generic/...  idem
#   DEST/{misc,mtd,rdma,sound,video,xen}/  idem (drm/ and scsi/ are not in linux-libc-dev)
#   DEST/asm/...          ours: thin wrappers around asm-generic (the generic-y list of
#                         include/uapi/asm-generic/Kbuild) plus the arch files committed in
#                         sysroot/uapi/asm/ (bitsperlong = 32, little-endian byteorder, unistd,
#                         sigcontext/ucontext for wasm32, empty ptrace)
#
# DEST defaults to $WASMLINUX_BUILD/sysroot/include (WASMLINUX_BUILD defaults to <repo>/build).
# Nothing third-party is committed: the .deb is downloaded with `apt-get download` into
# $WASMLINUX_BUILD/uapi/ and checked against the pinned sha256.
#
# Idempotent: when DEST holds an export of the same package and the same arch files (stamp
# DEST/.wasmlinux-uapi), nothing is done. Only the directories named above under
# DEST are touched (musl's headers may live in the same directory).
#
# Pinning: bookworm's point-release version below is preferred. Debian removes superseded
# versions from its mirror, so if the pinned version cannot be downloaded any more, the current
# candidate is accepted when it is the same upstream series (6.1.*; the uapi of a stable series
# does not change), with a warning naming its sha256 so the pin can be updated. Set
# WASMLINUX_UAPI_STRICT=1 to refuse that fallback.
set -euo pipefail

PKG=linux-libc-dev
PIN_VERSION=6.1.176-1
PIN_SHA256=8bb258735b9dffbb111da778ebdd024750878e435ffd9dfcadcb6762ede6b4cf
SERIES=6.1.

say() { echo "export-headers: $*" >&2; }
die() { echo "export-headers: error: $*" >&2; exit 1; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${WASMLINUX_BUILD:-$ROOT/build}
DEST=${1:-$BUILD/sysroot/include}
WORK=$BUILD/uapi

for t in apt-get dpkg-deb sha256sum; do
    command -v "$t" >/dev/null || die "$t not found (Debian tools are required)"
done

# The arch files' content is part of the stamp so that editing them re-exports.
arch_sum=$(cd "$HERE" && cat export-headers.sh asm/*.h | sha256sum | cut -d" " -f1)
STAMP=$DEST/.wasmlinux-uapi

if [ -f "$STAMP" ] && grep -q "arch=$arch_sum" "$STAMP" && [ -f "$DEST/asm/unistd.h" ]; then
    say "up to date in $DEST ($(head -n1 "$STAMP"))"
    exit 0
fi

mkdir -p "$WORK"

# 1. The .deb: pinned version first, same-series candidate as fallback.
deb=$(ls "$WORK"/${PKG}_${PIN_VERSION}_*.deb 2>/dev/null | head -n1 || true)
version=$PIN_VERSION
if [ -z "$deb" ]; then
    say "downloading $PKG=$PIN_VERSION"
    if (cd "$WORK" && apt-get download "$PKG=$PIN_VERSION" >/dev/null 2>"$WORK/apt.log"); then
        deb=$(ls "$WORK"/${PKG}_${PIN_VERSION}_*.deb | head -n1)
    else
        [ "${WASMLINUX_UAPI_STRICT:-0}" = 1 ] && die "cannot download $PKG=$PIN_VERSION: $(cat "$WORK/apt.log")"
        cand=$(apt-cache policy "$PKG" 2>/dev/null | sed -n 's/^ *Candidate: *//p')
        case "$cand" in
            "$SERIES"*) ;;
            *) die "pinned $PKG=$PIN_VERSION is gone and the candidate '$cand' is not $SERIES* (run apt-get update?)" ;;
        esac
        say "warning: pinned $PKG=$PIN_VERSION is no longer on the mirror; using $cand (same series)"
        (cd "$WORK" && apt-get download "$PKG=$cand" >/dev/null 2>"$WORK/apt.log") \
            || die "cannot download $PKG=$cand: $(cat "$WORK/apt.log")"
        deb=$(ls "$WORK"/${PKG}_${cand}_*.deb | head -n1)
        version=$cand
    fi
fi
sha=$(sha256sum "$deb" | cut -d' ' -f1)
if [ "$version" = "$PIN_VERSION" ]; then
    [ "$sha" = "$PIN_SHA256" ] || { rm -f "$deb"; die "sha256 mismatch for $deb: got $sha, pinned $PIN_SHA256"; }
    say "verified $(basename "$deb") sha256 $sha"
else
    say "warning: unpinned $(basename "$deb") sha256 $sha (update PIN_VERSION/PIN_SHA256 in $0)"
fi

# 2. Unpack.
tree=$WORK/$PKG-$version
if [ ! -f "$tree/.unpacked" ]; then
    say "unpacking into $tree"
    rm -rf "$tree"
    dpkg-deb -x "$deb" "$tree"
    touch "$tree/.unpacked"
fi
src=$tree/usr/include
[ -f "$src/asm-generic/unistd.h" ] && [ -d "$src/linux" ] || die "unexpected layout in $deb"

# 3. Install the architecture-independent directories of the package.
dirs="linux asm-generic misc mtd rdma sound video xen"
mkdir -p "$DEST"
rm -rf "$DEST/asm"
for d in $dirs; do
    rm -rf "${DEST:?}/$d"
    [ -d "$src/$d" ] && cp -R "$src/$d" "$DEST/"
done
# headers_install's no-export-headers for an arch without a.out and KVM
rm -f "$DEST/linux/a.out.h" "$DEST/linux/kvm.h" "$DEST/linux/kvm_para.h"
say "installed $dirs into $DEST"

# 4. asm/: the arch files, then generic-y wrappers for the rest of the mandatory list
#    (include/uapi/asm-generic/Kbuild of 6.1, "mandatory-y").
mkdir -p "$DEST/asm"
cp "$HERE"/asm/*.h "$DEST/asm/"
generic_y="auxvec bitsperlong bpf_perf_event byteorder errno fcntl ioctl ioctls ipcbuf
mman msgbuf param poll posix_types ptrace resource sembuf setup shmbuf sigcontext siginfo signal
socket sockios stat statfs swab termbits termios types unistd"
n_wrap=0
for h in $generic_y; do
    [ -f "$DEST/asm/$h.h" ] && continue
    [ -f "$DEST/asm-generic/$h.h" ] || die "asm-generic/$h.h missing from $deb"
    printf '/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */\n/* wasmlinux: generic-y */\n#include <asm-generic/%s.h>\n' "$h" >"$DEST/asm/$h.h"
    n_wrap=$((n_wrap + 1))
done

n_linux=$(find "$DEST/linux" -name '*.h' | wc -l)
n_generic=$(find "$DEST/asm-generic" -name '*.h' | wc -l)
n_asm=$(find "$DEST/asm" -name '*.h' | wc -l)
printf '%s %s sha256=%s\narch=%s\n' "$PKG" "$version" "$sha" "$arch_sum" >"$STAMP"
say "exported $n_linux linux/, $n_generic asm-generic/, $n_asm asm/ headers ($n_wrap generic-y wrappers) into $DEST"
