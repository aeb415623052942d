//! Hotich's domain core: the offline store of health notifications and the
//! cases opened from them, their legal deadlines, the queue and search.
//! No Tauri and no network here; the CLI and the desktop shell call this API.

pub mod error;
pub mod legal;
pub mod model;
pub mod store;
pub mod text;

mod intake;
pub mod queue;

pub use error::{CoreError, Result};
pub use model::*;
pub use store::Store;
