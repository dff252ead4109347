//! Containing a panic to the task it happened in: [`contain`] runs a task
//! thread's work under `catch_unwind`; the runtime then kills that process
//! with SIGKILL through the kernel and logs one line (see
//! `Runtime::internal_error`). The panic hook installed by [`install_hook`]
//! keeps std's multi-line report quiet for contained panics (unless
//! `RUST_BACKTRACE` is set) and records where the panic happened for that
//! line; panics anywhere else go to the previous hook unchanged.

use std::cell::{Cell, RefCell};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

/// Where to report an internal error.
pub const REPORT_AT: &str = "the wasmlinux issue tracker";

thread_local! {
    /// Depth of [`contain`] calls on this thread.
    static CONTAINED: Cell<u32> = const { Cell::new(0) };
    /// Location of the last contained panic on this thread.
    static LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Install the hook (once per host process).
pub fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !in_contained_code() {
                return previous(info);
            }
            let at = info.location().map(|l| l.to_string());
            let _ = LOCATION.try_with(|l| *l.borrow_mut() = at);
            if std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0") {
                previous(info);
            }
        }));
    });
}

/// Is this thread running code whose panics [`contain`] catches? (The
/// console's panic hook leaves the terminal alone for those: the guest
/// goes on.)
pub fn in_contained_code() -> bool {
    CONTAINED.try_with(|c| c.get() > 0).unwrap_or(false)
}

/// Run `f`, turning a panic into `Err("<message> at <file:line:col>")`.
pub fn contain<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    CONTAINED.with(|c| c.set(c.get() + 1));
    let r = catch_unwind(AssertUnwindSafe(f));
    CONTAINED.with(|c| c.set(c.get() - 1));
    r.map_err(|payload| {
        let msg = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into());
        match LOCATION.with(|l| l.borrow_mut().take()) {
            Some(at) => format!("{msg} at {at}"),
            None => msg,
        }
    })
}
