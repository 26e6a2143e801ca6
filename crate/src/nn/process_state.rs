//! The state every copy of glassbox in one process shares: the dfdx id high-water mark and the
//! scratch-buffer pools.
//!
//! evcxr links a fresh copy of every dependency into each notebook cell (evcxr issue #331), so a
//! plain `static` exists once per cell: 100 cells would mean 100 id counters out of step and 100
//! scratch pools of up to [`super::tape`]'s cap each. Instead, the first copy that needs this
//! state leaks one [`ProcessState`] and publishes its address, with the process id, in an
//! environment variable — once per process, never per call. Every later copy reads the variable
//! once and from then on uses the same atomics and mutexes. The copies are the same compiled
//! glassbox rlib linked into each cell, so they agree on the layout; the variable's name carries
//! the crate version so that two different glassbox versions in one process never share it. The
//! pid keeps a child process that inherits the environment from reading a foreign address.

use std::sync::atomic::{AtomicPtr, AtomicUsize};
use std::sync::{Mutex, OnceLock};

/// See the module docs.
pub(crate) struct ProcessState {
    /// The next dfdx tensor id of the copy that last left glassbox (`tensor_ids`).
    pub id_mark: AtomicUsize,
    /// The id probe (`fn() -> usize`) of the copy that last entered glassbox, or null. Its
    /// library stays loaded: evcxr never unloads a cell's library.
    pub last_copy: AtomicPtr<()>,
    /// Reusable buffers for copies that live only during one op (`tape::Scratch`).
    pub pool_f32: Mutex<Vec<Vec<f32>>>,
    /// As `pool_f32`, for the f64 gradient checks.
    pub pool_f64: Mutex<Vec<Vec<f64>>>,
}

/// The environment variable holding `"<pid>:<address>:<size>"`; versioned (see the module docs).
/// The size is one more check that the reader agrees on the layout (a glassbox rebuilt from
/// edited sources in the same session keeps its version).
const STATE_VAR: &str = concat!(
    "GLASSBOX_PROCESS_STATE_",
    env!("CARGO_PKG_VERSION_MAJOR"),
    "_",
    env!("CARGO_PKG_VERSION_MINOR"),
    "_",
    env!("CARGO_PKG_VERSION_PATCH")
);

/// The one [`ProcessState`] of this process.
pub(crate) fn state() -> &'static ProcessState {
    static STATE: OnceLock<&'static ProcessState> = OnceLock::new();
    STATE.get_or_init(|| {
        let pid = std::process::id();
        let size = std::mem::size_of::<ProcessState>();
        let published = std::env::var(STATE_VAR).ok().and_then(|v| {
            let mut parts = v.split(':');
            let p: u32 = parts.next()?.parse().ok()?;
            let addr = usize::from_str_radix(parts.next()?, 16).ok()?;
            let s: usize = parts.next()?.parse().ok()?;
            (p == pid && addr != 0 && s == size).then_some(addr)
        });
        match published {
            // SAFETY: published in this very process (same pid) by another copy of this
            // function, from a leaked `ProcessState` that is never freed.
            Some(addr) => unsafe { &*(addr as *const ProcessState) },
            None => {
                let state: &'static ProcessState = Box::leak(Box::new(ProcessState {
                    id_mark: AtomicUsize::new(0),
                    last_copy: AtomicPtr::new(std::ptr::null_mut()),
                    pool_f32: Mutex::new(Vec::new()),
                    pool_f64: Mutex::new(Vec::new()),
                }));
                let addr = state as *const ProcessState as usize;
                // Once per process. evcxr runs cells one at a time, so no two copies race here.
                std::env::set_var(STATE_VAR, format!("{pid}:{addr:x}:{size}"));
                state
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_is_published_once_with_this_pid() {
        let a = state() as *const ProcessState;
        let v = std::env::var(STATE_VAR).unwrap();
        let size = std::mem::size_of::<ProcessState>();
        assert_eq!(v, format!("{}:{:x}:{size}", std::process::id(), a as usize));
        assert!(std::ptr::eq(a, state()));
    }
}
