//! Keeps dfdx tensor ids unique across evcxr cells: one guard at every entry into glassbox.
//!
//! evcxr links every dependency statically into the library it builds for each cell, so every
//! cell has its own copy of dfdx's tensor-id counter, starting again at 0 (evcxr issue #331:
//! statics are duplicated per cell). A model or an input kept from an earlier cell then shares
//! ids with the tensors a later cell creates, and dfdx's gradient table, keyed by id, mixes their
//! gradients up: wrong numbers, or a panic inside `backward`.
//!
//! Every copy's counter must therefore start above every id any other copy has handed out. The
//! copies share two things ([`super::process_state`], found once per copy, never a `set_var` per
//! call): the counter of the copy that last *left* glassbox, and a probe into the copy that last
//! *entered* it — a pointer to that copy's own [`next_id`], which reads that copy's counter live,
//! including tensors its cell made with dfdx directly after its glassbox calls (a user's own
//! model, say).
//!
//! **Entering** ([`enter`], outermost guard only): the target is the larger of the two; if this
//! copy's counter is below it, the counter is advanced to it. dfdx has no way to set its
//! counter, so advancing means consuming ids: the cheapest public way is pushing empty backward
//! operations onto a throw-away tape (no allocation per id, a few ns each). The target is exact,
//! no margin, so it grows only by the ids cells really use (hundreds to thousands per cell):
//! cell 100 skips a few hundred thousand ids, well under a millisecond.
//! **Leaving** (dropping the outermost [`IdGuard`]) records this copy's counter.
//!
//! Not covered: a cell that makes dfdx tensors *before* any glassbox call and keeps them for a
//! later cell; such a cell should start with [`sync_tensor_ids`]. Outside evcxr there is one copy
//! and the guard costs a couple of microseconds per entry.

use std::cell::Cell;
use std::sync::atomic::Ordering;

use dfdx::prelude::{Cpu, OwnedTape, Rank0, Shape, Tape, Tensor, ZerosTensor};

use super::process_state::state;

thread_local! {
    /// Nesting depth of guards on this thread: only the outermost one syncs and records.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// The id dfdx gives the next tensor *in this copy*, read from a fresh scalar. Other copies call
/// it through [`ProbeFn`] pointers.
pub(crate) fn next_id() -> usize {
    id_of(&Cpu::default().zeros::<Rank0>())
}

/// The id of a tensor, read from its `Debug` text (the id field is private to dfdx; meant for
/// small tensors, whose text is short).
pub(crate) fn id_of<S: Shape>(t: &Tensor<S, f32, Cpu>) -> usize {
    let text = format!("{t:?}");
    text.find("UniqueId(")
        .map(|at| &text[at + "UniqueId(".len()..])
        .and_then(|rest| rest[..rest.find(')')?].parse().ok())
        .expect("dfdx 0.13's Tensor Debug output names its UniqueId")
}

/// The type of [`next_id`], as shared between copies.
type ProbeFn = fn() -> usize;

/// Consumes dfdx ids until the next one is at least `target`.
fn advance_to(target: usize) {
    const CHUNK: usize = 1 << 16;
    let mut now = next_id();
    while now < target {
        let n = (target - now).min(CHUNK);
        let mut tape = OwnedTape::<f32, Cpu>::default();
        for _ in 0..n {
            tape.add_backward_op(|_| Ok(())); // one id each; the closure is zero-sized
        }
        drop(tape);
        now = next_id();
    }
}

/// The id every copy must start above: the larger of the recorded counter and the live counter
/// of the copy that last entered glassbox. Makes this copy that copy.
fn target() -> usize {
    let own = next_id as ProbeFn as *mut ();
    let last = state().last_copy.swap(own, Ordering::SeqCst);
    let recorded = state().id_mark.load(Ordering::SeqCst);
    if last.is_null() || last == own {
        return recorded;
    }
    // SAFETY: `last` was stored by another copy of this very function from its own `next_id`
    // (same signature, same compiled code), and evcxr never unloads a cell's library.
    let probe: ProbeFn = unsafe { std::mem::transmute::<*mut (), ProbeFn>(last) };
    recorded.max(probe())
}

/// Held for the duration of a glassbox entry point; see the module docs.
#[must_use = "the guard records the ids used when it is dropped: bind it with `let _ids = …`"]
pub(crate) struct IdGuard {
    outermost: bool,
}

/// Enters glassbox: moves this copy's dfdx id counter past every id another evcxr cell may have
/// handed out. Every public function that creates or runs dfdx tensors starts with
/// `let _ids = id_guard();` (or calls a helper that does, before making any tensor).
pub(crate) fn enter() -> IdGuard {
    let outermost = DEPTH.with(|d| {
        d.set(d.get() + 1);
        d.get() == 1
    });
    if outermost {
        advance_to(target());
    }
    IdGuard { outermost }
}

impl Drop for IdGuard {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
        if self.outermost {
            state().id_mark.fetch_max(next_id(), Ordering::SeqCst);
        }
    }
}

/// Makes tensors you create with dfdx directly in a notebook cell safe to use with models and
/// tensors from earlier cells.
///
/// glassbox calls this itself on every entry; call it at the top of a cell that builds dfdx
/// tensors by hand *before* any glassbox call (evcxr gives each cell its own copy of dfdx's
/// tensor-id counter, which otherwise restarts at 0). Outside notebooks it costs a couple of
/// microseconds.
pub fn sync_tensor_ids() {
    drop(enter());
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Held by every test that moves counters, so that "exact" means exact.
    pub(crate) static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

    /// Takes [`SERIAL`], whatever an earlier failing test left.
    pub(crate) fn serial() -> std::sync::MutexGuard<'static, ()> {
        SERIAL.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What another evcxr cell does to the shared state: hands out `ids` ids in its own copy
    /// and leaves glassbox. Returns the id every later entry must start above.
    pub(crate) fn another_cell_used(ids: usize) -> usize {
        let target = state().id_mark.load(Ordering::SeqCst).max(next_id()) + ids;
        state().id_mark.fetch_max(target, Ordering::SeqCst);
        target
    }

    #[test]
    fn entering_skips_past_ids_another_cell_handed_out() {
        let _serial = serial();
        let target = another_cell_used(100_000);
        let guard = enter();
        assert!(next_id() >= target, "{} < {target}", next_id());
        drop(guard);
        assert!(state().id_mark.load(Ordering::SeqCst) >= target);
    }

    static FAKE_COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

    /// The probe of "another copy" whose counter is `FAKE_COUNTER`.
    fn fake_copy() -> usize {
        FAKE_COUNTER.load(Ordering::SeqCst)
    }

    #[test]
    fn entering_skips_past_the_live_counter_of_the_copy_that_entered_last() {
        let _serial = serial();
        // Another copy entered glassbox, then made 70,000 tensors with dfdx directly.
        FAKE_COUNTER.store(next_id() + 70_000, Ordering::SeqCst);
        let fake = fake_copy as ProbeFn as *mut ();
        state().last_copy.store(fake, Ordering::SeqCst);
        drop(enter());
        assert!(next_id() >= fake_copy(), "{} < {}", next_id(), fake_copy());
    }

    #[test]
    fn a_copy_alone_never_skips() {
        let _serial = serial();
        drop(enter());
        let before = next_id();
        drop(enter());
        // A few probes (other tests make tensors meanwhile), never a skip.
        assert!(next_id() < before + 1000, "{} vs {before}", next_id());
    }

    #[test]
    fn advancing_is_exact() {
        let _serial = serial();
        let now = next_id();
        advance_to(now + 200_000);
        let after = next_id();
        // Other tests may make tensors meanwhile; with the test threads quiet it is exact.
        assert!((now + 200_000..now + 210_000).contains(&after), "{after}");
    }

    #[test]
    #[ignore = "prints the cost of advancing and of one entry"]
    fn speed() {
        let _serial = serial();
        let t = std::time::Instant::now();
        advance_to(next_id() + 10_000_000);
        eprintln!("advance: {:.2} ns/id", t.elapsed().as_nanos() as f64 / 1e7);
        let t = std::time::Instant::now();
        for _ in 0..10_000 {
            sync_tensor_ids();
        }
        eprintln!("entry: {:.2} µs", t.elapsed().as_nanos() as f64 / 1e7);
    }
}
