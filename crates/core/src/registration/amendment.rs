//! Amendments (cải chính): recorded by an officer, in effect only once a
//! supervisor approves them (issue 16; Civil Status Law 2014 Art. 28(2):
//! the Chairman of the commune People's Committee issues the amended
//! extract). A supervisor's own amendment is approved as it is recorded; a
//! registrar's waits, changing nothing (the register, its search keys, the
//! papers, the registry) until a supervisor approves or rejects it.
//!
//! Writes `amendment` and `amendment_decision` (and, on approval, the
//! registration's search keys through `write_keys`).

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::{
    decode_form, encode_form, form, rules, unsaved, write_keys, FieldChange, RegistrationForm,
};
use crate::audit::{self, AuditAction};
use crate::error::{invalid, CoreError, ForbiddenAction, InputField, InputReason, Result};
use crate::officer::Officer;
use crate::outbox::queue_for_sync;
use crate::problem::FieldProblem;
use crate::sql::from_row;
use crate::store::Store;
use crate::text::clean;

/// Where an amendment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum AmendmentStatus {
    /// Recorded; waits for a supervisor and changes nothing yet.
    Pending,
    Approved,
    Rejected,
}

/// One amendment of a registration, with its decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Amendment {
    pub id: String,
    pub at: String,
    pub officer_name: String,
    pub reason: String,
    pub changes: Vec<FieldChange>,
    pub status: AmendmentStatus,
    /// Who approved or rejected it, when, and their note (the reason of a rejection).
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub decision_note: Option<String>,
}

/// An amendment waiting for a supervisor, with what identifies its registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PendingAmendment {
    pub registration_id: String,
    pub case_id: String,
    pub number: u32,
    pub book: String,
    /// The registered person's name as the register holds it now.
    pub name: String,
    pub amendment: Amendment,
}

/// A registration's amendments oldest first, and its form with the
/// approved ones applied.
pub(super) fn amendments_of(
    conn: &rusqlite::Connection,
    registration_id: &str,
    original: &RegistrationForm,
) -> Result<(RegistrationForm, Vec<Amendment>)> {
    let mut current = original.clone();
    let mut amendments = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.at, o.full_name AS officer_name, a.reason, a.changes, a.form,
                d.decision, d.at AS decided_at, d.note AS decision_note,
                (SELECT full_name FROM officer WHERE id = d.officer_id) AS decided_by
         FROM amendment a JOIN officer o ON o.id = a.officer_id
         LEFT JOIN amendment_decision d ON d.amendment_id = a.id
         WHERE a.registration_id = ?1 ORDER BY a.seq",
    )?;
    // The JSON columns are decoded after the query, where a bad value is
    // reported as corrupt data rather than a SQL error.
    let rows = stmt.query_map([registration_id], |row| {
        let decision: Option<String> = row.get("decision")?;
        let status = match decision.as_deref() {
            None => AmendmentStatus::Pending,
            Some("approved") => AmendmentStatus::Approved,
            Some(_) => AmendmentStatus::Rejected,
        };
        Ok((
            from_row!(row => Amendment {
                id, at, officer_name, reason, decided_by, decided_at, decision_note;
                changes: Vec::new(), status
            }),
            row.get::<_, String>("changes")?,
            row.get::<_, String>("form")?,
        ))
    })?;
    for row in rows {
        let (mut amendment, changes, form) = row?;
        if amendment.status == AmendmentStatus::Approved {
            current = decode_form(&form)?;
        }
        amendment.changes = serde_json::from_str(&changes).map_err(|e| CoreError::Corrupt {
            what: "amendment".into(),
            reason: e.to_string(),
        })?;
        amendments.push(amendment);
    }
    Ok((current, amendments))
}

impl Store {
    /// Records an amendment of a registration: the new form is checked like
    /// a new one and the changes are listed with the reason; the old values
    /// stay. A supervisor's amendment is approved at once; a registrar's
    /// waits for a supervisor ([`Store::decide_amendment`]) and changes
    /// nothing until then. One amendment of a registration waits at a time.
    pub fn amend_registration(
        &mut self,
        actor: &Officer,
        registration_id: &str,
        form: &RegistrationForm,
        reason: &str,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<super::Registration> {
        let reason = clean(reason);
        if reason.is_empty() {
            return Err(invalid(
                InputField::AmendmentBasis,
                InputReason::BasisMissing,
            ));
        }
        let existing = self.registration(registration_id)?;
        if existing
            .amendments
            .iter()
            .any(|a| a.status == AmendmentStatus::Pending)
        {
            return Err(invalid(
                InputField::AmendmentChanges,
                InputReason::AmendmentPending,
            ));
        }
        let mut form = form.normalized();
        form.fill_signer(self.default_signer()?.as_ref());
        if form.kind != existing.kind {
            return Err(invalid(
                InputField::RegistrationKind,
                InputReason::KindUnchangeable,
            ));
        }
        form.registration_date = existing.current.registration_date;
        // Registered, it keeps its number and lateness: only the facts change.
        form.late_reason = existing.current.late_reason.clone();
        let (old, new) = (existing.current.flatten(), form.flatten());
        let changes: Vec<FieldChange> = new
            .iter()
            .filter(|(field, value)| old.get(*field) != Some(value))
            .map(|(field, value)| FieldChange {
                field: field.clone(),
                label: form::label(field),
                old: old.get(field).cloned().unwrap_or_default(),
                new: value.clone(),
            })
            .collect();
        if changes.is_empty() {
            return Err(invalid(
                InputField::AmendmentChanges,
                InputReason::NothingChanged,
            ));
        }
        let problems: Vec<FieldProblem> = rules::check_form(&form, today, None, &[])
            .into_iter()
            .filter(|p| p.field != "registration_date")
            .collect();
        if !problems.is_empty() {
            return Err(CoreError::InvalidRegistration(problems));
        }
        let id = uuid::Uuid::now_v7().to_string();
        let changes_json = serde_json::to_string(&changes).map_err(|e| CoreError::Corrupt {
            what: "amendment".into(),
            reason: e.to_string(),
        })?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO amendment (id, registration_id, at, officer_id, reason, changes, form)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                id,
                registration_id,
                now.to_rfc3339(),
                actor.id,
                reason,
                changes_json,
                encode_form(&form)?
            ],
        )?;
        unsaved::clear(
            &tx,
            Some(&actor.id),
            &existing.case_id,
            unsaved::FormMode::Amend,
        )?;
        audit::append(&tx, &self.key, AuditAction::Amend, &id, &actor.id, now)?;
        if actor.is_supervisor() {
            decide(&tx, &self.key, actor, &id, Decision::Approve, "", now)?;
        }
        tx.commit()?;
        self.registration(registration_id)
    }

    /// A supervisor approves the waiting amendment `amendment_id` (it takes
    /// effect: the register, the papers and the registry see it) or rejects
    /// it with `note` saying why (the register stays as it was). Either is
    /// final and audited.
    pub fn decide_amendment(
        &mut self,
        actor: &Officer,
        amendment_id: &str,
        approve: bool,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<super::Registration> {
        actor.require_supervisor(ForbiddenAction::DecideAmendment)?;
        let note = clean(note);
        if !approve && note.is_empty() {
            return Err(invalid(
                InputField::DecisionReason,
                InputReason::ReasonMissing,
            ));
        }
        let decision = if approve {
            Decision::Approve
        } else {
            Decision::Reject
        };
        let tx = self.conn.transaction()?;
        let registration_id = decide(&tx, &self.key, actor, amendment_id, decision, &note, now)?;
        tx.commit()?;
        self.registration(&registration_id)
    }

    /// Every amendment waiting for a supervisor, oldest first (supervisors).
    pub fn pending_amendments(&self, actor: &Officer) -> Result<Vec<PendingAmendment>> {
        actor.require_supervisor(ForbiddenAction::DecideAmendment)?;
        let waiting: Vec<(String, String)> = self
            .conn
            .prepare_cached(
                "SELECT a.registration_id, c.subject_name FROM amendment a
                 JOIN registration r ON r.id = a.registration_id
                 JOIN case_file c ON c.id = r.case_id
                 WHERE NOT EXISTS (SELECT 1 FROM amendment_decision d WHERE d.amendment_id = a.id)
                 ORDER BY a.seq",
            )?
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut pending = Vec::new();
        for (id, name) in waiting {
            let registration = self.registration(&id)?;
            for amendment in registration.amendments {
                if amendment.status == AmendmentStatus::Pending {
                    pending.push(PendingAmendment {
                        registration_id: registration.id.clone(),
                        case_id: registration.case_id.clone(),
                        number: registration.number,
                        book: registration.book.clone(),
                        name: name.clone(),
                        amendment,
                    });
                }
            }
        }
        Ok(pending)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    Approve,
    Reject,
}

/// Decides the waiting amendment `amendment_id` inside `tx`: its decision
/// row and audit entry; on approval the registration's search keys and the
/// amendment queued for the registry. The registration's id.
fn decide(
    tx: &Transaction<'_>,
    key: &crate::StoreKey,
    actor: &Officer,
    amendment_id: &str,
    decision: Decision,
    note: &str,
    now: DateTime<Utc>,
) -> Result<String> {
    type Row = (String, String, String, String, String, bool);
    let found: Option<Row> = tx
        .query_row(
            "SELECT a.registration_id, r.case_id, a.officer_id, a.reason, a.form,
                    EXISTS (SELECT 1 FROM amendment_decision d WHERE d.amendment_id = a.id)
             FROM amendment a JOIN registration r ON r.id = a.registration_id
             WHERE a.id = ?1",
            [amendment_id],
            |row| row.try_into(),
        )
        .optional()?;
    let Some((registration_id, case_id, recorded_by, reason, form, decided)) = found else {
        return Err(CoreError::AmendmentNotFound(amendment_id.to_owned()));
    };
    if decided {
        return Err(invalid(InputField::Amendment, InputReason::AlreadyDecided));
    }
    let (word, action) = match decision {
        Decision::Approve => ("approved", AuditAction::AmendmentApprove),
        Decision::Reject => ("rejected", AuditAction::AmendmentReject),
    };
    tx.execute(
        "INSERT INTO amendment_decision (amendment_id, decision, officer_id, at, note)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![amendment_id, word, actor.id, now.to_rfc3339(), note],
    )?;
    if decision == Decision::Approve {
        let form = decode_form(&form)?;
        write_keys(tx, &registration_id, form.kind, &form)?;
        let changes: serde_json::Value = tx
            .query_row(
                "SELECT changes FROM amendment WHERE id = ?1",
                [amendment_id],
                |row| row.get::<_, String>(0),
            )
            .map(|text| serde_json::from_str(&text).unwrap_or_default())?;
        queue_for_sync(
            tx,
            &case_id,
            "amendment",
            &serde_json::json!({
                "amendment_id": amendment_id, "registration_id": registration_id,
                "officer_id": recorded_by, "approved_by": actor.id,
                "reason": reason, "changes": changes,
            }),
            &now.to_rfc3339(),
        )?;
    }
    audit::append(tx, key, action, amendment_id, &actor.id, now)?;
    Ok(registration_id)
}
