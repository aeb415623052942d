//! Justice → Health (issue 18, item 1). `GET /v1/health/deaths`: a commune
//! health station, by its facility token, reads the deaths registered in
//! the communes it serves; `POST /v1/health/causes`: it returns a cause of
//! death, a JWS envelope signed with its facility key; `GET
//! /v1/communes/{commune}/causes`: a workstation reads the causes returned
//! for its commune's deaths, to verify again and attach.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use hotich_health::fhir::verify_cause;
use hotich_protocol::health_loop::{CauseEvent, CausePage, SharedDeathPage};
use hotich_protocol::sync::{DEFAULT_PAGE, MAX_PAGE};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::blocking;
use super::notifications::current_keys;
use crate::auth::{FacilityCredential, WorkstationAuth};
use crate::error::Failure;
use crate::state::App;
use crate::storage::CauseOutcome;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    after: Option<u64>,
    limit: Option<u32>,
}

fn page_of(query: Result<Query<PageQuery>, QueryRejection>) -> Result<(u64, u32), Failure> {
    let Query(query) = query.map_err(|e| Failure::bad_request(e.body_text()))?;
    let limit = query.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(Failure::bad_request(format!(
            "limit must be between 1 and {MAX_PAGE}"
        )));
    }
    Ok((query.after.unwrap_or(0), limit))
}

pub async fn shared_deaths(
    State(app): State<Arc<App>>,
    FacilityCredential(sender): FacilityCredential,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Json<SharedDeathPage>, Failure> {
    let Some(sender) = sender else {
        return Err(Failure::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a facility token is required (Authorization: Bearer ...)",
        ));
    };
    let (after, limit) = page_of(query)?;
    let storage = app.storage.clone();
    let (deaths, has_more) = blocking(move || {
        storage
            .shared_deaths(&sender.facility_code, after, limit)
            .map_err(Failure::internal)
    })
    .await?;
    let next_cursor = deaths.last().map_or(after, |d| d.seq);
    Ok(Json(SharedDeathPage {
        deaths,
        next_cursor,
        has_more,
    }))
}

pub async fn post_cause(
    State(app): State<Arc<App>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Failure> {
    let body = body.map_err(|e| Failure::body_rejected(&e))?;
    blocking(move || {
        let keys = current_keys(&app)?;
        let verified = verify_cause(&body, &keys).map_err(|refusal| {
            Failure::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                refusal.code(),
                refusal.to_string(),
            )
        })?;
        // Parsed as JSON above, so UTF-8.
        let envelope = String::from_utf8_lossy(&body).into_owned();
        let outcome = app
            .storage
            .record_cause(&verified.cause, &envelope, chrono::Utc::now())
            .map_err(Failure::internal)?;
        let (status, answer) = match outcome {
            CauseOutcome::Stored { commune, seq } => (
                StatusCode::CREATED,
                serde_json::json!({ "status": "stored", "commune": commune, "seq": seq }),
            ),
            CauseOutcome::Replayed => {
                (StatusCode::OK, serde_json::json!({ "status": "unchanged" }))
            }
            CauseOutcome::Conflict => {
                return Err(Failure::new(
                    StatusCode::CONFLICT,
                    "conflict",
                    "another cause was returned for this registration",
                ))
            }
            CauseOutcome::UnknownRegistration => {
                return Err(Failure::new(
                    StatusCode::NOT_FOUND,
                    "unknown_registration",
                    "no death is shared under this registration id",
                ))
            }
            CauseOutcome::NotResponsible => {
                return Err(Failure::new(
                    StatusCode::FORBIDDEN,
                    "not_responsible",
                    "this facility is not the health station of the registration's commune",
                ))
            }
        };
        Ok((status, Json(answer)).into_response())
    })
    .await
}

pub async fn causes(
    State(app): State<Arc<App>>,
    workstation: WorkstationAuth,
    Path(commune): Path<String>,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Json<CausePage>, Failure> {
    workstation.own_commune(&commune)?;
    let (after, limit) = page_of(query)?;
    let storage = app.storage.clone();
    let (stored, has_more) = blocking(move || {
        storage
            .causes_after(&commune, after, limit)
            .map_err(Failure::internal)
    })
    .await?;
    let next_cursor = stored.last().map_or(after, |c| c.seq);
    let causes = stored
        .into_iter()
        .map(|c| {
            Ok(CauseEvent {
                seq: c.seq,
                registration_id: c.registration_id,
                envelope: RawValue::from_string(c.envelope).map_err(Failure::internal)?,
                received_at: chrono::DateTime::parse_from_rfc3339(&c.received_at)
                    .map_err(Failure::internal)?
                    .with_timezone(&chrono::Utc),
            })
        })
        .collect::<Result<_, Failure>>()?;
    Ok(Json(CausePage {
        causes,
        next_cursor,
        has_more,
    }))
}
