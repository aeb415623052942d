//! `audit verify`: the chain checked two ways. Along the chain, each entry
//! follows the one before (no gap in the sequence, the right previous hash)
//! and carries the office's MAC; across the register, every registration,
//! amendment and print has exactly one entry and the row is as it was
//! recorded, and each register counter is the highest number used. Each way
//! of tampering is told by its own [`AuditProblemKind`].

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{recorded_content, unkeyed_until, AuditAction, AuditHead, EntryFields, GENESIS};
use crate::error::{code_enum, Result};
use crate::sql::from_row;
use crate::store::Store;

code_enum! {
    /// What `audit verify` found wrong; the first problem is reported.
    pub enum AuditProblemKind {
        /// The sequence jumps: an entry before this one was deleted.
        EntryMissing => "entry_missing",
        /// The entry does not chain to the one before (that one was changed).
        LinkBroken => "link_broken",
        /// This entry was changed after it was written.
        EntryAltered => "entry_altered",
        /// From this entry to the end, no entry carries the office's key: the
        /// chain was written again without it.
        ChainRebuilt => "chain_rebuilt",
        /// The row the entry records is gone.
        RecordDeleted => "record_deleted",
        /// The row the entry records was changed outside Hotich.
        RecordAltered => "record_altered",
        /// A registration, amendment or print has no entry: entries at the
        /// end of the log were cut off (or the row was written outside Hotich).
        RecordUnaudited => "record_unaudited",
        /// A registration, amendment or print has more than one entry.
        RecordAuditedTwice => "record_audited_twice",
        /// `kind`, `year`, `counter`, `highest`: the register counter is not
        /// the highest number in the book.
        CounterMismatch => "counter_mismatch",
    }
}

/// The first problem `audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AuditProblem {
    pub kind: AuditProblemKind,
    /// The entry's position in the log (1 is the first), when an entry is at fault.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub seq: Option<i64>,
    /// The act of that entry (its wire name), or of the record missing one.
    pub action: String,
    /// The record (registration, amendment, print, ...) concerned.
    pub entity_id: String,
    /// `kind`, `year`, `counter`, `highest` for a counter mismatch.
    pub detail: String,
}

/// What `audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AuditReport {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub entries: u64,
    pub head: Option<AuditHead>,
    /// The first problem, if any.
    pub problem: Option<AuditProblem>,
}

/// An audit_log row as stored, to be checked against its neighbours.
struct StoredEntry {
    seq: i64,
    at: String,
    officer_id: String,
    action: String,
    entity_id: String,
    content: String,
    prev_hash: String,
    hash: String,
    keyed: bool,
}

impl StoredEntry {
    fn fields(&self) -> EntryFields<'_> {
        EntryFields {
            prev: &self.prev_hash,
            at: &self.at,
            officer: &self.officer_id,
            action: &self.action,
            entity: &self.entity_id,
            content: &self.content,
        }
    }

    fn problem(&self, kind: AuditProblemKind) -> AuditProblem {
        AuditProblem {
            kind,
            seq: Some(self.seq),
            action: self.action.clone(),
            entity_id: self.entity_id.clone(),
            detail: String::new(),
        }
    }
}

/// The acts each record must have exactly one of.
const RECORDS: &[(&str, &str, &[AuditAction])] = &[
    (
        "registration",
        "SELECT id FROM registration",
        &[AuditAction::Register],
    ),
    (
        "amendment",
        "SELECT id FROM amendment",
        &[AuditAction::Amend],
    ),
    (
        "amendment_decision",
        "SELECT amendment_id FROM amendment_decision WHERE NOT before_approval",
        &[AuditAction::AmendmentApprove, AuditAction::AmendmentReject],
    ),
    (
        "print_log",
        "SELECT id FROM print_log WHERE seq > coalesce(
             (SELECT CAST(value AS INTEGER) FROM setting WHERE key = 'audit_prints_after_seq'), 0)",
        &[
            AuditAction::Print,
            AuditAction::Reprint,
            AuditAction::SpoiledBlank,
        ],
    ),
    (
        "paper_withdrawal",
        "SELECT serial FROM paper_withdrawal",
        &[AuditAction::PaperWithdraw],
    ),
];

impl Store {
    /// Walks the whole log, then the register against it.
    pub fn verify_audit_log(&self) -> Result<AuditReport> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, at, officer_id, action, entity_id, content, prev_hash, hash, keyed
             FROM audit_log ORDER BY seq",
        )?;
        let entries: Vec<StoredEntry> = stmt
            .query_map([], |row| {
                Ok(from_row!(row => StoredEntry {
                    seq, at, officer_id, action, entity_id, content, prev_hash, hash, keyed,
                }))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let head = entries.last().map(|last| AuditHead {
            seq: last.seq,
            hash: last.hash.clone(),
        });
        let problem = match self.chain_problem(&entries)? {
            Some(problem) => Some(problem),
            None => self.coverage_problem(&entries)?,
        };
        Ok(AuditReport {
            entries: entries.len() as u64,
            head,
            problem,
        })
    }

    fn chain_problem(&self, entries: &[StoredEntry]) -> Result<Option<AuditProblem>> {
        let mut prev = GENESIS;
        let unkeyed_until = unkeyed_until(&self.conn, &self.key)?;
        for (index, entry) in entries.iter().enumerate() {
            let expected_seq = index as i64 + 1;
            if entry.seq != expected_seq {
                return Ok(Some(entry.problem(AuditProblemKind::EntryMissing)));
            }
            if entry.prev_hash != prev {
                return Ok(Some(entry.problem(AuditProblemKind::LinkBroken)));
            }
            if !self.entry_holds(entry, unkeyed_until) {
                // Rewritten with the links kept but not the key: every
                // entry from here on fails. One entry edited: the next
                // entries still hold.
                let rest_fails = entries[index..]
                    .iter()
                    .all(|later| !self.entry_holds(later, unkeyed_until));
                return Ok(Some(entry.problem(if rest_fails {
                    AuditProblemKind::ChainRebuilt
                } else {
                    AuditProblemKind::EntryAltered
                })));
            }
            if let Some(action) = AuditAction::parse(&entry.action) {
                // An account or installation act: its row changes later on purpose.
                let checked_against_row = matches!(
                    action,
                    AuditAction::Register
                        | AuditAction::Amend
                        | AuditAction::Print
                        | AuditAction::Reprint
                        | AuditAction::SpoiledBlank
                );
                if checked_against_row {
                    match recorded_content(&self.conn, action, &entry.entity_id)? {
                        None => return Ok(Some(entry.problem(AuditProblemKind::RecordDeleted))),
                        Some(stored) if stored != entry.content => {
                            return Ok(Some(entry.problem(AuditProblemKind::RecordAltered)))
                        }
                        Some(_) => {}
                    }
                }
            }
            prev = &entry.hash;
        }
        Ok(None)
    }

    /// An entry's hash is right: under the office's key, or (only up to
    /// the sealed bound, entries written before the log was keyed) the
    /// plain SHA-256 of the log's first version.
    fn entry_holds(&self, entry: &StoredEntry, unkeyed_until: i64) -> bool {
        if entry.keyed {
            entry.fields().keyed_hash(&self.key) == entry.hash
        } else {
            entry.seq <= unkeyed_until && entry.fields().legacy_hash() == entry.hash
        }
    }

    fn coverage_problem(&self, entries: &[StoredEntry]) -> Result<Option<AuditProblem>> {
        let mut audited: HashMap<(&str, &str), u32> = HashMap::new();
        for entry in entries {
            *audited
                .entry((entry.action.as_str(), entry.entity_id.as_str()))
                .or_default() += 1;
        }
        for (_, select, actions) in RECORDS {
            let mut stmt = self.conn.prepare(select)?;
            let ids = stmt.query_map([], |row| row.get::<_, String>(0))?;
            for id in ids {
                let id = id?;
                let count: u32 = actions
                    .iter()
                    .map(|action| {
                        audited
                            .get(&(action.as_str(), id.as_str()))
                            .copied()
                            .unwrap_or(0)
                    })
                    .sum();
                if count != 1 {
                    return Ok(Some(AuditProblem {
                        kind: if count == 0 {
                            AuditProblemKind::RecordUnaudited
                        } else {
                            AuditProblemKind::RecordAuditedTwice
                        },
                        seq: None,
                        action: actions[0].as_str().to_owned(),
                        entity_id: id,
                        detail: String::new(),
                    }));
                }
            }
        }
        let mut stmt = self.conn.prepare(
            "SELECT c.kind, c.year, c.last_number,
                    (SELECT coalesce(max(r.number), 0) FROM registration r
                     WHERE r.kind = c.kind AND r.year = c.year)
             FROM register_counter c ORDER BY c.kind, c.year",
        )?;
        let counters = stmt.query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, i64>(3)?,
            ))
        })?;
        for counter in counters {
            let (kind, year, last, highest) = counter?;
            if last != highest {
                return Ok(Some(AuditProblem {
                    kind: AuditProblemKind::CounterMismatch,
                    seq: None,
                    action: AuditAction::Register.as_str().to_owned(),
                    entity_id: format!("{kind}/{year}"),
                    detail: format!("{last}/{highest}"),
                }));
            }
        }
        Ok(None)
    }
}
