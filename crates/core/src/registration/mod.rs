//! Registration entry: the form pre-filled from the notification, checked
//! against the law, duplicates looked for, numbered in the register book,
//! corrected only by amendments, every write chained in the audit log.
//!
//! The only writer of `registration`, `registration_key`, `amendment`,
//! `amendment_decision` ([`amendment`]) and `register_counter` (`audit_log`
//! is [`crate::audit`]'s, `unsaved_form` [`unsaved`]'s); opens cases without a
//! notification and closes a case as registered through `case_file`. Queues
//! its writes through [`crate::outbox`] and logs them on the timeline
//! through [`crate::outreach`]. Reads `case_file`, `notification` (the
//! pre-filled form) and `officer`.

pub mod amendment;
pub mod ethnicity;
pub mod form;
pub mod rules;
pub mod signer;
pub mod unsaved;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use hotich_protocol::{EventKind, Sex};
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use serde::{Deserialize, Serialize};

pub use amendment::{Amendment, AmendmentStatus, PendingAmendment};
pub use form::{
    BirthFacts, DeathFacts, IdDocumentType, ParentFacts, RegistrationForm, Relationship, Requester,
};
pub use rules::{FieldDifference, FieldProblem};
pub use signer::Signer;

use crate::audit::{self, AuditAction};
use crate::case_file::{self, Subject};
use crate::error::{invalid, CoreError, ForbiddenAction, InputField, InputReason, Result};
use crate::legal::registration_deadline;
use crate::model::CaseStatus;
use crate::officer::Officer;
use crate::outbox::queue_for_sync;
use crate::outreach::{contacts, NewEvent, TimelineKind};
use crate::sql::{from_row, optional_value};
use crate::store::Store;
use crate::text::{clean, fold};

/// Why an earlier registration may be the same event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum DuplicateRule {
    /// The same personal ID number already registered (dead, for a death).
    SamePersonalId,
    /// The same mother, day of birth and sex: a duplicate, or a twin.
    SameMotherDaySex,
    /// The same name, date of birth and date of death.
    SameNameBirthDeath,
}

/// An earlier registration that may be the same event, to compare side by side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct DuplicateCandidate {
    pub registration_id: String,
    pub rule: DuplicateRule,
    pub number: u32,
    pub book: String,
    pub form: RegistrationForm,
}

/// What the form needs before it can be saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct RegistrationCheck {
    pub problems: Vec<FieldProblem>,
    pub differences: Vec<FieldDifference>,
    /// Suspected duplicates not yet judged in `not_duplicates`.
    pub duplicates: Vec<DuplicateCandidate>,
    pub late: bool,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub deadline: Option<NaiveDate>,
}

impl RegistrationCheck {
    pub fn is_ready(&self) -> bool {
        self.problems.is_empty() && self.duplicates.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FieldChange {
    pub field: String,
    pub label: String,
    pub old: String,
    pub new: String,
}

/// A registration: its current state and its whole history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Registration {
    pub id: String,
    pub case_id: String,
    #[serde(rename = "type")]
    pub kind: EventKind,
    pub year: i32,
    /// Số: the register number, also printed on the certificate.
    pub number: u32,
    /// Quyển số.
    pub book: String,
    pub registered_at: String,
    pub officer_name: String,
    pub late: bool,
    /// The form with every approved amendment applied: what the papers show.
    pub current: RegistrationForm,
    /// The form as first saved.
    pub original: RegistrationForm,
    /// Oldest first, whatever their decision.
    pub amendments: Vec<Amendment>,
}

/// One line of the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct RegistrationRow {
    pub id: String,
    pub case_id: String,
    #[serde(rename = "type")]
    pub kind: EventKind,
    pub year: i32,
    pub number: u32,
    pub book: String,
    pub name: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub event_date: NaiveDate,
    pub registered_at: String,
    pub late: bool,
    pub amendments: u32,
}

/// The book a year's registrations are entered in. The number sequence runs
/// on across books (Circular 04/2020/TT-BTP Art. 29); a second book in a year
/// is not opened by the app yet.
fn book_of(year: i32) -> String {
    format!("01/{year}")
}

/// What a registration reads from its case.
struct CaseFacts {
    kind: EventKind,
    status: CaseStatus,
    event_date: NaiveDate,
    deadline: NaiveDate,
    notification_id: Option<String>,
    notification_version: Option<u32>,
    /// The form as the notification fills it, when there is one.
    notified: Option<RegistrationForm>,
}

fn decode_form(text: &str) -> Result<RegistrationForm> {
    serde_json::from_str(text).map_err(|e| CoreError::Corrupt {
        what: "registration form".into(),
        reason: e.to_string(),
    })
}

fn encode_form(form: &RegistrationForm) -> Result<String> {
    serde_json::to_string(form).map_err(|e| CoreError::Corrupt {
        what: "registration form".into(),
        reason: e.to_string(),
    })
}

fn sex_text(sex: Option<Sex>) -> &'static str {
    match sex {
        Some(Sex::Male) => "male",
        Some(Sex::Female) => "female",
        Some(Sex::Undetermined) => "undetermined",
        None => "",
    }
}

/// The duplicate-detection keys of a form.
struct Keys {
    personal_id: Option<String>,
    name_folded: String,
    birth_date: Option<String>,
    event_date: String,
    sex: &'static str,
    mother_folded: Option<String>,
}

fn keys(form: &RegistrationForm) -> Keys {
    let some = |text: &str| (!text.is_empty()).then(|| text.to_owned());
    match (&form.birth, &form.death) {
        (Some(b), _) => Keys {
            personal_id: some(&b.personal_id),
            name_folded: fold(&b.child_name),
            birth_date: b.birth_date.map(|d| d.to_string()),
            event_date: b.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            sex: sex_text(b.sex),
            mother_folded: some(&fold(&b.mother.full_name)),
        },
        (_, Some(d)) => Keys {
            personal_id: some(&d.personal_id),
            name_folded: fold(&d.full_name),
            birth_date: d.birth_date.map(|b| b.to_string()),
            event_date: d.death_date.map(|d| d.to_string()).unwrap_or_default(),
            sex: sex_text(d.sex),
            mother_folded: None,
        },
        _ => Keys {
            personal_id: None,
            name_folded: String::new(),
            birth_date: None,
            event_date: String::new(),
            sex: "",
            mother_folded: None,
        },
    }
}

fn write_keys(
    tx: &Transaction<'_>,
    registration_id: &str,
    kind: EventKind,
    form: &RegistrationForm,
) -> Result<()> {
    let k = keys(form);
    tx.execute(
        "INSERT INTO registration_key (registration_id, kind, personal_id, name_folded, birth_date, event_date, sex, mother_folded)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (registration_id) DO UPDATE SET personal_id = excluded.personal_id,
             name_folded = excluded.name_folded, birth_date = excluded.birth_date,
             event_date = excluded.event_date, sex = excluded.sex, mother_folded = excluded.mother_folded",
        params![
            registration_id,
            kind.as_str(),
            k.personal_id,
            k.name_folded,
            k.birth_date,
            k.event_date,
            k.sex,
            k.mother_folded
        ],
    )?;
    Ok(())
}

fn registrable(status: CaseStatus) -> bool {
    // Registering ends outreach; a changed notification is reviewed first.
    matches!(
        status,
        CaseStatus::New | CaseStatus::InOutreach | CaseStatus::Appointment
    )
}

fn not_registrable(status: CaseStatus) -> CoreError {
    CoreError::IllegalTransition {
        from: status,
        to: CaseStatus::Registered,
    }
}

impl Store {
    fn case_facts(&self, case_id: &str, today: NaiveDate) -> Result<CaseFacts> {
        let detail = self.case_detail(case_id, today)?;
        let case = &detail.case;
        let notified = detail.notification.as_ref().map(|n| {
            let (found, _, _) = contacts(Some(n));
            let facility = case.facility_name.clone().unwrap_or_default();
            form::prefill(n, &facility, found.first())
        });
        Ok(CaseFacts {
            kind: case.kind,
            status: case.status,
            event_date: case.event_date,
            deadline: case.deadline,
            notification_id: case.notification_id.clone(),
            notification_version: case.notification_version,
            notified,
        })
    }

    /// The form for a case, pre-filled from its notification (or, for a
    /// case opened by hand, from what was typed when opening it).
    pub fn registration_draft(&self, case_id: &str, today: NaiveDate) -> Result<RegistrationForm> {
        let facts = self.case_facts(case_id, today)?;
        let mut form = match facts.notified {
            Some(form) => form,
            None => {
                let case = self.case(case_id, today)?;
                let mut form = RegistrationForm::empty(case.kind);
                if let Some(b) = &mut form.birth {
                    b.child_name = case.name.clone();
                    b.birth_date = Some(case.event_date);
                }
                if let Some(d) = &mut form.death {
                    d.full_name = case.name.clone();
                    d.death_date = Some(case.event_date);
                }
                form
            }
        };
        form.registration_date = Some(today);
        form.fill_signer(self.default_signer()?.as_ref());
        Ok(form)
    }

    /// Every problem, every difference from the notification and every
    /// suspected duplicate of a form, without saving anything.
    pub fn check_registration(
        &self,
        case_id: &str,
        form: &RegistrationForm,
        today: NaiveDate,
    ) -> Result<RegistrationCheck> {
        let facts = self.case_facts(case_id, today)?;
        let mut form = form.normalized();
        form.fill_signer(self.default_signer()?.as_ref());
        if form.kind != facts.kind {
            return Err(invalid(
                InputField::RegistrationKind,
                InputReason::KindMismatch,
            ));
        }
        let differences = facts
            .notified
            .as_ref()
            .map(|notified| rules::differences(&notified.flatten(), &form.flatten()))
            .unwrap_or_default();
        let problems = rules::check_form(&form, today, Some(facts.deadline), &differences);
        let duplicates = self.duplicates(&form, None)?;
        Ok(RegistrationCheck {
            problems,
            differences,
            duplicates,
            late: rules::is_late(
                Some(facts.deadline),
                form.registration_date.unwrap_or(today),
            ),
            deadline: Some(facts.deadline),
        })
    }

    /// Earlier registrations that may be the same event, except those the
    /// officer already judged different and `except` itself.
    fn duplicates(
        &self,
        form: &RegistrationForm,
        except: Option<&str>,
    ) -> Result<Vec<DuplicateCandidate>> {
        let k = keys(form);
        let kind = form.kind.as_str();
        let mut found: Vec<(String, DuplicateRule)> = Vec::new();
        let mut look = |sql: &str, values: &[&dyn rusqlite::ToSql], rule| -> Result<()> {
            let mut stmt = self.conn.prepare_cached(sql)?;
            let ids = stmt
                .query_map(values, |row| row.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            for id in ids {
                if !found.iter().any(|(seen, _)| *seen == id) {
                    found.push((id, rule));
                }
            }
            Ok(())
        };
        if let Some(personal_id) = &k.personal_id {
            look(
                "SELECT registration_id FROM registration_key WHERE personal_id = ?1 AND kind = ?2",
                &[personal_id, &kind],
                DuplicateRule::SamePersonalId,
            )?;
        }
        match form.kind {
            EventKind::Birth => {
                if let Some(mother) = &k.mother_folded {
                    look(
                        "SELECT registration_id FROM registration_key
                         WHERE kind = 'birth' AND event_date = ?1 AND mother_folded = ?2 AND sex = ?3",
                        &[&k.event_date, mother, &k.sex],
                        DuplicateRule::SameMotherDaySex,
                    )?;
                }
            }
            EventKind::Death => {
                look(
                    "SELECT registration_id FROM registration_key
                     WHERE kind = 'death' AND event_date = ?1 AND name_folded = ?2 AND birth_date IS ?3",
                    &[&k.event_date, &k.name_folded, &k.birth_date],
                    DuplicateRule::SameNameBirthDeath,
                )?;
            }
        }
        let mut candidates = Vec::new();
        for (id, rule) in found {
            if Some(id.as_str()) == except || form.not_duplicates.contains(&id) {
                continue;
            }
            let existing = self.registration(&id)?;
            candidates.push(DuplicateCandidate {
                registration_id: id,
                rule,
                number: existing.number,
                book: existing.book,
                form: existing.current,
            });
        }
        Ok(candidates)
    }

    /// Opens a case for an event no notification announced (a death at home,
    /// a birth outside a facility), to be registered. A form with problems
    /// is refused with all of them ([`CoreError::InvalidForm`]); the day is
    /// None when the window could not read it.
    pub fn open_case_by_hand(
        &mut self,
        actor: &Officer,
        kind: EventKind,
        name: &str,
        event_date: impl Into<Option<NaiveDate>>,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<String> {
        let name = clean(name);
        let event_date = event_date.into();
        let problems = rules::check_open_case(&name, event_date, today);
        let (Some(event_date), true) = (event_date, problems.is_empty()) else {
            return Err(CoreError::InvalidForm(problems));
        };
        let tx = self.conn.transaction()?;
        let subject = Subject {
            folded: fold(&name),
            name,
            event_date,
            deadline: registration_deadline(&self.calendar, kind, event_date),
        };
        let id = case_file::open_by_hand(&tx, kind, &subject, &actor.id, now)?;
        NewEvent {
            assignee: Some(&actor.id),
            note: Some("Mở hồ sơ không có thông báo của cơ sở y tế"),
            ..NewEvent::new(&id, TimelineKind::Assignment, &actor.id)
        }
        .record(&tx, now)?;
        tx.commit()?;
        Ok(id)
    }

    /// Saves the registration of a case: checked again, numbered in the
    /// register book, the case closed as registered, the outbox and the
    /// audit log written, all in one transaction.
    pub fn register(
        &mut self,
        actor: &Officer,
        case_id: &str,
        form: &RegistrationForm,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<Registration> {
        // IMMEDIATE, and before anything is read: two windows saving at once
        // queue up, so the second sees the first's registration in its
        // duplicate check and its number, instead of both passing on stale reads.
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let facts = self.case_facts(case_id, today)?;
        if !registrable(facts.status) {
            return Err(not_registrable(facts.status));
        }
        // A registrar registers the cases assigned to them or to nobody, as
        // they work them in outreach; a supervisor any.
        let assignee = optional_value::<Option<String>>(
            &tx,
            "SELECT assignee FROM case_file WHERE id = ?1",
            [case_id],
        )?
        .flatten();
        crate::outreach::may_work_assigned(actor, assignee.as_deref())?;
        let check = self.check_registration(case_id, form, today)?;
        if !check.problems.is_empty() {
            return Err(CoreError::InvalidRegistration(check.problems));
        }
        // Another day than today is a supervisor's decision (its reason is
        // one of the form's rules, `rules::check`).
        if form.registration_date.is_some_and(|day| day < today) {
            actor.require_supervisor(ForbiddenAction::RegisterOnEarlierDay)?;
        }
        // Each event is registered once (Law on Civil Status 2014, Art. 5(4)):
        // a possible earlier registration is judged before a number is given.
        if !check.duplicates.is_empty() {
            return Err(CoreError::DuplicateSuspected(
                check
                    .duplicates
                    .iter()
                    .map(|d| {
                        format!(
                            "số {}, quyển {} (mã {})",
                            d.number, d.book, d.registration_id
                        )
                    })
                    .collect(),
            ));
        }
        let mut form = form.normalized();
        form.fill_signer(self.default_signer()?.as_ref());
        let registered_on = form.registration_date.unwrap_or(today);
        form.registration_date = Some(registered_on);
        let year = registered_on.year();
        let book = book_of(year);
        let id = uuid::Uuid::now_v7().to_string();
        let form_json = encode_form(&form)?;
        let status = facts.status;
        // Circular 04/2020/TT-BTP Art. 29: one sequence per year and kind,
        // from 1, without gaps (the counter moves only if this commits).
        let number: u32 = tx.query_row(
            "INSERT INTO register_counter (kind, year, last_number) VALUES (?1, ?2, 1)
             ON CONFLICT (kind, year) DO UPDATE SET last_number = last_number + 1
             RETURNING last_number",
            params![facts.kind.as_str(), year],
            |row| row.get(0),
        )?;
        tx.execute(
            "INSERT INTO registration (id, case_id, kind, year, number, book, registered_at, officer_id, late,
                                       form, notification_version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                id,
                case_id,
                facts.kind.as_str(),
                year,
                number,
                book,
                now.to_rfc3339(),
                actor.id,
                check.late,
                form_json,
                facts.notification_version
            ],
        )?;
        write_keys(&tx, &id, facts.kind, &form)?;
        case_file::close_as_registered(&tx, case_id, now)?;
        let note = format!("Đăng ký số {number}, quyển {book}");
        NewEvent {
            note: Some(&note),
            from_status: Some(status),
            to_status: Some(CaseStatus::Registered),
            notification_version: facts.notification_version,
            ..NewEvent::new(case_id, TimelineKind::Status, &actor.id)
        }
        .record(&tx, now)?;
        queue_for_sync(
            &tx,
            case_id,
            "registration",
            // The event's date, its deadline and the notification it came
            // from: the registry counts the pilot's figures from them.
            &serde_json::json!({
                "registration_id": id, "case_id": case_id, "type": facts.kind, "year": year,
                "number": number, "book": book, "officer_id": actor.id, "form": form,
                "event_date": facts.event_date, "deadline": facts.deadline,
                "notification_id": facts.notification_id,
            }),
            &now.to_rfc3339(),
        )?;
        // Registered: what anyone typed towards registering it is done with.
        unsaved::clear(&tx, None, case_id, unsaved::FormMode::Register)?;
        audit::append(&tx, &self.key, AuditAction::Register, &id, &actor.id, now)?;
        tx.commit()?;
        self.registration(&id)
    }

    pub fn registration(&self, id: &str) -> Result<Registration> {
        type Columns = (
            String,
            String,
            EventKind,
            i32,
            u32,
            String,
            String,
            String,
            bool,
            String,
        );
        let found: Option<Columns> = self
            .conn
            .query_row(
                "SELECT r.id, r.case_id, r.kind, r.year, r.number, r.book, r.registered_at, o.full_name, r.late, r.form
                 FROM registration r JOIN officer o ON o.id = r.officer_id WHERE r.id = ?1",
                [id],
                |row| row.try_into(),
            )
            .optional()?;
        let Some((id, case_id, kind, year, number, book, registered_at, officer_name, late, form)) =
            found
        else {
            return Err(CoreError::RegistrationNotFound(id.to_owned()));
        };
        let original = decode_form(&form)?;
        let (current, amendments) = amendment::amendments_of(&self.conn, &id, &original)?;
        Ok(Registration {
            id,
            case_id,
            kind,
            year,
            number,
            book,
            registered_at,
            officer_name,
            late,
            current,
            original,
            amendments,
        })
    }

    pub fn registration_of_case(&self, case_id: &str) -> Result<Option<Registration>> {
        let id: Option<String> = optional_value(
            &self.conn,
            "SELECT id FROM registration WHERE case_id = ?1",
            [case_id],
        )?;
        id.map(|id| self.registration(&id)).transpose()
    }

    /// The register, newest first.
    pub fn registrations(&self) -> Result<Vec<RegistrationRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.id, r.case_id, r.kind, r.year, r.number, r.book, c.subject_name AS name,
                    k.event_date, r.registered_at, r.late,
                    (SELECT count(*) FROM amendment a JOIN amendment_decision d ON d.amendment_id = a.id
                     WHERE a.registration_id = r.id AND d.decision = 'approved') AS amendments
             FROM registration r
             JOIN case_file c ON c.id = r.case_id
             JOIN registration_key k ON k.registration_id = r.id
             ORDER BY r.seq DESC",
        )?;
        let rows = stmt.query_map([], |row| {
            let event_date: String = row.get("event_date")?;
            Ok(from_row!(row => RegistrationRow {
                id, case_id, kind, year, number, book, name, registered_at, late, amendments;
                event_date: event_date.parse().unwrap_or_default(),
            }))
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
