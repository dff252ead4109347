//! fork, host half (ARCHITECTURE.md, "fork (asyncify)"): the fork import
//! unwinds the guest to `_start` ([`begin_fork`], step 1); the runtime then
//! builds the child — admission, a new instance holding a copy of the
//! parent ([`copy_memory`]), its thread — before `Kernel::fork`, and rewinds
//! the parent into the import (`Runtime::complete_fork`, step 2); the
//! child's thread rewinds the child ([`ForkedChild::start`], step 3).

use std::ops::Range;
use std::sync::{mpsc, Arc};

use wasmlinux_kernel::{ExitStatus, GuestMemory, Tid};
use wasmtime::{AsContextMut, Store, StoreContextMut};

use super::proc::{Exports, ForkState, Proc};
use super::{Runtime, TaskEnd, TaskFailure, TaskStart, EAGAIN, EFAULT, ENOMEM, ENOSYS};
use crate::guest_memory::{shared, LinearMemory, WasmMemory};

const CLONE_THREAD: u32 = 0x0001_0000;
/// Size of the per-process asyncify buffer (fork stack capture).
const ASYNCIFY_BUF: u32 = 256 * 1024;

/// A fork child's store, built by the parent's thread (see
/// `Runtime::fork_child`).
pub struct ForkedChild {
    store: Store<Proc>,
}

impl ForkedChild {
    /// Step 3 for the child, on its own thread: same address space contents
    /// (copied by the parent); rewind into the fork import, which returns 0.
    /// The runtime then calls the entry the parent was in (`_start`, or
    /// the thread entry when a thread forked).
    pub(super) fn start(self, tid: Tid, segv: ExitStatus) -> Result<Store<Proc>, TaskFailure> {
        let mut store = self.store;
        store.data_mut().tid = tid;
        let p = store.data();
        let buf = p.async_buf.unwrap_or(0);
        let start_rewind = match p.ex.as_ref() {
            Some(Exports { asyncify: Some(a), .. }) => a.start_rewind.clone(),
            _ => return Err(("fork child without asyncify exports".into(), segv)),
        };
        start_rewind.call(&mut store, buf as i32).map_err(|e| (format!("instantiate: {e:#}"), segv))?;
        Ok(store)
    }
}

/// Step 1 of fork: start unwinding the guest to `_start`.
pub(super) fn begin_fork(
    cx: &mut StoreContextMut<'_, Proc>,
    memory: LinearMemory,
    flags: u32,
    fork_import: bool,
) -> wasmtime::Result<i32> {
    // Threads would need a shared memory; a module that never imported the
    // fork hook, or was not asyncified, cannot capture its stack.
    let Ok(asy) = cx.data().asyncify() else {
        return Ok(-ENOSYS);
    };
    // Asyncify can only unwind to the outermost wasm entry: inside a signal
    // handler called from the host the unwind would stop at the handler.
    if !fork_import || flags & CLONE_THREAD != 0 || cx.data().handler_depth > 0 {
        return Ok(-ENOSYS);
    }
    let (tid, kernel) = (cx.data().tid, cx.data().kernel.clone());
    let buf = match cx.data().async_buf {
        Some(b) => b,
        None => {
            let r = {
                let mut gm = WasmMemory::new(memory.clone(), cx.as_context_mut());
                kernel.map_anonymous(tid, &mut gm, ASYNCIFY_BUF)
            };
            match r {
                Ok(b) => {
                    cx.data_mut().async_buf = Some(b);
                    b
                }
                Err(errno) => return Ok(-errno),
            }
        }
    };
    // struct { u32 stack_pos; u32 stack_end; } followed by the stack.
    let mut header = [0u8; 8];
    header[..4].copy_from_slice(&(buf + 8).to_le_bytes());
    header[4..].copy_from_slice(&(buf + ASYNCIFY_BUF).to_le_bytes());
    if WasmMemory::new(memory, cx.as_context_mut()).write(buf, &header).is_err() {
        return Ok(-EFAULT);
    }
    cx.data_mut().fork = ForkState::Unwinding { flags };
    asy.start_unwind.call(&mut *cx, buf as i32)?;
    Ok(0)
}

impl Runtime {
    /// Step 2 of the fork protocol: `_start` returned while unwinding.
    pub(super) fn complete_fork(
        self: &Arc<Self>,
        tid: Tid,
        store: &mut Store<Proc>,
        flags: u32,
    ) -> wasmtime::Result<()> {
        let asy = store.data().asyncify()?;
        asy.stop_unwind.call(&mut *store, ())?;
        let result = self.fork_child(tid, store, flags).unwrap_or_else(|errno| -errno);
        let buf = store.data().async_buf.unwrap_or(0);
        store.data_mut().fork = ForkState::Rewinding { result };
        asy.start_rewind.call(&mut *store, buf as i32)?;
        Ok(())
    }

    /// The host half of fork: everything the child needs from the host
    /// comes first, then `Kernel::fork`, so that running out of host
    /// resources fails the guest's fork with EAGAIN/ENOMEM, the parent goes
    /// on and the kernel never sees a child:
    /// 1. a task slot (admission: task limit, mapping budget), reserved
    ///    atomically with the check and released if a later step fails;
    /// 2. the child's host thread, which sets up its per-thread state
    ///    (wasmtime's signal stack: it panics when mappings run out) and
    ///    reports back — meanwhile
    /// 3. the child's instance, a copy of the parent, is built here;
    /// 4. `Kernel::fork`; the child's tid and instance go to the thread.
    fn fork_child(self: &Arc<Self>, tid: Tid, store: &mut Store<Proc>, flags: u32) -> Result<Tid, i32> {
        let slot = self.admission.reserve().map_err(|msg| {
            self.admission.warn(&msg);
            EAGAIN
        })?;
        let (ready_tx, ready_rx) = mpsc::sync_channel::<Result<(), String>>(1);
        let (to_child, from_parent) = mpsc::sync_channel::<(Tid, Box<ForkedChild>)>(1);
        let rt = self.clone();
        let thread = self.start_thread(format!("task-fork-{tid}"), slot, move || {
            let ready = super::panics::contain(wasmtime::Engine::tls_eager_initialize);
            let ok = ready.is_ok();
            let _ = ready_tx.send(ready);
            match from_parent.recv() {
                Ok((child_tid, child)) if ok => rt.run_task(child_tid, TaskStart::Fork(child)),
                // Set-up or Kernel::fork failed: no task.
                _ => TaskEnd::Exited(None),
            }
        });
        if let Err(e) = thread {
            self.admission.warn(&format!(
                "fork: EAGAIN: cannot start a host thread: {e} \
                 (limits: ulimit -u, kernel.threads-max, vm.max_map_count)"
            ));
            return Err(EAGAIN);
        }
        let t0 = std::time::Instant::now();
        // From here on, an early return drops `to_child`: the thread ends.
        let child = match self.fork_instance(store) {
            Ok(c) => c,
            Err(e) => {
                self.admission.warn(&format!("fork: ENOMEM: cannot create an instance: {e:#}"));
                return Err(ENOMEM);
            }
        };
        tracing::debug!("fork {tid}: child instance in {:?}", t0.elapsed());
        match ready_rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(msg)) => {
                self.admission.warn(&format!(
                    "fork: EAGAIN: cannot set up a host thread: {} (limits: vm.max_map_count)",
                    super::one_line(&msg)
                ));
                return Err(EAGAIN);
            }
            Err(_) => {
                self.admission.warn("fork: EAGAIN: the new host thread ended before it was ready");
                return Err(EAGAIN);
            }
        }
        let child_tid = self.kernel.fork(tid, flags)?;
        // The thread only ends early if it panicked; the kernel then has a
        // child that never runs, like a process killed at birth.
        if to_child.send((child_tid, child)).is_err() {
            self.kernel.abort_task(child_tid, super::KILLED);
        }
        Ok(child_tid)
    }

    /// A new instance of the parent's program holding a copy of its linear
    /// memory and exported mutable globals, set up to be rewound into the
    /// fork import (which then returns 0).
    fn fork_instance(&self, parent: &mut Store<Proc>) -> wasmtime::Result<Box<ForkedChild>> {
        let p = parent.data();
        let program = p.program.clone().ok_or_else(|| wasmtime::Error::msg("no program"))?;
        let ex = p.ex.as_ref().ok_or_else(|| wasmtime::Error::msg("no instance"))?;
        let (pmem, globals) = (ex.memory.clone(), ex.globals.clone());
        let (ptid, async_buf, entry) = (p.tid, p.async_buf, p.entry);
        let ranges = p.kernel.mapped_ranges(ptid);
        let shared_maps = p.kernel.shared_mappings(ptid);
        let (mut store, instance) = self.new_instance(ptid, &program, None)?;
        let cmem = store.data().memory();
        let initial = cmem.data_size(&store);
        let want = pmem.data_size(&*parent);
        cmem.grow_to(&mut store, want)?;
        match (&pmem, &cmem) {
            (LinearMemory::Own(p), LinearMemory::Own(c)) => copy_memory(
                &mut SliceCopy { src: p.data(&*parent), dst: &mut c.data_mut(&mut store)[..want] },
                initial,
                ranges,
            ),
            (LinearMemory::Shared(p), LinearMemory::Shared(c)) => {
                copy_memory(&mut SharedCopy { src: p, dst: c, len: want }, initial, ranges)
            }
            _ => return Err(wasmtime::Error::msg("fork: parent and child memories differ in kind")),
        }
        // MAP_SHARED mappings: the same host pages, not a copy.
        if let LinearMemory::Shared(c) = &cmem {
            for (addr, len, pages, off) in shared_maps {
                crate::guest_memory::map_pages(c, addr, len, &pages, off)
                    .map_err(|e| wasmtime::Error::msg(format!("fork: mapping shared pages: errno {e}")))?;
            }
        }
        for (name, g) in globals {
            let v = g.get(&mut *parent);
            if let Some(cg) = instance.get_global(&mut store, &name) {
                cg.set(&mut store, v)?;
            }
        }
        let c = store.data_mut();
        c.async_buf = async_buf;
        c.entry = entry;
        c.fork = ForkState::Rewinding { result: 0 };
        Ok(Box::new(ForkedChild { store }))
    }
}

const PAGE: usize = 4096;
static ZERO_PAGE: [u8; PAGE] = [0; PAGE];

/// Page access for [`copy_memory`]: the parent's memory (`src`) and the
/// child's fresh one (`dst`), both `len()` bytes long.
trait PageCopy {
    fn len(&self) -> usize;
    /// Does `src[a..b]` differ from `dst[a..b]` (`dst_zero`: dst is known to
    /// be zero there, so only src is read — reading dst would fault in pages
    /// that will not be written)?
    fn differs(&mut self, a: usize, b: usize, dst_zero: bool) -> bool;
    fn copy(&mut self, a: usize, b: usize);
}

/// Two unshared memories, as slices of their stores.
struct SliceCopy<'a> {
    src: &'a [u8],
    dst: &'a mut [u8],
}

impl PageCopy for SliceCopy<'_> {
    fn len(&self) -> usize {
        self.dst.len().min(self.src.len())
    }
    fn differs(&mut self, a: usize, b: usize, dst_zero: bool) -> bool {
        if dst_zero {
            self.src[a..b] != ZERO_PAGE[..b - a]
        } else {
            self.dst[a..b] != self.src[a..b]
        }
    }
    fn copy(&mut self, a: usize, b: usize) {
        self.dst[a..b].copy_from_slice(&self.src[a..b]);
    }
}

/// Two shared memories: pages go through a buffer (other threads of the
/// parent run on; see `guest_memory::shared`).
struct SharedCopy<'a> {
    src: &'a wasmtime::SharedMemory,
    dst: &'a wasmtime::SharedMemory,
    len: usize,
}

impl PageCopy for SharedCopy<'_> {
    fn len(&self) -> usize {
        self.len.min(self.src.data_size()).min(self.dst.data_size())
    }
    fn differs(&mut self, a: usize, b: usize, dst_zero: bool) -> bool {
        let (mut s, mut d) = ([0u8; PAGE], [0u8; PAGE]);
        if shared::read(self.src, a as u32, &mut s[..b - a]).is_err() {
            return false;
        }
        if !dst_zero && shared::read(self.dst, a as u32, &mut d[..b - a]).is_err() {
            return false;
        }
        s[..b - a] != d[..b - a]
    }
    fn copy(&mut self, a: usize, b: usize) {
        // In bounds: `len()` is within both memories.
        let _ = shared::copy_between(self.src, self.dst, a, b - a);
    }
}

/// Make a fresh instance's memory (its first `initial` bytes are the module
/// image, the rest zero) equal to the parent's wherever it can hold data: the
/// image region and the ranges the kernel has mapped (image and heap up to
/// brk, every mapping), so the hole between the heap and the mappings (the
/// kernel maps from brk + 64 MiB) is never looked at. Only pages that differ
/// are written: the rest stay shared (CoW image, zero).
fn copy_memory(pages: &mut dyn PageCopy, initial: usize, mut ranges: Vec<Range<u64>>) {
    let len = pages.len();
    let copy_pages = |pages: &mut dyn PageCopy, first: usize, end: usize| {
        for i in first..end {
            let (a, b) = (i * PAGE, ((i + 1) * PAGE).min(len));
            if pages.differs(a, b, a >= initial) {
                pages.copy(a, b);
            }
        }
    };
    let mut next = initial.min(len).div_ceil(PAGE); // first page not yet looked at
    copy_pages(pages, 0, next);
    ranges.sort_by_key(|r| r.start);
    for r in ranges {
        let first = (r.start as usize / PAGE).max(next);
        let end = (r.end.min(len as u64) as usize).div_ceil(PAGE);
        if first < end {
            copy_pages(pages, first, end);
            next = end;
        }
    }
}
