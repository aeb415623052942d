//! `hotich outreach`: attempts to reach a family, a case's timeline, and the
//! guide (contacts, call script, message, papers to bring).

use std::io::Write;

use anyhow::Result;
use chrono::{NaiveDate, Utc};
use clap::Subcommand;
use hotich_core::{AttemptInput, Channel, Outcome};

use crate::args::{day, parse_channel, parse_outcome};
use crate::context::Ctx;

#[derive(Subcommand, Debug)]
pub enum Outreach {
    /// Log an attempt to reach the family
    Log {
        case: String,
        /// phone, home_visit, message, village_head
        #[arg(long, value_parser = parse_channel)]
        channel: Channel,
        /// reached, no_answer, wrong_number, appointment_set, refused, moved_away, registered_elsewhere, other
        #[arg(long, value_parser = parse_outcome)]
        outcome: Outcome,
        #[arg(long)]
        note: Option<String>,
        /// Next follow-up (yyyy-mm-dd) [default: proposed from the outcome]
        #[arg(long, value_name = "DATE")]
        next: Option<NaiveDate>,
        /// The day the family promised to come (outcome appointment_set)
        #[arg(long, value_name = "DATE")]
        appointment: Option<NaiveDate>,
        /// The id of an earlier attempt this one corrects
        #[arg(long, value_name = "ATTEMPT")]
        corrects: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The case's timeline: attempts, decisions, assignments, new versions
    History {
        case: String,
        #[arg(long)]
        json: bool,
    },
    /// Who to contact, the call script, the message and the papers to bring
    Guide { case: String },
}

impl Outreach {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        let actor = ctx.acting()?;
        match self {
            Outreach::Log {
                case,
                channel,
                outcome,
                note,
                next,
                appointment,
                corrects,
                json,
            } => {
                let input = AttemptInput {
                    channel,
                    outcome,
                    note,
                    appointment_date: appointment,
                    next_follow_up: next,
                    corrects,
                };
                let attempt =
                    ctx.store
                        .log_attempt(&actor, &case, &input, Utc::now(), ctx.today)?;
                let row = ctx.store.case(&case, ctx.today)?;
                let logged = serde_json::json!({ "attempt": attempt, "case": row });
                ctx.out.emit(json, &logged, |out, _| {
                    writeln!(
                        out,
                        "Đã ghi lần liên hệ {attempt}. {}: {}{}",
                        row.name,
                        row.status.label_vi(),
                        row.next_follow_up
                            .map(|d| format!(", liên hệ tiếp ngày {}", day(d)))
                            .unwrap_or_default()
                    )?;
                    Ok(())
                })
            }
            Outreach::History { case, json } => {
                let history = ctx.store.case_history(&case)?;
                ctx.out.emit_rows(json, &history, None, |e| {
                    format!(
                        "{}  {:<12}  {:<20}  {}{}{}",
                        e.at,
                        format!("{:?}", e.kind),
                        e.officer_name.as_deref().unwrap_or("cơ sở y tế"),
                        e.outcome.map(Outcome::as_str).unwrap_or_default(),
                        e.to_status
                            .map(|s| format!(" -> {}", s.label_vi()))
                            .unwrap_or_default(),
                        e.note
                            .as_deref()
                            .map(|n| format!("  \"{n}\""))
                            .unwrap_or_default()
                    )
                })
            }
            Outreach::Guide { case } => {
                let guidance = ctx.store.guidance(&actor, &case, ctx.today)?;
                let out = &mut ctx.out;
                for c in &guidance.contacts {
                    writeln!(
                        out,
                        "{}: {}  {}  {}",
                        c.relation,
                        c.name,
                        c.phone.as_deref().unwrap_or("(không có số điện thoại)"),
                        c.address.as_deref().unwrap_or_default()
                    )?;
                }
                writeln!(out, "\nKịch bản gọi điện:\n{}", guidance.call_script)?;
                writeln!(out, "\nTin nhắn SMS/Zalo:\n{}", guidance.message)?;
                writeln!(out, "\nGiấy tờ cần mang:")?;
                for item in &guidance.checklist {
                    writeln!(out, "  - {item}")?;
                }
                Ok(())
            }
        }
    }
}
