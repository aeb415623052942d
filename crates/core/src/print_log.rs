//! The print log of extracts: every print of a registration's paper (who,
//! when, which document, how many copies, a reprint or not), with the code
//! and content it carried so that a paper copy can be checked later.
//! Rendering is `hotich-extract`'s; this is what the store keeps.
//!
//! The only writer of `print_log` (each print queued for the registry
//! through [`crate::outbox`]); reads `registration` and `case_file`.

use chrono::{DateTime, NaiveDate, Utc};
use hotich_protocol::EventKind;
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::error::{invalid_with, CoreError, InputField, InputReason, Result};
use crate::officer::Officer;
use crate::outbox::queue_for_sync;
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
}

/// Prints of one document at once are bounded: a typo of 1000 is refused.
pub const MAX_COPIES: u32 = 50;

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

const ENTRY_SELECT: &str =
    "SELECT p.id, p.printed_at, o.username AS officer_username, o.full_name AS officer_name,
        p.registration_id, r.case_id, p.document, r.number, r.book, c.subject_name, p.copies,
        p.reprint, p.issue_date, p.code
 FROM print_log p
 JOIN officer o ON o.id = p.officer_id
 JOIN registration r ON r.id = p.registration_id
 JOIN case_file c ON c.id = r.case_id";

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

fn entry_row(row: &Row<'_>) -> rusqlite::Result<(PrintLogEntry, String, String)> {
    // The document and issue date are checked after the query, where a
    // bad value can be reported as corrupt data rather than a SQL error.
    Ok((
        from_row!(row => PrintLogEntry {
            id, printed_at, officer_username, officer_name, registration_id, case_id, number,
            book, subject_name, copies, reprint, code;
            document: DocumentKind::BirthCertificate,
            issue_date: NaiveDate::MIN,
        }),
        row.get("document")?,
        row.get("issue_date")?,
    ))
}

fn finish_entry(
    (mut entry, document, issue_date): (PrintLogEntry, String, String),
) -> Result<PrintLogEntry> {
    entry.document = document_of(&document)?;
    entry.issue_date = date_of(&issue_date)?;
    Ok(entry)
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
            if !(1..=MAX_COPIES).contains(&print.copies) {
                return Err(invalid_with(
                    InputField::Copies,
                    InputReason::OutOfRange,
                    [
                        ("min", "1".to_owned()),
                        ("max", MAX_COPIES.to_string()),
                        ("value", print.copies.to_string()),
                    ],
                ));
            }
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
                                        issue_date, code, content_sha256, content)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
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
                    content
                ],
            )?;
            queue_for_sync(
                &tx,
                &case_id,
                "extract_print",
                &serde_json::json!({
                    "print_id": id, "registration_id": print.registration_id,
                    "document": print.document, "officer_id": actor.id, "copies": print.copies,
                    "reprint": reprint, "issue_date": print.issue_date, "code": print.code,
                    "content_sha256": print.content_sha256,
                }),
                &at,
            )?;
            ids.push(id);
        }
        tx.commit()?;
        ids.iter().map(|id| self.print_entry(id)).collect()
    }

    fn print_entry(&self, id: &str) -> Result<PrintLogEntry> {
        let row =
            self.conn
                .query_row(&format!("{ENTRY_SELECT} WHERE p.id = ?1"), [id], entry_row)?;
        finish_entry(row)
    }

    /// Every print, newest first. Supervisors only: it tells who printed
    /// which family's papers.
    pub fn print_log(&self, actor: &Officer) -> Result<Vec<PrintLogEntry>> {
        actor.require_supervisor(crate::error::ForbiddenAction::ViewPrintLog)?;
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{ENTRY_SELECT} ORDER BY p.seq DESC"))?;
        let rows = stmt.query_map([], entry_row)?;
        rows.map(|row| finish_entry(row?)).collect()
    }

    /// The first print that carried `code`, if any.
    pub fn print_by_code(&self, code: &str) -> Result<Option<StoredPrint>> {
        let found = self
            .conn
            .query_row(
                "SELECT p.registration_id, p.document, p.issue_date, p.code, p.content_sha256, p.content,
                        p.printed_at, o.full_name AS officer_name
                 FROM print_log p JOIN officer o ON o.id = p.officer_id
                 WHERE p.code = ?1 ORDER BY p.seq LIMIT 1",
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
