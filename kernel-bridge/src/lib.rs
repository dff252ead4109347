//! wasmlinux bridge: runs wasm32 Linux userland processes on the wasmlinux
//! kernel with wasmtime.
//!
//! The only crate that touches wasmtime. One `Engine` for the whole host
//! process; one `Store` + instance + linear memory per guest process; one host
//! thread per guest task (the kernel blocks a task by parking its thread).
//!
//! Modules: [`runtime`] (imports, process lifecycle: exec, fork, signals,
//! traps), [`guest_memory`] (the kernel's `GuestMemory` over a wasmtime
//! memory), [`cache`] (compiled modules in memory and on disk), [`host`]
//! (`HostOps`: parking, clocks, random, console output), [`sys`] (the kernel
//! API the runtime uses, as a trait), [`console`] (host terminal: raw mode,
//! SIGWINCH, stdin feeding), [`cli`] (`wasmlinux run`).

// The only exception: `cache::ModuleCache::load` (Module::deserialize).
#![deny(unsafe_code)]

pub mod cache;
pub mod cli;
pub mod console;
pub mod guest_memory;
pub mod host;
pub mod runtime;
pub mod sys;
