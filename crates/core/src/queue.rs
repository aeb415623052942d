//! The registrar's queue: cases filtered, searched and sorted by urgency;
//! one case in full; the quarantine.

use chrono::NaiveDate;
use hotich_protocol::jws::{unb64, ProtectedHeader};
use hotich_protocol::{Action, EventKind, RejectionReason};
use rusqlite::types::Value;
use rusqlite::{params, OptionalExtension, Row};

use crate::error::{CoreError, Result};
use crate::intake::decode_payload;
use crate::legal::days_left;
use crate::model::{
    CaseDetail, CaseFilter, CasePage, CaseRow, CaseStatus, NotificationVersion, QuarantineEntry,
    Verification,
};
use crate::store::Store;
use crate::text::fold;

const DEFAULT_PAGE: u32 = 50;
const MAX_PAGE: u32 = 1_000;

const CASE_COLUMNS: &str =
    "c.id, c.kind, c.subject_name, c.event_date, c.status, c.deadline, c.facility_id,
     c.facility_name, c.notification_id, c.notification_version";

/// An FTS5 query matching every word of `search` as a prefix of a word of
/// the folded name, or None when the search has no word.
fn fts_query(search: &str) -> Option<String> {
    let terms: Vec<String> = fold(search)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| format!("\"{word}\"*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

fn parse_date(text: &str) -> rusqlite::Result<NaiveDate> {
    text.parse().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn case_row(row: &Row<'_>, today: NaiveDate) -> rusqlite::Result<CaseRow> {
    let kind: String = row.get(1)?;
    let status_text: String = row.get(4)?;
    let status = CaseStatus::parse(&status_text).unwrap_or(CaseStatus::NeedsReview);
    let deadline = parse_date(&row.get::<_, String>(5)?)?;
    let left = days_left(deadline, today);
    Ok(CaseRow {
        id: row.get(0)?,
        kind: if kind == "birth" {
            EventKind::Birth
        } else {
            EventKind::Death
        },
        name: row.get(2)?,
        event_date: parse_date(&row.get::<_, String>(3)?)?,
        status,
        deadline,
        days_left: left,
        overdue: status.is_open() && left < 0,
        facility_id: row.get(6)?,
        facility_name: row.get(7)?,
        notification_id: row.get(8)?,
        notification_version: row.get(9)?,
    })
}

impl Store {
    /// One page of the queue: open cases first, then by deadline (the most
    /// overdue first).
    pub fn cases(&self, filter: &CaseFilter, today: NaiveDate) -> Result<CasePage> {
        let mut conditions: Vec<&str> = Vec::new();
        let mut values: Vec<Value> = Vec::new();
        if let Some(kind) = filter.kind {
            conditions.push("c.kind = ?");
            values.push(Value::Text(kind.as_str().into()));
        }
        if let Some(status) = filter.status {
            conditions.push("c.status = ?");
            values.push(Value::Text(status.as_str().into()));
        }
        if filter.overdue_only {
            // `= 1` lets SQLite range-search the queue index on the generated column.
            conditions.push("c.is_open = 1 AND c.deadline < ?");
            values.push(Value::Text(today.to_string()));
        }
        if let Some(query) = filter.search.as_deref().and_then(fts_query) {
            conditions.push(
                "c.seq IN (SELECT rowid FROM case_name_search WHERE case_name_search MATCH ?)",
            );
            values.push(Value::Text(query));
        }
        let where_clause = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };

        let total: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM case_file c {where_clause}"),
            rusqlite::params_from_iter(values.iter()),
            |row| row.get(0),
        )?;

        let limit = match filter.limit {
            0 => DEFAULT_PAGE,
            n => n.min(MAX_PAGE),
        };
        let mut page_values = values;
        page_values.push(Value::Integer(i64::from(limit)));
        page_values.push(Value::Integer(i64::from(filter.offset)));
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {CASE_COLUMNS} FROM case_file c {where_clause}
             ORDER BY c.is_open DESC, c.deadline, c.seq LIMIT ? OFFSET ?"
        ))?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(page_values.iter()), |row| {
                case_row(row, today)
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(CasePage {
            rows,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    pub fn case(&self, id: &str, today: NaiveDate) -> Result<CaseRow> {
        self.conn
            .query_row(
                &format!("SELECT {CASE_COLUMNS} FROM case_file c WHERE c.id = ?1"),
                [id],
                |row| case_row(row, today),
            )
            .optional()?
            .ok_or_else(|| CoreError::CaseNotFound(id.to_owned()))
    }

    /// A case with every version of its notification and how it was verified.
    pub fn case_detail(&self, id: &str, today: NaiveDate) -> Result<CaseDetail> {
        let case = self.case(id, today)?;
        let Some(notification_id) = case.notification_id.clone() else {
            return Ok(CaseDetail {
                case,
                notification: None,
                verification: None,
                versions: Vec::new(),
                void_reason: None,
            });
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT version, action, issued_at, received_at, key_id, protected, payload
             FROM notification WHERE notification_id = ?1 ORDER BY version",
        )?;
        struct Stored {
            version: NotificationVersion,
            key_id: String,
            protected: String,
            payload: String,
        }
        let stored = stmt
            .query_map([&notification_id], |row| {
                let action: String = row.get(1)?;
                Ok(Stored {
                    version: NotificationVersion {
                        version: row.get(0)?,
                        action: match action.as_str() {
                            "void" => Action::Void,
                            "correct" => Action::Correct,
                            _ => Action::Issue,
                        },
                        issued_at: row.get(2)?,
                        received_at: row.get(3)?,
                        current: false,
                    },
                    key_id: row.get(4)?,
                    protected: row.get(5)?,
                    payload: row.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;

        let newest_version = stored.iter().map(|s| s.version.version).max();
        let newest_content = stored
            .iter()
            .rev()
            .find(|s| s.version.action != Action::Void);
        let notification = newest_content
            .map(|s| decode_payload(&s.payload))
            .transpose()?;
        let void_reason = match stored.last() {
            Some(last) if last.version.action == Action::Void => {
                decode_payload(&last.payload)?.void_reason
            }
            _ => None,
        };
        let verification = newest_content
            .map(|s| self.verification(&s.key_id, &s.protected, notification.as_ref()))
            .transpose()?;
        let versions = stored
            .into_iter()
            .map(|s| NotificationVersion {
                current: Some(s.version.version) == newest_version,
                ..s.version
            })
            .collect();
        Ok(CaseDetail {
            case,
            notification,
            verification,
            versions,
            void_reason,
        })
    }

    fn verification(
        &self,
        key_id: &str,
        protected: &str,
        notification: Option<&hotich_protocol::Notification>,
    ) -> Result<Verification> {
        let header: Option<ProtectedHeader> = unb64(protected)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok());
        let key = self
            .conn
            .query_row(
                "SELECT facility_id, name, address, algorithm, valid_from, valid_until FROM facility_key WHERE key_id = ?1",
                [key_id],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, String>(3)?,
                        row.get::<_, String>(4)?,
                        row.get::<_, String>(5)?,
                    ))
                },
            )
            .optional()?;
        // A key dropped from a later trust list still verified this notification when it arrived.
        let (facility_id, facility_name, facility_address, algorithm, valid_from, valid_until) =
            key.unwrap_or_else(|| {
                (
                    notification
                        .map(|n| n.facility_id.clone())
                        .unwrap_or_default(),
                    String::new(),
                    String::new(),
                    header.as_ref().map(|h| h.alg.clone()).unwrap_or_default(),
                    String::new(),
                    String::new(),
                )
            });
        Ok(Verification {
            algorithm,
            key_id: key_id.to_owned(),
            facility_id,
            facility_name,
            facility_address,
            key_valid_from: valid_from,
            key_valid_until: valid_until,
            signature_valid: true,
            payload_sha256: header.map(|h| h.pld).unwrap_or_default(),
        })
    }

    /// Quarantined envelopes, newest first.
    pub fn quarantine(&self) -> Result<Vec<QuarantineEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, received_at, source, notification_id, version, reason, detail
             FROM quarantine ORDER BY id DESC",
        )?;
        let rows = stmt.query_map(params![], |row| {
            let code: String = row.get(5)?;
            let reason = RejectionReason::from_code(&code).unwrap_or(RejectionReason::Malformed);
            Ok(QuarantineEntry {
                id: row.get(0)?,
                received_at: row.get(1)?,
                source: row.get(2)?,
                notification_id: row.get(3)?,
                version: row.get(4)?,
                reason,
                reason_text: reason.message_vi().to_owned(),
                detail: row.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Number of cases in each status, for summaries and tests.
    pub fn status_counts(&self) -> Result<Vec<(CaseStatus, u64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT status, count(*) FROM case_file GROUP BY status ORDER BY status",
        )?;
        let rows = stmt.query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
        })?;
        rows.map(|row| {
            let (status, count) = row?;
            Ok((
                CaseStatus::parse(&status).ok_or_else(|| CoreError::Corrupt {
                    what: "case status".into(),
                    reason: status.clone(),
                })?,
                u64::try_from(count).unwrap_or(0),
            ))
        })
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn search_words_become_folded_prefix_terms() {
        assert_eq!(
            fts_query("Nguyễn thị HẰNG").as_deref(),
            Some("\"nguyen\"* \"thi\"* \"hang\"*")
        );
        assert_eq!(fts_query("\"; DROP"), Some("\"drop\"*".into()));
        assert_eq!(fts_query("  -- "), None);
    }
}
