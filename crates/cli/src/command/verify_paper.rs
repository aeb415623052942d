//! `hotich verify-paper`: checks a printed paper's signed QR (its text, a
//! photo or scan, a PDF) with only a trust file, on any machine
//! (`hotich_extract::check_paper`); without `--trust`, with the trust of the
//! store `--db` names (`check_paper_at_office`, as the desktop). With
//! `--status`, also asks the registry whether the copy still stands
//! (`hotich_sync::StatusSource`). Exit 1 naming the reason when it does not
//! verify.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::Args;
use hotich_extract::{PaperCheck, PaperInput};
use hotich_protocol::paper::{PaperDocument, PaperStatus, PaperStatusAnswer, VerifiedPaper};
use hotich_sync::StatusSource;
use serde::Serialize;

use crate::context::Ctx;
use crate::output::Output;

/// Check a printed paper's QR (text, PNG/JPEG image or PDF) against a trust file; exit 1 unless its signature holds
#[derive(Args, Debug)]
pub struct VerifyPaper {
    /// The QR's text (HT1:…), or an image or PDF file of the paper
    input: String,
    /// The trust file (`hotich trust export`) [default: the trust of the store --db names]
    #[arg(long, value_name = "FILE")]
    trust: Option<PathBuf>,
    /// Also ask the registry whether the copy still stands (valid, superseded, withdrawn)
    #[arg(long)]
    status: bool,
    /// The registry asked with --status [default: the one the store --db names syncs with]
    #[arg(long, value_name = "URL", requires = "status")]
    server: Option<String>,
    #[arg(long)]
    json: bool,
}

fn document_vi(document: PaperDocument) -> &'static str {
    match document {
        PaperDocument::BirthCertificate => "Giấy khai sinh",
        PaperDocument::BirthExtract => "Trích lục khai sinh",
        PaperDocument::DeathExtract => "Trích lục khai tử",
    }
}

fn describe(out: &mut dyn Write, paper: &VerifiedPaper) -> std::io::Result<()> {
    let claims = &paper.claims;
    writeln!(
        out,
        "Chữ ký hợp lệ: {} do {}, {} cấp.",
        document_vi(claims.document),
        paper.commune_name,
        paper.province_name
    )?;
    if paper.demo {
        writeln!(out, "DỮ LIỆU MẪU – KHÔNG CÓ GIÁ TRỊ PHÁP LÝ")?;
    }
    writeln!(out, "  Họ và tên: {}", claims.full_name)?;
    if let Some(birth) = &claims.birth_date {
        writeln!(out, "  Ngày sinh: {birth}")?;
    }
    if let Some(death) = claims.death_date {
        writeln!(out, "  Ngày chết: {death}")?;
    }
    writeln!(out, "  Số: {}, quyển số: {}", claims.number, claims.book)?;
    writeln!(out, "  Ngày đăng ký: {}", claims.registration_date)?;
    writeln!(out, "  Ngày cấp: {}", claims.issue_date)?;
    writeln!(out, "  Mã bản in: {}", paper.code)?;
    writeln!(out, "  Khóa ký: {}", paper.key_id)
}

/// The check, and with `--status` the registry's answer (None: could not ask).
#[derive(Serialize)]
struct Checked {
    #[serde(flatten)]
    check: PaperCheck,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<Option<PaperStatusAnswer>>,
}

fn status_vi(answer: &Option<PaperStatusAnswer>) -> String {
    let Some(answer) = answer else {
        return "Trạng thái: không kiểm tra được trạng thái (không kết nối được máy chủ)".into();
    };
    let since = answer
        .since
        .map(|day| format!(" từ ngày {}", day.format("%d/%m/%Y")))
        .unwrap_or_default();
    let said = match answer.status {
        PaperStatus::Valid => "còn hiệu lực",
        PaperStatus::Superseded => "đã được cải chính, thay đổi sau khi in",
        PaperStatus::Withdrawn => "đã bị thu hồi",
        PaperStatus::Unknown => "máy chủ chưa biết bản này",
    };
    format!("Trạng thái: {said}{since}")
}

impl VerifyPaper {
    /// `db` is opened only without `--trust`, or for `--status` without `--server`.
    pub fn run(self, db: Option<PathBuf>) -> Result<()> {
        let input = PaperInput::from_argument(&self.input);
        let mut store = None;
        let check = match &self.trust {
            Some(file) => {
                let bytes = std::fs::read(file)
                    .with_context(|| format!("không đọc được {}", file.display()))?;
                hotich_extract::check_paper(input, &hotich_extract::read_paper_trust(&bytes)?)?
            }
            None => {
                let opened = &store.insert(Ctx::open(db.clone(), None, None)?).store;
                hotich_extract::check_paper_at_office(opened, input)?
            }
        };
        let status = match (self.status, &check.paper, &self.server) {
            (false, _, _) | (true, None, _) => None,
            (true, Some(paper), Some(server)) => {
                let source = StatusSource::new(hotich_sync::parse_server(server)?);
                Some(source.fetch_blocking(&paper.code))
            }
            (true, Some(paper), None) => {
                let ctx = match store {
                    Some(ctx) => ctx,
                    None => Ctx::open(db, None, None)?,
                };
                let source = StatusSource::of_store(&ctx.store)?;
                Some(source.and_then(|source| source.fetch_blocking(&paper.code)))
            }
        };
        let checked = Checked { check, status };
        let mut out = Output::stdout();
        out.emit(self.json, &checked, |out, checked| {
            match (&checked.check.paper, &checked.check.refusal) {
                (Some(paper), _) => describe(out, paper)?,
                (None, Some(refusal)) => writeln!(out, "Không hợp lệ: {}", refusal.message)?,
                (None, None) => {}
            }
            if let Some(status) = &checked.status {
                writeln!(out, "{}", status_vi(status))?;
            }
            Ok(())
        })?;
        out.flush()?;
        if let Some(refusal) = checked.check.refusal {
            anyhow::bail!("{} ({})", refusal.message, refusal.code);
        }
        // A true signature on a copy that no longer stands.
        match checked.status.flatten().map(|answer| answer.status) {
            Some(PaperStatus::Withdrawn) => anyhow::bail!("bản này đã bị thu hồi (withdrawn)"),
            Some(PaperStatus::Superseded) => {
                anyhow::bail!("Sổ đã được cải chính sau khi in bản này (superseded)")
            }
            _ => Ok(()),
        }
    }
}
