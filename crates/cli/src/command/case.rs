//! One case: `hotich case` (its notification, versions and verification),
//! `hotich open-case` (by hand) and `hotich status` (a decision on it).

use std::io::Write;

use anyhow::Result;
use chrono::{NaiveDate, Utc};
use clap::Args;
use hotich_core::{code_names, CaseStatus, Lang, StatusDecision};

use super::cases::days_left_text;
use crate::args::{day, parse_status, KindArg};
use crate::context::Ctx;
use crate::output::Layout;

/// One case with its notification, versions and verification
#[derive(Args, Debug)]
pub struct Case {
    id: String,
    #[arg(long)]
    json: bool,
}

impl Case {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        let actor = ctx.acting()?;
        let detail = ctx
            .store
            .open_case(&actor, &self.id, ctx.today, Utc::now())?;
        // A record people read too: indented JSON.
        let layout = Layout::Indented;
        ctx.out.emit_as(layout, self.json, &detail, |out, detail| {
            let case = &detail.case;
            writeln!(
                out,
                "{} ({}) - {}",
                case.name,
                case.kind.as_str(),
                case.status.as_str()
            )?;
            writeln!(out, "Ngày sự kiện: {}", day(case.event_date))?;
            writeln!(
                out,
                "Hạn đăng ký: {} {}",
                day(case.deadline),
                days_left_text(case)
            )?;
            if let Some(v) = &detail.verification {
                writeln!(
                    out,
                    "Cơ sở y tế: {} ({}), khóa {} {}",
                    v.facility_name, v.facility_id, v.key_id, v.algorithm
                )?;
            }
            // The notification's codes with their names, as the window shows them.
            for (field, code) in &detail.code_names {
                writeln!(
                    out,
                    "{}: {}",
                    code_names::field_label(field),
                    code.shown(Lang::Vi)
                )?;
            }
            for version in &detail.versions {
                writeln!(
                    out,
                    "  phiên bản {} {:?} ký {}",
                    version.version, version.action, version.issued_at
                )?;
            }
            if let Some(reason) = &detail.void_reason {
                writeln!(out, "Lý do hủy: {reason}")?;
            }
            writeln!(out, "(--json để xem mọi trường của thông báo)")?;
            Ok(())
        })
    }
}

/// Open a case by hand for an event no notification announced
#[derive(Args, Debug)]
pub struct OpenCase {
    #[arg(long = "type", value_enum)]
    kind: KindArg,
    /// The person's full name
    #[arg(long)]
    name: String,
    /// The day of the birth or death (yyyy-mm-dd)
    #[arg(long, value_name = "DATE")]
    date: NaiveDate,
}

impl OpenCase {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        let officer = ctx.acting()?;
        let id = ctx.store.open_case_by_hand(
            &officer,
            self.kind.into(),
            &self.name,
            self.date,
            Utc::now(),
            ctx.today,
        )?;
        writeln!(ctx.out, "{id}")?;
        Ok(())
    }
}

/// Decide a case's status: not_registrable (with --reason), review after a
/// changed notification, reopen a case closed by mistake
#[derive(Args, Debug)]
pub struct Status {
    case: String,
    #[arg(long, value_parser = parse_status)]
    to: CaseStatus,
    #[arg(long)]
    reason: Option<String>,
    /// Next follow-up day (yyyy-mm-dd) when the case stays open
    #[arg(long, value_name = "DATE")]
    next: Option<NaiveDate>,
}

impl Status {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        let actor = ctx.acting()?;
        let decision = StatusDecision {
            to: self.to,
            reason: self.reason,
            next_follow_up: self.next,
        };
        ctx.store
            .change_status(&actor, &self.case, &decision, Utc::now(), ctx.today)?;
        let row = ctx.store.case(&self.case, ctx.today)?;
        writeln!(ctx.out, "{}: {}", row.name, row.status.label_vi())?;
        Ok(())
    }
}
