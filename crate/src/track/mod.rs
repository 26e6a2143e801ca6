//! Training runs: scalars, text, hyperparameters and images per step, kept as crash-safe JSON
//! lines; smoothed curves and run comparisons; TensorBoard event and projector files.
//!
//! - [`Run`](crate::Run) logs (`run.log("loss", step, value)`), prints progress and reloads ([`Run::open`](crate::Run::open)).
//! - [`smooth`] is TensorBoard's debiased exponential moving average.
//! - [`TensorBoardWriter`] / [`read_event_file`](crate::read_event_file) write and verify real `tfevents` files, and
//!   [`write_projector`](crate::write_projector) the Embedding Projector's TSV files.

mod crc32c;
mod curves;
mod history;
mod live;
mod progress;
pub(crate) mod projector;
mod protobuf;
mod record;
pub(crate) mod run;
mod run_read;
mod smoothing;
mod store;
mod tensorboard;
pub(crate) mod tensorboard_read;

pub use curves::Curves;
pub use record::Hparam;
pub use smoothing::smooth;
pub use tensorboard::TensorBoardWriter;
pub use tensorboard_read::{TensorBoardEvent, TensorBoardValue};
