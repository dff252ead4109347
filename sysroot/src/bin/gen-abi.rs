//! gen-abi: generates `kernel/src/abi/uapi.rs`, the kernel's Rust view of the wasm32 uapi
//! structs, with bindgen from the exported uapi headers (`sysroot/uapi/export-headers.sh`) and
//! the wrapper `sysroot/uapi/wasmlinux/abi.h`.
//!
//! ```text
//! cargo run -p wasmlinux-sysroot --bin gen-abi            # (re)write kernel/src/abi/uapi.rs
//! cargo run -p wasmlinux-sysroot --bin gen-abi -- --check # exit 1 if the committed file is stale
//! options: --include DIR (exported headers; default build/sysroot/include, exported on demand)
//!          --out FILE
//! ```
//!
//! The output must compile inside the `#![forbid(unsafe_code)]` kernel on any host and have the
//! wasm32 layout there:
//! * bindgen parses for `wasm32-unknown-unknown`, so `long` is 32-bit and every size, offset and
//!   padding is the guest's; C integer types go through a `ctypes` module of fixed-width aliases
//!   (`c_long = i32`), never the host's;
//! * every pointer and function pointer becomes `u32` (a guest address);
//! * padding is explicit (`__bindgen_padding_N` fields) and the structs derive zerocopy's
//!   `FromBytes, IntoBytes, Immutable, KnownLayout`, so the kernel converts them to and from
//!   guest bytes without unsafe (`read_from_bytes`, `as_bytes`, `new_zeroed`);
//! * bindgen's layout checks are const assertions with the wasm32 numbers clang computed, so a
//!   host where the layout differed would not compile;
//! * no `Default` derive (bindgen implements it with unsafe for large arrays): use `new_zeroed()`.
//!
//! Neighbours: `sysroot/tests/abi_gen.rs` runs `--check`; `sysroot/tests/abi_layout.rs` compares
//! the generated layouts with what musl's headers say.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use bindgen::callbacks::{DeriveInfo, ItemInfo, ParseCallbacks, TypeKind};
use syn::visit_mut::VisitMut;

/// The C structs (and typedefs) the kernel needs. Dependencies (typedefs, nested structs) are
/// pulled in by bindgen. `wasmlinux_*` ones are defined in `sysroot/uapi/wasmlinux/abi.h`.
const TYPES: &[&str] = &[
    // stat
    "stat64",
    "statx",
    "statfs64",
    // time
    "__kernel_timespec",
    "__kernel_old_timespec",
    "__kernel_old_timeval",
    "__kernel_sock_timeval",
    "__kernel_itimerspec",
    "itimerval",
    "timezone",
    "tms",
    // I/O
    "iovec",
    "wasmlinux_linux_dirent64",
    "pollfd",
    "wasmlinux_sigset_argpack",
    "epoll_event",
    "flock",
    "flock64",
    "f_owner_ex",
    "open_how",
    // tty
    "termios",
    "termios2",
    "winsize",
    // signals
    "sigaction",
    "sigaltstack",
    "stack_t",
    "sigset_t",
    "sigcontext",
    "ucontext",
    "wasmlinux_siginfo",
    "wasmlinux_siginfo_kill",
    "wasmlinux_siginfo_rt",
    "wasmlinux_siginfo_timer",
    "wasmlinux_siginfo_sigchld",
    "wasmlinux_siginfo_sigfault",
    "wasmlinux_siginfo_sigpoll",
    "wasmlinux_siginfo_sigsys",
    "signalfd_siginfo",
    "wasmlinux_sigevent",
    // process
    "rlimit",
    "rlimit64",
    "rusage",
    "new_utsname",
    "sysinfo",
    "robust_list_head",
    "sched_param",
    "clone_args",
    "__user_cap_header_struct",
    "__user_cap_data_struct",
    // sockets
    "wasmlinux_sockaddr",
    "sockaddr_in",
    "wasmlinux_sockaddr_in6",
    "sockaddr_un",
    "wasmlinux_sockaddr_storage",
    "wasmlinux_msghdr",
    "wasmlinux_mmsghdr",
    "wasmlinux_cmsghdr",
    "wasmlinux_linger",
    "wasmlinux_ucred",
    // System V IPC and POSIX message queues
    "wasmlinux_ipc64_perm",
    "wasmlinux_semid64_ds",
    "wasmlinux_msqid64_ds",
    "wasmlinux_shmid64_ds",
    "shminfo64",
    "shm_info",
    "sembuf",
    "seminfo",
    "msginfo",
    "mq_attr",
];

/// Constants from the wrapper.
const VARS: &[&str] = &["WASMLINUX_DIRENT64_NAME_OFFSET"];

/// Headers whose every item is wanted: the errno numbers (the kernel's `Errno` enum takes its
/// values from them) and the signal numbers and `SA_*` flags (`kernel/src/signal`).
const VAR_FILES: &[&str] = &[".*/asm-generic/errno(-base)?\\.h", ".*/asm-generic/signal(-defs)?\\.h"];

const ZEROCOPY_DERIVES: &[&str] =
    &["zerocopy::FromBytes", "zerocopy::IntoBytes", "zerocopy::Immutable", "zerocopy::KnownLayout"];

#[derive(Debug)]
struct Callbacks;

impl ParseCallbacks for Callbacks {
    fn add_derives(&self, info: &DeriveInfo<'_>) -> Vec<String> {
        match info.kind {
            TypeKind::Struct => ZEROCOPY_DERIVES.iter().map(|s| s.to_string()).collect(),
            _ => Vec::new(),
        }
    }

    fn item_name(&self, item: ItemInfo) -> Option<String> {
        strip_prefix(item.name)
    }
}

fn strip_prefix(name: &str) -> Option<String> {
    name.strip_prefix("wasmlinux_").or_else(|| name.strip_prefix("WASMLINUX_")).map(str::to_string)
}

/// Replaces every raw pointer and `Option<fn>` type by `u32` (wasm32 guest address).
struct GuestPointers {
    replaced: usize,
}

impl VisitMut for GuestPointers {
    fn visit_type_mut(&mut self, ty: &mut syn::Type) {
        let is_pointer = match ty {
            syn::Type::Ptr(_) | syn::Type::BareFn(_) => true,
            syn::Type::Path(p) => {
                // Option<unsafe extern "C" fn(..)>
                let last = p.path.segments.last();
                match last {
                    Some(seg) if seg.ident == "Option" => match &seg.arguments {
                        syn::PathArguments::AngleBracketed(a) => {
                            a.args.iter().any(|g| matches!(g, syn::GenericArgument::Type(syn::Type::BareFn(_))))
                        }
                        _ => false,
                    },
                    _ => false,
                }
            }
            _ => false,
        };
        if is_pointer {
            *ty = syn::parse_quote!(u32);
            self.replaced += 1;
        } else {
            syn::visit_mut::visit_type_mut(self, ty);
        }
    }
}

const HEADER: &str = "\
//! Rust view of the wasm32 Linux uapi structs (32-bit asm-generic, time64).
//!
//! GENERATED by `cargo run -p wasmlinux-sysroot --bin gen-abi` from the exported uapi headers
//! and `sysroot/uapi/wasmlinux/abi.h`. Do not edit; `cargo test -p wasmlinux-sysroot` fails when
//! this file is stale. Regenerate (needs libclang; exports the headers into
//! `$WASMLINUX_BUILD/sysroot/include` first unless `--include DIR` names them):
//!
//! ```text
//! cargo run --release -p wasmlinux-sysroot --bin gen-abi
//! ```
//!
//! To add a struct: name it in gen-abi's `TYPES` (a uapi struct) or define it in abi.h with a
//! `wasmlinux_` prefix (a libc or kernel-internal struct, or a union flattened to one member),
//! regenerate, and use it through `crate::mem::Plain` (it is its own `Abi`).
//!
//! The layouts are the guest's (wasm32) on every host: C integer types are the fixed-width
//! aliases of [`ctypes`], pointers are `u32` guest addresses, padding is explicit and the const
//! assertions below hold the sizes and offsets clang computed for wasm32. Every struct derives
//! zerocopy's `FromBytes, IntoBytes, Immutable, KnownLayout`: read one from guest bytes with
//! `T::read_from_bytes(&buf)`, write one with `t.as_bytes()`, make a zeroed one with
//! `T::new_zeroed()`. Names with the `wasmlinux_` prefix in abi.h lose it here.
#![allow(non_camel_case_types, non_upper_case_globals, non_snake_case, dead_code)]
#![allow(clippy::all)]

/// C integer types of wasm32 (ILP32, signed `char`).
pub mod ctypes {
    pub type c_char = i8;
    pub type c_schar = i8;
    pub type c_uchar = u8;
    pub type c_short = i16;
    pub type c_ushort = u16;
    pub type c_int = i32;
    pub type c_uint = u32;
    pub type c_long = i32;
    pub type c_ulong = u32;
    pub type c_longlong = i64;
    pub type c_ulonglong = u64;
}

";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("sysroot crate has a parent").to_path_buf()
}

fn ensure_headers(root: &Path) -> Result<PathBuf, String> {
    let build = std::env::var_os("WASMLINUX_BUILD").map(PathBuf::from).unwrap_or_else(|| root.join("build"));
    let include = build.join("sysroot/include");
    let script = root.join("sysroot/uapi/export-headers.sh");
    let status = Command::new("bash")
        .arg(&script)
        .arg(&include)
        .status()
        .map_err(|e| format!("running {}: {e}", script.display()))?;
    if !status.success() {
        return Err(format!("{} failed: {status}", script.display()));
    }
    Ok(include)
}

/// Generates the file's text.
fn generate(root: &Path, include: &Path) -> Result<String, String> {
    let wrapper = root.join("sysroot/uapi/wasmlinux/abi.h");
    let mut builder = bindgen::Builder::default()
        .header(wrapper.to_string_lossy())
        .clang_args(["--target=wasm32-unknown-unknown", "-nostdinc", "-fno-builtin"])
        .clang_arg(format!("-I{}", include.display()))
        .use_core()
        .ctypes_prefix("ctypes")
        .layout_tests(true)
        .explicit_padding(true)
        .derive_default(false)
        .derive_debug(true)
        .derive_copy(true)
        .derive_partialeq(true)
        .derive_eq(true)
        .derive_hash(false)
        .generate_comments(false)
        .generate_cstr(false)
        .formatter(bindgen::Formatter::None)
        .parse_callbacks(Box::new(Callbacks));
    for t in TYPES {
        builder = builder.allowlist_type(format!("^{t}$"));
    }
    for v in VARS {
        builder = builder.allowlist_var(format!("^{v}$"));
    }
    for f in VAR_FILES {
        builder = builder.allowlist_file(*f);
    }
    let bindings = builder.generate().map_err(|e| format!("bindgen failed: {e}"))?;
    let raw = bindings.to_string();

    let mut file: syn::File = syn::parse_str(&raw).map_err(|e| format!("bindgen output does not parse: {e}"))?;
    let mut v = GuestPointers { replaced: 0 };
    v.visit_file_mut(&mut file);
    check_no_unsafe(&file)?;
    let body = prettyplease::unparse(&file);
    let text = format!("{HEADER}{body}");
    Ok(rustfmt(&text).unwrap_or(text))
}

/// The kernel forbids unsafe code: refuse to emit any (bindgen helpers such as
/// `__IncompleteArrayField` or bitfield units would bring some).
fn check_no_unsafe(file: &syn::File) -> Result<(), String> {
    let text = quote::quote!(#file).to_string();
    if text.contains("unsafe") {
        return Err("generated bindings contain `unsafe` (a flexible array, bitfield or union?); \
                    change sysroot/uapi/wasmlinux/abi.h"
            .into());
    }
    for item in &file.items {
        if let syn::Item::Union(u) = item {
            return Err(format!("generated bindings contain union {}", u.ident));
        }
    }
    Ok(())
}

/// Formats with the toolchain's rustfmt and the repository's rustfmt.toml when there is one (the
/// committed file is rustfmt-clean).
fn rustfmt(text: &str) -> Option<String> {
    use std::io::Write;
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2021", "--emit", "stdout", "--quiet", "--config-path"])
        .arg(repo_root().join("rustfmt.toml"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(text.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    if out.status.success() {
        String::from_utf8(out.stdout).ok()
    } else {
        None
    }
}

/// Token-level comparison, so that formatting differences (another rustfmt) do not count.
fn same_tokens(a: &str, b: &str) -> bool {
    match (syn::parse_file(a), syn::parse_file(b)) {
        (Ok(a), Ok(b)) => quote::quote!(#a).to_string() == quote::quote!(#b).to_string(),
        _ => a == b,
    }
}

fn run() -> Result<ExitCode, String> {
    let root = repo_root();
    let mut check = false;
    let mut include: Option<PathBuf> = None;
    let mut out = root.join("kernel/src/abi/uapi.rs");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--check" => check = true,
            "--include" => include = Some(args.next().ok_or("--include needs a directory")?.into()),
            "--out" => out = args.next().ok_or("--out needs a file")?.into(),
            "-h" | "--help" => {
                println!("usage: gen-abi [--check] [--include DIR] [--out FILE]");
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let include = match include {
        Some(i) => i,
        None => ensure_headers(&root)?,
    };
    let text = generate(&root, &include)?;
    let structs = text.matches("pub struct ").count();
    if check {
        let old = std::fs::read_to_string(&out).unwrap_or_default();
        if same_tokens(&old, &text) {
            eprintln!("gen-abi: {} is up to date ({structs} structs)", out.display());
            Ok(ExitCode::SUCCESS)
        } else {
            eprintln!("gen-abi: {} is stale; run `cargo run -p wasmlinux-sysroot --bin gen-abi`", out.display());
            Ok(ExitCode::FAILURE)
        }
    } else {
        if let Some(dir) = out.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(&out, &text).map_err(|e| format!("{}: {e}", out.display()))?;
        eprintln!("gen-abi: wrote {} ({structs} structs)", out.display());
        Ok(ExitCode::SUCCESS)
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("gen-abi: error: {e}");
            ExitCode::from(2)
        }
    }
}
