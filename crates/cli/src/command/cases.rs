//! `hotich cases` (the queue, most urgent first) and `hotich assign`.

use std::io::Write;

use anyhow::Result;
use chrono::{NaiveDate, Utc};
use clap::Args;
use hotich_core::{CaseFilter, CaseRow, CaseStatus, Store};
use hotich_protocol::EventKind;
use serde::Serialize;

use crate::args::{day, parse_status, KindArg};
use crate::context::Ctx;

/// List cases, most urgent first
#[derive(Args, Debug)]
pub struct Cases {
    #[arg(long = "type", value_enum)]
    kind: Option<KindArg>,
    /// new, in_outreach, appointment, registered, registered_elsewhere, not_registrable, voided, needs_review
    #[arg(long, value_parser = parse_status)]
    status: Option<CaseStatus>,
    /// Only open cases past their legal deadline
    #[arg(long)]
    overdue: bool,
    /// Name words, with or without diacritics
    #[arg(long)]
    search: Option<String>,
    /// Only the cases of the signed-in officer (--user), by urgency
    #[arg(long, conflicts_with = "assignee")]
    mine: bool,
    /// Only the cases of this officer (username), by urgency
    #[arg(long, value_name = "USERNAME")]
    assignee: Option<String>,
    /// Only open cases whose follow-up is due today or earlier
    #[arg(long)]
    due: bool,
    /// At most this many rows (default: all)
    #[arg(long)]
    limit: Option<u32>,
    #[arg(long)]
    json: bool,
}

impl Cases {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        let assignee = match (self.mine, self.assignee) {
            (true, _) => Some(ctx.acting()?.id),
            (false, Some(username)) => Some(ctx.officer_id(&username)?),
            (false, None) => None,
        };
        let filter = CaseFilter {
            assignee,
            follow_up_due: self.due,
            kind: self.kind.map(EventKind::from),
            status: self.status,
            overdue_only: self.overdue,
            search: self.search,
            ..CaseFilter::default()
        };
        let rows: Vec<LabelledRow> = all_cases(&ctx.store, filter, self.limit, ctx.today)?
            .into_iter()
            .map(|row| LabelledRow {
                status_label: row.status.label_vi(),
                row,
            })
            .collect();
        ctx.out.emit_rows(
            self.json,
            &rows,
            Some("hồ sơ"),
            |LabelledRow { row, status_label }| {
                format!(
                    "{}  {:<5}  {:<32}  {}  {:<20}  {}{}",
                    row.id,
                    row.kind.as_str(),
                    row.name,
                    day(row.event_date),
                    status_label,
                    days_left_text(row),
                    row.next_follow_up
                        .map(|d| format!("  liên hệ tiếp {}", day(d)))
                        .unwrap_or_default()
                )
            },
        )
    }
}

/// A queue row as scripts read it: the status's code and, from the label
/// table, the words the window and the exports show for it.
#[derive(Serialize)]
struct LabelledRow {
    #[serde(flatten)]
    row: CaseRow,
    status_label: &'static str,
}

/// Every row the filter selects (up to `limit`), read a page at a time.
fn all_cases(
    store: &Store,
    mut filter: CaseFilter,
    limit: Option<u32>,
    today: NaiveDate,
) -> Result<Vec<CaseRow>> {
    const PAGE: u32 = 1_000;
    let mut rows = Vec::new();
    loop {
        let wanted = limit.map_or(PAGE, |limit| PAGE.min(limit.saturating_sub(filter.offset)));
        if wanted == 0 {
            break;
        }
        filter.limit = wanted;
        let page = store.cases(&filter, today)?;
        let got = u32::try_from(page.rows.len()).unwrap_or(u32::MAX);
        rows.extend(page.rows);
        if got < wanted {
            break;
        }
        filter.offset += got;
    }
    Ok(rows)
}

/// "còn N ngày" / "QUÁ HẠN N ngày" for an open case, nothing for a closed one.
pub fn days_left_text(row: &CaseRow) -> String {
    match (row.status.is_open(), row.days_left) {
        (false, _) => String::new(),
        (true, d) if d < 0 => format!("QUÁ HẠN {} ngày", -d),
        (true, d) => format!("còn {d} ngày"),
    }
}

/// Assign cases to an officer (supervisors)
#[derive(Args, Debug)]
pub struct Assign {
    #[arg(required = true, value_name = "CASE")]
    cases: Vec<String>,
    /// Username, or "none" to unassign
    #[arg(long, value_name = "USERNAME")]
    to: String,
}

impl Assign {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        let actor = ctx.acting()?;
        let assignee = match self.to.as_str() {
            "none" => None,
            username => Some(ctx.officer_id(username)?),
        };
        let changed = ctx
            .store
            .assign(&actor, &self.cases, assignee.as_deref(), Utc::now())?;
        writeln!(ctx.out, "Đã giao {changed} hồ sơ.")?;
        Ok(())
    }
}
