//! The registrar's queue: cases filtered, searched and sorted by urgency;
//! one case in full; the quarantine.
//!
//! Writes no table. Reads `case_file`, `case_name_key`, `notification`,
//! `quarantine`, `officer` (the assignee's name) and `outbox` (each case's
//! sync state).

use chrono::NaiveDate;
use hotich_common::sqlite::to_u64;
use hotich_protocol::jws::{verifying_key_from_b64, TYP_NOTIFICATION};
use hotich_protocol::Action;
use hotich_protocol::SignedEnvelope;
use rusqlite::types::Value;
use rusqlite::{params, OptionalExtension, Row};

use crate::code_names::code_names;
use crate::error::{CoreError, Result};
use crate::intake::decode_payload;
use crate::legal::days_left;
use crate::lifecycle::FIRST_CONTACT_WORKING_DAYS;
use crate::model::{
    CaseDetail, CaseFilter, CasePage, CaseRow, CaseStatus, NotificationVersion, QuarantineEntry,
    Verification,
};
use crate::sql::from_row;
use crate::store::Store;
use crate::sync::SyncState;
use crate::text::fold;
use crate::time::{office_day_of, start_of_office_day_rfc3339};
use hotich_calendar::OfficeCalendar;

const DEFAULT_PAGE: u32 = 50;
const MAX_PAGE: u32 = 1_000;

const CASE_COLUMNS: &str =
    "c.id, c.kind, c.subject_name AS name, c.event_date, c.status, c.deadline, c.facility_id,
     c.facility_name, c.notification_id, c.notification_version, c.assignee AS assignee_id,
     (SELECT o.full_name FROM officer o WHERE o.id = c.assignee) AS assignee_name,
     c.next_follow_up, c.appointment_date, c.last_attempt_at, c.opened_at,
     (SELECT min(n.issued_at) FROM notification n WHERE n.notification_id = c.notification_id)
         AS issued_at,
     (SELECT CASE WHEN count(*) FILTER (WHERE o.state = 'dead') > 0 THEN 'failed'
                  WHEN count(*) FILTER (WHERE o.state IN ('waiting', 'sending')) > 0 THEN 'waiting'
                  WHEN count(*) > 0 THEN 'sent' ELSE 'nothing' END
      FROM outbox o WHERE o.case_id = c.id) AS sync_state,
     coalesce((SELECT NOT o.active FROM officer o WHERE o.id = c.assignee), 0) AS assignee_inactive";

/// Open cases received after their deadline had passed: the office day of
/// `opened_at` (UTC, RFC 3339) is after the deadline.
const OVERDUE_ON_ARRIVAL: &str = "c.is_open = 1 AND c.deadline < date(c.opened_at, '+7 hours')";
const _: () = assert!(hotich_common::time::OFFICE_UTC_OFFSET_SECONDS == 7 * 3600);

/// The queue's order: open cases first, the most urgent deadline first.
const QUEUE_ORDER: &str = "c.is_open DESC, c.deadline, c.seq";
/// An officer's own cases: then the follow-up due soonest.
const MY_CASES_ORDER: &str = "c.is_open DESC, c.deadline, c.next_follow_up, c.seq";

/// Counts stop past this: the footer says "more than 5,000", and a search
/// with more candidates walks the queue index instead of sorting them all.
pub const COUNT_LIMIT: u64 = 5_000;

/// The folded words of a search, or None when it has none.
fn search_words(search: &str) -> Option<Vec<String>> {
    let words: Vec<String> = fold(search)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect();
    (!words.is_empty()).then_some(words)
}

/// The key range of names with these consecutive words, the last one a
/// prefix: ["van", "an"] -> ["van an", "van ao").
fn phrase_range(words: &[String]) -> (String, String) {
    let low = words.join(" ");
    let mut high = low.clone();
    let last = high.pop().unwrap_or(' ');
    high.push(char::from_u32(u32::from(last) + 1).unwrap_or(char::MAX));
    (low, high)
}

/// A LIKE pattern for words starting at a word boundary of the folded name
/// (matched against `' ' || name_folded`). Words hold only alphanumerics, so
/// no LIKE wildcard can slip in.
fn word_pattern(words: &[String]) -> String {
    format!("% {}%", words.join(" "))
}

/// Matches up to which a search reads its keys and sorts them; past it the
/// names are common enough that walking the queue in order fills a page sooner
/// (`Store::set_key_scan_limit` changes it for tests).
pub const KEY_SCAN_LIMIT: u64 = 50_000;

/// How a search matches names, and how to run it fast.
enum NameMatch {
    /// Names with a key in [low, high), and of those the ones matching
    /// `patterns` too: filtered and sorted in the key table.
    ByKeys {
        low: String,
        high: String,
        patterns: Vec<String>,
    },
    /// So many names hold the words that the queue is walked in order,
    /// testing each name with `patterns`; counted through the key range
    /// (testing `patterns` too when the words are not in order).
    Common {
        patterns: Vec<String>,
        low: String,
        high: String,
        in_order: bool,
    },
    /// No name has a word starting like one of the search words.
    Nothing,
}

/// A name test for walking the queue: the words at a word boundary.
const NAME_LIKE: &str = "(' ' || c.name_folded) LIKE ?";

pub(crate) fn where_of(conditions: &[&str]) -> String {
    if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    }
}

/// Reads by column name like every row mapper: a page is at most
/// `MAX_PAGE` rows, and the per-row subqueries cost far more than the
/// name lookups.
fn case_row(
    row: &Row<'_>,
    today: NaiveDate,
    calendar: &OfficeCalendar,
) -> rusqlite::Result<CaseRow> {
    let status: CaseStatus = row.get("status")?;
    let deadline: NaiveDate = row.get("deadline")?;
    let left = days_left(deadline, today);
    let next_follow_up: Option<NaiveDate> = row.get("next_follow_up")?;
    let appointment_date: Option<NaiveDate> = row.get("appointment_date")?;
    let never_contacted = row.get::<_, Option<String>>("last_attempt_at")?.is_none();
    // The 2 working days run from the notification's issue: a backlog
    // imported today is already late.
    let opened_day = office_day_of(&row.get::<_, String>("opened_at")?);
    let issued_day = row
        .get::<_, Option<String>>("issued_at")?
        .and_then(|at| office_day_of(&at));
    let first_day = match (issued_day, opened_day) {
        (Some(issued), Some(opened)) => Some(issued.min(opened)),
        (issued, opened) => issued.or(opened),
    };
    let open = status.is_open();
    Ok(from_row!(row => CaseRow {
        id, kind, name, event_date, facility_id, facility_name, notification_id,
        notification_version, assignee_id, assignee_name;
        status,
        deadline,
        days_left: left,
        overdue: open && left < 0,
        next_follow_up,
        appointment_date,
        no_contact_yet: open
            && never_contacted
            && first_day
                .is_some_and(|day| {
                    calendar.add_working_days(day, FIRST_CONTACT_WORKING_DAYS) < today
                }),
        appointment_missed: status == CaseStatus::Appointment
            && appointment_date.is_some_and(|day| day < today),
        follow_up_due: open && next_follow_up.is_some_and(|day| day <= today),
        sync_state: SyncState::parse(&row.get::<_, String>("sync_state")?),
        assignee_inactive: open && row.get::<_, bool>("assignee_inactive")?,
    }))
}

/// Open cases issued (or opened) before this instant with no attempt yet
/// are flagged `no_contact_yet` today: the day after the last day `d` with
/// `d` + 2 working days < today (`add_working_days` never decreases).
pub(crate) fn no_contact_cutoff(calendar: &OfficeCalendar, today: NaiveDate) -> String {
    let mut last_flagged = today - chrono::Days::new(1);
    while calendar.add_working_days(last_flagged, FIRST_CONTACT_WORKING_DAYS) >= today {
        last_flagged = last_flagged - chrono::Days::new(1);
    }
    start_of_office_day_rfc3339(last_flagged + chrono::Days::new(1))
}

/// The SQL conditions (on `case_file c`) and their values for every filter
/// field except the name search.
pub(crate) fn filter_conditions(
    filter: &CaseFilter,
    today: NaiveDate,
    calendar: &OfficeCalendar,
) -> (Vec<&'static str>, Vec<Value>) {
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
    if filter.open_only {
        conditions.push("c.is_open = 1");
    }
    if filter.overdue_only {
        // `= 1` lets SQLite range-search the queue index on the generated column.
        conditions.push("c.is_open = 1 AND c.deadline < ?");
        values.push(Value::Text(today.to_string()));
    }
    if let Some(assignee) = &filter.assignee {
        conditions.push("c.assignee = ?");
        values.push(Value::Text(assignee.clone()));
    }
    if filter.follow_up_due {
        conditions.push("c.is_open = 1 AND c.next_follow_up <= ?");
        values.push(Value::Text(today.to_string()));
    }
    if filter.no_contact_yet {
        conditions.push(
            "c.is_open = 1 AND c.last_attempt_at IS NULL AND (c.opened_at < ? OR EXISTS
               (SELECT 1 FROM notification n WHERE n.notification_id = c.notification_id
                                               AND n.issued_at < ?))",
        );
        let cutoff = no_contact_cutoff(calendar, today);
        values.push(Value::Text(cutoff.clone()));
        values.push(Value::Text(cutoff));
    }
    if filter.contact_today {
        // Due follow-ups, families never contacted, and overdue cases not
        // yet called today; a family with an appointment is not chased.
        conditions.push(
            "c.is_open = 1 AND (c.next_follow_up <= ? OR c.last_attempt_at IS NULL
               OR (c.deadline < ? AND c.status <> 'appointment' AND c.last_attempt_at < ?))",
        );
        values.push(Value::Text(today.to_string()));
        values.push(Value::Text(today.to_string()));
        values.push(Value::Text(start_of_office_day_rfc3339(today)));
    }
    if filter.overdue_on_arrival {
        // Opened (received) on an office day after the deadline.
        conditions.push(OVERDUE_ON_ARRIVAL);
    }
    if filter.sync_failed {
        conditions.push("c.id IN (SELECT o.case_id FROM outbox o WHERE o.state = 'dead')");
    }
    (conditions, values)
}

impl Store {
    fn key_scan_limit(&self) -> u64 {
        self.key_scan_limit.unwrap_or(KEY_SCAN_LIMIT)
    }

    /// One page of the queue: open cases first, then by deadline (the most
    /// overdue first).
    pub fn cases(&self, filter: &CaseFilter, today: NaiveDate) -> Result<CasePage> {
        let (mut conditions, mut values) = filter_conditions(filter, today, &self.calendar);
        let order = if filter.assignee.is_some() {
            MY_CASES_ORDER
        } else {
            QUEUE_ORDER
        };
        let words = filter.search.as_deref().and_then(search_words);
        // These filters read columns the name keys do not carry, and leave
        // few cases (one officer's, the day's follow-ups) or rarely search.
        let narrow = filter.assignee.is_some()
            || filter.follow_up_due
            || filter.no_contact_yet
            || filter.contact_today
            || filter.overdue_on_arrival
            || filter.sync_failed;
        let Some(words) = words.clone().filter(|_| !narrow) else {
            // One officer's cases or the day's follow-ups are few: test each name.
            for word in words.unwrap_or_default() {
                conditions.push(NAME_LIKE);
                values.push(Value::Text(word_pattern(std::slice::from_ref(&word))));
            }
            return self.page(&conditions, values, None, order, filter, today);
        };
        let conditions = conditions.as_slice();
        match self.name_match(&words)? {
            NameMatch::ByKeys {
                low,
                high,
                patterns,
            } => self.key_page(conditions, values, (&low, &high), &patterns, filter, today),
            NameMatch::Common {
                patterns,
                low,
                high,
                in_order,
            } => {
                let total = if in_order && conditions.is_empty() {
                    // More than the key-scan limit hold the words.
                    COUNT_LIMIT + 1
                } else {
                    let counted_with: &[String] = if in_order { &[] } else { &patterns };
                    self.key_count(conditions, &values, (&low, &high), counted_with)?
                };
                let mut walk = conditions.to_vec();
                walk.extend(std::iter::repeat_n(NAME_LIKE, patterns.len()));
                let mut walk_values = values;
                walk_values.extend(patterns.into_iter().map(Value::Text));
                self.page(&walk, walk_values, Some(total), QUEUE_ORDER, filter, today)
            }
            NameMatch::Nothing => Ok(CasePage {
                rows: Vec::new(),
                total: 0,
                total_exact: true,
            }),
        }
    }

    /// Name keys in [low, high), counted up to one past the key-scan limit.
    fn keys_in(&self, low: &str, high: &str) -> Result<u64> {
        let counted: i64 = self
            .conn
            .prepare_cached(&format!(
                "SELECT count(*) FROM (SELECT 1 FROM case_name_key WHERE key >= ? AND key < ? LIMIT {})",
                self.key_scan_limit() + 1
            ))?
            .query_row(params![low, high], |row| row.get(0))?;
        Ok(to_u64(counted))
    }

    fn name_match(&self, words: &[String]) -> Result<NameMatch> {
        let (low, high) = phrase_range(words);
        match self.keys_in(&low, &high)? {
            0 => {}
            n if n > self.key_scan_limit() => {
                return Ok(NameMatch::Common {
                    patterns: vec![word_pattern(words)],
                    low,
                    high,
                    in_order: true,
                })
            }
            _ => {
                return Ok(NameMatch::ByKeys {
                    low,
                    high,
                    patterns: Vec::new(),
                })
            }
        }
        // Not in this order ("hang nguyen"): the names with the rarest word,
        // tested for every word.
        let mut rarest: Option<(u64, String, String)> = None;
        for word in words {
            let (low, high) = phrase_range(std::slice::from_ref(word));
            let n = self.keys_in(&low, &high)?;
            if n == 0 {
                return Ok(NameMatch::Nothing);
            }
            if rarest.as_ref().is_none_or(|(fewest, _, _)| n < *fewest) {
                rarest = Some((n, low, high));
            }
        }
        let Some((fewest, low, high)) = rarest else {
            return Ok(NameMatch::Nothing);
        };
        let patterns = words
            .iter()
            .map(|w| word_pattern(std::slice::from_ref(w)))
            .collect();
        Ok(if fewest > self.key_scan_limit() {
            NameMatch::Common {
                patterns,
                low,
                high,
                in_order: false,
            }
        } else {
            NameMatch::ByKeys {
                low,
                high,
                patterns,
            }
        })
    }

    /// The candidates of a key search: the distinct cases with a key in the
    /// range that meet the filter conditions, which the key table carries
    /// (`c` is `case_name_key` inside).
    fn key_candidates(conditions: &[&str]) -> String {
        let mut all = vec!["c.key >= ? AND c.key < ?"];
        all.extend_from_slice(conditions);
        format!(
            "SELECT DISTINCT c.seq, c.is_open, c.deadline FROM case_name_key c {}",
            where_of(&all)
        )
    }

    fn key_values(range: (&str, &str), values: &[Value], patterns: &[String]) -> Vec<Value> {
        let mut all = vec![
            Value::Text(range.0.to_owned()),
            Value::Text(range.1.to_owned()),
        ];
        all.extend_from_slice(values);
        all.extend(patterns.iter().cloned().map(Value::Text));
        all
    }

    fn name_likes(patterns: &[String]) -> String {
        where_of(&vec![NAME_LIKE; patterns.len()])
    }

    /// Cases a key search finds, up to one past the count limit.
    fn key_count(
        &self,
        conditions: &[&str],
        values: &[Value],
        range: (&str, &str),
        patterns: &[String],
    ) -> Result<u64> {
        let candidates = Self::key_candidates(conditions);
        let sql = if patterns.is_empty() {
            format!(
                "SELECT count(*) FROM ({candidates} LIMIT {})",
                COUNT_LIMIT + 1
            )
        } else {
            format!(
                "SELECT count(*) FROM (SELECT 1 FROM ({candidates}) m JOIN case_file c ON c.seq = m.seq {}
                 LIMIT {})",
                Self::name_likes(patterns),
                COUNT_LIMIT + 1
            )
        };
        let counted: i64 = self.conn.prepare_cached(&sql)?.query_row(
            rusqlite::params_from_iter(Self::key_values(range, values, patterns).iter()),
            |row| row.get(0),
        )?;
        Ok(to_u64(counted))
    }

    /// A page of a search whose candidates are few enough to sort: the key
    /// table orders them, and only the cases shown (or tested) are read.
    fn key_page(
        &self,
        conditions: &[&str],
        values: Vec<Value>,
        range: (&str, &str),
        patterns: &[String],
        filter: &CaseFilter,
        today: NaiveDate,
    ) -> Result<CasePage> {
        let counted = self.key_count(conditions, &values, range, patterns)?;
        let candidates = Self::key_candidates(conditions);
        let sql = if patterns.is_empty() {
            format!(
                "SELECT {CASE_COLUMNS} FROM
                   ({candidates} ORDER BY c.is_open DESC, c.deadline, c.seq LIMIT ? OFFSET ?) m
                 JOIN case_file c ON c.seq = m.seq
                 ORDER BY m.is_open DESC, m.deadline, m.seq"
            )
        } else {
            format!(
                "SELECT {CASE_COLUMNS} FROM ({candidates}) m JOIN case_file c ON c.seq = m.seq {}
                 ORDER BY m.is_open DESC, m.deadline, m.seq LIMIT ? OFFSET ?",
                Self::name_likes(patterns)
            )
        };
        self.rows(
            &sql,
            Self::key_values(range, &values, patterns),
            counted,
            filter,
            today,
        )
    }

    /// A page of the queue walked in order; `total` when already known.
    fn page(
        &self,
        conditions: &[&str],
        values: Vec<Value>,
        total: Option<u64>,
        order: &str,
        filter: &CaseFilter,
        today: NaiveDate,
    ) -> Result<CasePage> {
        let where_clause = where_of(conditions);
        let counted = match total {
            Some(total) => total,
            None => self.count(&where_clause, &values)?,
        };
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM case_file c {where_clause} ORDER BY {order} LIMIT ? OFFSET ?"
        );
        self.rows(&sql, values, counted, filter, today)
    }

    /// Runs a page query whose last two parameters are LIMIT and OFFSET.
    fn rows(
        &self,
        sql: &str,
        values: Vec<Value>,
        counted: u64,
        filter: &CaseFilter,
        today: NaiveDate,
    ) -> Result<CasePage> {
        let limit = match filter.limit {
            0 => DEFAULT_PAGE,
            n => n.min(MAX_PAGE),
        };
        let mut page_values = values;
        page_values.push(Value::Integer(i64::from(limit)));
        page_values.push(Value::Integer(i64::from(filter.offset)));
        let rows = self
            .conn
            .prepare_cached(sql)?
            .query_map(rusqlite::params_from_iter(page_values.iter()), |row| {
                case_row(row, today, &self.calendar)
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(CasePage {
            rows,
            total: counted.min(COUNT_LIMIT),
            total_exact: counted <= COUNT_LIMIT,
        })
    }

    /// Every case matching a filter (its name search aside), counted without
    /// a cap: the dashboard's figures, each the total of the list it opens.
    pub(crate) fn count_cases(&self, filter: &CaseFilter, today: NaiveDate) -> Result<u64> {
        let (conditions, values) = filter_conditions(filter, today, &self.calendar);
        let counted: i64 = self
            .conn
            .prepare_cached(&format!(
                "SELECT count(*) FROM case_file c {}",
                where_of(&conditions)
            ))?
            .query_row(rusqlite::params_from_iter(values.iter()), |row| row.get(0))?;
        Ok(to_u64(counted))
    }

    /// Cases matching `where_clause`, counted up to one past the limit.
    fn count(&self, where_clause: &str, values: &[Value]) -> Result<u64> {
        let counted: i64 = self
            .conn
            .prepare_cached(&format!(
                "SELECT count(*) FROM (SELECT 1 FROM case_file c {where_clause} LIMIT {})",
                COUNT_LIMIT + 1
            ))?
            .query_row(rusqlite::params_from_iter(values.iter()), |row| row.get(0))?;
        Ok(to_u64(counted))
    }

    pub fn case(&self, id: &str, today: NaiveDate) -> Result<CaseRow> {
        self.conn
            .query_row(
                &format!("SELECT {CASE_COLUMNS} FROM case_file c WHERE c.id = ?1"),
                [id],
                |row| case_row(row, today, &self.calendar),
            )
            .optional()?
            .ok_or_else(|| CoreError::CaseNotFound(id.to_owned()))
    }

    /// An officer opens a case's personal data (the case screen, `hotich
    /// case`): [`Store::case_detail`], and one `case_view` entry in the
    /// audit trail.
    pub fn open_case(
        &self,
        actor: &crate::officer::Officer,
        id: &str,
        today: NaiveDate,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<CaseDetail> {
        let detail = self.case_detail(id, today)?;
        self.record_act(crate::audit::AuditAction::CaseView, id, &actor.id, "", now)?;
        Ok(detail)
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
                code_names: Default::default(),
            });
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT version, action, issued_at, received_at, payload
             FROM notification WHERE notification_id = ?1 ORDER BY version",
        )?;
        struct Stored {
            version: NotificationVersion,
            payload: String,
        }
        let stored = stmt
            .query_map([&notification_id], |row| {
                Ok(from_row!(row => Stored { payload;
                    version: from_row!(row => NotificationVersion {
                        version, action, issued_at, received_at; current: false,
                    }),
                }))
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
            .map(|s| self.verification(&notification_id, s.version.version))
            .transpose()?;
        let versions = stored
            .into_iter()
            .map(|s| NotificationVersion {
                current: Some(s.version.version) == newest_version,
                ..s.version
            })
            .collect();
        let code_names = notification.as_ref().map(code_names).unwrap_or_default();
        Ok(CaseDetail {
            case,
            notification,
            verification,
            versions,
            void_reason,
            code_names,
        })
    }

    /// How a stored version was verified, with its signature checked again
    /// against the key that verified it on arrival: a row altered in the
    /// database afterwards shows as invalid.
    fn verification(&self, notification_id: &str, version: u32) -> Result<Verification> {
        /// The key that verified the version on arrival, as stored with it.
        struct Signer {
            key_id: String,
            facility_id: String,
            facility_name: String,
            facility_address: String,
            public_key: String,
            key_valid_from: String,
            key_valid_until: String,
        }
        let (stored, signer) = self
            .conn
            .prepare_cached(
                "SELECT protected, payload, signature, key_id, facility_id, facility_name, facility_address,
                        public_key, key_valid_from, key_valid_until
                 FROM notification WHERE notification_id = ?1 AND version = ?2",
            )?
            .query_row(params![notification_id, version], |row| {
                Ok((
                    from_row!(row => SignedEnvelope { protected, payload, signature }),
                    from_row!(row => Signer {
                        key_id, facility_id, facility_name, facility_address, public_key,
                        key_valid_from, key_valid_until,
                    }),
                ))
            })?;
        // An official XML or FHIR version: its received file verified again.
        let (algorithm, signature_valid, payload_sha256) =
            match crate::intake::received_signature(&self.conn, notification_id, version)? {
                Some(xml) => (xml.algorithm, xml.holds, stored.signature),
                None => {
                    let opened = stored.open(TYP_NOTIFICATION).ok();
                    let valid = match (&opened, verifying_key_from_b64(&signer.public_key)) {
                        (Some(opened), Ok(key)) => opened.verify(&key).is_ok(),
                        _ => false,
                    };
                    opened.map_or_else(Default::default, |o| (o.header.alg, valid, o.header.pld))
                }
            };
        Ok(Verification {
            algorithm,
            key_id: signer.key_id,
            facility_id: signer.facility_id,
            facility_name: signer.facility_name,
            facility_address: signer.facility_address,
            key_valid_from: signer.key_valid_from,
            key_valid_until: signer.key_valid_until,
            signature_valid,
            payload_sha256,
        })
    }

    /// Quarantined envelopes, newest first.
    pub fn quarantine(&self) -> Result<Vec<QuarantineEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, received_at, source, notification_id, version, reason, detail
             FROM quarantine ORDER BY id DESC",
        )?;
        let rows = stmt.query_map(params![], |row| {
            let reason: String = row.get("reason")?;
            Ok(from_row!(row => QuarantineEntry {
                id, received_at, source, notification_id, version, detail;
                reason_text: crate::labels::quarantine_reason(crate::labels::Lang::Vi, &reason)
                    .to_owned(),
                reason,
            }))
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Number of cases in each status, for summaries and tests.
    pub fn status_counts(&self) -> Result<Vec<(CaseStatus, u64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT status, count(*) FROM case_file GROUP BY status ORDER BY status",
        )?;
        let rows = stmt.query_map([], |row| {
            Ok((row.get::<_, CaseStatus>(0)?, to_u64(row.get(1)?)))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::{phrase_range, search_words, word_pattern};

    #[test]
    fn search_words_become_folded_prefix_terms() {
        let words = search_words("Nguyễn thị HẰNG").unwrap();
        assert_eq!(word_pattern(&words), "% nguyen thi hang%");
        assert_eq!(search_words("\"; DROP"), Some(vec!["drop".to_owned()]));
        assert_eq!(search_words("  -- "), None);
    }

    #[test]
    fn a_phrase_covers_names_continuing_the_last_word() {
        let (low, high) = phrase_range(&["van".to_owned(), "an".to_owned()]);
        assert_eq!((low.as_str(), high.as_str()), ("van an", "van ao"));
        let covers = |name: &str| low.as_str() <= name && name < high.as_str();
        for name in ["van an", "van anh", "van an khang"] {
            assert!(covers(name), "{name}");
        }
        for name in ["van a", "van ba", "van ao"] {
            assert!(!covers(name), "{name}");
        }
    }
}
