//! Every Full/Partial row of the table has a test that asserts its result (see
//! `every_supported_row_is_tested`), and strace output.
mod common;
use common::*;
use std::sync::{Arc, Mutex};
use wasmlinux_kernel::syscall::{nr, Support, TABLE};

#[test]
fn every_supported_row_is_tested() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests");
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "rs") {
            text.push_str(&std::fs::read_to_string(&p).unwrap());
        }
    }
    let mut missing = Vec::new();
    let mut covered = 0;
    for r in TABLE {
        if matches!(r.support, Support::Enosys(_)) {
            continue;
        }
        let pat = format!("nr::{}", r.name);
        let found = text.match_indices(&pat).any(|(i, _)| !text[i + pat.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_'));
        if found {
            covered += 1;
        } else {
            missing.push(r.name);
        }
    }
    assert!(missing.is_empty(), "supported rows without a test: {missing:?}");
    assert!(covered >= 180, "only {covered} supported rows");
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
