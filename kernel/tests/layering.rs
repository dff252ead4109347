//! The kernel's layers (docs/ARCHITECTURE.md, "Layers"): every file under
//! `kernel/src` belongs to a top-level module; a module may use modules of
//! its own layer or of lower layers, never of a higher one. References are
//! `use crate::x...`, `use crate::{x, y::z}`, `crate::x::` paths in code
//! and `super::` chains that climb to the crate root. Comments and string
//! literals are ignored. The handle type `crate::Kernel` (re-exported at
//! the crate root) is not a module and may be named anywhere.
//!
//! Calls through methods of `Kernel` defined in another module's
//! `impl Kernel` block are invisible here (they import nothing); the
//! layers constrain imports, which is where cycles used to come from.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Lowest first. Modules in one layer may use each other.
const LAYERS: &[(&str, &[&str])] = &[
    ("foundation: ABI structs, errno, the host and guest-memory interfaces", &["abi", "error", "api", "mem"]),
    ("wait queues, credentials", &["wait", "cred"]),
    ("open files and the VFS core (path walk, mounts, inodes, file locks)", &["file", "vfs"]),
    ("address-space map", &["mm"]),
    ("tasks, processes and signals", &["task", "signal"]),
    ("subsystems", &["futex", "pipe", "fs", "tty", "net", "epoll", "eventfd", "signalfd", "timerfd", "ipc"]),
    ("syscall layer: decode, validate, call a subsystem, copy out", &["syscall"]),
    ("entry: Kernel::syscall and strace", &["kernel_impl", "strace"]),
];

/// Modules allowed to import `crate::syscall`.
const SYSCALL_USERS: &[&str] = &["syscall", "kernel_impl", "strace"];

/// The top-level module a file (path relative to `src/`) belongs to;
/// `None` for the crate root.
fn module_of(rel: &str) -> Option<String> {
    let first = rel.split('/').next()?;
    if rel == "lib.rs" {
        return None;
    }
    Some(first.trim_end_matches(".rs").to_string())
}

/// `src` with comments, string and char literals blanked (newlines kept,
/// so line numbers stay right).
fn strip(src: &str) -> String {
    let b: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && (i == 0 || !is_ident(b[i - 1])) {
            // Raw string r"..." / r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            while j < b.len() {
                if b[j] == '"' && (0..hashes).all(|h| b.get(j + 1 + h) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            for &ch in &b[i..j.min(b.len())] {
                out.push(blank(ch));
            }
            i = j;
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < b.len() {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' && (next == Some('\\') || b.get(i + 2) == Some(&'\'')) {
            // A char literal ('x', '\n', '\''); lifetimes are left alone.
            let mut j = i + 1;
            if b.get(j) == Some(&'\\') {
                j += 2;
            } else {
                j += 1;
            }
            while j < b.len() && b[j] != '\'' {
                j += 1;
            }
            for _ in i..=j.min(b.len() - 1) {
                out.push(' ');
            }
            i = j + 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Top-level names a `{...}` group starting at `b[i]` (just after `{`)
/// lists: `{a, b::c, d::{e}}` → a, b, d.
fn group_heads(b: &[char], mut i: usize) -> Vec<(usize, String)> {
    let mut heads = Vec::new();
    let mut depth = 1;
    let mut at_head = true;
    while i < b.len() && depth > 0 {
        let c = b[i];
        if c == '{' {
            depth += 1;
            i += 1;
        } else if c == '}' {
            depth -= 1;
            i += 1;
        } else if c == ',' {
            if depth == 1 {
                at_head = true;
            }
            i += 1;
        } else if is_ident(c) {
            let start = i;
            while i < b.len() && is_ident(b[i]) {
                i += 1;
            }
            if at_head && depth == 1 {
                heads.push((start, b[start..i].iter().collect()));
                at_head = false;
            }
        } else {
            i += 1;
        }
    }
    heads
}

/// Every reference to a top-level module in file `rel` (path relative to
/// `src/`): (1-based line, module name). Names that are not modules
/// (`crate::Kernel`) are returned too; the caller filters them.
fn references(rel: &str, src: &str) -> Vec<(usize, String)> {
    let text = strip(src);
    let b: Vec<char> = text.chars().collect();
    let line_at = |pos: usize| b[..pos].iter().filter(|&&c| c == '\n').count() + 1;
    // How many `super::` reach the crate root from this file.
    let depth = {
        let parts: Vec<&str> = rel.split('/').collect();
        let last = *parts.last().unwrap_or(&"");
        let dirs = parts.len() - 1;
        if last == "mod.rs" || last == "lib.rs" {
            dirs
        } else {
            dirs + 1
        }
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !is_ident(b[i]) || (i > 0 && (is_ident(b[i - 1]) || b[i - 1] == ':')) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && is_ident(b[i]) {
            i += 1;
        }
        let word: String = b[start..i].iter().collect();
        if word != "crate" && word != "super" {
            continue;
        }
        // Walk a path: crate::x / super::super::x / $crate::x.
        let mut j = i;
        let mut supers = usize::from(word == "super");
        let is_crate = word == "crate";
        loop {
            let mut k = j;
            while k < b.len() && b[k].is_whitespace() {
                k += 1;
            }
            if !(b.get(k) == Some(&':') && b.get(k + 1) == Some(&':')) {
                break;
            }
            k += 2;
            while k < b.len() && b[k].is_whitespace() {
                k += 1;
            }
            if b.get(k) == Some(&'{') {
                if is_crate || supers == depth {
                    for (pos, name) in group_heads(&b, k + 1) {
                        if name == "super" || name == "self" {
                            continue;
                        }
                        out.push((line_at(pos), name));
                    }
                }
                break;
            }
            let s = k;
            while k < b.len() && is_ident(b[k]) {
                k += 1;
            }
            let seg: String = b[s..k].iter().collect();
            if !is_crate && seg == "super" {
                supers += 1;
                j = k;
                continue;
            }
            if (is_crate || supers == depth) && !seg.is_empty() {
                out.push((line_at(s), seg));
            }
            break;
        }
        i = j.max(i);
    }
    out
}

/// The layer index of every module.
fn ranks(layers: &[(&str, &[&str])]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for (i, (_, mods)) in layers.iter().enumerate() {
        for &name in mods.iter() {
            assert!(m.insert(name.to_string(), i).is_none(), "{name} is in two layers");
        }
    }
    m
}

/// Violations in `files` (path relative to `src/`, contents): a module
/// missing from the layers, a reference to a module of a higher layer, or
/// an import of `crate::syscall` from outside [`SYSCALL_USERS`].
fn check(files: &[(String, String)], layers: &[(&str, &[&str])]) -> Vec<String> {
    let rank = ranks(layers);
    let mut errors = Vec::new();
    for (rel, src) in files {
        let Some(me) = module_of(rel) else { continue };
        let Some(&my_rank) = rank.get(&me) else {
            errors.push(format!(
                "kernel/src/{rel}: module `{me}` is in no layer (add it to LAYERS and docs/ARCHITECTURE.md)"
            ));
            continue;
        };
        for (line, target) in references(rel, src) {
            if target == me {
                continue;
            }
            if target == "syscall" && !SYSCALL_USERS.contains(&me.as_str()) {
                errors.push(format!(
                    "kernel/src/{rel}:{line}: `{me}` imports `crate::syscall` (only {SYSCALL_USERS:?} may)"
                ));
                continue;
            }
            let Some(&their_rank) = rank.get(&target) else { continue };
            if their_rank > my_rank {
                errors.push(format!(
                    "kernel/src/{rel}:{line}: `{me}` (layer {my_rank}: {}) imports `{target}` (layer {their_rank}: {})",
                    layers[my_rank].0, layers[their_rank].0
                ));
            }
        }
    }
    errors
}

/// module → modules it references (module names only).
fn graph(files: &[(String, String)], modules: &BTreeSet<String>) -> BTreeMap<String, BTreeSet<String>> {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, src) in files {
        let Some(me) = module_of(rel) else { continue };
        for (_, target) in references(rel, src) {
            if target != me && modules.contains(&target) {
                g.entry(me.clone()).or_default().insert(target);
            }
        }
    }
    g
}

/// Modules reachable from `from` in `g` (excluding `from` unless on a cycle).
fn reachable(g: &BTreeMap<String, BTreeSet<String>>, from: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = g.get(from).into_iter().flatten().cloned().collect();
    while let Some(m) = stack.pop() {
        if seen.insert(m.clone()) {
            stack.extend(g.get(&m).into_iter().flatten().cloned());
        }
    }
    seen
}

/// The files of `kernel/src` (or of the tree `LAYERING_SRC` names, to
/// check another checkout).
fn source_files() -> Vec<(String, String)> {
    let root = match std::env::var_os("LAYERING_SRC") {
        Some(dir) => std::path::PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
    };
    let mut out = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let rel = p.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
                out.push((rel, std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn kernel_modules_respect_the_layers() {
    let files = source_files();
    assert!(files.len() > 50, "found only {} files", files.len());
    let errors = check(&files, LAYERS);
    assert!(errors.is_empty(), "layering violations:\n{}", errors.join("\n"));
    // Every module lib.rs declares is placed in a layer.
    let lib = &files.iter().find(|(r, _)| r == "lib.rs").expect("lib.rs").1;
    let rank = ranks(LAYERS);
    for line in strip(lib).lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if let Some(i) = words.iter().position(|w| *w == "mod") {
            let name = words[i + 1].trim_end_matches(';');
            assert!(rank.contains_key(name), "lib.rs declares `{name}`, which is in no layer");
        }
    }
}

/// No cycle through the syscall layer: nothing syscall/ uses leads back to
/// it, and the only users of syscall are the entry modules.
#[test]
fn no_cycle_between_syscall_and_the_subsystems() {
    let files = source_files();
    let modules: BTreeSet<String> = ranks(LAYERS).into_keys().collect();
    let g = graph(&files, &modules);
    assert!(g["syscall"].len() >= 10, "syscall uses {:?}", g["syscall"]);
    assert!(!reachable(&g, "syscall").contains("syscall"), "a module syscall uses leads back to syscall");
    let users: BTreeSet<&str> = g.iter().filter(|(_, ds)| ds.contains("syscall")).map(|(m, _)| m.as_str()).collect();
    assert_eq!(users, BTreeSet::from(["kernel_impl", "strace"]));
}

fn files(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[test]
fn checker_finds_upward_imports_and_names_file_and_line() {
    let bad = files(&[
        (
            "task/exec.rs",
            "//! doc: crate::syscall is mentioned here\nuse crate::mm::Mm;\nuse crate::syscall::{Ctx, AT_FDCWD};\n",
        ),
        ("file.rs", "fn drop() {\n    let s = \"crate::syscall\";\n    crate::syscall::lock::on_last_close(x);\n}\n"),
        ("vfs/ops.rs", "use crate::{error::Errno, tty::open};\n"),
        ("pipe/fifo.rs", "use super::super::syscall::Ctx;\nuse super::Pipe;\n"),
        ("wait.rs", "use super::task::Task;\n"),
        ("syscall/io.rs", "use crate::task::lock;\nuse crate::tty;\nuse super::Ctx;\n"),
        ("kernel_impl.rs", "use crate::syscall::{self, Args};\nuse crate::Kernel;\n"),
        ("newmod/mod.rs", "use crate::error::Errno;\n"),
    ]);
    let errors = check(&bad, LAYERS);
    let expect = [
        "kernel/src/task/exec.rs:3: `task` imports `crate::syscall`",
        "kernel/src/file.rs:3: `file` imports `crate::syscall`",
        "kernel/src/vfs/ops.rs:1: `vfs` (layer 2: ",
        "kernel/src/pipe/fifo.rs:1: `pipe` imports `crate::syscall`",
        "kernel/src/wait.rs:1: `wait` (layer 1: ",
        "kernel/src/newmod/mod.rs: module `newmod` is in no layer",
    ];
    assert_eq!(errors.len(), expect.len(), "{errors:#?}");
    for (e, want) in errors.iter().zip(expect) {
        assert!(e.starts_with(want), "{e:?} should start with {want:?}");
    }
    assert!(errors[2].contains("imports `tty`"), "{}", errors[2]);
    assert!(errors[4].contains("imports `task`"), "{}", errors[4]);

    // The same files, fixed, pass.
    let good = files(&[
        ("task/exec.rs", "use crate::mm::Mm;\nuse crate::vfs::{AT_FDCWD, PathHandle};\nuse crate::Kernel;\n"),
        ("file.rs", "use crate::vfs::lock::FileLocks;\n"),
        ("syscall/io.rs", "use crate::task::lock;\nuse crate::tty;\nuse super::Ctx;\n"),
    ]);
    assert_eq!(check(&good, LAYERS), Vec::<String>::new());
}

#[test]
fn checker_cycle_detection_sees_a_cycle() {
    let cyclic =
        files(&[("syscall/mod.rs", "use crate::task::Task;\n"), ("task/exec.rs", "use crate::syscall::Ctx;\n")]);
    let modules: BTreeSet<String> = ["syscall", "task"].iter().map(|s| s.to_string()).collect();
    let g = graph(&cyclic, &modules);
    assert!(reachable(&g, "syscall").contains("syscall"));
    let acyclic = files(&[("syscall/mod.rs", "use crate::task::Task;\n"), ("task/exec.rs", "use crate::mm::Mm;\n")]);
    assert!(!reachable(&graph(&acyclic, &modules), "syscall").contains("syscall"));
}

#[test]
fn strip_keeps_lines_and_drops_comments_and_strings() {
    let s = "a /* x\n y */ b // c\n\"d\\\"e\" r#\"f\"# 'g' '\\n' &'a str\n";
    let t = strip(s);
    assert_eq!(t.lines().count(), s.lines().count());
    assert!(t.contains('a') && t.contains('b') && t.contains("&'a str"));
    for gone in ['x', 'y', 'c', 'd', 'e', 'f', 'g'] {
        assert!(!t.contains(gone), "{gone} left in {t:?}");
    }
}
