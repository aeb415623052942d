//! What the registry reads in the rows it keeps, and the decisions both
//! back-ends take the same way, so SQLite and PostgreSQL differ only in
//! their SQL: what a pushed row says about printed papers ([`PaperFact`]),
//! a registered death ([`registered_death`], [`shared_death`]) and the
//! pilot ([`PilotFact`]); whether a token may sync ([`token_verdict`]), an
//! audit head advanced ([`head_verdict`]), a push or a cause is a replay
//! ([`push_outcome`], [`same_json`]); which version a posted document takes
//! ([`place_document`]).

use chrono::{DateTime, NaiveDate, Utc};
use hotich_protocol::health_loop::SharedDeath;
use hotich_protocol::partial_date::PartialDate;
use hotich_protocol::payload::Sex;
use hotich_protocol::sync::AuditChainHead;
use hotich_protocol::EventKind;
use serde::Deserialize;

use super::{
    Appended, HeadVerdict, IncomingDocument, OfficerLogin, ProvinceOfficer, PushedRecord,
    PutOutcome, Result, StorageError, TokenCheck, Workstation, LAST_USED_GRANULARITY,
};

pub(crate) fn corrupt(what: &str, error: impl std::fmt::Display) -> StorageError {
    StorageError::Corrupt(format!("{what}: {error}"))
}

/// A stored RFC 3339 time.
pub(crate) fn instant(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|e| corrupt(&format!("time {text:?}"), e))
}

/// Where a page of a stream ends, from the sizes (envelope and document
/// bytes) of up to `limit + 1` events after the cursor, in order: the seq of
/// its last event (None: nothing after the cursor) and whether more follow.
/// The page holds at most `limit` events and stops before the one that would
/// take it past `max_bytes`, though it always holds the first: a page of
/// large relayed documents ends early, so no answer grows past what a
/// commune's link and the server's memory bear, and the cursor still moves.
pub(crate) fn page_end(sizes: &[(i64, i64)], limit: u32, max_bytes: usize) -> (Option<i64>, bool) {
    let mut total: u64 = 0;
    let mut last = None;
    for (i, (seq, size)) in sizes.iter().enumerate() {
        total = total.saturating_add(u64::try_from(*size).unwrap_or(0));
        let over = total > u64::try_from(max_bytes).unwrap_or(u64::MAX);
        if i >= limit as usize || (over && i > 0) {
            return (last, true);
        }
        last = Some(*seq);
    }
    (last, false)
}

/// An officer's sign-in record as either back-end reads it.
pub(crate) fn officer_login_of(
    officer: ProvinceOfficer,
    password_hash: String,
    failed_sign_ins: i64,
    locked_until: Option<String>,
) -> Result<OfficerLogin> {
    Ok(OfficerLogin {
        officer,
        password_hash,
        failed_sign_ins: u32::try_from(failed_sign_ins).unwrap_or(u32::MAX),
        locked_until: locked_until.as_deref().map(instant).transpose()?,
    })
}

/// The same JSON value (key order and spacing aside); the same text when
/// either is not JSON.
pub(crate) fn same_json(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<serde_json::Value>(a),
        serde_json::from_str::<serde_json::Value>(b),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// What a pushed row says about printed papers (`schema/005_paper_status.sql`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PaperFact {
    /// An `extract_print`: its copies' serials.
    Printed {
        registration_id: String,
        serials: Vec<String>,
    },
    /// An `amendment` of the registration, at the row's time.
    Amended { registration_id: String },
    /// A `paper_withdrawn`: only the commune that printed the copy withdraws it.
    Withdrawn { serial: String },
}

pub(crate) fn paper_fact(record: &PushedRecord) -> Result<Option<PaperFact>> {
    if !matches!(
        record.kind.as_str(),
        "extract_print" | "amendment" | "paper_withdrawn"
    ) {
        return Ok(None);
    }
    let body: serde_json::Value =
        serde_json::from_str(&record.body).map_err(|e| corrupt("pushed row", e))?;
    let text = |key: &str| body.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    Ok(match record.kind.as_str() {
        "extract_print" => text("registration_id").map(|registration_id| PaperFact::Printed {
            registration_id,
            serials: body
                .get("serials")
                .and_then(|s| s.as_array())
                .into_iter()
                .flatten()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect(),
        }),
        "amendment" => {
            text("registration_id").map(|registration_id| PaperFact::Amended { registration_id })
        }
        _ => text("serial").map(|serial| PaperFact::Withdrawn { serial }),
    })
}

/// The registration id of a death's `registration` row: the death the
/// commune's health station is told of (issue 18, item 1). None for a row of
/// another kind, or a birth.
pub(crate) fn registered_death(record: &PushedRecord) -> Result<Option<String>> {
    if record.kind != "registration" {
        return Ok(None);
    }
    let body: serde_json::Value =
        serde_json::from_str(&record.body).map_err(|e| corrupt("pushed registration", e))?;
    let is_death = body.get("type").and_then(|t| t.as_str()) == Some("death");
    Ok(body
        .get("registration_id")
        .and_then(|r| r.as_str())
        .filter(|_| is_death)
        .map(str::to_owned))
}

/// A death registration's pushed row as far as the health side reads it
/// (`Store::register` on the workstation writes it).
#[derive(Deserialize)]
struct PushedDeathRegistration {
    registration_id: String,
    #[serde(rename = "type")]
    kind: String,
    number: u32,
    book: String,
    form: PushedForm,
}

#[derive(Deserialize)]
struct PushedForm {
    death: Option<PushedDeath>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PushedDeath {
    full_name: String,
    birth_date: Option<PartialDate>,
    sex: Option<Sex>,
    personal_id: String,
    death_date: Option<NaiveDate>,
    death_place: String,
    last_residence: String,
    notice_number: String,
}

/// The shared death a pushed registration row describes, as a station pulls it.
pub(crate) fn shared_death(
    seq: u64,
    commune: String,
    body: &str,
    created_at: &str,
) -> Result<SharedDeath> {
    let pushed: PushedDeathRegistration =
        serde_json::from_str(body).map_err(|e| corrupt("pushed registration", e))?;
    let death = pushed.form.death.unwrap_or_default();
    let registered_at = DateTime::parse_from_rfc3339(created_at)
        .map_err(|e| corrupt("registration time", e))?
        .with_timezone(&Utc);
    debug_assert_eq!(pushed.kind, "death");
    Ok(SharedDeath {
        seq,
        registration_id: pushed.registration_id,
        commune,
        register_number: pushed.number,
        register_book: pushed.book,
        registered_at,
        full_name: death.full_name,
        sex: death.sex,
        birth_date: death.birth_date,
        personal_id: Some(death.personal_id).filter(|id| !id.is_empty()),
        death_date: death.death_date,
        death_place: death.death_place,
        last_residence: death.last_residence,
        has_death_notice: !death.notice_number.trim().is_empty(),
    })
}

/// What the pilot and the province's supervision page count of a pushed
/// row (`schema/008_pilot.sql`, `009_province_supervision.sql`,
/// `011_case_closure.sql`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PilotFact {
    /// An attempt to contact the family of the case.
    Attempt {
        notification_id: Option<String>,
        at: String,
    },
    /// The case given to an officer (by name when the row names one), or
    /// taken back (None).
    Assignment { assignee: Option<String> },
    /// A change of the case's status: closed without registration (the
    /// status it was closed as), or open (None).
    Status {
        notification_id: Option<String>,
        closed_as: Option<String>,
        at: String,
    },
    /// The case's registration.
    Registration {
        notification_id: Option<String>,
        registration_id: String,
        kind: EventKind,
        event_date: NaiveDate,
        deadline: NaiveDate,
        registered_on: NaiveDate,
    },
}

/// An attempt's pushed row, as far as the pilot reads it (`case_attempt`,
/// written by the workstation's outreach).
#[derive(Deserialize)]
struct PushedAttempt {
    at: String,
    notification_id: Option<String>,
}

/// A change of status's pushed row (`case_status`): whether the case is
/// still open, which the workstation says (the registry knows no statuses;
/// rows of releases that did not say are not read).
#[derive(Deserialize)]
struct PushedStatus {
    at: String,
    notification_id: Option<String>,
    case_open: bool,
    to_status: String,
}

/// An assignment's pushed row (`case_assignment`): the officer's id, and
/// their name from the rows of versions that send it.
#[derive(Deserialize)]
struct PushedAssignment {
    assignee: Option<String>,
    assignee_name: Option<String>,
}

/// A registration's pushed row, as far as the pilot reads it.
#[derive(Deserialize)]
struct PushedRegistration {
    registration_id: String,
    #[serde(rename = "type")]
    kind: EventKind,
    /// Rows pushed before the pilot's figures lack these three.
    event_date: Option<NaiveDate>,
    deadline: Option<NaiveDate>,
    notification_id: Option<String>,
    form: RegistrationDate,
}

#[derive(Deserialize)]
struct RegistrationDate {
    registration_date: Option<NaiveDate>,
}

/// The case a pushed row speaks of and what the pilot counts of it. A row
/// without the fields the pilot reads (an earlier version's) is stored all
/// the same by the push; it is only not counted.
pub(crate) fn pilot_facts(record: &PushedRecord) -> Option<(&str, Vec<PilotFact>)> {
    let case_id = record.case_id.as_deref()?;
    let facts = match record.kind.as_str() {
        "case_attempt" => {
            let attempt: PushedAttempt = serde_json::from_str(&record.body).ok()?;
            let attempted = PilotFact::Attempt {
                notification_id: attempt.notification_id,
                at: attempt.at,
            };
            // An attempt may close the case too (the family registered
            // elsewhere).
            std::iter::once(attempted)
                .chain(status_fact(&record.body))
                .collect()
        }
        "case_status" => vec![status_fact(&record.body)?],
        "case_assignment" => {
            let assignment: PushedAssignment = serde_json::from_str(&record.body).ok()?;
            vec![PilotFact::Assignment {
                assignee: assignment.assignee_name.or(assignment.assignee),
            }]
        }
        "registration" => {
            let registration: PushedRegistration = serde_json::from_str(&record.body).ok()?;
            vec![PilotFact::Registration {
                notification_id: registration.notification_id,
                registration_id: registration.registration_id,
                kind: registration.kind,
                event_date: registration.event_date?,
                deadline: registration.deadline?,
                registered_on: registration.form.registration_date?,
            }]
        }
        _ => return None,
    };
    Some((case_id, facts))
}

/// The change of status a pushed row says, if it says one the registry can
/// read (`case_open`).
fn status_fact(body: &str) -> Option<PilotFact> {
    let status: PushedStatus = serde_json::from_str(body).ok()?;
    // A registration is its own fact, with its dates.
    let closed_without_registration = !status.case_open && status.to_status != "registered";
    Some(PilotFact::Status {
        notification_id: status.notification_id,
        closed_as: closed_without_registration.then_some(status.to_status),
        at: status.at,
    })
}

/// A workstation's token as stored.
#[derive(Debug, Clone)]
pub(crate) struct HeldToken {
    pub id: String,
    pub commune: String,
    pub revoked_at: Option<String>,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
}

/// What the token is worth at `now`, and whether its `last_used_at` is due
/// a write (at most once a [`LAST_USED_GRANULARITY`]).
pub(crate) fn token_verdict(
    held: Option<HeldToken>,
    now: DateTime<Utc>,
) -> Result<(TokenCheck, bool)> {
    let Some(held) = held else {
        return Ok((TokenCheck::Unknown, false));
    };
    if held.revoked_at.is_some() {
        return Ok((TokenCheck::Revoked, false));
    }
    let expires_at = held.expires_at.as_deref().map(instant).transpose()?;
    if expires_at.is_some_and(|at| at <= now) {
        return Ok((TokenCheck::Expired, false));
    }
    let last_used = held.last_used_at.as_deref().map(instant).transpose()?;
    let touch = last_used.is_none_or(|at| now - at >= LAST_USED_GRANULARITY);
    let workstation = Workstation {
        id: held.id,
        commune: held.commune,
    };
    Ok((TokenCheck::Valid(workstation), touch))
}

/// A reported audit head against the one kept (position, hash).
pub(crate) fn head_verdict(kept: Option<(i64, &str)>, head: &AuditChainHead) -> HeadVerdict {
    let seq = head_seq(head);
    match kept {
        None => HeadVerdict::Advanced,
        Some((kept_seq, _)) if seq > kept_seq => HeadVerdict::Advanced,
        Some((kept_seq, kept_hash)) if seq == kept_seq && kept_hash == head.hash => {
            HeadVerdict::Same
        }
        Some(_) => HeadVerdict::WentBack,
    }
}

pub(crate) fn head_seq(head: &AuditChainHead) -> i64 {
    i64::try_from(head.seq).unwrap_or(i64::MAX)
}

/// A pushed row as stored under its id.
#[derive(Debug, Clone)]
pub(crate) struct HeldPush {
    pub commune: String,
    pub case_id: Option<String>,
    pub kind: String,
    pub body: String,
    pub created_at: String,
}

/// A row pushed again under a held id: the same content (its JSON, not its
/// spelling) from the same commune is a replay, anything else a conflict.
pub(crate) fn push_outcome(
    held: &HeldPush,
    workstation: &Workstation,
    record: &PushedRecord,
) -> PutOutcome {
    let same = held.commune == workstation.commune
        && held.case_id == record.case_id
        && held.kind == record.kind
        && held.created_at == record.created_at
        && same_json(&held.body, &record.body);
    if same {
        PutOutcome::Replayed
    } else {
        PutOutcome::Conflict
    }
}

/// A version of a record already held: (version, commune, seq, document).
pub(crate) type HeldVersion = (u32, String, u64, Option<Vec<u8>>);

/// Where a posted document goes among the versions held for its id, oldest
/// first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DocumentPlace {
    /// The same bytes were stored before, as this version.
    Held(u32, Appended),
    /// Appended as this new version.
    New(u32),
    /// Refused; the version it would have taken.
    Conflict(u32),
}

/// Other content for a held record that is no re-issue, or a void (no
/// commune of its own) of a record never received, is a conflict: the first
/// one stands.
pub(crate) fn place_document(held: &[HeldVersion], item: &IncomingDocument) -> DocumentPlace {
    if let Some((version, commune, seq, _)) = held
        .iter()
        .find(|(.., document)| document.as_deref() == Some(item.document.as_slice()))
    {
        let duplicate = Appended::Duplicate {
            commune: commune.clone(),
            seq: *seq,
        };
        return DocumentPlace::Held(*version, duplicate);
    }
    let version = held.last().map_or(1, |(newest, ..)| newest + 1);
    let unroutable =
        held.is_empty() && item.content_commune.is_none() && item.claimed_commune.is_empty();
    if (version > 1 && !item.may_supersede) || unroutable {
        DocumentPlace::Conflict(version)
    } else {
        DocumentPlace::New(version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_ends_at_its_limit_or_before_the_event_that_would_pass_the_byte_cap() {
        // (seq, bytes) of the events after the cursor, up to limit + 1.
        assert_eq!(
            page_end(&[(1, 400), (2, 400), (3, 400)], 10, 1_000),
            (Some(2), true)
        );
        // One event larger than the cap still goes, alone: the cursor moves.
        assert_eq!(page_end(&[(1, 5_000), (2, 10)], 10, 1_000), (Some(1), true));
        assert_eq!(page_end(&[(1, 10), (2, 10)], 10, 1_000), (Some(2), false));
        // limit + 1 events read: the last one only says more follow.
        assert_eq!(
            page_end(&[(4, 1), (5, 1), (6, 1)], 2, 1_000),
            (Some(5), true)
        );
        assert_eq!(page_end(&[], 2, 1_000), (None, false));
    }

    fn pushed(kind: &str, case_id: Option<&str>, body: serde_json::Value) -> PushedRecord {
        PushedRecord {
            case_id: case_id.map(str::to_owned),
            kind: kind.into(),
            body: body.to_string(),
            created_at: "2026-03-02T03:00:00+00:00".into(),
        }
    }

    #[test]
    fn a_change_of_status_closes_a_case_without_registration_or_opens_it_again() {
        let status = |case_open: Option<bool>, to: &str| {
            let mut body = serde_json::json!({
                "at": "2026-03-02T03:00:00+00:00", "notification_id": "n-1", "to_status": to,
            });
            if let Some(open) = case_open {
                body["case_open"] = serde_json::json!(open);
            }
            pilot_facts(&pushed("case_status", Some("c-1"), body))
                .map(|(_, mut facts)| facts.remove(0))
        };
        let fact = |closed_as: Option<&str>| {
            Some(PilotFact::Status {
                notification_id: Some("n-1".into()),
                closed_as: closed_as.map(str::to_owned),
                at: "2026-03-02T03:00:00+00:00".into(),
            })
        };
        assert_eq!(
            status(Some(false), "not_registrable"),
            fact(Some("not_registrable"))
        );
        assert_eq!(status(Some(true), "in_outreach"), fact(None));
        // A registration is counted from its own row, with its dates.
        assert_eq!(status(Some(false), "registered"), fact(None));
        // A row of a release that did not say whether the case is open.
        assert_eq!(status(None, "not_registrable"), None);
        // An attempt that closes its case: the attempt, then the closure.
        let attempt = pushed(
            "case_attempt",
            Some("c-1"),
            serde_json::json!({"at": "2026-03-02T03:00:00+00:00", "notification_id": "n-1",
                               "case_open": false, "to_status": "registered_elsewhere"}),
        );
        let (_, facts) = pilot_facts(&attempt).unwrap();
        assert_eq!(
            facts,
            vec![
                PilotFact::Attempt {
                    notification_id: Some("n-1".into()),
                    at: "2026-03-02T03:00:00+00:00".into()
                },
                fact(Some("registered_elsewhere")).unwrap(),
            ]
        );
    }

    #[test]
    fn a_print_an_amendment_and_a_withdrawal_say_what_their_rows_say() {
        let print = pushed(
            "extract_print",
            None,
            serde_json::json!({"registration_id": "r-1", "serials": ["A", "B"]}),
        );
        assert_eq!(
            paper_fact(&print).unwrap(),
            Some(PaperFact::Printed {
                registration_id: "r-1".into(),
                serials: vec!["A".into(), "B".into()]
            })
        );
        let withdrawn = pushed("paper_withdrawn", None, serde_json::json!({"serial": "A"}));
        assert_eq!(
            paper_fact(&withdrawn).unwrap(),
            Some(PaperFact::Withdrawn { serial: "A".into() })
        );
        let attempt = pushed("case_attempt", Some("c-1"), serde_json::json!({"at": "x"}));
        assert_eq!(paper_fact(&attempt).unwrap(), None);
        let broken = PushedRecord {
            body: "{".into(),
            ..pushed("amendment", None, serde_json::json!({}))
        };
        assert!(matches!(paper_fact(&broken), Err(StorageError::Corrupt(_))));
    }

    #[test]
    fn only_a_deaths_registration_is_shared_and_only_a_complete_one_counts_for_the_pilot() {
        let death = pushed(
            "registration",
            Some("c-1"),
            serde_json::json!({"registration_id": "r-9", "type": "death",
                               "event_date": "2026-03-01", "deadline": "2026-03-16",
                               "form": {"registration_date": "2026-03-05"}}),
        );
        assert_eq!(registered_death(&death).unwrap().as_deref(), Some("r-9"));
        let (case, facts) = pilot_facts(&death).unwrap();
        assert_eq!(case, "c-1");
        assert!(matches!(
            facts[..],
            [PilotFact::Registration {
                kind: EventKind::Death,
                ..
            }]
        ));
        let birth = pushed(
            "registration",
            Some("c-2"),
            serde_json::json!({"registration_id": "r-8", "type": "birth", "form": {}}),
        );
        assert_eq!(registered_death(&birth).unwrap(), None);
        // An earlier version's row: no event date, not counted.
        assert_eq!(pilot_facts(&birth), None);
    }

    #[test]
    fn a_token_is_touched_at_most_once_a_minute_and_refused_once_expired() {
        let now = instant("2026-03-02T03:00:00+00:00").unwrap();
        let held = |last_used: &str, expires: Option<&str>| HeldToken {
            id: "w".into(),
            commune: "01864".into(),
            revoked_at: None,
            expires_at: expires.map(str::to_owned),
            last_used_at: Some(last_used.to_owned()),
        };
        let (check, touch) =
            token_verdict(Some(held("2026-03-02T02:59:30+00:00", None)), now).unwrap();
        assert!(matches!(check, TokenCheck::Valid(_)) && !touch);
        let (_, touch) = token_verdict(Some(held("2026-03-02T02:58:59+00:00", None)), now).unwrap();
        assert!(touch);
        let expired = held(
            "2026-03-02T02:58:59+00:00",
            Some("2026-03-02T03:00:00+00:00"),
        );
        assert_eq!(
            token_verdict(Some(expired), now).unwrap(),
            (TokenCheck::Expired, false)
        );
        assert_eq!(
            token_verdict(None, now).unwrap(),
            (TokenCheck::Unknown, false)
        );
    }
}
