//! The supervisor's reading of the trail: entries filtered by officer, act,
//! case or record, and office days, newest first.

use chrono::NaiveDate;
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};

use super::AuditAction;
use crate::error::{ForbiddenAction, Result};
use crate::officer::Officer;
use crate::store::Store;
use crate::time::start_of_office_day_rfc3339;

/// At most this many lines in one answer.
pub const AUDIT_LIST_LIMIT: u32 = 5000;

/// Which entries to read; every field narrows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AuditFilter {
    /// The acting officer's username.
    pub officer: Option<String>,
    pub action: Option<AuditAction>,
    /// The case, registration, print or officer acted on.
    pub entity_id: Option<String>,
    /// Office days, both included.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// One entry as a supervisor reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AuditLine {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub seq: i64,
    /// RFC 3339, UTC.
    pub at: String,
    /// Empty for a refused sign-in with an unknown username.
    pub officer_username: String,
    pub officer_name: String,
    /// The act's wire name (an [`AuditAction`]).
    pub action: String,
    pub entity_id: String,
    pub content: String,
}

impl Store {
    /// A supervisor exports the entries `filter` selects to a CSV file at
    /// `path` (cells a spreadsheet would run written as text), in Vietnamese;
    /// the export is itself audited. Returns how many entries it holds.
    pub fn export_audit(
        &self,
        actor: &Officer,
        filter: &AuditFilter,
        path: &std::path::Path,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<usize> {
        let lines = self.audit_entries(actor, filter)?;
        let header = [
            "Số",
            "Thời điểm (UTC)",
            "Cán bộ",
            "Tên đăng nhập",
            "Thao tác",
            "Đối tượng",
            "Nội dung",
        ]
        .map(str::to_owned)
        .to_vec();
        let rows = lines.iter().map(|line| {
            let act = AuditAction::parse(&line.action).map_or(line.action.clone(), |action| {
                crate::labels::audit_action(crate::labels::Lang::Vi, action).to_owned()
            });
            vec![
                line.seq.to_string(),
                line.at.clone(),
                line.officer_name.clone(),
                line.officer_username.clone(),
                act,
                line.entity_id.clone(),
                line.content.clone(),
            ]
        });
        let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
        // The byte-order mark tells Excel the file is UTF-8.
        std::io::Write::write_all(&mut file, "\u{feff}".as_bytes())?;
        crate::export::write_records(&mut file, std::iter::once(header).chain(rows))?;
        file.into_inner()
            .map_err(|e| crate::error::CoreError::Io(e.into_error()))?
            .sync_all()?;
        self.record_act(
            AuditAction::Export,
            "audit",
            &actor.id,
            &format!("csv rows={}", lines.len()),
            now,
        )?;
        Ok(lines.len())
    }

    /// The entries `filter` selects, newest first (at most
    /// [`AUDIT_LIST_LIMIT`]); supervisors only.
    pub fn audit_entries(&self, actor: &Officer, filter: &AuditFilter) -> Result<Vec<AuditLine>> {
        actor.require_supervisor(ForbiddenAction::ReadAudit)?;
        let mut conditions = Vec::new();
        let mut values: Vec<Value> = Vec::new();
        let mut narrow = |condition: &str, value: String| {
            values.push(Value::Text(value));
            conditions.push(condition.replace('?', &format!("?{}", values.len())));
        };
        if let Some(username) = &filter.officer {
            narrow("o.username = ?", username.trim().to_owned());
        }
        if let Some(action) = filter.action {
            narrow("a.action = ?", action.as_str().to_owned());
        }
        if let Some(entity) = &filter.entity_id {
            narrow("a.entity_id = ?", entity.trim().to_owned());
        }
        if let Some(from) = filter.from {
            narrow("a.at >= ?", start_of_office_day_rfc3339(from));
        }
        if let Some(to) = filter.to.and_then(|to| to.succ_opt()) {
            narrow("a.at < ?", start_of_office_day_rfc3339(to));
        }
        let filter_sql = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT a.seq, a.at, coalesce(o.username, ''), coalesce(o.full_name, ''), a.action,
                    a.entity_id, a.content
             FROM audit_log a LEFT JOIN officer o ON o.id = a.officer_id
             {filter_sql}
             ORDER BY a.seq DESC LIMIT {AUDIT_LIST_LIMIT}"
        ))?;
        let lines = stmt.query_map(rusqlite::params_from_iter(values), |row| {
            Ok(AuditLine {
                seq: row.get(0)?,
                at: row.get(1)?,
                officer_username: row.get(2)?,
                officer_name: row.get(3)?,
                action: row.get(4)?,
                entity_id: row.get(5)?,
                content: row.get(6)?,
            })
        })?;
        Ok(lines.collect::<rusqlite::Result<_>>()?)
    }
}
