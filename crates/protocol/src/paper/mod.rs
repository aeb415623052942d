//! The printed paper's signed credential: what the QR of a Giấy khai sinh, a
//! Trích lục khai sinh or a Trích lục khai tử carries, so that anyone can
//! check the paper offline with only the registry's root key.
//!
//! - [`credential`]: the claims (only what a checker needs: no ID number, no
//!   cause of death), signed by the commune office's key as COSE_Sign1
//!   (Ed25519), zlib-compressed and Base45-encoded behind `HT1:`, the form
//!   the EU Digital COVID Certificate proved on millions of phones;
//! - [`certificate`]: the commune office's key certified by the registry
//!   root, and [`PaperTrust`], what a checker holds (the root and the
//!   certificates it signed);
//! - [`status`]: the registry's public answer on a copy (valid, superseded,
//!   withdrawn, unknown).
//!
//! The format is documented for other implementers in `docs/paper-credential.md`.

pub mod certificate;
pub mod credential;
pub mod status;

pub use certificate::{
    certify_commune_key, CommuneCertificate, PaperTrust, TYP_COMMUNE_CERTIFICATE,
};
pub use credential::{
    code_of_serial, open_signed, serial_of_code, verify_paper, PaperClaims, PaperDocument,
    PaperRejection, Serial, VerifiedPaper, QR_PREFIX,
};
pub use status::{PaperStatus, PaperStatusAnswer};
