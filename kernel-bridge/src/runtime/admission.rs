//! Admission: whether one more process may start. The task limit
//! (`RuntimeConfig::max_processes`, `WASMLINUX_MAX_PROCS`) and the host's
//! mapping budget ([`MapBudget`], `vm.max_map_count`); a refusal is the
//! guest fork's EAGAIN (ARCHITECTURE.md, "Mapping budget").
//!
//! Admission is atomic with counting: [`Admission::reserve`] checks the
//! limits and takes a [`TaskSlot`] under one lock, so concurrent forks
//! cannot all pass the check and then overshoot. The slot is counted live
//! until it is dropped: when the task's thread ends, or at once when
//! creating the child fails (instance, thread), which releases it.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::host::lock;

/// The live-task count and the limits on it.
pub(super) struct Admission {
    /// Task slots taken: live task threads, and children being created.
    live: AtomicUsize,
    /// Slots whose thread has not started yet: their host mappings do not
    /// exist yet, so a count of `/proc/self/maps` does not see them.
    pending: AtomicUsize,
    /// At most this many live tasks (None: only host limits).
    max: Option<usize>,
    maps: MapBudget,
    /// Serializes [`Admission::reserve`] (check + take).
    reserving: Mutex<()>,
    /// A fork was refused for lack of host resources (warned once).
    warned: AtomicBool,
}

/// One admitted task: counted live until dropped.
pub(super) struct TaskSlot {
    adm: Arc<Admission>,
    pending: bool,
}

impl TaskSlot {
    /// The task's thread is running (its stacks are mapped).
    pub fn started(&mut self) {
        if std::mem::take(&mut self.pending) {
            self.adm.pending.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

impl Drop for TaskSlot {
    fn drop(&mut self) {
        self.started();
        self.adm.live.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Admission {
    pub fn new(max: Option<usize>) -> Arc<Admission> {
        Arc::new(Admission {
            live: AtomicUsize::new(0),
            pending: AtomicUsize::new(0),
            max,
            maps: MapBudget::new(),
            reserving: Mutex::new(()),
            warned: AtomicBool::new(false),
        })
    }

    pub fn live(&self) -> usize {
        self.live.load(Ordering::SeqCst)
    }

    /// A slot for a new process (fork), if the limits allow one more: the
    /// check and the count are one step. `Err` says why not.
    pub fn reserve(self: &Arc<Self>) -> Result<TaskSlot, String> {
        let _one_at_a_time = lock(&self.reserving);
        let live = self.live();
        let pending = self.pending.load(Ordering::SeqCst);
        if self.max.is_some_and(|max| live >= max) || !self.maps.admit(live, pending) {
            return Err(format!(
                "fork: EAGAIN at {live} live tasks (limits: WASMLINUX_MAX_PROCS, \
                 vm.max_map_count = {})",
                self.maps.limit.map_or("?".into(), |l| l.to_string())
            ));
        }
        Ok(self.take())
    }

    /// A slot without a check (the first process, started by the host).
    pub fn reserve_unchecked(self: &Arc<Self>) -> TaskSlot {
        let _one_at_a_time = lock(&self.reserving);
        self.take()
    }

    fn take(self: &Arc<Self>) -> TaskSlot {
        self.pending.fetch_add(1, Ordering::SeqCst);
        self.live.fetch_add(1, Ordering::SeqCst);
        TaskSlot { adm: self.clone(), pending: true }
    }

    /// Log a refusal: a warning the first time, then at debug level.
    pub fn warn(&self, msg: &str) {
        if !self.warned.swap(true, Ordering::Relaxed) {
            tracing::warn!("{msg} (reported once)");
        } else {
            tracing::debug!("{msg}");
        }
    }
}

/// Host memory mappings (VMAs) one process may cost: measured 9–11 (thread
/// stack + guard, Rust's and wasmtime's signal stacks + guards, the linear
/// memory's reservation, CoW image and accessible parts), plus slack.
const MAPS_PER_PROCESS: usize = 12;

/// Admission against `vm.max_map_count`. When a host process runs out of
/// mappings, thread start-up in std and wasmtime (signal stacks) panics and
/// aborts the whole host, so forks are refused (EAGAIN) before that: the
/// budget counts `/proc/self/maps` only when the live-task count passes
/// the last grant, and grants what the remaining headroom allows.
struct MapBudget {
    /// `vm.max_map_count` (None: unknown, no check).
    limit: Option<usize>,
    st: Mutex<BudgetState>,
}

#[derive(Default)]
struct BudgetState {
    /// Processes may start while fewer than this many tasks are live.
    allowed: usize,
    /// Live count at the last refusal: no new count until it drops.
    refused_at: Option<usize>,
}

impl MapBudget {
    fn new() -> MapBudget {
        let limit = std::fs::read_to_string("/proc/sys/vm/max_map_count").ok().and_then(|s| s.trim().parse().ok());
        MapBudget { limit, st: Mutex::new(BudgetState::default()) }
    }

    /// May one more process start while `live` tasks run, `pending` of
    /// which have no mappings yet?
    fn admit(&self, live: usize, pending: usize) -> bool {
        let Some(limit) = self.limit else {
            return true;
        };
        let mut st = lock(&self.st);
        if live < st.allowed {
            return true;
        }
        if st.refused_at.is_some_and(|r| live >= r) {
            return false;
        }
        let Some(used) = count_maps() else {
            return true;
        };
        // Room for everything else (module code, malloc arenas, files).
        let reserve = (limit / 32).max(1024);
        let headroom = limit.saturating_sub(used + reserve + pending * MAPS_PER_PROCESS);
        st.allowed = live + headroom / MAPS_PER_PROCESS;
        tracing::debug!(
            "map budget: {used} of {limit} mappings in use, {live} tasks live ({pending} \
             starting): up to {} tasks",
            st.allowed
        );
        if live < st.allowed {
            st.refused_at = None;
            true
        } else {
            st.refused_at = Some(live);
            false
        }
    }
}

/// Lines of `/proc/self/maps` (about 1 ms per 10,000).
fn count_maps() -> Option<usize> {
    let data = std::fs::read("/proc/self/maps").ok()?;
    Some(data.iter().filter(|&&b| b == b'\n').count())
}
