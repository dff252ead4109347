//! docs/syscalls.md is generated from the syscall table; this test fails
//! when it is stale. Regenerate with `UPDATE_SYSCALLS_DOC=1 cargo test -p
//! wasmlinux-kernel --test syscalls_doc`.
use wasmlinux_kernel::syscall::{Support, TABLE};

fn render() -> String {
    let mut out = String::new();
    let count = |f: fn(&Support) -> bool| TABLE.iter().filter(|r| f(&r.support)).count();
    out.push_str("# Syscalls\n\n");
    out.push_str("Generated from `kernel/src/syscall/table.rs` by `kernel/tests/syscalls_doc.rs` — do not edit.\n");
    out.push_str("Regenerate: `UPDATE_SYSCALLS_DOC=1 cargo test -p wasmlinux-kernel --test syscalls_doc`.\n\n");
    out.push_str("ABI: 32-bit asm-generic with 64-bit time only (the numbers of musl's riscv32 port).\n\n");
    out.push_str(&format!(
        "{} rows: {} Full, {} Partial, {} ENOSYS.\n\n",
        TABLE.len(),
        count(|s| matches!(s, Support::Full)),
        count(|s| matches!(s, Support::Partial(_))),
        count(|s| matches!(s, Support::Enosys(_)))
    ));
    out.push_str("| nr | name | level | handler | notes |\n|---:|---|---|---|---|\n");
    for r in TABLE {
        let handler = if r.handler_path == "enosys" {
            "—".to_string()
        } else {
            format!("`syscall::{}`", r.handler_path.replace(' ', ""))
        };
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} |\n",
            r.nr,
            r.name,
            r.support.label(),
            handler,
            r.support.note().replace('|', "\\|")
        ));
    }
    out
}

#[test]
fn syscalls_doc_is_fresh() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/syscalls.md");
    let want = render();
    if std::env::var_os("UPDATE_SYSCALLS_DOC").is_some() {
        std::fs::write(path, &want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        have == want,
        "docs/syscalls.md is stale: run UPDATE_SYSCALLS_DOC=1 cargo test -p wasmlinux-kernel --test syscalls_doc"
    );
}
