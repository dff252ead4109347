//! `wasi-host [--dir HOST::GUEST]... MODULE.wasm [ARGS...]`: run a WASI preview1 command module.
//!
//! The engine is configured like the wasmlinux bridge's (Cranelift, default optimisation); the
//! module is compiled on every run (the benchmark programs time their own inner loops).
use std::process::ExitCode;
use wasmtime::{Config, Engine, Linker, Module, Store};
use wasmtime_wasi::p1::{self, WasiP1Ctx};
use wasmtime_wasi::{FsPerms, I32Exit, WasiCtxBuilder};

fn run() -> wasmtime::Result<i32> {
    let mut argv = std::env::args().skip(1).peekable();
    let mut dirs = Vec::new();
    while argv.peek().map(String::as_str) == Some("--dir") {
        argv.next();
        let spec = argv.next().ok_or_else(|| wasmtime::format_err!("--dir needs HOST::GUEST"))?;
        let (host, guest) = spec.split_once("::").unwrap_or((spec.as_str(), spec.as_str()));
        dirs.push((host.to_owned(), guest.to_owned()));
    }
    let module_path = argv.next().ok_or_else(|| {
        wasmtime::format_err!("usage: wasi-host [--dir HOST::GUEST]... MODULE.wasm [ARGS...]")
    })?;
    let args: Vec<String> = std::iter::once(module_path.clone()).chain(argv).collect();

    // Diagnostic knobs to mimic the wasmlinux bridge's engine settings (used to explain
    // differences in bench/RESULTS.md; the benchmark itself runs with the defaults):
    //   WASI_HOST_EPOCH=1        epoch interruption on, deadline far away (bridge: on, 10 ms tick)
    //   WASI_HOST_GUARD=BYTES    memory guard size (bridge: 64 KiB; default 32 MiB)
    //   WASI_HOST_NO_MOVE=1      memory_may_move(false), memory_reservation_for_growth(0)
    let mut config = Config::new();
    let env_on = |k: &str| std::env::var(k).is_ok_and(|v| v == "1");
    if env_on("WASI_HOST_EPOCH") {
        config.epoch_interruption(true);
    }
    if let Some(g) = std::env::var("WASI_HOST_GUARD").ok().and_then(|v| v.parse::<u64>().ok()) {
        config.memory_guard_size(g);
    }
    if env_on("WASI_HOST_NO_MOVE") {
        config.memory_may_move(false).memory_reservation_for_growth(0);
    }
    let engine = Engine::new(&config)?;
    let module = Module::from_file(&engine, &module_path)?;
    let mut linker: Linker<WasiP1Ctx> = Linker::new(&engine);
    p1::add_to_linker_sync(&mut linker, |t| t)?;

    let mut b = WasiCtxBuilder::new();
    b.inherit_stdio().inherit_env().args(&args);
    for (host, guest) in &dirs {
        b.preopened_dir(host, guest, FsPerms::ReadWrite)?;
    }
    let mut store = Store::new(&engine, b.build_p1());
    if env_on("WASI_HOST_EPOCH") {
        store.set_epoch_deadline(u64::MAX / 2);
    }
    let instance = linker.instantiate(&mut store, &module)?;
    let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
    match start.call(&mut store, ()) {
        Ok(()) => Ok(0),
        Err(e) => match e.downcast_ref::<I32Exit>() {
            Some(I32Exit(code)) => Ok(*code),
            None => Err(e),
        },
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => {
            eprintln!("wasi-host: {e:?}");
            ExitCode::from(125)
        }
    }
}
