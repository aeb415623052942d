//! Wire types shared by the Hotich workstation and the central registry.
//!
//! - [`payload`]: the health sector's birth certificates and death notices;
//! - [`jws`]: the signed envelope (JWS, EdDSA);
//! - [`paper`]: the signed credential in a printed paper's QR;
//! - [`trust`]: the facility trust list, signed by the registry root key;
//! - [`verify`]: verification of a notification with a typed reason on failure;
//! - [`personal_id`]: the structure of the 12-digit personal ID number;
//! - [`legal`]: the registration deadlines;
//! - [`pilot`]: the figures of the Justice-Health pilot, from one row per case.

pub mod health_loop;
pub mod jws;
pub mod legal;
pub mod paper;
pub mod partial_date;
pub mod payload;
pub mod personal_id;
pub mod pilot;
pub mod reference;
pub mod samples;
pub mod sync;
pub mod trust;
pub mod verify;

pub use jws::{SignedEnvelope, Signer};
pub use partial_date::PartialDate;
pub use payload::{Action, BirthCertificate, DeathNotice, EventKind, Notification, Sex};
pub use trust::{FacilityKey, TrustList, TrustedKeys};
pub use verify::{verify_notification, Rejection, RejectionReason, VerifiedNotification};
