//! `hotich calendar`: the office calendar deadlines and working days are
//! counted with (`hotich_core::calendar`): a year's days off and make-up
//! working days and where they come from; `calendar import FILE` takes in
//! the year's official schedule (supervisors).

use std::path::PathBuf;

use anyhow::Result;
use chrono::{Datelike, Utc};
use clap::Subcommand;
use hotich_core::labels::{self, Lang};

use crate::context::Ctx;

/// The office calendar: a year's days off and make-up working days; import the year's official schedule (supervisors)
#[derive(Subcommand, Debug)]
pub enum Calendar {
    /// A year's days off and make-up working days, and where they come from [default: this year]
    Show {
        year: Option<i32>,
        #[arg(long)]
        json: bool,
    },
    /// The office hours the health side's 4 working hours are counted in; with HOURS, set them
    /// (supervisors, --user), e.g. "07:30-11:30,13:30-17:00"
    Hours {
        hours: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Import the official schedule of one or more years (supervisors, --user): a line per day,
    /// "yyyy-mm-dd off|work note"; every case's deadline follows the new calendar
    Import {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

impl Calendar {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        match self {
            Calendar::Show { year, json } => {
                let year = ctx.store.calendar_year(year.unwrap_or(ctx.today.year()))?;
                ctx.out.emit(json, &year, |out, year| {
                    writeln!(
                        out,
                        "Năm {}: {}",
                        year.year,
                        labels::calendar_source(Lang::Vi, &year.source)
                    )?;
                    for day in &year.days {
                        let what = match day.holiday {
                            Some(holiday) if day.made_up => {
                                labels::made_up_for(Lang::Vi, labels::holiday(Lang::Vi, holiday))
                            }
                            Some(holiday) => labels::holiday(Lang::Vi, holiday).to_owned(),
                            None => day.note.clone(),
                        };
                        writeln!(
                            out,
                            "{}  {:<9}  {}",
                            day.date.format("%d/%m/%Y"),
                            labels::working_day(Lang::Vi, day.working),
                            what
                        )?;
                    }
                    Ok(())
                })
            }
            Calendar::Hours { hours, json } => {
                let hours = match hours {
                    Some(text) => {
                        let actor = ctx.acting()?;
                        ctx.store.set_office_hours(&actor, &text, Utc::now())?
                    }
                    None => ctx.store.office_hours()?,
                };
                let text = hours.to_text();
                ctx.out.emit(json, &text, |out, text| {
                    Ok(writeln!(out, "Giờ làm việc: {text}")?)
                })
            }
            Calendar::Import { file, json } => {
                let actor = ctx.acting()?;
                let text = std::fs::read_to_string(&file)?;
                let name = file.display().to_string();
                let imported =
                    ctx.store
                        .import_holiday_schedule(&actor, &name, &text, Utc::now())?;
                ctx.out.emit(json, &imported, |out, imported| {
                    let years: Vec<String> = imported.years.iter().map(i32::to_string).collect();
                    Ok(writeln!(
                        out,
                        "Đã nhập lịch nghỉ lễ năm {}; {} hồ sơ đổi hạn đăng ký theo lịch mới.",
                        years.join(", "),
                        imported.deadlines_moved
                    )?)
                })
            }
        }
    }
}
