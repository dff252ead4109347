//! The slice of the kernel API the process runtime uses, as an object-safe
//! trait.
//!
//! The runtime talks to `Arc<dyn Sys>` rather than to `Kernel` directly so
//! that the bridge's own tests can drive fork/exec/signal/trap paths with a
//! small fake kernel while the real one is being written. The methods mirror
//! `wasmlinux_kernel::Kernel` one to one (see kernel/src/kernel_impl.rs).

use std::ops::Range;
use std::sync::Arc;

use wasmlinux_kernel::{
    Errno, ExecImage, ExitStatus, GuestMemory, Kernel, SharedPages, SignalAction, SignalDelivery, SyscallOutcome,
    ThreadRequest, Tid, TrapSignal,
};

/// Errors are plain errno numbers (positive) here.
pub trait Sys: Send + Sync {
    fn syscall(&self, tid: Tid, nr: u32, args: [u32; 6], mem: &mut dyn GuestMemory) -> SyscallOutcome;
    fn exec_start(&self, tid: Tid, mem: &mut dyn GuestMemory, image: &ExecImage) -> Result<u32, Errno>;
    fn fork(&self, parent: Tid, flags: u32) -> Result<Tid, Errno>;
    fn map_anonymous(&self, tid: Tid, mem: &mut dyn GuestMemory, len: u32) -> Result<u32, Errno>;
    fn signal_pending(&self, tid: Tid) -> bool;
    fn check_signals(&self, tid: Tid, mem: &mut dyn GuestMemory, sp: u32) -> SignalAction;
    fn signal_return(&self, tid: Tid, mem: &mut dyn GuestMemory, delivery: &SignalDelivery);
    fn trap(&self, tid: Tid, sig: TrapSignal);
    /// Queue a trap's signal if a handler will run (see
    /// `Kernel::trap_to_handler`). Default: never (the trap kills).
    fn trap_to_handler(&self, _tid: Tid, _sig: TrapSignal) -> bool {
        false
    }
    /// Guest ranges that can hold data (see `Kernel::mapped_ranges`).
    /// Default: the whole 4 GiB (the caller clips to the memory size).
    fn mapped_ranges(&self, _tid: Tid) -> Vec<Range<u64>> {
        std::iter::once(0..1 << 32).collect()
    }
    fn abort_task(&self, tid: Tid, status: ExitStatus);
    /// Shared mappings to map into a fork child (see
    /// `Kernel::shared_mappings`). Default: none.
    fn shared_mappings(&self, _tid: Tid) -> Vec<(u32, u32, Arc<dyn SharedPages>, u64)> {
        Vec::new()
    }
    /// Create a thread (see `Kernel::clone_thread`). Default: ENOSYS.
    fn clone_thread(&self, _parent: Tid, _req: &ThreadRequest, _mem: &mut dyn GuestMemory) -> Result<Tid, Errno> {
        Err(wasmlinux_kernel::error::Errno::ENOSYS.code())
    }
    /// A thread from `clone_thread` could not start (see
    /// `Kernel::thread_start_failed`).
    fn thread_start_failed(&self, _tid: Tid) {}
}

impl Sys for Kernel {
    fn syscall(&self, tid: Tid, nr: u32, args: [u32; 6], mem: &mut dyn GuestMemory) -> SyscallOutcome {
        Kernel::syscall(self, tid, nr, args, mem)
    }
    fn exec_start(&self, tid: Tid, mem: &mut dyn GuestMemory, image: &ExecImage) -> Result<u32, Errno> {
        Kernel::exec_start(self, tid, mem, image).map_err(|e| e.code())
    }
    fn fork(&self, parent: Tid, flags: u32) -> Result<Tid, Errno> {
        Kernel::fork(self, parent, flags).map_err(|e| e.code())
    }
    fn map_anonymous(&self, tid: Tid, mem: &mut dyn GuestMemory, len: u32) -> Result<u32, Errno> {
        Kernel::map_anonymous(self, tid, mem, len).map_err(|e| e.code())
    }
    fn signal_pending(&self, tid: Tid) -> bool {
        Kernel::signal_pending(self, tid)
    }
    fn check_signals(&self, tid: Tid, mem: &mut dyn GuestMemory, sp: u32) -> SignalAction {
        Kernel::check_signals(self, tid, mem, sp)
    }
    fn signal_return(&self, tid: Tid, mem: &mut dyn GuestMemory, delivery: &SignalDelivery) {
        Kernel::signal_return(self, tid, mem, delivery)
    }
    fn trap(&self, tid: Tid, sig: TrapSignal) {
        Kernel::trap(self, tid, sig)
    }
    fn trap_to_handler(&self, tid: Tid, sig: TrapSignal) -> bool {
        Kernel::trap_to_handler(self, tid, sig)
    }
    fn mapped_ranges(&self, tid: Tid) -> Vec<Range<u64>> {
        Kernel::mapped_ranges(self, tid)
    }
    fn abort_task(&self, tid: Tid, status: ExitStatus) {
        Kernel::abort_task(self, tid, status)
    }
    fn clone_thread(&self, parent: Tid, req: &ThreadRequest, mem: &mut dyn GuestMemory) -> Result<Tid, Errno> {
        Kernel::clone_thread(self, parent, req, mem).map_err(|e| e.code())
    }
    fn thread_start_failed(&self, tid: Tid) {
        Kernel::thread_start_failed(self, tid)
    }
    fn shared_mappings(&self, tid: Tid) -> Vec<(u32, u32, Arc<dyn SharedPages>, u64)> {
        Kernel::shared_mappings(self, tid)
    }
}
