#!/usr/bin/env python3
"""wasmlinux benchmark harness (run through scripts/bench).

Builds bench/src/*.c three ways (native musl-gcc -O2 -static, wasmlinux-cc -O2, clang-16
--target=wasm32-wasi -O2 against Debian's wasi-libc), runs every workload on the three
platforms in one session and writes a Markdown report:

  full:    bench/RESULTS.md         (scripts/bench)
  --quick: bench/out/RESULTS.quick.md (scripts/bench --quick; smoke test, no timing assertions)

Every cell is a median over repeated runs with min-max. Programs that measure an inner loop time
it themselves (clock_gettime(CLOCK_MONOTONIC)) and print "RESULT key value unit"; start-up
workloads (CLI hello, lua, sqlite3) are timed here around the process. A cell that cannot be
measured says why ("N/A: ...", "pending: ...", "failed: ..."); numbers are never invented.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
SRC = BENCH / "src"
BUILD = Path(os.environ.get("WASMLINUX_BUILD", ROOT / "build"))
WASMLINUX_CC = BUILD / "sysroot" / "bin" / "wasmlinux-cc"
WASMLINUX = Path(os.environ.get("WASMLINUX_BIN", ROOT / "target" / "release" / "wasmlinux"))
WASI_HOST = Path(os.environ.get("WASI_HOST_BIN", ROOT / "target" / "release" / "wasi-host"))
USERLAND = BUILD / "userland"
PROGRAMS = ["syscalls", "pipe", "fork", "spawn", "nop", "hello", "compute", "fileio", "threads", "scale"]
WASI_PROGRAMS = ["syscalls", "nop", "hello", "compute", "fileio"]  # no fork/pipe in WASI
# wasmlinux-cc turns these on; the WASI build gets the same code-generation features.
WASM_FEATURES = ["-mbulk-memory", "-mnontrapping-fptoint", "-msign-ext", "-mmutable-globals"]
PLATFORMS = ["native", "wasmlinux", "wasi"]
MEM_FLOOR_KIB = 4 * 1024 * 1024  # scale row: stop forking when the host has less available


def rel(p: Path) -> str:
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)


def log(msg: str) -> None:
    print(f"bench: {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Results


@dataclass
class Cell:
    values: list[float] = field(default_factory=list)
    note: str | None = None  # "N/A: ...", "pending: ...", "failed: ..."
    extra: str | None = None  # shown after the number (e.g. RSS per process)

    def median(self) -> float | None:
        return statistics.median(self.values) if self.values and not self.note else None

    def text(self, fmt) -> str:
        if self.note:
            return self.note
        if not self.values:
            return "failed: no value"
        m = self.median()
        s = fmt(m)
        if len(self.values) > 1:
            s += f" ({fmt(min(self.values))}–{fmt(max(self.values))})"
        if self.extra:
            s += f"; {self.extra}"
        return s


@dataclass
class Row:
    key: str
    title: str
    unit: str
    higher_is_better: bool
    cells: dict[str, Cell] = field(default_factory=dict)

    def cell(self, plat: str) -> Cell:
        return self.cells.setdefault(plat, Cell())


def fmt_num(v: float) -> str:
    if v >= 1000:
        return f"{v:,.0f}"
    if v >= 100:
        return f"{v:.0f}"
    if v >= 10:
        return f"{v:.1f}"
    if v >= 1:
        return f"{v:.2f}"
    return f"{v:.3f}"


# --------------------------------------------------------------------------------------------
# Building


def run_quiet(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)


def build_one(compiler: list[str], src: Path, out: Path, flags: list[str]) -> str | None:
    """Compile src to out unless out is newer than src and bench.h. Returns an error or None."""
    deps = [src, SRC / "bench.h"]
    if out.exists() and all(out.stat().st_mtime >= d.stat().st_mtime for d in deps):
        return None
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    r = run_quiet(compiler + ["-O2", "-Wall", "-Wextra"] + flags + ["-o", str(tmp), str(src)])
    if r.returncode != 0:
        return r.stdout.strip().splitlines()[-1] if r.stdout.strip() else f"exit {r.returncode}"
    tmp.rename(out)
    return None


def build_all() -> dict[str, str | None]:
    """Build every program for every platform; returns platform -> reason it cannot run."""
    problems: dict[str, str | None] = {p: None for p in PLATFORMS}
    if not shutil.which("musl-gcc"):
        problems["native"] = "pending: musl-gcc not installed (scripts/setup)"
    if not WASMLINUX_CC.exists():
        problems["wasmlinux"] = "pending: no wasmlinux-cc (scripts/build-sysroot)"
    if not shutil.which("clang-16") or not Path("/usr/lib/wasm32-wasi/libc.a").exists():
        problems["wasi"] = "pending: clang-16 or wasi-libc missing (scripts/setup)"
    for prog in PROGRAMS:
        src = SRC / f"{prog}.c"
        if not problems["native"]:
            e = build_one(["musl-gcc", "-static"], src, OUT / "native" / prog, [])
            if e:
                problems["native"] = f"failed: build {prog}: {e}"
        if not problems["wasmlinux"]:
            e = build_one([str(WASMLINUX_CC)], src, OUT / "wasmlinux" / f"{prog}.wasm", [])
            if e:
                problems["wasmlinux"] = f"failed: build {prog}: {e}"
        if not problems["wasi"] and prog in WASI_PROGRAMS:
            e = build_one(["clang-16", "--target=wasm32-wasi"], src, OUT / "wasi" / f"{prog}.wasm", WASM_FEATURES)
            if e:
                problems["wasi"] = f"failed: build {prog}: {e}"
    return problems


# --------------------------------------------------------------------------------------------
# Running


class Runner:
    """Knows how to start a benchmark program on one platform."""

    def __init__(self, args, problems):
        self.quick = args.quick
        self.timeout = 60 if args.quick else 300
        self.problems = problems
        self.tmp = Path(tempfile.mkdtemp(prefix="wasmlinux-bench-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None))
        self.disk = Path(tempfile.mkdtemp(prefix="disk-", dir=OUT))  # a host directory on disk
        self.root = OUT / "root"  # guest root for wasmlinux (copied into its tmpfs at start)
        self.hello_root = OUT / "root-hello"
        self.cache = OUT / "cache"  # warm compiled-module cache (XDG_CACHE_HOME)
        self.env = {k: v for k, v in os.environ.items() if k not in ("WASMLINUX_CACHE_DIR", "WASMLINUX_ROOT")}
        self.env["XDG_CACHE_HOME"] = str(self.cache)
        self.env["LC_ALL"] = "C"

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)
        shutil.rmtree(self.disk, ignore_errors=True)

    def make_roots(self):
        for r in (self.root, self.hello_root):
            shutil.rmtree(r, ignore_errors=True)
        (self.root / "bin").mkdir(parents=True)
        (self.root / "tmp").mkdir()
        (self.root / "mnt").mkdir()
        (self.root / "b").mkdir()
        for prog in PROGRAMS:
            shutil.copy(OUT / "wasmlinux" / f"{prog}.wasm", self.root / "bin" / prog)
        for prog in ("lua", "sqlite3"):
            w = USERLAND / "wasm" / "bin" / f"{prog}.wasm"
            if w.exists():
                shutil.copy(w, self.root / "bin" / prog)
        shutil.copy(BENCH / "lua" / "bench.lua", self.root / "b" / "bench.lua")
        shutil.copy(BENCH / "sql" / "workload.sql", self.root / "b" / "workload.sql")
        (self.hello_root / "bin").mkdir(parents=True)
        shutil.copy(OUT / "wasmlinux" / "hello.wasm", self.hello_root / "bin" / "hello")

    # Paths as each platform sees them.
    def tmpfs_dir(self, plat: str) -> str:
        return {"native": str(self.tmp), "wasmlinux": "/tmp", "wasi": "/w"}[plat]

    def mount_dir(self, plat: str) -> str:
        return {"native": str(self.disk), "wasmlinux": "/mnt", "wasi": "/d"}[plat]

    def command(self, plat: str, prog: str, args: list[str], *, root: Path | None = None) -> list[str]:
        """argv to run bench program `prog` (or lua/sqlite3) on `plat`."""
        if plat == "native":
            if prog in ("lua", "sqlite3"):
                return [str(USERLAND / "native" / "bin" / prog)] + args
            return [str(OUT / "native" / prog)] + args
        if plat == "wasmlinux":
            return [str(WASMLINUX), "run", "--root", str(root or self.root),
                    "--mount", f"{self.disk}:/mnt", "--cwd", "/", f"/bin/{prog}"] + args
        return [str(WASI_HOST), "--dir", f"{self.tmp}::/w", "--dir", f"{self.disk}::/d",
                str(OUT / "wasi" / f"{prog}.wasm")] + args

    def native_path(self, plat: str, path: str) -> str:
        return path

    def run(self, plat: str, prog: str, args: list[str], *, env=None, root=None, timeout=None):
        """Run once; returns (wall seconds, stdout). Raises RuntimeError on failure."""
        cmd = self.command(plat, prog, args, root=root)
        t0 = time.perf_counter()
        try:
            r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env or self.env, timeout=timeout or self.timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"timeout after {timeout or self.timeout} s") from None
        wall = time.perf_counter() - t0
        if r.returncode != 0:
            err = (r.stderr.strip().splitlines() or [""])[-1][:160]
            raise RuntimeError(f"exit {r.returncode}: {err}")
        return wall, r.stdout


def parse_results(out: str) -> dict[str, float]:
    res = {}
    for line in out.splitlines():
        m = re.match(r"RESULT (\S+) (\S+) (\S+)", line)
        if m:
            res[m.group(1)] = float(m.group(2))
    return res


def checks(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("CHECK")]


# --------------------------------------------------------------------------------------------
# Workloads


class Bench:
    def __init__(self, args):
        self.args = args
        self.quick = args.quick
        self.rows: list[Row] = []
        self.notes: list[str] = []
        self.check_lines: dict[str, dict[str, list[str]]] = {}
        self.problems = build_all()
        self.runner = Runner(args, self.problems)
        self.reps = 3 if self.quick else 5
        self.started = time.time()
        self.budget_note = False

    def cur_reps(self) -> int:
        """Repetitions per cell; drops to 1 when the session nears its time budget."""
        budget = 80 if self.quick else 14 * 60
        if time.time() - self.started > budget:
            if not self.budget_note:
                self.budget_note = True
                self.notes.append(f"Time budget ({budget} s) reached: later cells were measured once.")
            return 1
        return self.reps

    def row(self, key, title, unit, higher_is_better=False) -> Row:
        r = Row(key, title, unit, higher_is_better)
        self.rows.append(r)
        return r

    def wanted(self, key: str) -> bool:
        return not self.args.only or any(key.startswith(o) for o in self.args.only)

    def plat_ok(self, plat: str) -> str | None:
        return self.problems.get(plat)

    def record_checks(self, key: str, plat: str, out: str):
        c = checks(out)
        if c:
            self.check_lines.setdefault(key, {})[plat] = c

    def measure(self, rows: dict[str, Row], plat: str, prog: str, args: list[str], reps: int | None = None, env=None):
        """Run prog `reps` times; each RESULT key fills rows[key] on plat."""
        reps = reps or self.cur_reps()
        for i in range(reps):
            try:
                _, out = self.runner.run(plat, prog, args, env=env)
            except RuntimeError as e:
                for r in rows.values():
                    r.cell(plat).note = f"failed: {e}"
                log(f"  {plat} {prog} {' '.join(args)}: {e}")
                return
            res = parse_results(out)
            self.record_checks(prog + (args[0] if args else ""), plat, out)
            for k, r in rows.items():
                if k not in res:
                    r.cell(plat).note = f"failed: no RESULT {k}"
                    return
                r.cell(plat).values.append(res[k])

    def na(self, rows, plat, why):
        for r in rows if isinstance(rows, list) else [rows]:
            r.cell(plat).note = f"N/A: {why}"

    def for_platforms(self, rows, fn, wasi_na: str | None = None):
        rows_l = rows if isinstance(rows, list) else [rows]
        for plat in PLATFORMS:
            if plat == "wasi" and wasi_na:
                self.na(rows_l, plat, wasi_na)
                continue
            p = self.plat_ok(plat)
            if p:
                for r in rows_l:
                    r.cell(plat).note = p
                continue
            log(f"{rows_l[0].key}: {plat}")
            fn(plat)

    # ---- rows

    def syscalls(self):
        q = self.quick
        specs = [
            ("getppid", "trivial syscall (getppid)", 100_000 if q else 1_000_000, "WASI has no getppid"),
            ("pread1", "pread 1 byte (tmpfs file)", 100_000 if q else 1_000_000, None),
            ("devnull", "write 1 byte to /dev/null", 100_000 if q else 1_000_000, "WASI has no /dev/null"),
            ("openclose", "open + close (tmpfs file)", 20_000 if q else 200_000, None),
            ("stat", "stat (tmpfs file)", 20_000 if q else 200_000, None),
        ]
        for key, title, n, wasi_na in specs:
            if not self.wanted(key):
                continue
            r = self.row(key, title, "ns/op")
            # WASI (wasmtime-wasi's preview1 over its async p2 layer) is ~30x slower per call:
            # a tenth of the iterations keeps each run around a second.
            self.for_platforms(r, lambda plat, key=key, n=n, r=r: self.measure(
                {key: r}, plat, "syscalls",
                [key, str(n // 10 if plat == "wasi" else n), f"{self.runner.tmpfs_dir(plat)}/sys-{key}"]), wasi_na)

    def pipe(self):
        if not self.wanted("pipe"):
            return
        mib = 64 if self.quick else 1024
        r = self.row("pipe", f"pipe throughput, 2 processes, 64 KiB blocks, {mib} MiB", "MiB/s", True)
        self.for_platforms(r, lambda plat: self.measure({"pipe": r}, plat, "pipe", [str(mib)]),
                           "WASI has no fork/pipe")

    def fork(self):
        if not self.wanted("fork"):
            return
        n = 100 if self.quick else 1000
        r = self.row("fork", f"fork + _exit + waitpid (×{n})", "µs/op")
        self.for_platforms(r, lambda plat: self.measure({"fork": r}, plat, "fork", [str(n)]),
                           "WASI has no fork")

    def spawn(self):
        if not self.wanted("spawn"):
            return
        n = 30 if self.quick else 300
        r = self.row("spawn", f"posix_spawn + exec + exit + waitpid of a small program (×{n})", "µs/op")

        def go(plat):
            prog = str(OUT / "native" / "nop") if plat == "native" else "/bin/nop"
            self.measure({"spawn": r}, plat, "spawn", [str(n), prog])
        self.for_platforms(r, go, "WASI has no processes")

    def hello(self):
        if not self.wanted("hello"):
            return
        n = 3 if self.quick else 20
        cold = self.row("hello-cold", "CLI hello world, cold (empty module cache)", "ms")
        warm = self.row("hello-warm", "CLI hello world, warm module cache", "ms")

        def go(plat):
            if plat == "native":
                for r in (cold, warm):
                    self.timed(r, plat, "hello", [], n)
                return
            if plat == "wasi":
                self.timed(cold, plat, "hello", [], n)
                warm.cell(plat).note = "N/A: wasi-host compiles on every run (no module cache)"
                return
            for _ in range(n):  # cold: a fresh XDG_CACHE_HOME every run
                d = tempfile.mkdtemp(prefix="cold-cache-", dir=self.runner.tmp)
                env = dict(self.runner.env, XDG_CACHE_HOME=d)
                if not self.timed(cold, plat, "hello", [], 1, env=env, root=self.runner.hello_root):
                    break
                shutil.rmtree(d, ignore_errors=True)
            # warm: the first run fills the cache and is not counted
            self.timed(Row("x", "", "", False), plat, "hello", [], 1, root=self.runner.hello_root)
            self.timed(warm, plat, "hello", [], n, root=self.runner.hello_root)
        self.for_platforms([cold, warm], go)

    def timed(self, r: Row, plat, prog, args, n, *, env=None, root=None, expect=None) -> bool:
        """Time whole process runs (ms); returns False on failure."""
        for _ in range(n):
            try:
                wall, out = self.runner.run(plat, prog, args, env=env, root=root)
            except RuntimeError as e:
                r.cell(plat).note = f"failed: {e}"
                log(f"  {plat} {prog}: {e}")
                return False
            if prog == "hello" and "hello, world" not in out:
                r.cell(plat).note = "failed: wrong output"
                return False
            self.record_checks(r.key, plat, out)
            r.cell(plat).values.append(wall * 1000)
        return True

    def interpreters(self):
        if self.wanted("lua"):
            scale = "1" if self.quick else "4"
            r = self.row("lua", f"lua 5.4: bench/lua/bench.lua {scale} (fib, strings, sort)", "ms")

            def go(plat):
                binary = USERLAND / "native" / "bin" / "lua" if plat == "native" else USERLAND / "wasm" / "bin" / "lua.wasm"
                if not binary.exists():
                    r.cell(plat).note = f"pending: {rel(binary)} not built (scripts/build-userland lua)"
                    return
                script = str(BENCH / "lua" / "bench.lua") if plat == "native" else "/b/bench.lua"
                if plat == "wasmlinux":  # warm the module cache first
                    self.timed(Row("x", "", "", False), plat, "lua", ["-e", "x=1"], 1)
                self.timed(r, plat, "lua", [script, scale], self.cur_reps())
            self.for_platforms(r, go, "lua needs setjmp/longjmp, tmpfile, system (not built for WASI)")
        if self.wanted("sqlite"):
            r = self.row("sqlite3", "sqlite3: bench/sql/workload.sql (200k-row inserts, index, joins)", "ms")

            def go(plat):
                binary = USERLAND / "native" / "bin" / "sqlite3" if plat == "native" else USERLAND / "wasm" / "bin" / "sqlite3.wasm"
                if not binary.exists():
                    why = ("no userland/recipes/sqlite3/recipe.sh yet" if not (ROOT / "userland/recipes/sqlite3/recipe.sh").exists()
                           else "run scripts/build-userland sqlite3")
                    r.cell(plat).note = f"pending: {rel(binary)} not built ({why})"
                    return
                sql = str(BENCH / "sql" / "workload.sql") if plat == "native" else "/b/workload.sql"
                db = f"{self.runner.tmpfs_dir(plat)}/bench.db"
                if plat == "wasmlinux":
                    self.timed(Row("x", "", "", False), plat, "sqlite3", [":memory:", "select 1"], 1)
                for _ in range(1 if self.quick else self.cur_reps()):
                    if not self.timed(r, plat, "sqlite3", [db, f".read {sql}"], 1):
                        break
                    if plat == "native":
                        Path(db).unlink(missing_ok=True)
            self.for_platforms(r, go, "sqlite3 not built for WASI")

    def compute(self):
        if self.wanted("matmul"):
            reps = 3 if self.quick else 20
            r = self.row("matmul", "C compute: 256×256 double matrix multiply", "ms/op")
            self.for_platforms(r, lambda plat: self.measure({"matmul": r}, plat, "compute", ["matmul", str(reps)]))
        if self.wanted("sha256"):
            mib = 16 if self.quick else 128
            r = self.row("sha256", f"C compute: sha256 of {mib} MiB", "MiB/s", True)
            self.for_platforms(r, lambda plat: self.measure({"sha256": r}, plat, "compute", ["sha256", str(mib)]))
        # The same kernels with `wasmlinux run --no-preempt` (no epoch checks in loops; async
        # signals wait for the next syscall). Native and WASI cells are those of the rows above.
        np_env = dict(self.runner.env, WASMLINUX_PREEMPT="0")
        for key, args in (("matmul", ["matmul", "3" if self.quick else "20"]),
                          ("sha256", ["sha256", "16" if self.quick else "128"])):
            base = next((x for x in self.rows if x.key == key), None)
            if base is None or self.plat_ok("wasmlinux"):
                continue
            r = self.row(key + "-np", base.title + ", wasmlinux --no-preempt", base.unit, base.higher_is_better)
            for plat in ("native", "wasi"):
                r.cells[plat] = base.cell(plat)
            log(f"{r.key}: wasmlinux")
            self.measure({key: r}, "wasmlinux", "compute", args, env=np_env)

    def fileio(self):
        mib = 32 if self.quick else 256
        for where, title in (("tmpfs", f"tmpfs (native: /dev/shm; wasmlinux: /tmp; WASI: preopened /dev/shm dir)"),
                             ("mount", f"host directory on disk (wasmlinux: --mount DIR:/mnt; WASI: preopened DIR)")):
            if not self.wanted("file-" + where):
                continue
            w = self.row(f"file-{where}-write", f"file write {mib} MiB, {title}", "MiB/s", True)
            rd = self.row(f"file-{where}-read", f"file read back {mib} MiB, {where}", "MiB/s", True)

            def go(plat, where=where, w=w, rd=rd):
                d = self.runner.tmpfs_dir(plat) if where == "tmpfs" else self.runner.mount_dir(plat)
                self.measure({"write": w, "read": rd}, plat, "fileio", [f"{d}/bench-file", str(mib)])
            self.for_platforms([w, rd], go)

    def threads(self):
        """Threads, futexes and MAP_SHARED memory (bench/src/threads.c)."""
        q = self.quick
        no_threads = "WASI preview1 has no threads (Debian's wasi-libc is built without pthreads)"
        for key, title, unit, args, wasi_na in (
                ("thread-create", f"pthread_create + pthread_join of an empty thread (×{200 if q else 2000})", "µs/op",
                 ["create", "200" if q else "2000"], no_threads),
                ("mutex-uncontended", "pthread_mutex_lock + unlock, uncontended, one thread", "ns/op",
                 ["mutex", "1000000" if q else "10000000"], no_threads),
                ("mutex-contended", "pthread mutex, 4 threads contending (time per lock + unlock)", "ns/op",
                 ["contended", "20000" if q else "200000"], no_threads),
                ("futex-pingpong-threads", "futex ping-pong between two threads (FUTEX_PRIVATE)", "µs/round trip",
                 ["pingpong", "2000" if q else "20000"], no_threads),
                ("futex-pingpong-procs", "futex ping-pong between two processes over a shared anonymous page (MAP_SHARED, MAP_ANONYMOUS)",
                 "µs/round trip", ["procpong", "2000" if q else "20000"], "WASI has no fork"),
        ):
            if not self.wanted(key):
                continue
            r = self.row(key, title, unit)
            self.for_platforms(r, lambda plat, r=r, args=args: self.measure({args[0]: r}, plat, "threads", args), wasi_na)
        if self.wanted("shm"):
            mib, passes = (16, 2) if q else (64, 4)
            w = self.row("shm-write", f"memset of a {mib} MiB shared anonymous region (MAP_SHARED, MAP_ANONYMOUS; ×{passes}, after a first touch)",
                         "MiB/s", True)
            rd = self.row("shm-read", f"64-bit sum over the same {mib} MiB MAP_SHARED region (×{passes})", "MiB/s", True)
            self.for_platforms([w, rd], lambda plat: self.measure({"shm-write": w, "shm-read": rd}, plat, "threads",
                                                                 ["shmbw", str(mib), str(passes)]),
                               "WASI has no mmap MAP_SHARED")

    def scale(self):
        if not self.wanted("scale"):
            return
        n = 200 if self.quick else 10_000
        r = self.row("scale", f"processes alive at once, each blocked in read() on a pipe (goal {n:,})", "procs", True)
        self.for_platforms(r, lambda plat: self.scale_one(r, plat, n), "WASI has no fork")

    def scale_one(self, r: Row, plat: str, n: int):
        cmd = self.runner.command(plat, "scale", [str(n), "2" if self.quick else "3"])
        timeout = 60 if self.quick else 420
        errf = tempfile.TemporaryFile()
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errf, env=self.runner.env,
                             stdin=subprocess.DEVNULL, start_new_session=True)
        fd = p.stdout.fileno()
        os.set_blocking(fd, False)
        t0 = time.time()
        buf, progress, reached, rss_kib, stopped, fork_note = "", 0, None, None, None, None
        last_sample, sample, maps, maps_at = 0.0, None, None, 0
        try:
            while True:
                try:
                    chunk = os.read(fd, 65536).decode(errors="replace")
                except BlockingIOError:
                    chunk = None
                if chunk:
                    buf += chunk
                    while "\n" in buf:
                        line, buf = buf.split("\n", 1)
                        if line.startswith("PROGRESS"):
                            progress = int(line.split()[1])
                        elif line.startswith("NOTE"):
                            fork_note = line[5:]
                        elif line.startswith("RESULT scale"):
                            reached = int(line.split()[2])
                        elif line == "READY":
                            rss_kib = self.rss_kib(plat, p.pid, reached or 0)
                            if plat == "wasmlinux":
                                maps, maps_at = count_lines(f"/proc/{p.pid}/maps"), reached or 0
                if chunk == "" or (chunk is None and p.poll() is not None):
                    break
                if reached is None and progress and time.time() - last_sample > 0.5:
                    last_sample = time.time()
                    sample = self.rss_kib(plat, p.pid, progress) or sample
                    if plat == "wasmlinux":
                        maps = count_lines(f"/proc/{p.pid}/maps") or maps
                        maps_at = progress
                if reached is None:
                    avail = meminfo_kib("MemAvailable")
                    if avail is not None and avail < MEM_FLOOR_KIB:
                        stopped = f"stopped by the harness at {progress} processes: host MemAvailable below {MEM_FLOOR_KIB >> 20} GiB"
                        rss_kib = self.rss_kib(plat, p.pid, progress)
                        break
                    if time.time() - t0 > timeout:
                        stopped = f"stopped by the harness after {timeout} s at {progress} processes"
                        rss_kib = self.rss_kib(plat, p.pid, progress)
                        break
                elif time.time() - t0 > timeout + 120:
                    stopped = "did not exit after READY"
                    break
                time.sleep(0.05)
        finally:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            p.wait()
        errf.seek(0)
        err = errf.read().decode(errors="replace").strip().splitlines()
        errf.close()
        count = reached if reached is not None else progress
        if stopped is None and p.returncode not in (0, None):
            fork_note = (fork_note or "") + f" exit {p.returncode}: {err[-1][:120] if err else ''}"
        c = r.cell(plat)
        if count == 0 and reached is None:
            c.note = f"failed: {stopped or fork_note or 'no output'}"
            return
        c.values.append(count)
        extra = []
        if rss_kib is None and sample:
            rss_kib = sample
        if rss_kib:
            per, total = rss_kib
            extra.append(f"RSS {per / 1024:.2f} MiB/process ({total / 1024:.0f} MiB total)")
        if maps and maps_at:
            extra.append(f"{maps / (maps_at + 1):.1f} host memory mappings/process "
                         f"(vm.max_map_count {read_int('/proc/sys/vm/max_map_count')})")
        if stopped:
            extra.append(stopped)
        if fork_note:
            extra.append(fork_note.strip())
        c.extra = "; ".join(extra) or None

    def rss_kib(self, plat: str, pid: int, nprocs: int):
        """(per-process KiB, total KiB). wasmlinux: the one host process; native: the children."""
        try:
            if plat == "wasmlinux":
                total = status_kib(pid, "VmRSS")
                return (total / max(nprocs + 1, 1), total) if total else None
            kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            sample = kids[:: max(1, len(kids) // 200)]
            vals = [v for v in (status_kib(int(k), "VmRSS") for k in sample) if v]
            if not vals:
                return None
            per = statistics.mean(vals)
            return per, per * (nprocs + 1)
        except OSError:
            return None

    # ---- driving

    def wasmlinux_works(self):
        if self.problems["wasmlinux"]:
            return
        if not WASMLINUX.exists():
            self.problems["wasmlinux"] = f"pending: {WASMLINUX.relative_to(ROOT)} not built"
            return
        self.runner.make_roots()
        try:
            _, out = self.runner.run("wasmlinux", "hello", [], root=self.runner.hello_root, timeout=60)
            if "hello, world" not in out:
                self.problems["wasmlinux"] = "pending: wasmlinux does not run hello world yet (no output)"
        except RuntimeError as e:
            self.problems["wasmlinux"] = f"pending: wasmlinux does not run hello world yet ({e})"

    def wasi_works(self):
        if self.problems["wasi"]:
            return
        if not WASI_HOST.exists():
            self.problems["wasi"] = "pending: wasi-host not built"
            return
        try:
            _, out = self.runner.run("wasi", "hello", [], timeout=60)
            if "hello, world" not in out:
                self.problems["wasi"] = "failed: wasi-host hello printed nothing"
        except RuntimeError as e:
            self.problems["wasi"] = f"failed: wasi-host hello: {e}"

    def run_all(self):
        self.wasmlinux_works()
        self.wasi_works()
        for plat, p in self.problems.items():
            if p:
                log(f"{plat} column: {p}")
        try:
            self.syscalls()
            self.pipe()
            self.fork()
            self.spawn()
            self.hello()
            self.interpreters()
            self.compute()
            self.fileio()
            self.threads()
            self.scale()
        finally:
            self.runner.cleanup()
        self.compare_checks()

    def compare_checks(self):
        for key, per_plat in sorted(self.check_lines.items()):
            vals = {p: tuple(v) for p, v in per_plat.items()}
            if len(set(vals.values())) > 1:
                self.notes.append(f"Output check mismatch in `{key}`: " +
                                  "; ".join(f"{p}: {' / '.join(v)}" for p, v in vals.items()))


# --------------------------------------------------------------------------------------------
# Report


def meminfo_kib(key: str) -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def count_lines(path: str) -> int | None:
    try:
        with open(path, "rb") as f:
            return sum(1 for _ in f)
    except OSError:
        return None


def read_int(path: str) -> str:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return "?"


def status_kib(pid: int, key: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def machine() -> dict[str, str]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = meminfo_kib("MemTotal") or 0

    def ver(cmd):
        try:
            return run_quiet(cmd).stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            return "?"
    commit = ver(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = run_quiet(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"]).stdout.strip()
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "mem": f"{mem / 1048576:.1f} GiB",
        "kernel": platform.release(),
        "os": ver(["sh", "-c", ". /etc/os-release; echo $PRETTY_NAME"]),
        "clang": ver(["clang-16", "--version"]),
        "musl": ver(["sh", "-c", "dpkg-query -W -f='${Version}' musl-dev 2>/dev/null"]),
        "wasi-libc": ver(["sh", "-c", "dpkg-query -W -f='${Version}' wasi-libc 2>/dev/null"]),
        "commit": commit + (" (with uncommitted changes in the working tree)" if dirty else ""),
    }


TARGETS = [
    # (row key, text, kind, threshold): kind "ratio<=" / "ratio>=" vs native, "wasi<=", "abs<=", "abs>="
    ("getppid", "trivial syscall ≤ 1.0× native", "ratio<=", 1.0),
    ("pread1", "pread 1 B ≤ 1.0× native", "ratio<=", 1.0),
    ("pipe", "pipe throughput ≥ 1.0× native", "ratio>=", 1.0),
    ("fork", "fork+exit+wait ≤ 1 ms", "abs<=", 1000.0),
    ("spawn", "exec of a cached module ≤ 1 ms (posix_spawn+exec+exit+wait)", "abs<=", 1000.0),
    ("hello-warm", "CLI hello ≤ 10 ms warm", "abs<=", 10.0),
    ("lua", "compute (lua) ≤ 1.3× native", "ratio<=", 1.3),
    ("sqlite3", "compute (sqlite3) ≤ 1.3× native", "ratio<=", 1.3),
    ("matmul", "compute (C matmul) ≤ 1.3× native", "ratio<=", 1.3),
    ("matmul", "compute (C matmul) ≤ 1.0× WASI", "wasi<=", 1.0),
    ("sha256", "compute (C sha256) ≤ 1.3× native", "ratio<=", 1.3),
    ("sha256", "compute (C sha256) ≤ 1.0× WASI", "wasi<=", 1.0),
    ("matmul-np", "compute (C matmul, --no-preempt) ≤ 1.3× native", "ratio<=", 1.3),
    ("matmul-np", "compute (C matmul, --no-preempt) ≤ 1.0× WASI", "wasi<=", 1.0),
    ("sha256-np", "compute (C sha256, --no-preempt) ≤ 1.0× WASI", "wasi<=", 1.0),
    ("thread-create", "thread create + join ≤ 3× native", "ratio<=", 3.0),
    ("futex-pingpong-threads", "futex ping-pong between threads ≤ 2× native", "ratio<=", 2.0),
    ("futex-pingpong-procs", "futex ping-pong between processes (MAP_SHARED) ≤ 2× native", "ratio<=", 2.0),
    ("scale", "10,000 processes", "abs>=", 10000),
]


def ratio(row: Row, other: str) -> float | None:
    a, b = row.cell("wasmlinux").median(), row.cell(other).median()
    if a is None or b is None or b == 0:
        return None
    return a / b


def time_ratio(row: Row, other: str) -> float | None:
    """wasmlinux cost relative to `other` (>1 = wasmlinux slower), whatever the unit's direction."""
    r = ratio(row, other)
    if r is None or r == 0:
        return None
    return 1 / r if row.higher_is_better else r


def report(b: Bench, path: Path, elapsed: float, command: str, load: tuple, load_end: tuple) -> str:
    m = machine()
    rows = {r.key: r for r in b.rows}
    lines = []
    title = "wasmlinux benchmarks" + (" (--quick smoke test: small sizes, few runs; not for comparison)" if b.quick else "")
    lines += [f"# {title}", ""]
    lines += [
        f"- Date: {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"- Command: `{command}` (took {elapsed / 60:.1f} min)",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['mem']} RAM, Linux {m['kernel']}, {m['os']}",
        f"- Load average at start / end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} / "
        f"{load_end[0]:.2f} {load_end[1]:.2f} {load_end[2]:.2f} (shared machine: other builds may run concurrently)",
        f"- Commit: {m['commit']}",
        f"- Toolchains: native `musl-gcc -O2 -static` (musl {m['musl']}); wasmlinux `wasmlinux-cc -O2` (musl 1.2.5 wasm32 port); "
        f"WASI `clang-16 --target=wasm32-wasi -O2 {' '.join(WASM_FEATURES)}` (wasi-libc {m['wasi-libc']}); {m['clang']}",
        "- Engines: wasmlinux = target/release/wasmlinux; WASI = bench/wasi-host (wasmtime 48.0.8 + wasmtime-wasi 48.0.8 preview1, "
        "same Cranelift settings: defaults)",
        f"- Each cell: median (min–max) over {b.reps} runs (CLI hello: {3 if b.quick else 20} runs; scale: 1 run). "
        "Inner-loop rows are timed by the program itself (CLOCK_MONOTONIC); hello, lua and sqlite3 are timed around the "
        "whole process by the harness (includes process start-up, ~1 ms of it Python's spawn).",
        "- Ratios are wasmlinux ÷ other in the row's unit (so for MiB/s and procs higher is better, for times lower is better).",
        "",
        "## Results",
        "",
        "| Workload | Unit | native | wasmlinux | WASI | wasmlinux / native | wasmlinux / WASI |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in b.rows:
        cells = [r.cell(p).text(fmt_num) for p in PLATFORMS]
        rn, rw = ratio(r, "native"), ratio(r, "wasi")
        lines.append(f"| {r.title} | {r.unit} | " + " | ".join(c.replace("|", "/") for c in cells) +
                     f" | {f'{rn:.2f}×' if rn else '–'} | {f'{rw:.2f}×' if rw else '–'} |")
    lines += ["", "## Targets (reported as measured, not asserted)", "",
              "| Target | Measured | Status |", "|---|---|---|"]
    for key, text, kind, thr in TARGETS:
        r = rows.get(key)
        if r is None:
            continue
        wl = r.cell("wasmlinux")
        if kind == "ratio<=":  # a cost: compare times, whatever the row's unit
            v = time_ratio(r, "native")
            meas = f"{v:.2f}× native time" if v is not None else None
            ok = v is not None and v <= thr
        elif kind == "ratio>=":  # a throughput
            v = ratio(r, "native")
            meas = f"{v:.2f}× native" if v is not None else None
            ok = v is not None and v >= thr
        elif kind == "wasi<=":
            v = time_ratio(r, "wasi")
            meas = f"{v:.2f}× WASI time" if v is not None else None
            ok = v is not None and v <= thr
        else:
            v = wl.median()
            meas = f"{fmt_num(v)} {r.unit}" if v is not None else None
            ok = v is not None and (v <= thr if kind == "abs<=" else v >= thr)
        if meas is None:
            why = wl.note or r.cell("native").note or r.cell("wasi").note or "no value"
            lines.append(f"| {text} | – | not measured ({why.replace('|', '/')}) |")
        else:
            lines.append(f"| {text} | {meas} | {'met' if ok else 'missed'} |")
    lines += ["", "## Notes", ""]
    lines += [
        "- Engine settings differ on purpose and matter for compute: the bridge enables "
        "`epoch_interruption` (signals, CPU limits), a 64 KiB memory guard and non-moving memories; "
        "wasi-host uses wasmtime's defaults. `bench/wasi-host` can mimic the bridge "
        "(`WASI_HOST_EPOCH=1 WASI_HOST_GUARD=65536 WASI_HOST_NO_MOVE=1`) to isolate the effect.",
        "- WASI syscall rows run a tenth of the iterations (each preview1 call goes through "
        "wasmtime-wasi's async p2 layer, ~30× the cost), so each run stays around a second.",
        "- Native has no module cache: its two CLI hello rows are the same measurement (exec of a static binary).",
        "- Scale: wasmlinux RSS per process is the wasmlinux host process's VmRSS divided by the number "
        "of guest processes; native is the mean VmRSS of a sample of the children (shared pages counted "
        "in each).",
    ]
    for n in b.notes:
        lines.append(f"- {n}")
    pending = sorted({c.note for r in b.rows for c in r.cells.values() if c.note and c.note.startswith(("pending", "failed"))})
    for p in pending:
        lines.append(f"- {p}")
    prof = BENCH / "PROFILE.md"
    if prof.exists() and not b.quick:
        lines += ["", prof.read_text().strip()]
    lines.append("")
    return "\n".join(lines)


def validate(text: str, b: Bench) -> list[str]:
    """The smoke test: every row present, every cell filled, tables well-formed."""
    errs = []
    if not text.startswith("# wasmlinux benchmarks"):
        errs.append("missing title")
    for h in ("## Results", "## Targets", "## Notes", "- Machine:", "- Date:", "- Command:"):
        if h not in text:
            errs.append(f"missing {h!r}")
    table = [l for l in text.split("## Results", 1)[-1].split("## Targets", 1)[0].splitlines() if l.startswith("|")]
    if len(table) < 2 + len(b.rows):
        errs.append("results table is short")
    for l in table:
        if l.count("|") != 8:
            errs.append(f"malformed row: {l[:80]}")
    expected = {"getppid", "pread1", "devnull", "openclose", "stat", "pipe", "fork", "spawn", "hello-cold",
                "hello-warm", "lua", "sqlite3", "matmul", "sha256", "file-tmpfs-write", "file-tmpfs-read",
                "file-mount-write", "file-mount-read", "thread-create", "mutex-uncontended", "mutex-contended",
                "futex-pingpong-threads", "futex-pingpong-procs", "shm-write", "shm-read", "scale"}
    have = {r.key for r in b.rows}
    if not b.args.only and expected - have:
        errs.append(f"rows missing: {sorted(expected - have)}")
    for r in b.rows:
        for p in PLATFORMS:
            c = r.cell(p)
            if not c.note and not c.values:
                errs.append(f"{r.key}/{p}: empty cell")
            if not c.note and any(v != v or v < 0 for v in c.values):
                errs.append(f"{r.key}/{p}: bad value {c.values}")
            if c.note and not re.match(r"(N/A|pending|failed): ", c.note):
                errs.append(f"{r.key}/{p}: unexplained note {c.note!r}")
        if r.cell("native").note and r.cell("native").note.startswith("failed"):
            errs.append(f"{r.key}: native failed: {r.cell('native').note}")
    return errs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smoke test: small sizes, 3 runs, report in bench/out")
    ap.add_argument("--only", nargs="*", help="run only rows whose key starts with one of these")
    ap.add_argument("--output", help="report path (default bench/RESULTS.md, or bench/out/RESULTS.quick.md)")
    ap.add_argument("--command", default=" ".join(["bench/run.py"] + sys.argv[1:]), help="command line recorded in the report")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    t0 = time.time()
    b = Bench(args)
    b.run_all()
    out = Path(args.output) if args.output else (OUT / "RESULTS.quick.md" if args.quick
                                                  else (OUT / "RESULTS.partial.md" if args.only else BENCH / "RESULTS.md"))
    text = report(b, out, time.time() - t0, args.command, load, os.getloadavg())
    out.write_text(text)
    log(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out} in {time.time() - t0:.0f} s")
    errs = validate(text, b)
    if errs:
        for e in errs:
            log(f"report invalid: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
