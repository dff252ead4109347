//! Every exported uapi header compiles on its own for wasm32 against musl's headers
//! (`#include <linux/X.h>` in a file of its own, clang-16 --target=wasm32), except the few
//! listed in `NOT_STANDALONE`, which need other headers included first on every architecture
//! (they fail the same way on x86_64). A listed header that starts compiling fails the test.
//!
//! Needs the built sysroot (`scripts/build-sysroot`); without musl's headers it says so and passes,
//! or fails under `WASMLINUX_REQUIRE_TOOLS=1` (scripts/test).

use std::path::Path;

mod common;
use common::{build_dir, missing_prerequisite};
use std::process::Command;

const NOT_STANDALONE: &[&str] = &[
    // fail natively on x86_64 too (need libc or other headers first)
    "linux/coda.h",
    "linux/errqueue.h",
    "linux/hdlc/ioctl.h",
    "linux/kfd_ioctl.h",
    "linux/omapfb.h",
    "linux/patchkey.h",
    "linux/phonet.h",
    "linux/sctp.h",
    "linux/sysctl.h",
    "linux/usb/audio.h",
    "xen/evtchn.h",
    "xen/gntdev.h",
    "xen/privcmd.h",
    // rely on glibc's <sys/ioctl.h> pulling in <linux/types.h> (__bitwise); fail with musl on
    // every architecture
    "sound/asequencer.h",
    "sound/asound.h",
    "sound/emu10k1.h",
    "sound/hdsp.h",
    "sound/hdspm.h",
    "sound/sfnt_info.h",
];

const DIRS: &[&str] = &["linux", "asm", "asm-generic", "misc", "mtd", "rdma", "sound", "video", "xen"];

fn headers(include: &Path, dir: &str, out: &mut Vec<String>) {
    let Ok(rd) = std::fs::read_dir(include.join(dir)) else {
        return;
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let rel = format!("{dir}/{name}");
        if e.path().is_dir() {
            headers(include, &rel, out);
        } else if name.ends_with(".h") {
            out.push(rel);
        }
    }
}

fn compiles(include: &Path, header: &str) -> bool {
    use std::io::Write;
    let mut child = Command::new("clang-16")
        .args(["--target=wasm32-unknown-unknown", "-nostdinc", "-fsyntax-only"])
        .arg("-isystem")
        .arg(include)
        .arg("-isystem")
        .arg("/usr/lib/llvm-16/lib/clang/16/include")
        .args(["-x", "c", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("clang-16 must be installed");
    child.stdin.take().unwrap().write_all(format!("#include <{header}>\nint wl_dummy;\n").as_bytes()).unwrap();
    child.wait().unwrap().success()
}

#[test]
fn exported_headers_compile_with_musl() {
    let include = build_dir().join("sysroot/include");
    if !include.join("stdio.h").exists() || !include.join("asm/unistd.h").exists() {
        missing_prerequisite(&format!("no musl + uapi headers in {}", include.display()));
        return;
    }
    let mut all = Vec::new();
    for d in DIRS {
        if *d == "asm-generic" {
            continue; // included through asm/ only, like on any architecture
        }
        headers(&include, d, &mut all);
    }
    all.sort();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let chunks: Vec<Vec<String>> = all.chunks(all.len().div_ceil(threads)).map(|c| c.to_vec()).collect();
    let failed: Vec<String> = std::thread::scope(|s| {
        let hs: Vec<_> = chunks
            .iter()
            .map(|chunk| {
                let include = &include;
                s.spawn(move || chunk.iter().filter(|h| !compiles(include, h)).cloned().collect::<Vec<_>>())
            })
            .collect();
        hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let unexpected: Vec<&String> = failed.iter().filter(|h| !NOT_STANDALONE.contains(&h.as_str())).collect();
    let now_ok: Vec<&&str> = NOT_STANDALONE.iter().filter(|h| !failed.iter().any(|f| f == *h)).collect();
    eprintln!("{} exported headers, {} compile standalone for wasm32 with musl", all.len(), all.len() - failed.len());
    assert!(unexpected.is_empty(), "headers that do not compile: {unexpected:?}");
    assert!(now_ok.is_empty(), "compile now, remove from NOT_STANDALONE: {now_ok:?}");
}
