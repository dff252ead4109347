//! Syscall-number agreement: the exported `<asm/unistd.h>` for wasm32, musl's
//! `sysroot/arch/wasm32/bits/syscall.h.in` and the kernel's table
//! (`wasmlinux_kernel::syscall::syscall_table()`) must be one set of (number, name).
//!
//! * The uapi and musl numbers are read by clang-16 itself (`-dM -E` for the names, then an
//!   object compiled for wasm32 whose globals hold the values), so macro indirections
//!   (`__NR_fcntl64 -> __NR3264_fcntl`) resolve exactly as in a guest program.
//! * `#define __NR_a __NR_b` in musl is an alias (e.g. `futex -> futex_time64`), not a row.
//! * Name spellings that legitimately differ are listed in `SPELLINGS` (asm-generic says
//!   `llseek`, musl and the kernel `_llseek`).
//! * Rules: every uapi number is in musl and in the kernel with the same name; every musl number
//!   below uapi's `__NR_syscalls` is in uapi with the same name; musl numbers at or above it
//!   (calls newer than the pinned 6.1 headers) must be in the kernel; every kernel row is in
//!   uapi or musl.
//!
//! Needs clang-16 and the exported headers (`sysroot/uapi/export-headers.sh`, run on demand).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

/// Disagreements known today, each with its owner. The test fails on any other disagreement
/// and also when a listed one is gone (remove it here: this list only shrinks).
const KNOWN: &[&str] = &[
    // kernel (syscall/table.rs): musl lists two calls newer than the pinned 6.1 uapi; the
    // kernel table needs Enosys rows for them (or musl drops them).
    "451 cachestat: in musl, missing from the kernel table",
    "452 fchmodat2: in musl, missing from the kernel table",
];

/// (asm-generic name, name used by musl and the kernel).
const SPELLINGS: &[(&str, &str)] = &[("llseek", "_llseek")];

mod common;
use common::{build_dir, root};

fn include_dir() -> PathBuf {
    let root = root();
    let include = build_dir().join("sysroot/include");
    let status = Command::new("bash")
        .arg(root.join("sysroot/uapi/export-headers.sh"))
        .arg(&include)
        .status()
        .expect("run export-headers.sh");
    assert!(status.success(), "export-headers.sh failed");
    include
}

fn clang(args: &[&str], stdin: &str) -> String {
    use std::io::Write;
    let mut child = Command::new("clang-16")
        .args(["--target=wasm32-unknown-unknown", "-nostdinc"])
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("clang-16 must be installed");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "clang-16 {args:?} failed:\n{}\n--- input ---\n{stdin}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `__NR_*` numbers visible after `#include <header>`: name -> number, plus aliases
/// (name -> target name) for `#define __NR_a __NR_b`.
fn numbers(include_args: &[&str], header: &str) -> (BTreeMap<String, u32>, BTreeMap<String, String>) {
    let src = format!("#include \"{header}\"\n");
    let mut args: Vec<&str> = include_args.to_vec();
    args.extend(["-dM", "-E", "-x", "c", "-"]);
    let defines = clang(&args, &src);
    let mut names = Vec::new();
    let mut aliases = BTreeMap::new();
    for line in defines.lines() {
        let mut parts = line.split_whitespace();
        if parts.next() != Some("#define") {
            continue;
        }
        let (Some(name), Some(value)) = (parts.next(), parts.next()) else {
            continue;
        };
        let Some(short) = name.strip_prefix("__NR_") else {
            continue;
        };
        if short == "syscalls" || short == "arch_specific_syscall" {
            continue;
        }
        if let Some(target) = value.strip_prefix("__NR_") {
            aliases.insert(short.to_string(), target.to_string());
        } else {
            names.push(short.to_string());
        }
    }
    // Values: one global per name, read back from LLVM IR.
    let mut probe = format!("#include \"{header}\"\n");
    for n in &names {
        probe.push_str(&format!("unsigned wl_nr_{n} = __NR_{n};\n"));
    }
    let mut args: Vec<&str> = include_args.to_vec();
    args.extend(["-S", "-emit-llvm", "-o", "-", "-x", "c", "-"]);
    let ir = clang(&args, &probe);
    let mut map = BTreeMap::new();
    for line in ir.lines() {
        // @wl_nr_read = global i32 63, align 4
        let Some(rest) = line.strip_prefix("@wl_nr_") else {
            continue;
        };
        let (name, rest) = rest.split_once(' ').unwrap();
        let value = rest
            .split(", align")
            .next()
            .and_then(|s| s.rsplit(' ').next())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or_else(|| panic!("cannot parse IR line {line}"));
        map.insert(name.to_string(), value);
    }
    assert_eq!(map.len(), names.len(), "some __NR_ values were not read back");
    (map, aliases)
}

fn canonical(name: &str) -> String {
    SPELLINGS
        .iter()
        .find(|(generic, _)| *generic == name)
        .map(|(_, ours)| ours.to_string())
        .unwrap_or_else(|| name.to_string())
}

/// number -> name, checking that no number has two names.
fn by_number(src: &str, map: &BTreeMap<String, u32>) -> BTreeMap<u32, String> {
    let mut out = BTreeMap::new();
    for (name, &nr) in map {
        if let Some(old) = out.insert(nr, canonical(name)) {
            panic!("{src}: number {nr} has two names: {old} and {name}");
        }
    }
    out
}

fn uapi_numbers() -> (BTreeMap<u32, String>, u32) {
    let include = include_dir();
    let inc = format!("-I{}", include.display());
    let (map, _aliases) = numbers(&[&inc], "asm/unistd.h");
    let nr_syscalls =
        clang(&[&inc, "-E", "-P", "-x", "c", "-"], "#include <asm/unistd.h>\nWL_NR_SYSCALLS __NR_syscalls\n");
    let nr_syscalls: u32 = nr_syscalls
        .lines()
        .find_map(|l| l.strip_prefix("WL_NR_SYSCALLS "))
        .expect("__NR_syscalls")
        .trim()
        .parse()
        .expect("__NR_syscalls is a number");
    (by_number("asm/unistd.h", &map), nr_syscalls)
}

fn musl_numbers() -> (BTreeMap<u32, String>, BTreeMap<String, String>) {
    let path = root().join("sysroot/arch/wasm32/bits/syscall.h.in");
    let (map, aliases) = numbers(&[], path.to_str().unwrap());
    (by_number("musl syscall.h.in", &map), aliases)
}

fn kernel_numbers() -> BTreeMap<u32, String> {
    let mut out = BTreeMap::new();
    for (nr, name, _support) in wasmlinux_kernel::syscall::syscall_table() {
        if let Some(old) = out.insert(nr, name.to_string()) {
            panic!("kernel table: number {nr} appears twice ({old}, {name})");
        }
    }
    out
}

/// Fails on disagreements not in `KNOWN`; `mine` says which `KNOWN` entries this check can
/// produce, and those must still occur.
fn report(problems: &[String], mine: impl Fn(&str) -> bool) {
    let new: Vec<&String> = problems.iter().filter(|p| !KNOWN.contains(&p.as_str())).collect();
    let fixed: Vec<&&str> = KNOWN.iter().filter(|k| mine(k) && !problems.iter().any(|p| p == *k)).collect();
    for p in problems.iter().filter(|p| KNOWN.contains(&p.as_str())) {
        eprintln!("known disagreement: {p}");
    }
    assert!(
        new.is_empty(),
        "{} new syscall-number disagreements:\n  {}",
        new.len(),
        new.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n  ")
    );
    assert!(fixed.is_empty(), "fixed, remove from KNOWN in sysroot/tests/syscall_numbers.rs: {fixed:?}");
}

#[test]
fn uapi_has_the_32bit_time64_table() {
    let (uapi, nr_syscalls) = uapi_numbers();
    let name = |nr: u32| uapi.get(&nr).map(String::as_str);
    assert_eq!(name(422), Some("futex_time64"));
    assert_eq!(name(222), Some("mmap2"));
    assert_eq!(name(25), Some("fcntl64"));
    assert_eq!(name(62), Some("_llseek"));
    assert_eq!(name(79), Some("fstatat64"));
    assert_eq!(name(435), Some("clone3"));
    assert_eq!(name(98), None, "time32 futex must be absent");
    assert_eq!(name(113), None, "time32 clock_gettime must be absent");
    assert_eq!(name(163), None, "getrlimit is not wanted (prlimit64)");
    assert_eq!(name(38), None, "renameat is not wanted (renameat2)");
    assert!(uapi.keys().all(|&nr| nr < nr_syscalls));
    eprintln!("asm/unistd.h: {} numbers, __NR_syscalls {nr_syscalls}", uapi.len());
}

#[test]
fn uapi_and_musl_agree() {
    let (uapi, nr_syscalls) = uapi_numbers();
    let (musl, aliases) = musl_numbers();
    let mut problems = Vec::new();
    for (nr, name) in &uapi {
        match musl.get(nr) {
            None => problems.push(format!("{nr} {name}: in asm/unistd.h, missing from musl")),
            Some(m) if m != name => problems.push(format!("{nr}: asm/unistd.h says {name}, musl says {m}")),
            Some(_) => {}
        }
    }
    for (nr, name) in &musl {
        if *nr < nr_syscalls && !uapi.contains_key(nr) {
            problems.push(format!("{nr} {name}: in musl, not in asm/unistd.h"));
        }
    }
    let musl_names: std::collections::BTreeSet<&String> = musl.values().collect();
    for (alias, target) in &aliases {
        if !musl_names.contains(&canonical(target)) {
            problems.push(format!("musl alias __NR_{alias} -> __NR_{target}: no such number"));
        }
    }
    let newer: Vec<String> = musl.range(nr_syscalls..).map(|(nr, n)| format!("{nr} {n}")).collect();
    eprintln!(
        "compared {} asm/unistd.h numbers with {} musl numbers ({} aliases); newer than the \
         pinned uapi: {newer:?}",
        uapi.len(),
        musl.len(),
        aliases.len()
    );
    report(&problems, |k| k.contains("musl") && !k.contains("kernel"));
}

#[test]
fn kernel_table_covers_uapi_and_musl() {
    let (uapi, nr_syscalls) = uapi_numbers();
    let kernel = kernel_numbers();
    let musl = musl_numbers().0;
    let mut problems = Vec::new();
    for (nr, name) in &uapi {
        match kernel.get(nr) {
            None => problems
                .push(format!("{nr} {name}: in asm/unistd.h, missing from the kernel table (add an Enosys row)")),
            Some(k) if k != name => problems.push(format!("{nr}: asm/unistd.h says {name}, the kernel says {k}")),
            Some(_) => {}
        }
    }
    for (nr, name) in musl.range(nr_syscalls..) {
        match kernel.get(nr) {
            None => problems.push(format!("{nr} {name}: in musl, missing from the kernel table")),
            Some(k) if k != name => problems.push(format!("{nr}: musl says {name}, the kernel says {k}")),
            Some(_) => {}
        }
    }
    for (nr, name) in &kernel {
        if !uapi.contains_key(nr) && !musl.contains_key(nr) {
            problems.push(format!("{nr} {name}: in the kernel table, in neither asm/unistd.h nor musl"));
        }
    }
    eprintln!("compared {} kernel rows with {} asm/unistd.h and {} musl numbers", kernel.len(), uapi.len(), musl.len());
    report(&problems, |k| k.contains("kernel"));
}
