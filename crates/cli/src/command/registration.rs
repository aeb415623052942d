//! The register: `hotich draft`, `register`, `amend`, `registrations` and
//! `registration`.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use chrono::Utc;
use clap::Args;
use hotich_core::RegistrationForm;

use crate::args::day;
use crate::context::Ctx;

/// Print the registration form of a case, pre-filled from its notification (JSON)
#[derive(Args, Debug)]
pub struct Draft {
    case: String,
}

impl Draft {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        let draft = ctx.store.registration_draft(&self.case, ctx.today)?;
        ctx.out.json_pretty(&draft)
    }
}

/// Register a case: FILE is a JSON merge patch (RFC 7386) over the pre-filled form
#[derive(Args, Debug)]
pub struct Register {
    case: String,
    #[arg(long, value_name = "FILE")]
    from_json: PathBuf,
    #[arg(long)]
    json: bool,
}

impl Register {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        let officer = ctx.acting()?;
        let draft = ctx.store.registration_draft(&self.case, ctx.today)?;
        let form = patched(&draft, &self.from_json)?;
        let registration =
            ctx.store
                .register(&officer, &self.case, &form, Utc::now(), ctx.today)?;
        print_registration(ctx, &registration, self.json)
    }
}

/// Correct a registration: FILE is a JSON merge patch over its current form
#[derive(Args, Debug)]
pub struct Amend {
    registration: String,
    #[arg(long, value_name = "FILE")]
    from_json: PathBuf,
    /// The legal ground of the correction
    #[arg(long)]
    reason: String,
    #[arg(long)]
    json: bool,
}

impl Amend {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        let officer = ctx.acting()?;
        let current = ctx.store.registration(&self.registration)?.current;
        let form = patched(&current, &self.from_json)?;
        let amended = ctx.store.amend_registration(
            &officer,
            &self.registration,
            &form,
            &self.reason,
            Utc::now(),
            ctx.today,
        )?;
        print_registration(ctx, &amended, self.json)
    }
}

/// The register: every registration, newest first
#[derive(Args, Debug)]
pub struct Registrations {
    #[arg(long)]
    json: bool,
}

impl Registrations {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        let rows = ctx.store.registrations()?;
        ctx.out.emit_rows(self.json, &rows, Some("đăng ký"), |row| {
            format!(
                "{:<5}  số {:>5}  quyển {}  {:<32}  {}{}",
                row.kind.as_str(),
                row.number,
                row.book,
                row.name,
                day(row.event_date),
                if row.late { "  (quá hạn)" } else { "" }
            )
        })
    }
}

/// One registration with its current state and its amendments
#[derive(Args, Debug)]
pub struct Registration {
    id: String,
    #[arg(long)]
    json: bool,
}

impl Registration {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        let registration = ctx.store.registration(&self.id)?;
        print_registration(ctx, &registration, self.json)
    }
}

/// How a registered death stands with the health side: shared with the
/// commune health station, and the cause it returned
#[derive(Args, Debug)]
pub struct HealthShare {
    /// The death's registration id
    id: String,
    #[arg(long)]
    json: bool,
}

impl HealthShare {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        let share = ctx.store.health_share(&self.id)?;
        ctx.out.emit(self.json, &share, |out, share| {
            let Some(share) = share else {
                return Ok(writeln!(out, "Không phải đăng ký khai tử.")?);
            };
            let words = hotich_core::labels::health_share_state(hotich_core::Lang::Vi, share.state);
            writeln!(out, "{words}")?;
            if let Some(cause) = &share.cause {
                writeln!(
                    out,
                    "Nguyên nhân: {} ({}), {} xác định ngày {}, {}",
                    cause.text,
                    cause.icd10,
                    cause.determined_by,
                    cause.determined_on,
                    cause.facility_name
                )?;
                if let Some(entered) = &share.registered_cause {
                    writeln!(
                        out,
                        "Khác nguyên nhân đã ghi khi đăng ký: {entered} (cần xem lại)"
                    )?;
                }
            }
            Ok(())
        })
    }
}

/// `base` with the file's JSON merge patch applied.
fn patched(base: &RegistrationForm, file: &Path) -> Result<RegistrationForm> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("không đọc được {}", file.display()))?;
    let patch: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{}: không phải JSON", file.display()))?;
    let mut form = serde_json::to_value(base)?;
    json_patch::merge(&mut form, &patch);
    serde_json::from_value(form)
        .with_context(|| format!("{}: không đúng mẫu đăng ký", file.display()))
}

pub(crate) fn print_registration(
    ctx: &mut Ctx,
    registration: &hotich_core::Registration,
    json: bool,
) -> Result<()> {
    ctx.out.emit(json, registration, |out, registration| {
        let (name, _) = registration.current.subject();
        writeln!(
            out,
            "{} số {}, quyển {}: {}{}",
            hotich_core::labels::event_kind(hotich_core::Lang::Vi, registration.kind),
            registration.number,
            registration.book,
            name,
            if registration.late {
                " (đăng ký quá hạn)"
            } else {
                ""
            }
        )?;
        for amendment in &registration.amendments {
            let (at, by, reason) = (&amendment.at, &amendment.officer_name, &amendment.reason);
            let status = match amendment.status {
                hotich_core::AmendmentStatus::Pending => "chờ lãnh đạo duyệt".to_owned(),
                hotich_core::AmendmentStatus::Approved => format!(
                    "đã duyệt bởi {}",
                    amendment.decided_by.as_deref().unwrap_or("")
                ),
                hotich_core::AmendmentStatus::Rejected => format!(
                    "bị từ chối bởi {}: {}",
                    amendment.decided_by.as_deref().unwrap_or(""),
                    amendment.decision_note.as_deref().unwrap_or("")
                ),
            };
            writeln!(out, "  cải chính {at} bởi {by}: {reason} ({status})")?;
            for change in &amendment.changes {
                let (label, old, new) = (&change.label, &change.old, &change.new);
                writeln!(out, "    {label}: \"{old}\" -> \"{new}\"")?;
            }
        }
        Ok(())
    })
}
