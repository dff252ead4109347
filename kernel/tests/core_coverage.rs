//! Every Full/Partial row of the table (all families) has a unit test: the
//! test sources must mention `nr::<name>` for it. Also strace output and
//! exec through real files.
mod common;
use common::*;
use std::sync::{Arc, Mutex};
use wasmlinux_kernel::syscall::{nr, Support, TABLE};
use wasmlinux_kernel::*;

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

fn create(e: &mut Env, path: &str, data: &[u8], mode: u32) {
    e.cstr(0x6000, path);
    let fd = e.call(nr::openat, &[(-100i32) as u32, 0x6000, 0o1101, mode]);
    assert!(fd >= 0, "create {path}: {fd}");
    e.put(0x7000, data);
    assert_eq!(e.call(nr::write, &[fd as u32, 0x7000, data.len() as u32]), data.len() as i32);
    assert_eq!(e.call(nr::close, &[fd as u32]), 0);
}

#[test]
fn execve_wasm_and_scripts() {
    let mut e = Env::new();
    create(&mut e, "/prog", b"\0asm\x01\0\0\0", 0o755);
    create(&mut e, "/script", b"#!/prog -x\necho hi\n", 0o755);
    create(&mut e, "/loop", b"#!/loop\n", 0o755);
    create(&mut e, "/text", b"hello", 0o755);
    create(&mut e, "/noexec", b"\0asm", 0o644);
    // argv = ["script", "a"], envp = ["K=V"]
    e.cstr(0x6100, "script");
    e.cstr(0x6110, "a");
    e.cstr(0x6120, "K=V");
    e.put(0x6200, &[0x10, 0x61, 0, 0, 0x10, 0x61, 0, 0, 0, 0, 0, 0].iter().enumerate().map(|(i, b)| if i == 0 { 0x00 } else { *b }).collect::<Vec<u8>>());
    let argv = [0x6100u32, 0x6110, 0].iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
    e.put(0x6200, &argv);
    let envp = [0x6120u32, 0].iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
    e.put(0x6300, &envp);
    // Close-on-exec descriptors go away at exec.
    assert_eq!(e.call(nr::dup3, &[1, 9, 0o2000000]), 9);
    e.cstr(0x6000, "/script");
    match e.sc(nr::execve, &[0x6000, 0x6200, 0x6300]) {
        SyscallOutcome::Exec(img) => {
            assert_eq!(img.path, "/prog");
            assert_eq!(img.argv, vec![b"/prog".to_vec(), b"-x".to_vec(), b"/script".to_vec(), b"a".to_vec()]);
            assert_eq!(img.envp, vec![b"K=V".to_vec()]);
            assert!(img.module.starts_with(b"\0asm"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(e.call(nr::close, &[9]), EBADF);
    e.cstr(0x6000, "/loop");
    assert_eq!(e.call(nr::execve, &[0x6000, 0x6200, 0x6300]), -40, "ELOOP");
    e.cstr(0x6000, "/text");
    assert_eq!(e.call(nr::execve, &[0x6000, 0x6200, 0x6300]), ENOEXEC);
    e.cstr(0x6000, "/noexec");
    assert_eq!(e.call(nr::execve, &[0x6000, 0x6200, 0x6300]), EACCES);
    e.cstr(0x6000, "/");
    assert_eq!(e.call(nr::execve, &[0x6000, 0x6200, 0x6300]), EACCES);
    e.cstr(0x6000, "prog");
    assert!(matches!(e.sc(nr::execveat, &[(-100i32) as u32, 0x6000, 0x6200, 0x6300, 0]), SyscallOutcome::Exec(_)));
    let img = e.k.resolve_exec(1, "/script", vec![b"s".to_vec()], vec![]).unwrap();
    assert_eq!(img.argv[0], b"/prog");
}
