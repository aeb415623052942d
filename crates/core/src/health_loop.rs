//! Justice → Health at the workstation (issue 18, item 1). A death this
//! office registers goes to the registry with its registration row (the
//! outbox), which shares it with the commune health station; the cause the
//! station determines comes back signed with its facility key. Each sync
//! pulls the commune's causes after a cursor, verifies each again with the
//! trust list, and keeps it beside the registration: never over what the
//! registrar entered, a difference is shown for review. A cause that fails
//! is quarantined with its reason (intake's quarantine), never dropped.
//!
//! The only writer of `death_cause` and `cause_cursor`.

use chrono::{DateTime, Utc};
use hotich_common::sqlite::{to_i64, to_u64};
use hotich_health::fhir::verify_cause;
use hotich_protocol::health_loop::{CauseEvent, CauseOfDeath};
use hotich_protocol::EventKind;
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::sql::from_row;
use crate::store::Store;

/// Where quarantined causes say they came from.
const SOURCE: &str = "nguyên nhân tử vong từ trạm y tế (đồng bộ)";

/// A cause of death as the station returned it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ReturnedCause {
    pub facility_id: String,
    pub facility_name: String,
    /// ICD-10 code of the underlying cause.
    pub icd10: String,
    pub text: String,
    pub determined_by: String,
    pub determined_on: String,
    pub received_at: String,
}

crate::error::code_enum! {
    /// Where a registered death stands with the health side.
    pub enum HealthShareState {
        /// Registered; the registration has not reached the registry yet.
        NotSent => "not_sent",
        /// Sent through the registry to the health station ("Đã chuyển y tế").
        SentToHealth => "sent_to_health",
        /// The station determined the cause ("Y tế đã xác định nguyên nhân").
        CauseDetermined => "cause_determined",
    }
}

/// How a registered death stands with the health side, and the cause the
/// station returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct HealthShare {
    pub state: HealthShareState,
    pub cause: Option<ReturnedCause>,
    /// What the registrar entered as the cause, when it differs from the
    /// station's text: shown side by side for review, never overwritten.
    pub registered_cause: Option<String>,
}

/// What applying a page of causes did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CausesApplied {
    pub attached: u64,
    pub unchanged: u64,
    pub quarantined: u64,
    pub cursor: u64,
    /// False when the cursor had moved past `after` (another run was first).
    pub applied: bool,
}

/// A checked cause, or why it was refused.
enum Checked {
    Attach(CauseOfDeath, String),
    Refuse(&'static str, String),
}

impl Store {
    /// How far the commune's causes were pulled.
    pub fn cause_cursor(&self, commune: &str) -> Result<u64> {
        let held: Option<i64> = self
            .conn
            .query_row(
                "SELECT after_seq FROM cause_cursor WHERE commune = ?1",
                [commune],
                |r| r.get(0),
            )
            .optional()?;
        Ok(held.map_or(0, to_u64))
    }

    /// Verifies a pulled page of causes, then in one transaction keeps each
    /// good one beside its registration, quarantines the others and moves
    /// the cursor from `after` to `next_cursor` (a page whose `after` is no
    /// longer the cursor is not applied, so a replay is a no-op).
    pub fn apply_pulled_causes(
        &mut self,
        commune: &str,
        after: u64,
        causes: &[CauseEvent],
        next_cursor: u64,
        now: DateTime<Utc>,
    ) -> Result<CausesApplied> {
        let keys = self.trusted_keys()?;
        let checked: Vec<Checked> = causes
            .iter()
            .map(
                |event| match verify_cause(event.envelope.get().as_bytes(), &keys) {
                    Ok(v) if v.cause.registration_id != event.registration_id => Checked::Refuse(
                        "cause_mismatched_registration",
                        format!(
                            "the event is for {}, the signed cause for {}",
                            event.registration_id, v.cause.registration_id
                        ),
                    ),
                    Ok(v) => Checked::Attach(v.cause, v.facility_name),
                    Err(refusal) => {
                        Checked::Refuse(refusal_code(refusal.code()), refusal.to_string())
                    }
                },
            )
            .collect();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let held: i64 = tx
            .query_row(
                "SELECT after_seq FROM cause_cursor WHERE commune = ?1",
                [commune],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0);
        if to_u64(held) != after {
            return Ok(CausesApplied {
                cursor: to_u64(held),
                ..CausesApplied::default()
            });
        }
        let mut applied = CausesApplied {
            applied: true,
            cursor: next_cursor,
            ..CausesApplied::default()
        };
        for (event, checked) in causes.iter().zip(checked) {
            let envelope = event.envelope.get();
            let checked = match checked {
                Checked::Attach(cause, name) => {
                    let is_death: Option<EventKind> = tx
                        .query_row(
                            "SELECT kind FROM registration WHERE id = ?1",
                            [&cause.registration_id],
                            |r| r.get(0),
                        )
                        .optional()?;
                    match is_death {
                        Some(EventKind::Death) => Checked::Attach(cause, name),
                        _ => Checked::Refuse(
                            "cause_unknown_registration",
                            format!("no death registered here as {}", cause.registration_id),
                        ),
                    }
                }
                refused => refused,
            };
            match checked {
                Checked::Attach(cause, name) => {
                    let inserted = tx
                        .prepare_cached(
                            "INSERT INTO death_cause (registration_id, facility_id, facility_name, icd10, text,
                                                      determined_by, determined_on, envelope, received_at)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                             ON CONFLICT (registration_id) DO NOTHING",
                        )?
                        .execute(params![
                            cause.registration_id,
                            cause.facility_id,
                            name,
                            cause.icd10,
                            cause.text,
                            cause.determined_by,
                            cause.determined_on.to_string(),
                            envelope,
                            event.received_at.to_rfc3339()
                        ])?;
                    if inserted == 1 {
                        applied.attached += 1;
                    } else {
                        applied.unchanged += 1;
                    }
                }
                Checked::Refuse(code, detail) => {
                    crate::intake::quarantine_unverified(
                        &tx,
                        SOURCE,
                        code,
                        &detail,
                        envelope.as_bytes(),
                        now,
                    )?;
                    applied.quarantined += 1;
                }
            }
        }
        tx.execute(
            "INSERT INTO cause_cursor (commune, after_seq, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (commune) DO UPDATE SET after_seq = excluded.after_seq,
                                                 updated_at = excluded.updated_at",
            params![commune, to_i64(next_cursor), now.to_rfc3339()],
        )?;
        tx.commit()?;
        Ok(applied)
    }

    /// How the registered death `registration_id` stands with the health
    /// side; None for a birth.
    pub fn health_share(&self, registration_id: &str) -> Result<Option<HealthShare>> {
        let registration = self.registration(registration_id)?;
        if registration.kind != EventKind::Death {
            return Ok(None);
        }
        let cause: Option<ReturnedCause> = self
            .conn
            .query_row(
                "SELECT facility_id, facility_name, icd10, text, determined_by, determined_on, received_at
                 FROM death_cause WHERE registration_id = ?1",
                [registration_id],
                |row| {
                    Ok(from_row!(row => ReturnedCause {
                        facility_id, facility_name, icd10, text, determined_by, determined_on,
                        received_at
                    }))
                },
            )
            .optional()?;
        if let Some(cause) = cause {
            let entered = registration
                .current
                .death
                .as_ref()
                .map(|d| d.cause.trim().to_owned())
                .unwrap_or_default();
            let differs = !entered.is_empty()
                && crate::text::fold(&entered) != crate::text::fold(&cause.text);
            return Ok(Some(HealthShare {
                state: HealthShareState::CauseDetermined,
                cause: Some(cause),
                registered_cause: differs.then_some(entered),
            }));
        }
        // The registration row reached the registry once its outbox row is sent.
        let sent: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE kind = 'registration' AND state = 'sent'
                                                   AND json_extract(body, '$.registration_id') = ?1)",
            [registration_id],
            |r| r.get(0),
        )?;
        Ok(Some(HealthShare {
            state: if sent {
                HealthShareState::SentToHealth
            } else {
                HealthShareState::NotSent
            },
            cause: None,
            registered_cause: None,
        }))
    }
}

/// The quarantine reason of a refused cause.
fn refusal_code(code: &str) -> &'static str {
    match code {
        "unknown_key" => "cause_unknown_key",
        "bad_signature" => "cause_bad_signature",
        "wrong_facility" => "cause_wrong_facility",
        "invalid_field" => "cause_invalid_field",
        "fhir_invalid" => "cause_fhir_invalid",
        _ => "cause_malformed",
    }
}
