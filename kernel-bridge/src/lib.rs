//! wasmlinux bridge: runs wasm32 Linux userland processes on the wasmlinux
//! kernel with wasmtime.
//!
//! The only crate that touches wasmtime. One `Engine` for the whole host
//! process; one shared linear memory per guest process; one `Store` + instance
//! per guest thread (task), each on its own host thread (the kernel blocks a task by parking its thread).
//!
//! Modules: [`runtime`] (imports, process lifecycle: exec, fork, signals,
//! traps), [`guest_memory`] (the kernel's `GuestMemory` over a wasmtime
//! memory, own or shared), [`cache`] (compiled modules in memory and on disk), [`host`]
//! (`HostOps`: parking, clocks, random, console output), [`sys`] (the kernel
//! API the runtime uses, as a trait), [`console`] (host terminal: raw mode,
//! SIGWINCH, stdin feeding), [`cli`] (`wasmlinux run`).

// The only exceptions: `cache::ModuleCache::load` (Module::deserialize) and
// `guest_memory::shared` (raw copies to and from a shared linear memory, and
// mapping `shared_pages` memfds into it).
#![deny(unsafe_code)]

pub mod cache;
pub mod cli;
pub mod console;
pub mod guest_memory;
pub mod host;
pub mod runtime;
pub mod shared_pages;
pub mod sys;
