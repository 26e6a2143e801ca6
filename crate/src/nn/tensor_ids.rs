//! Keeps dfdx tensor ids unique across evcxr cells.
//!
//! evcxr links every dependency statically into the library it builds for each cell, so every
//! cell has its own copy of dfdx's tensor-id counter, starting again at 0 (see evcxr issue #331:
//! statics are duplicated per cell). A model or an input kept from an earlier cell then shares
//! ids with the tensors a later cell creates, and dfdx's gradient table, keyed by id, mixes their
//! gradients up: wrong numbers, or a panic inside `backward`. The one store all copies share is
//! the process environment, so glassbox keeps a process-wide high-water mark of ids there and,
//! the first time a cell's copy computes, moves that copy's counter past it.
//!
//! Outside evcxr there is one copy and this costs one tiny tensor per call.

use std::sync::atomic::{AtomicBool, Ordering};

use dfdx::prelude::{Cpu, Rank0, Tensor, ZerosTensor};

/// The environment variable holding the process-wide id high-water mark.
const FLOOR_VAR: &str = "GLASSBOX_DFDX_ID_FLOOR";

/// Head-room for ids a cell creates after its last glassbox call (about 30 ms to skip).
const MARGIN: usize = 1 << 20;

/// Whether *this copy* of glassbox (one per evcxr cell) has moved its dfdx counter already.
static SYNCED: AtomicBool = AtomicBool::new(false);

/// The id dfdx gives the next tensor, read from a fresh scalar's `Debug` text (the id field is
/// private to dfdx).
fn next_id(dev: &Cpu) -> Option<usize> {
    let probe: Tensor<Rank0, f32, Cpu> = dev.zeros();
    let text = format!("{probe:?}");
    let start = text.find("UniqueId(")? + "UniqueId(".len();
    let len = text[start..].find(')')?;
    text[start..start + len].parse().ok()
}

/// Moves this copy's dfdx id counter past every id an earlier evcxr cell may have handed out,
/// and records how far this copy has got. Called at glassbox's entry points before they compute.
pub(crate) fn sync_tensor_ids() {
    let dev = Cpu::default();
    let Some(mut now) = next_id(&dev) else {
        return;
    };
    let floor: usize = std::env::var(FLOOR_VAR)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if !SYNCED.swap(true, Ordering::SeqCst) && now < floor {
        for _ in now..floor {
            let _: Tensor<Rank0, f32, Cpu> = dev.zeros();
        }
        now = floor;
    }
    let new_floor = now.saturating_add(MARGIN);
    if new_floor > floor {
        std::env::set_var(FLOOR_VAR, new_floor.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_covers_every_id_handed_out() {
        sync_tensor_ids();
        let dev = Cpu::default();
        let id = next_id(&dev).expect("dfdx's Debug output names the id");
        let floor: usize = std::env::var(FLOOR_VAR).unwrap().parse().unwrap();
        assert!(
            floor > id,
            "floor {floor} must lie above the ids in use ({id})"
        );
    }
}
