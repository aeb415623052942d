//! `GET /v1/reports/pilot?from=&to=`: the Justice-Health pilot's figures of
//! the province of the asking workstation's commune (counts only, no person),
//! for the supervisor's report beside the commune's own.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use chrono::{NaiveDate, Utc};
use hotich_protocol::pilot::ProvincePilotReport;
use hotich_protocol::reference;
use serde::Deserialize;

use super::blocking;
use crate::auth::WorkstationAuth;
use crate::error::Failure;
use crate::pilot_report::{province_report, ReportError};
use crate::state::App;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodQuery {
    from: NaiveDate,
    to: NaiveDate,
}

pub async fn pilot(
    State(app): State<Arc<App>>,
    workstation: WorkstationAuth,
    query: Result<Query<PeriodQuery>, QueryRejection>,
) -> Result<Json<ProvincePilotReport>, Failure> {
    let Query(period) = query.map_err(|e| Failure::bad_request(e.body_text()))?;
    let province = reference::commune(&workstation.0.commune)
        .map(|c| c.province_code)
        .ok_or_else(|| Failure::bad_request("the workstation's commune is in no known province"))?;
    let storage = app.storage.clone();
    let report = blocking(move || {
        province_report(
            storage.as_ref(),
            province,
            period.from,
            period.to,
            Utc::now(),
        )
        .map_err(|e| match e {
            ReportError::Storage(e) => Failure::internal(e),
            other => Failure::bad_request(other.to_string()),
        })
    })
    .await?;
    Ok(Json(report))
}
