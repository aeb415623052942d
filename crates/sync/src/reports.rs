//! The pilot's figures of this office's province as the registry counts them
//! (`GET /v1/reports/pilot`, issue 18, item 4): what a supervisor's report
//! shows beside the commune's own. One request with the workstation's token,
//! no retry: offline, the supervisor is told the registry could not be asked
//! and the commune's figures stand alone.

use std::time::Duration;

use chrono::NaiveDate;
use hotich_core::{ErrorCode, ForbiddenAction, Officer, ProvincePilot, Store};
use hotich_protocol::pilot::ProvincePilotReport;

use crate::http::{http_client, read_capped};
use crate::{credentials, stored_server, SyncError, SyncOptions};

/// A province's report is computed in well under this (the registry's bench).
const REPORT_TIMEOUT: Duration = Duration::from_secs(30);
/// An answer is a few kilobytes.
const MAX_REPORT_BYTES: usize = 256 * 1024;

fn registry_error(code: ErrorCode, status: Option<u16>, detail: impl Into<String>) -> SyncError {
    SyncError::Registry {
        code,
        status,
        detail: detail.into(),
    }
}

/// Where to ask: the registry this office syncs with, its token and the
/// extra CA certificate trusted for it, read from the store before the
/// request (the store is not held across it).
#[derive(Debug, Clone)]
pub struct ReportSource {
    server: crate::ServerUrl,
    token: String,
    extra_ca: Option<String>,
}

impl ReportSource {
    /// The province's figures are the supervisor's, as the commune's are.
    /// `server`: another registry than the stored one (the command line's
    /// `--server`).
    pub fn of_store(
        store: &Store,
        actor: &Officer,
        server: Option<crate::ServerUrl>,
    ) -> Result<ReportSource, SyncError> {
        actor.require_supervisor(ForbiddenAction::ViewCommuneStats)?;
        let server = match server {
            Some(server) => server,
            None => stored_server(store)?.ok_or(SyncError::NoServer)?,
        };
        Ok(ReportSource {
            token: credentials::load_token(&server)?,
            server,
            extra_ca: store.sync_ca_certificate()?,
        })
    }

    /// The province's figures for the events of [from, to], with their
    /// report lines.
    pub async fn province_pilot(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<ProvincePilot, SyncError> {
        let mut options = SyncOptions::new(self.server.clone(), self.token.clone());
        options.request_timeout = REPORT_TIMEOUT;
        let client = http_client(&options, self.extra_ca.as_deref())
            .map_err(|e| SyncError::BadCaCertificate(e.to_string()))?;
        let url = format!("{}/v1/reports/pilot?from={from}&to={to}", self.server);
        let mut response = client
            .get(url)
            .bearer_auth(&options.token)
            .send()
            .await
            .map_err(|e| registry_error(ErrorCode::Network, None, e.to_string()))?;
        let status = response.status();
        let body = match read_capped(&mut response, MAX_REPORT_BYTES).await {
            Ok(Ok(body)) => body,
            Ok(Err(e)) => return Err(registry_error(ErrorCode::Network, None, e.to_string())),
            Err(_) => {
                return Err(registry_error(
                    ErrorCode::Protocol,
                    None,
                    format!("answer over {MAX_REPORT_BYTES} bytes"),
                ))
            }
        };
        if status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN {
            return Err(registry_error(
                ErrorCode::Unauthorized,
                Some(status.as_u16()),
                status.to_string(),
            ));
        }
        if !status.is_success() {
            // The error answer's own message, never the body whole.
            let message = serde_json::from_slice::<hotich_protocol::sync::ApiError>(&body)
                .map(|e| e.message)
                .unwrap_or_default();
            return Err(registry_error(
                ErrorCode::Server,
                Some(status.as_u16()),
                message,
            ));
        }
        let report: ProvincePilotReport = serde_json::from_slice(&body)
            .map_err(|e| registry_error(ErrorCode::Protocol, None, e.to_string()))?;
        Ok(ProvincePilot::of(report))
    }

    /// [`ReportSource::province_pilot`] for a caller without a tokio runtime.
    pub fn province_pilot_blocking(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<ProvincePilot, SyncError> {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
            .block_on(self.province_pilot(from, to))
    }
}
