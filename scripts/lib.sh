# Shared helpers for wasmlinux scripts (sourced, not run).
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${WASMLINUX_BUILD:-$ROOT/build}"
export ROOT BUILD

step() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
info() { printf '    %s\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

# Run a command, printing a progress line every 10 s so long steps never look hung. It polls every
# second, so a short command does not wait for a 10 s tick.
with_progress() { # LABEL COMMAND...
  local label="$1"; shift
  local start=$SECONDS n=0
  "$@" &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    n=$((n + 1))
    if [ $((n % 10)) -eq 0 ] && kill -0 "$pid" 2>/dev/null; then
      info "$label: still running ($((SECONDS - start)) s)"
    fi
  done
  wait "$pid"
}
