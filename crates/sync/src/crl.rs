//! CRLs fetched from the distribution points the held certificates name
//! (issue 15): for each intermediate or facility certificate whose issuer
//! has no CRL in force, the workstation downloads the CRL at the address in
//! the certificate and takes it in through the core's CRL path (verified
//! against the issuer, only when newer than the one held; what waited for a
//! revocation check is checked again). `hotich trust crl fetch` and the
//! background round both call [`fetch_crls`]; the store is only read before
//! the downloads and written after each, never with a transaction open
//! during a request.

use std::time::Duration;

use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

use hotich_core::labels::{self, Lang};
use hotich_core::store_key::StoreFile;
use hotich_core::x509_trust::{CrlEntry, CrlFetchTarget, RevocationRecheck};
use hotich_core::{FileRefusal, Store};
use serde::Serialize;

use crate::SyncError;

/// The largest CRL read: a national CA's full CRL is a few MiB.
pub const MAX_CRL_BYTES: usize = 16 * 1024 * 1024;
/// The longest wait for one CRL.
pub const CRL_TIMEOUT: Duration = Duration::from_secs(30);

/// What one fetch round did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CrlFetchReport {
    /// The CRLs fetched and taken in.
    pub added: Vec<CrlEntry>,
    /// What the new CRLs changed for the notifications that waited for them.
    pub recheck: RevocationRecheck,
    /// Addresses that answered with a CRL no newer than the one held.
    pub not_newer: Vec<String>,
    /// Addresses that could not be fetched or whose answer was refused.
    pub failed: Vec<CrlFetchFailure>,
}

impl CrlFetchReport {
    /// Whether a notification's revocation status changed.
    pub fn changed_notifications(&self) -> bool {
        self.recheck.cleared > 0 || self.recheck.revoked > 0
    }
}

/// One distribution point that gave no usable CRL, and why (worded by
/// [`CrlFetchFailure::message`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CrlFetchFailure {
    pub url: String,
    pub reason: FileRefusal,
    /// The reason's params, as listed on [`FileRefusal`].
    pub params: BTreeMap<String, String>,
}

impl CrlFetchFailure {
    /// Why, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        labels::fill(labels::file_refusal(lang, self.reason), &self.params)
    }
}

/// Why a download gave no CRL, and the reason's params.
type Refusal = (FileRefusal, BTreeMap<String, String>);

fn refusal(reason: FileRefusal, name: &str, value: String) -> Refusal {
    (reason, BTreeMap::from([(name.to_owned(), value)]))
}

/// The client CRLs are fetched with: plain HTTP allowed (a CRL is signed
/// and checked against its issuer, and distribution points are usually
/// `http://`), at most three redirects, bounded in time.
fn crl_client() -> Result<reqwest::Client, SyncError> {
    reqwest::Client::builder()
        .timeout(CRL_TIMEOUT)
        .connect_timeout(CRL_TIMEOUT.min(Duration::from_secs(10)))
        .redirect(reqwest::redirect::Policy::limited(3))
        .user_agent(concat!("hotich-sync/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| SyncError::Runtime(std::io::Error::other(e.to_string())))
}

/// The body of `url`, at most [`MAX_CRL_BYTES`].
async fn download(http: &reqwest::Client, url: &str) -> Result<Vec<u8>, Refusal> {
    let network = |e: reqwest::Error| refusal(FileRefusal::Network, "detail", e.to_string());
    let mut response = http.get(url).send().await.map_err(network)?;
    if !response.status().is_success() {
        let status = response.status().as_u16().to_string();
        return Err(refusal(FileRefusal::HttpStatus, "status", status));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(network)? {
        if body.len() + chunk.len() > MAX_CRL_BYTES {
            let max = MAX_CRL_BYTES.to_string();
            return Err(refusal(FileRefusal::TooLarge, "max", max));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Fetches the CRL of every distribution point [`Store::crl_fetch_targets`]
/// names at `now` and takes each in with [`Store::add_fetched_crl`]. A
/// failed address is reported and the others still tried.
pub async fn fetch_crls(
    store: &mut Store,
    now: DateTime<Utc>,
) -> Result<CrlFetchReport, SyncError> {
    let targets: Vec<CrlFetchTarget> = store.crl_fetch_targets(now)?;
    let mut report = CrlFetchReport::default();
    if targets.is_empty() {
        return Ok(report);
    }
    let http = crl_client()?;
    for target in targets {
        let fail = |(reason, params): Refusal| CrlFetchFailure {
            url: target.url.clone(),
            reason,
            params,
        };
        let bytes = match download(&http, &target.url).await {
            Ok(bytes) => bytes,
            Err(reason) => {
                report.failed.push(fail(reason));
                continue;
            }
        };
        match store.add_fetched_crl(&bytes, &target.url, Utc::now()) {
            Ok(Some(added)) => {
                report.recheck.cleared += added.recheck.cleared;
                report.recheck.revoked += added.recheck.revoked;
                // Each re-check counts what still waits after it: the last one holds.
                report.recheck.still_unchecked = added.recheck.still_unchecked;
                report.added.push(added.crl);
            }
            Ok(None) => report.not_newer.push(target.url.clone()),
            Err(hotich_core::CoreError::InvalidFile { reason, params, .. }) => {
                report.failed.push(fail((reason, params)))
            }
            Err(other) => return Err(other.into()),
        }
    }
    Ok(report)
}

/// [`fetch_crls`] for a caller without a tokio runtime (the CLI, the
/// background thread).
pub fn fetch_crls_blocking(
    store: &mut Store,
    now: DateTime<Utc>,
) -> Result<CrlFetchReport, SyncError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(fetch_crls(store, now))
}

/// [`fetch_crls_blocking`] on the store at `path`, opened for this round.
pub fn fetch_crls_path(file: &StoreFile, now: DateTime<Utc>) -> Result<CrlFetchReport, SyncError> {
    let mut store = file.open()?;
    fetch_crls_blocking(&mut store, now)
}
