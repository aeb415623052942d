//! A printed copy's current status at the registry (`GET /v1/papers/{serial}`,
//! public): what the desktop's "Kiểm tra giấy tờ" and `hotich verify-paper
//! --status` show beside the offline check of the signature. One short
//! request, no token (the endpoint is public, and a checker's token must not
//! travel with a stranger's paper), no retry: offline, the checker is told
//! the status could not be checked.

use std::time::Duration;

use hotich_core::Store;
use hotich_protocol::paper::{code_of_serial, serial_of_code, PaperStatusAnswer};

use crate::http::{http_client, read_capped};
use crate::{stored_server, ServerUrl, SyncError, SyncOptions};

/// Longest wait for the answer: a checker at a desk does not wait longer.
const STATUS_TIMEOUT: Duration = Duration::from_secs(5);
/// An answer is a few dozen bytes.
const MAX_STATUS_BYTES: usize = 16 * 1024;

/// Where to ask: a registry, and the extra CA certificate trusted for it.
#[derive(Debug, Clone)]
pub struct StatusSource {
    server: ServerUrl,
    extra_ca: Option<String>,
}

impl StatusSource {
    pub fn new(server: ServerUrl) -> StatusSource {
        StatusSource {
            server,
            extra_ca: None,
        }
    }

    /// The registry this workstation syncs with; None when none is set.
    pub fn of_store(store: &Store) -> Result<Option<StatusSource>, SyncError> {
        let Some(server) = stored_server(store)? else {
            return Ok(None);
        };
        Ok(Some(StatusSource {
            server,
            extra_ca: store.sync_ca_certificate()?,
        }))
    }

    /// The registry's answer on the copy `code`; None when it could not be
    /// asked or did not answer as the API says (offline, refused, busy).
    pub async fn fetch(&self, code: &str) -> Option<PaperStatusAnswer> {
        // Only a well-formed code goes into the URL.
        let code = code_of_serial(&serial_of_code(code)?);
        let mut options = SyncOptions::new(self.server.clone(), "");
        options.request_timeout = STATUS_TIMEOUT;
        let client = http_client(&options, self.extra_ca.as_deref()).ok()?;
        let url = format!("{}/v1/papers/{code}", self.server);
        let mut response = client.get(url).send().await.ok()?;
        if !response.status().is_success() {
            return None;
        }
        let body = read_capped(&mut response, MAX_STATUS_BYTES)
            .await
            .ok()?
            .ok()?;
        serde_json::from_slice::<PaperStatusAnswer>(&body)
            .ok()
            .filter(|answer| answer.serial == code)
    }

    /// [`StatusSource::fetch`] for a caller without a tokio runtime.
    pub fn fetch_blocking(&self, code: &str) -> Option<PaperStatusAnswer> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?;
        runtime.block_on(self.fetch(code))
    }
}
