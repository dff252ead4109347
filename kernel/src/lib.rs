//! wasmlinux kernel: an LKL-style Linux kernel library in pure Rust.
//!
//! The kernel knows nothing of wasm. It implements the Linux syscall ABI of a
//! 32-bit asm-generic, time64 architecture behind one generic entry,
//! [`Kernel::syscall`], and asks the host for what it cannot do itself through
//! the small [`HostOps`] trait (clocks, park/unpark, random bytes, console,
//! confined host-directory access). Guest memory is reached only through the
//! [`GuestMemory`] trait, so tests drive the kernel with an in-memory buffer and
//! the bridge drives it with wasmtime linear memories.
//!
//! Neighbours: `kernel-bridge` (the only user of this API, owns wasmtime and
//! the host threads that run processes) and `sysroot` (whose exported uapi
//! headers describe the ABI implemented here).
#![forbid(unsafe_code)]

pub mod abi;
pub mod api;

pub use api::*;
pub use kernel_impl::Kernel;
pub mod cred;
pub mod epoll;
pub mod error;
pub mod eventfd;
pub mod file;
pub mod fs;
pub mod futex;
pub mod ipc;
mod kernel_impl;
pub mod mem;
pub mod mm;
pub mod net;
pub mod pipe;
pub mod signal;
pub mod signalfd;
mod strace;
pub mod syscall;
pub mod task;
pub mod timerfd;
pub mod tty;
pub mod vfs;
pub mod wait;
