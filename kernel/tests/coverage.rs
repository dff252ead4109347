//! Every Full/Partial row of the table has a test that asserts its result
//! (the convention is `asserted_rows`), and strace output.
mod common;
use common::*;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use wasmlinux_kernel::syscall::{nr, Support, TABLE};

/// The convention `every_supported_row_is_tested` checks: a row is tested
/// when `nr::<name>` appears in code (not in a comment or a string) either
/// inside an assertion (`assert!`, `assert_eq!`, `assert_ne!`, `matches!`,
/// `panic!`-ing `match`), e.g. `assert_eq!(e.call(nr::dup, &[1]), 3)`, or in
/// the initializer of a `let` whose bound name is later asserted on in the
/// same function, e.g. `let fd = e.call(nr::openat, ..); assert!(fd >= 0)`,
/// or in the scrutinee of a `match` whose arms assert or panic.
fn asserted_rows(src: &str) -> BTreeSet<String> {
    let s = code_only(src);
    let b = s.as_bytes();
    let mut found = BTreeSet::new();
    // 1. nr::X inside an assertion.
    for (open, close) in assertion_spans(&s) {
        found.extend(nr_names(&s[open..close]));
    }
    // 2. `let PAT = ..nr::X..;` with a name of PAT asserted later in the function.
    let fn_starts: Vec<usize> = word_positions(&s, "fn");
    for at in word_positions(&s, "let") {
        let Some(eq) = s[at..].find('=').map(|i| at + i) else { continue };
        let Some(end) = statement_end(b, eq) else { continue };
        let names = nr_names(&s[eq..end]);
        if names.is_empty() {
            continue;
        }
        let bound: Vec<&str> = idents(&s[at + 3..eq]).into_iter().filter(|w| *w != "mut").collect();
        let fn_end = fn_starts.iter().copied().find(|&f| f > end).unwrap_or(s.len());
        let asserted = assertion_spans(&s[end..fn_end])
            .into_iter()
            .any(|(o, c)| idents(&s[end + o..end + c]).iter().any(|w| bound.contains(w)));
        if asserted {
            found.extend(names);
        }
    }
    // 3. `match ..nr::X.. { arms }` whose arms assert or panic.
    for at in word_positions(&s, "match") {
        let Some(brace) = s[at..].find('{').map(|i| at + i) else { continue };
        let names = nr_names(&s[at..brace]);
        if names.is_empty() {
            continue;
        }
        let Some(close) = matching(b, brace) else { continue };
        let arms = &s[brace..close];
        if !assertion_spans(arms).is_empty()
            || word_positions(arms, "panic").iter().any(|&p| arms[p..].starts_with("panic!"))
        {
            found.extend(names);
        }
    }
    found
}

/// `src` with comments removed and the contents of string and char
/// literals blanked (so a name in a comment or message does not count).
fn code_only(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < c.len() {
        if c[i] == '/' && c.get(i + 1) == Some(&'/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if c[i] == '/' && c.get(i + 1) == Some(&'*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c[i] == 'r'
            && (c.get(i + 1) == Some(&'"') || c.get(i + 1) == Some(&'#'))
            && (i == 0 || !is_ident(c[i - 1]))
        {
            // raw string r"..." / r#"..."#
            let mut j = i + 1;
            let mut hashes = 0;
            while c.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if c.get(j) != Some(&'"') {
                out.push(c[i]);
                i += 1;
                continue;
            }
            j += 1;
            while j < c.len() && !(c[j] == '"' && (0..hashes).all(|h| c.get(j + 1 + h) == Some(&'#'))) {
                j += 1;
            }
            out.push_str("\"\"");
            i = j + 1 + hashes;
        } else if c[i] == '"' {
            i += 1;
            while i < c.len() && c[i] != '"' {
                i += if c[i] == '\\' { 2 } else { 1 };
            }
            out.push_str("\"\"");
            i += 1;
        } else if c[i] == '\'' && (c.get(i + 2) == Some(&'\'') || c.get(i + 1) == Some(&'\\')) {
            // char literal ('x', '\n', '\u{..}'); a lifetime has no closing quote
            i += 1;
            while i < c.len() && c[i] != '\'' {
                i += if c[i] == '\\' { 2 } else { 1 };
            }
            out.push_str("' '");
            i += 1;
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Byte positions of `word` as a whole identifier.
fn word_positions(s: &str, word: &str) -> Vec<usize> {
    s.match_indices(word)
        .map(|(i, _)| i)
        .filter(|&i| !s[..i].ends_with(is_ident) && !s[i + word.len()..].starts_with(is_ident))
        .collect()
}

fn idents(s: &str) -> Vec<&str> {
    s.split(|c: char| !is_ident(c)).filter(|w| w.starts_with(|c: char| c.is_alphabetic() || c == '_')).collect()
}

/// The `X` of every `nr::X` in `s`.
fn nr_names(s: &str) -> Vec<String> {
    word_positions(s, "nr")
        .into_iter()
        .filter(|&i| s[i + 2..].starts_with("::"))
        .map(|i| s[i + 4..].chars().take_while(|&c| is_ident(c)).collect::<String>())
        .collect()
}

/// Index of the bracket closing the one at `open`.
fn matching(b: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (i, &ch) in b.iter().enumerate().skip(open) {
        match ch {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// End (the `;`) of the statement containing `from`, at bracket depth 0.
fn statement_end(b: &[u8], from: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (i, &ch) in b.iter().enumerate().skip(from) {
        match ch {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth < 0 {
                    return None;
                }
            }
            b';' if depth == 0 => return Some(i),
            _ => {}
        }
    }
    None
}

/// (open paren, close paren) of every assertion macro call in `s`.
fn assertion_spans(s: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    for mac in ["assert", "assert_eq", "assert_ne", "matches"] {
        for at in word_positions(s, mac) {
            let rest = &s[at + mac.len()..];
            if rest.starts_with("!(") {
                let open = at + mac.len() + 1;
                if let Some(close) = matching(s.as_bytes(), open) {
                    spans.push((open, close));
                }
            }
        }
    }
    spans
}

#[test]
fn every_supported_row_is_tested() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests");
    let mut asserted = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "rs") {
            asserted.extend(asserted_rows(&std::fs::read_to_string(&p).unwrap()));
        }
    }
    let mut missing = Vec::new();
    let mut covered = 0;
    for r in TABLE {
        if matches!(r.support, Support::Enosys(_)) {
            continue;
        }
        if asserted.contains(r.name) {
            covered += 1;
        } else {
            missing.push(r.name);
        }
    }
    assert!(missing.is_empty(), "supported rows without a test that asserts their result: {missing:?}");
    assert!(covered >= 180, "only {covered} supported rows");
}

/// The check itself: what counts and what does not.
#[test]
fn coverage_convention_rejects_unasserted_mentions() {
    let rows = |src: &str| asserted_rows(src).into_iter().collect::<Vec<_>>();
    // Only in a comment, a doc comment, a block comment or a string: not tested.
    assert!(rows("fn t() {\n    // assert_eq!(e.call(nr::dup, &[1]), 3);\n}\n").is_empty());
    assert!(rows("/// nr::dup\n/* assert!(nr::dup > 0) */ fn t() {}").is_empty());
    assert!(rows("fn t() { assert!(ok, \"nr::dup\"); }").is_empty());
    // Called, but the result is dropped or never asserted: not tested.
    assert!(rows("fn t() { e.call(nr::dup, &[1]); }").is_empty());
    assert!(rows("fn t() { let fd = e.call(nr::dup, &[1]); assert!(x > 0); }").is_empty());
    assert!(rows("fn t() { let fd = e.call(nr::dup, &[1]); }\nfn u() { assert!(fd > 0); }").is_empty());
    // Asserted directly, through a binding, or through a match that panics.
    assert_eq!(rows("fn t() { assert_eq!(e.call(nr::dup, &[1]), 3); }"), ["dup"]);
    assert_eq!(rows("fn t() { let (a, mut b) = e.call(nr::dup, &[1]); assert_eq!(b, 3); }"), ["dup"]);
    assert_eq!(rows("fn t() { match e.sc(nr::execve, &[]) { Exec(_) => {} o => panic!(\"{o:?}\") } }"), ["execve"]);
    assert_eq!(rows("fn t() { assert!(matches!(e.sc(nr::exit, &[0]), SyscallOutcome::Exit)); }"), ["exit"]);
    // `nr::dup` does not count for `dup3`, nor a string for code after it.
    assert_eq!(rows("fn t() { assert_eq!(e.call(nr::dup3, &[1, 5, 0]), 5, \"nr::dup\"); }"), ["dup3"]);
}

#[test]
fn strace_lines() {
    let mut e = Env::new();
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let l2 = lines.clone();
    e.k.set_strace(Some(Box::new(move |s: &str| l2.lock().unwrap().push(s.to_string()))));
    e.put(SCRATCH, b"hi\n");
    e.call(nr::write, &[1, SCRATCH, 3]);
    e.call(nr::close, &[55]);
    e.cstr(SCRATCH + 64, "/etc/passwd");
    e.call(nr::openat, &[(-100i32) as u32, SCRATCH + 64, 0, 0]);
    e.k.set_strace(None);
    e.call(nr::getpid, &[]);
    let l = lines.lock().unwrap();
    assert_eq!(l[0], "[pid 1] write(1, \"hi\\n\", 3) = 3");
    assert_eq!(l[1], "[pid 1] close(55) = -1 EBADF (Bad file descriptor)");
    assert_eq!(l[2], "[pid 1] openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY) = -1 ENOENT (No such file or directory)");
    assert_eq!(l.len(), 3);
}
