//! The print log of extracts: every print of a registration's paper (who,
//! when, which document, how many copies, a reprint or not), with the code
//! and content it carried so that a paper copy can be checked later.
//! Rendering is `hotich-extract`'s; this is what the store keeps.
//!
//! A Giấy khai sinh printed on the Ministry's numbered pre-printed blank
//! (phôi) carries the blank's serial; a spoiled blank is a line of its own
//! ([`PrintLogLine::Spoiled`]); a serial is used once in the office.
//!
//! Each printed copy has its own serial and signed QR ([`crate::paper`]),
//! kept in `paper_copy` beside its print.
//!
//! The only writer of `print_log` and `paper_copy` (each print and spoiled blank queued for
//! the registry through [`crate::outbox`]); reads `registration` and
//! `case_file`.

use chrono::{DateTime, NaiveDate, Utc};
use hotich_protocol::EventKind;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::audit::{self, AuditAction};
use crate::error::{invalid, invalid_with, CoreError, InputField, InputReason, Result};
use crate::officer::Officer;
use crate::outbox::{queue_for_sync, queue_office_event};
use crate::paper::IssuedCopy;
use crate::sql::from_row;
use crate::store::Store;

/// The papers a registration is printed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "kebab-case")]
pub enum DocumentKind {
    /// Giấy khai sinh, the original, issued with the birth registration; its
    /// content is that of the registration (Law on Civil Status 2014, Art.
    /// 4(6), Art. 14(1), Art. 16(2)).
    BirthCertificate,
    /// Trích lục khai sinh (bản sao): a copy issued from the register, which
    /// proves the registered birth (Law on Civil Status 2014, Art. 4(9)).
    BirthExtract,
    /// Trích lục khai tử, issued with the death registration
    /// (Law on Civil Status 2014, Art. 34(2)).
    DeathExtract,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 3] = [
        DocumentKind::BirthCertificate,
        DocumentKind::BirthExtract,
        DocumentKind::DeathExtract,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::BirthCertificate => "birth-certificate",
            DocumentKind::BirthExtract => "birth-extract",
            DocumentKind::DeathExtract => "death-extract",
        }
    }

    pub fn parse(text: &str) -> Option<DocumentKind> {
        DocumentKind::ALL.into_iter().find(|d| d.as_str() == text)
    }

    /// The registrations this paper is printed for.
    pub fn event_kind(self) -> EventKind {
        match self {
            DocumentKind::BirthCertificate | DocumentKind::BirthExtract => EventKind::Birth,
            DocumentKind::DeathExtract => EventKind::Death,
        }
    }

    /// Every paper of a registration of this kind.
    pub fn for_event(kind: EventKind) -> &'static [DocumentKind] {
        match kind {
            EventKind::Birth => &[DocumentKind::BirthCertificate, DocumentKind::BirthExtract],
            EventKind::Death => &[DocumentKind::DeathExtract],
        }
    }

    /// The paper as messages and lists name it (the label table's word).
    pub fn label_vi(self) -> &'static str {
        crate::labels::document_kind(crate::labels::Lang::Vi, self)
    }
}

crate::sql::sql_text!(DocumentKind);

/// One printed line of an extract: what it names and what it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ContentField {
    /// Unique within the document ("Họ, chữ đệm, tên người mẹ").
    pub name: String,
    pub value: String,
}

/// A print about to be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPrint {
    pub registration_id: String,
    pub document: DocumentKind,
    pub issue_date: NaiveDate,
    pub copies: u32,
    pub code: String,
    pub content_sha256: String,
    pub content: Vec<ContentField>,
    /// The pre-printed blank's serial (see [`blank_serial`]); None on plain A4.
    pub blank_serial: Option<String>,
    /// Each copy as printed: its code and signed QR text, one per copy.
    pub issued: Vec<IssuedCopy>,
}

/// Prints of one document at once are bounded: a typo of 1000 is refused.
pub const MAX_COPIES: u32 = 50;
/// A blank's serial, as the Ministry numbers them, is short.
pub const MAX_BLANK_SERIAL: usize = 32;
pub const MAX_SPOILED_REASON: usize = 500;

/// One line of the print log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PrintLogEntry {
    pub id: String,
    pub printed_at: String,
    pub officer_username: String,
    pub officer_name: String,
    pub registration_id: String,
    pub case_id: String,
    pub document: DocumentKind,
    pub number: u32,
    pub book: String,
    pub subject_name: String,
    pub copies: u32,
    /// The same document of the same registration had been printed before.
    pub reprint: bool,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub issue_date: NaiveDate,
    pub code: String,
    /// The serial of the pre-printed blank it was printed on; None on plain A4.
    pub blank_serial: Option<String>,
    /// Each copy's code, in order, and whether it was withdrawn (none on a blank).
    pub copy_codes: Vec<PrintedCopy>,
}

/// One printed copy as the print log shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PrintedCopy {
    pub code: String,
    /// When a supervisor withdrew it; None while it stands.
    pub withdrawn_at: Option<String>,
}

/// A printed copy a supervisor withdrew.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct WithdrawnCopy {
    pub code: String,
    pub print_id: String,
    pub withdrawn_at: String,
    pub officer_name: String,
    pub reason: String,
}

/// Longest reason for withdrawing a copy, in characters.
pub const MAX_WITHDRAW_REASON: usize = 500;

/// A pre-printed blank recorded as spoiled (misprinted, jammed, torn): its
/// own line, never an edit of the print that spoiled it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SpoiledBlank {
    pub id: String,
    pub recorded_at: String,
    pub officer_username: String,
    pub officer_name: String,
    pub blank_serial: String,
    pub reason: String,
}

/// A line of the print log: a print, or a spoiled blank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum PrintLogLine {
    Printed(PrintLogEntry),
    Spoiled(SpoiledBlank),
}

impl PrintLogLine {
    /// The print, unless this line is a spoiled blank.
    pub fn printed(&self) -> Option<&PrintLogEntry> {
        match self {
            PrintLogLine::Printed(entry) => Some(entry),
            PrintLogLine::Spoiled(_) => None,
        }
    }

    /// The spoiled blank, unless this line is a print.
    pub fn spoiled(&self) -> Option<&SpoiledBlank> {
        match self {
            PrintLogLine::Printed(_) => None,
            PrintLogLine::Spoiled(spoiled) => Some(spoiled),
        }
    }
}

/// A blank's serial as typed, made comparable: spaces dropped, letters in
/// upper case; 1 to [`MAX_BLANK_SERIAL`] letters, digits, `-` or `/`.
pub fn blank_serial(text: &str) -> Result<String> {
    let serial: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    let serial = bounded_text(InputField::BlankSerial, serial, MAX_BLANK_SERIAL)?;
    if !serial
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '/')
    {
        return Err(invalid(
            InputField::BlankSerial,
            InputReason::SerialCharacters,
        ));
    }
    Ok(serial)
}

/// `text` if it is 1 to `max` characters long, else why not, naming `field`.
pub(crate) fn bounded_text(field: InputField, text: String, max: usize) -> Result<String> {
    if text.is_empty() {
        return Err(invalid(field, InputReason::Required));
    }
    if text.chars().count() > max {
        return Err(invalid_with(
            field,
            InputReason::TooLong,
            [("max", max.to_string())],
        ));
    }
    Ok(text)
}

/// Refuses a serial already printed on or spoiled, naming when.
fn check_serial_unused(conn: &Connection, serial: &str) -> Result<()> {
    let used: Option<(String, String)> = conn
        .query_row(
            "SELECT outcome, printed_at FROM print_log WHERE blank_serial = ?1",
            [serial],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let Some((outcome, at)) = used else {
        return Ok(());
    };
    let reason = if outcome == "spoiled" {
        InputReason::SerialSpoiled
    } else {
        InputReason::SerialPrinted
    };
    let day = hotich_common::time::office_day_of(&at)
        .map(|day| day.format("%d/%m/%Y").to_string())
        .unwrap_or(at);
    Err(invalid_with(
        InputField::BlankSerial,
        reason,
        [("serial", serial.to_owned()), ("day", day)],
    ))
}

/// A print's checks before anything is written: copies in range, and a
/// blank print is one sheet of a Giấy khai sinh with a well-formed serial.
fn check_print(print: &NewPrint) -> Result<()> {
    let copies_range = if print.blank_serial.is_some() {
        1..=1
    } else {
        1..=MAX_COPIES
    };
    if !copies_range.contains(&print.copies) {
        return Err(invalid_with(
            InputField::Copies,
            InputReason::OutOfRange,
            [
                ("min", copies_range.start().to_string()),
                ("max", copies_range.end().to_string()),
                ("value", print.copies.to_string()),
            ],
        ));
    }
    // A paper on A4 has one issued copy per copy; the Ministry's blank has none.
    let issued = if print.blank_serial.is_some() {
        0
    } else {
        print.copies as usize
    };
    if print.issued.len() != issued {
        return Err(corrupt(
            "print copies",
            format!("{} copies, {} issued", print.copies, print.issued.len()),
        ));
    }
    if let Some(serial) = &print.blank_serial {
        if print.document != DocumentKind::BirthCertificate {
            return Err(invalid_with(
                InputField::Document,
                InputReason::BlankOnlyBirthCertificate,
                [("document", print.document.as_str().to_owned())],
            ));
        }
        if blank_serial(serial)? != *serial {
            return Err(invalid(
                InputField::BlankSerial,
                InputReason::SerialCharacters,
            ));
        }
    }
    Ok(())
}

/// What a print carried, as the log keeps it, to check a paper against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredPrint {
    pub registration_id: String,
    pub document: DocumentKind,
    pub issue_date: NaiveDate,
    pub code: String,
    pub content_sha256: String,
    pub content: Vec<ContentField>,
    pub printed_at: String,
    pub officer_name: String,
}

/// Every line, prints and spoiled blanks (which have no registration).
const LINE_SELECT: &str = "SELECT p.id, p.outcome, p.printed_at, o.username AS officer_username,
        o.full_name AS officer_name, p.registration_id, r.case_id, p.document, r.number, r.book,
        c.subject_name, p.copies, p.reprint, p.issue_date, p.code, p.blank_serial, p.spoiled_reason,
        (SELECT json_group_array(json_object('code', serial, 'withdrawn_at', withdrawn_at))
         FROM (SELECT pc.serial, w.withdrawn_at FROM paper_copy pc
               LEFT JOIN paper_withdrawal w ON w.serial = pc.serial
               WHERE pc.print_id = p.id ORDER BY pc.copy_number)) AS copy_codes
 FROM print_log p
 JOIN officer o ON o.id = p.officer_id
 LEFT JOIN registration r ON r.id = p.registration_id
 LEFT JOIN case_file c ON c.id = r.case_id";

fn corrupt(what: &str, reason: impl ToString) -> CoreError {
    CoreError::Corrupt {
        what: what.to_owned(),
        reason: reason.to_string(),
    }
}

fn document_of(text: &str) -> Result<DocumentKind> {
    DocumentKind::parse(text).ok_or_else(|| corrupt("print_log.document", text))
}

fn date_of(text: &str) -> Result<NaiveDate> {
    text.parse()
        .map_err(|e| corrupt(&format!("date {text:?}"), e))
}

/// A line as read: a print's document and issue date are checked after the
/// query, where a bad value can be reported as corrupt data rather than a
/// SQL error.
enum RawLine {
    /// The entry, its document, issue date and copies as read (JSON).
    Printed(Box<PrintLogEntry>, String, String, String),
    Spoiled(SpoiledBlank),
}

fn line_row(row: &Row<'_>) -> rusqlite::Result<RawLine> {
    if row.get::<_, String>("outcome")? == "spoiled" {
        return Ok(RawLine::Spoiled(from_row!(row => SpoiledBlank {
            id, officer_username, officer_name, blank_serial;
            recorded_at: row.get("printed_at")?,
            reason: row.get("spoiled_reason")?,
        })));
    }
    Ok(RawLine::Printed(
        Box::new(from_row!(row => PrintLogEntry {
            id, printed_at, officer_username, officer_name, registration_id, case_id, number,
            book, subject_name, copies, reprint, code, blank_serial;
            document: DocumentKind::BirthCertificate,
            issue_date: NaiveDate::MIN,
            copy_codes: Vec::new(),
        })),
        row.get("document")?,
        row.get("issue_date")?,
        row.get("copy_codes")?,
    ))
}

fn finish_line(raw: RawLine) -> Result<PrintLogLine> {
    match raw {
        RawLine::Printed(mut entry, document, issue_date, copies) => {
            entry.document = document_of(&document)?;
            entry.issue_date = date_of(&issue_date)?;
            entry.copy_codes =
                serde_json::from_str(&copies).map_err(|e| corrupt("paper_copy", e))?;
            Ok(PrintLogLine::Printed(*entry))
        }
        RawLine::Spoiled(spoiled) => Ok(PrintLogLine::Spoiled(spoiled)),
    }
}

impl Store {
    /// Records prints in one transaction, each with an outbox row for the
    /// central registry (which then knows the codes it may be asked about).
    /// A document printed before for the same registration is a reprint.
    pub fn record_prints(
        &mut self,
        actor: &Officer,
        prints: &[NewPrint],
        now: DateTime<Utc>,
    ) -> Result<Vec<PrintLogEntry>> {
        for print in prints {
            check_print(print)?;
        }
        let at = now.to_rfc3339();
        let mut ids = Vec::with_capacity(prints.len());
        let tx = self.conn.transaction()?;
        for print in prints {
            let found: Option<(String, String)> = tx
                .query_row(
                    "SELECT kind, case_id FROM registration WHERE id = ?1",
                    [&print.registration_id],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?;
            let Some((kind, case_id)) = found else {
                return Err(CoreError::RegistrationNotFound(
                    print.registration_id.clone(),
                ));
            };
            if kind != print.document.event_kind().as_str() {
                return Err(invalid_with(
                    InputField::Document,
                    InputReason::DocumentNotForEvent,
                    [
                        ("document", print.document.as_str().to_owned()),
                        ("kind", kind),
                    ],
                ));
            }
            if let Some(serial) = &print.blank_serial {
                check_serial_unused(&tx, serial)?;
            }
            let reprint: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM print_log WHERE registration_id = ?1 AND document = ?2)",
                params![print.registration_id, print.document.as_str()],
                |row| row.get(0),
            )?;
            let id = uuid::Uuid::now_v7().to_string();
            let content =
                serde_json::to_string(&print.content).map_err(|e| corrupt("print content", e))?;
            tx.execute(
                "INSERT INTO print_log (id, registration_id, document, printed_at, officer_id, copies, reprint,
                                        issue_date, code, content_sha256, content, blank_serial)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    id,
                    print.registration_id,
                    print.document.as_str(),
                    at,
                    actor.id,
                    print.copies,
                    reprint,
                    print.issue_date.to_string(),
                    print.code,
                    print.content_sha256,
                    content,
                    print.blank_serial
                ],
            )?;
            for (number, copy) in (1..).zip(&print.issued) {
                tx.execute(
                    "INSERT INTO paper_copy (serial, print_id, copy_number, credential)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![copy.code, id, number, copy.credential],
                )?;
            }
            let serials: Vec<&str> = print.issued.iter().map(|c| c.code.as_str()).collect();
            queue_for_sync(
                &tx,
                &case_id,
                "extract_print",
                &serde_json::json!({
                    "print_id": id, "registration_id": print.registration_id,
                    "document": print.document, "officer_id": actor.id, "copies": print.copies,
                    "reprint": reprint, "issue_date": print.issue_date, "code": print.code,
                    "content_sha256": print.content_sha256, "blank_serial": print.blank_serial,
                    "serials": serials,
                }),
                &at,
            )?;
            let act = if reprint {
                AuditAction::Reprint
            } else {
                AuditAction::Print
            };
            audit::append(&tx, &self.key, act, &id, &actor.id, now)?;
            ids.push(id);
        }
        tx.commit()?;
        ids.iter().map(|id| self.print_entry(id)).collect()
    }

    fn print_line(&self, id: &str) -> Result<PrintLogLine> {
        let row = self
            .conn
            .query_row(&format!("{LINE_SELECT} WHERE p.id = ?1"), [id], line_row)?;
        finish_line(row)
    }

    fn print_entry(&self, id: &str) -> Result<PrintLogEntry> {
        match self.print_line(id)? {
            PrintLogLine::Printed(entry) => Ok(entry),
            PrintLogLine::Spoiled(_) => Err(corrupt("print_log.outcome", id)),
        }
    }

    /// The blank `serial` as the log writes it, if no line has used it yet:
    /// asked before a blank goes into the printer (recording asks again).
    pub fn check_blank_serial(&self, serial: &str) -> Result<String> {
        let serial = blank_serial(serial)?;
        check_serial_unused(&self.conn, &serial)?;
        Ok(serial)
    }

    /// Records the pre-printed blank `serial` as spoiled, for `reason`, as a
    /// line of its own with its outbox row, in one transaction. A serial
    /// already printed on or spoiled is refused (named with its day).
    pub fn record_spoiled_blank(
        &mut self,
        actor: &Officer,
        serial: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<SpoiledBlank> {
        let serial = blank_serial(serial)?;
        let reason = bounded_text(
            InputField::SpoiledReason,
            crate::text::clean(reason),
            MAX_SPOILED_REASON,
        )?;
        let at = now.to_rfc3339();
        let id = uuid::Uuid::now_v7().to_string();
        let tx = self.conn.transaction()?;
        check_serial_unused(&tx, &serial)?;
        tx.execute(
            "INSERT INTO print_log (id, registration_id, document, printed_at, officer_id, copies, reprint,
                                    blank_serial, outcome, spoiled_reason)
             VALUES (?1, NULL, ?2, ?3, ?4, 1, 0, ?5, 'spoiled', ?6)",
            params![
                id,
                DocumentKind::BirthCertificate.as_str(),
                at,
                actor.id,
                serial,
                reason
            ],
        )?;
        queue_office_event(
            &tx,
            "blank_spoiled",
            &serde_json::json!({
                "print_id": id, "document": DocumentKind::BirthCertificate,
                "officer_id": actor.id, "blank_serial": serial, "reason": reason,
            }),
            &at,
        )?;
        audit::append(
            &tx,
            &self.key,
            AuditAction::SpoiledBlank,
            &id,
            &actor.id,
            now,
        )?;
        tx.commit()?;
        match self.print_line(&id)? {
            PrintLogLine::Spoiled(spoiled) => Ok(spoiled),
            PrintLogLine::Printed(_) => Err(corrupt("print_log.outcome", &id)),
        }
    }

    /// Withdraws the printed copy `code` (however typed) for `reason`: a
    /// supervisor's act, with its audit entry and its outbox row in one
    /// transaction. The registry's status check then answers `withdrawn` for
    /// this copy alone; the reason stays in the office (the registry gets
    /// the serial and the time).
    pub fn withdraw_copy(
        &mut self,
        actor: &Officer,
        code: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<WithdrawnCopy> {
        actor.require_supervisor(crate::error::ForbiddenAction::WithdrawPaper)?;
        let unknown = || {
            invalid_with(
                InputField::PaperCode,
                InputReason::UnknownPaper,
                [("code", code.trim().to_owned())],
            )
        };
        let serial = hotich_protocol::paper::serial_of_code(code)
            .map(|serial| hotich_protocol::paper::code_of_serial(&serial))
            .ok_or_else(unknown)?;
        let reason = bounded_text(
            InputField::WithdrawReason,
            crate::text::clean(reason),
            MAX_WITHDRAW_REASON,
        )?;
        let at = now.to_rfc3339();
        let tx = self.conn.transaction()?;
        let found: Option<(String, String, Option<String>)> = tx
            .query_row(
                "SELECT pc.print_id, r.case_id, w.withdrawn_at
                 FROM paper_copy pc
                 JOIN print_log p ON p.id = pc.print_id
                 JOIN registration r ON r.id = p.registration_id
                 LEFT JOIN paper_withdrawal w ON w.serial = pc.serial
                 WHERE pc.serial = ?1",
                [&serial],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()?;
        let Some((print_id, case_id, withdrawn)) = found else {
            return Err(unknown());
        };
        if let Some(at) = withdrawn {
            return Err(invalid_with(
                InputField::PaperCode,
                InputReason::AlreadyWithdrawn,
                [("code", serial), ("at", at)],
            ));
        }
        tx.execute(
            "INSERT INTO paper_withdrawal (serial, withdrawn_at, officer_id, reason)
             VALUES (?1, ?2, ?3, ?4)",
            params![serial, at, actor.id, reason],
        )?;
        queue_for_sync(
            &tx,
            &case_id,
            "paper_withdrawn",
            &serde_json::json!({ "serial": serial, "print_id": print_id, "withdrawn_at": at }),
            &at,
        )?;
        audit::append(
            &tx,
            &self.key,
            AuditAction::PaperWithdraw,
            &serial,
            &actor.id,
            now,
        )?;
        tx.commit()?;
        Ok(WithdrawnCopy {
            code: serial,
            print_id,
            withdrawn_at: at,
            officer_name: actor.full_name.clone(),
            reason,
        })
    }

    /// Every print and spoiled blank, newest first. Supervisors only: it
    /// tells who printed which family's papers.
    pub fn print_log(&self, actor: &Officer) -> Result<Vec<PrintLogLine>> {
        actor.require_supervisor(crate::error::ForbiddenAction::ViewPrintLog)?;
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{LINE_SELECT} ORDER BY p.seq DESC"))?;
        let rows = stmt.query_map([], line_row)?;
        rows.map(|row| finish_line(row?)).collect()
    }

    /// The print that carried `code` (a copy's serial, or the code of a
    /// print made before copies had their own), if any.
    pub fn print_by_code(&self, code: &str) -> Result<Option<StoredPrint>> {
        let found = self
            .conn
            .query_row(
                "SELECT p.registration_id, p.document, p.issue_date, p.code, p.content_sha256, p.content,
                        p.printed_at, o.full_name AS officer_name
                 FROM print_log p JOIN officer o ON o.id = p.officer_id
                 WHERE p.code = ?1 OR p.id = (SELECT print_id FROM paper_copy WHERE serial = ?1)
                 ORDER BY p.seq LIMIT 1",
                [code],
                |row| {
                    Ok((
                        from_row!(row => StoredPrint {
                            registration_id, code, content_sha256, printed_at, officer_name;
                            document: DocumentKind::BirthCertificate,
                            issue_date: NaiveDate::MIN,
                            content: Vec::new(),
                        }),
                        row.get::<_, String>("document")?,
                        row.get::<_, String>("issue_date")?,
                        row.get::<_, String>("content")?,
                    ))
                },
            )
            .optional()?;
        let Some((mut print, document, issue_date, content)) = found else {
            return Ok(None);
        };
        print.document = document_of(&document)?;
        print.issue_date = date_of(&issue_date)?;
        print.content = serde_json::from_str(&content).map_err(|e| corrupt("print content", e))?;
        Ok(Some(print))
    }

    /// The registrations whose registration date is `day`, births first,
    /// in register order: a day's batch of papers.
    pub fn registrations_on(&self, day: NaiveDate) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM registration
             WHERE json_extract(form, '$.registration_date') = ?1
             ORDER BY kind, year, number",
        )?;
        let ids = stmt
            .query_map([day.to_string()], |row| row.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_kinds_round_trip_and_belong_to_their_event() {
        for document in DocumentKind::ALL {
            assert_eq!(DocumentKind::parse(document.as_str()), Some(document));
            assert!(DocumentKind::for_event(document.event_kind()).contains(&document));
            let json = serde_json::to_string(&document).unwrap();
            assert_eq!(json, format!("\"{}\"", document.as_str()));
        }
        assert_eq!(DocumentKind::parse("birth"), None);
    }
}
