//! Reference central registry of Hotich.
//!
//! - The HTTP server (`hotich-central serve`): [`server`] runs it,
//!   [`router`] lists the routes and layers, [`handlers`] has one module per
//!   resource, [`auth`] the workstation extractor, [`middleware`] the rate
//!   limits, the request log and (feature `faults`) injected failures,
//!   [`state`] the shared state, [`error`] the JSON error answer.
//! - [`tls`]: HTTPS served by the registry itself (`serve --tls-cert`).
//! - [`storage`]: the [`storage::Storage`] trait and its SQLite
//!   implementation; [`jurisdiction`]: which commune's stream a notification
//!   goes to.
//! - Admin operations: [`trust`] (importing the signed trust list),
//!   [`auth::new_token`] (workstation tokens).
//! - [`pilot_report`]: the Justice-Health pilot's figures of a province;
//!   [`pilot_scenario`]: six months of a province's deaths played into a
//!   registry's database (`simulate --scenario pilot`).
//! - [`simulate`]: the health-facility simulator's runs, as the command line
//!   makes them, and posting them to a server.
//! - [`logging`]: the process's log subscriber; [`metrics`]: what `GET
//!   /metrics` tells the operator's monitoring.
//!
//! The binary (`src/bin/hotich-central`) parses arguments, calls one of
//! these, and words the outcome in Vietnamese and English.

pub mod auth;
pub mod connection;
pub mod error;
pub mod handlers;
pub mod jurisdiction;
pub mod logging;
pub mod metrics;
pub mod middleware;
pub mod paper_keys;
pub mod pilot_report;
pub mod pilot_scenario;
#[cfg(feature = "testkit")]
pub mod process;
pub mod province;
pub mod router;
pub mod server;
pub mod simulate;
pub mod state;
pub mod storage;
pub mod tls;
pub mod trust;

pub use auth::new_token;
pub use hotich_protocol::trust::RootKey;
pub use simulate::{
    post_documents, post_notifications, simulate_communes, simulate_to_dir, write_sim, PostError,
    PostTotals, SimulateError,
};
pub use trust::{import_trust_list, TrustImport, TrustImportError};
