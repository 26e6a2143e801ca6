//! Training runs: scalars, text, hyperparameters and images per step, kept as crash-safe JSON
//! lines; smoothed curves and run comparisons; TensorBoard event and projector files.
//!
//! - [`Run`] logs (`run.log("loss", step, value)`), prints progress and reloads ([`Run::open`]).
//! - [`smooth`] is TensorBoard's debiased exponential moving average.
//! - [`TensorBoardWriter`] / [`read_event_file`] write and verify real `tfevents` files, and
//!   [`write_projector`] the Embedding Projector's TSV files.

mod crc32c;
mod curves;
mod history;
mod live;
mod progress;
mod projector;
mod protobuf;
mod record;
mod run;
mod run_read;
mod smoothing;
mod store;
mod tensorboard;
mod tensorboard_read;

pub use curves::Curves;
pub use projector::write_projector;
pub use record::Hparam;
pub use run::Run;
pub use smoothing::smooth;
pub use tensorboard::TensorBoardWriter;
pub use tensorboard_read::{read_event_file, TensorBoardEvent, TensorBoardValue};
