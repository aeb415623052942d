//! `hotich audit`: the keyed audit trail (`hotich_core::audit`), checked
//! (`verify`) and read by a supervisor (`list`).

use anyhow::Result;
use chrono::NaiveDate;
use clap::Subcommand;
use hotich_core::labels::{self, Lang};
use hotich_core::{AuditAction, AuditFilter};

use crate::context::Ctx;

#[derive(Subcommand, Debug)]
pub enum Audit {
    /// Check the chain and the register against it; exit 1 naming the first problem
    Verify {
        #[arg(long)]
        json: bool,
    },
    /// The entries, newest first, filtered (supervisors, --user)
    List {
        /// The acting officer's username
        #[arg(long, value_name = "USERNAME")]
        officer: Option<String>,
        /// The act (register, print, case_view, sign_in_failed, ...)
        #[arg(long, value_name = "ACT", value_parser = parse_action)]
        act: Option<AuditAction>,
        /// The case, registration, print or officer acted on
        #[arg(long, value_name = "ID")]
        entity: Option<String>,
        /// From this office day (yyyy-mm-dd)
        #[arg(long, value_name = "DATE")]
        from: Option<NaiveDate>,
        /// To this office day, included (yyyy-mm-dd)
        #[arg(long, value_name = "DATE")]
        to: Option<NaiveDate>,
        #[arg(long)]
        json: bool,
    },
}

fn parse_action(text: &str) -> Result<AuditAction, String> {
    AuditAction::parse(text).ok_or_else(|| {
        let known: Vec<&str> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        format!("không có thao tác {text:?}; có: {}", known.join(", "))
    })
}

impl Audit {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        match self {
            Audit::Verify { json } => verify(ctx, json),
            Audit::List {
                officer,
                act,
                entity,
                from,
                to,
                json,
            } => {
                let actor = ctx.acting()?;
                let filter = AuditFilter {
                    officer,
                    action: act,
                    entity_id: entity,
                    from,
                    to,
                };
                let lines = ctx.store.audit_entries(&actor, &filter)?;
                ctx.out.emit_rows(json, &lines, Some("mục"), |line| {
                    let act = AuditAction::parse(&line.action)
                        .map_or(line.action.as_str(), |a| labels::audit_action(Lang::Vi, a));
                    format!(
                        "{}\t{}\t{}\t{act}\t{}\t{}",
                        line.seq, line.at, line.officer_username, line.entity_id, line.content
                    )
                })
            }
        }
    }
}

fn verify(ctx: &mut Ctx, json: bool) -> Result<()> {
    let report = ctx.store.verify_audit_log()?;
    ctx.out.emit(json, &report, |out, report| {
        if report.problem.is_none() {
            let head = report
                .head
                .as_ref()
                .map(|head| format!(", mục cuối {} ({})", head.seq, &head.hash[..16]))
                .unwrap_or_default();
            writeln!(out, "Nhật ký toàn vẹn: {} mục{head}.", report.entries)?;
        }
        Ok(())
    })?;
    match &report.problem {
        None => Ok(()),
        Some(problem) => Err(anyhow::anyhow!(
            "nhật ký không toàn vẹn ({}): {}",
            problem.kind,
            labels::audit_problem_text(Lang::Vi, problem)
        )),
    }
}
