//! `hotich-central trust ca|facility-cert|crl`: the registry's own X.509
//! trust, which posted official XML is verified against. Files are read by
//! `hotich_health::trust_files`, as the workstation reads them.

use std::io::Write as _;
use std::path::Path;

use chrono::Utc;
use clap::Subcommand;
use hotich_central::storage::{NewX509, X509Kind};
use hotich_health::trust::CertificateRole;
use hotich_health::trust_files::{read_certificates, read_crl};

use crate::commands::open;
use crate::error::CliError;
use crate::DbFile;

#[derive(Debug, Subcommand)]
pub(crate) enum CaCommand {
    /// Thêm chứng thư gốc hoặc trung gian (PEM/DER) / add trust anchors or intermediates (PEM/DER).
    Add {
        #[command(flatten)]
        db: DbFile,
        file: std::path::PathBuf,
    },
    /// Liệt kê / list every X.509 trust entry.
    List(DbFile),
    /// Gỡ một mục theo số (xem list) / remove an entry by its id (see list).
    Remove {
        #[command(flatten)]
        db: DbFile,
        id: i64,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum FacilityCertCommand {
    /// Đăng ký chứng thư ký của một cơ sở y tế / register a facility's signing certificate.
    Add {
        #[command(flatten)]
        db: DbFile,
        /// Mã cơ sở khám chữa bệnh / the facility code (MACSKCB).
        #[arg(long, value_name = "MACSKCB")]
        facility: String,
        file: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum CrlCommand {
    /// Nhập danh sách thu hồi (PEM/DER) / import a CRL (PEM/DER).
    Add {
        #[command(flatten)]
        db: DbFile,
        file: std::path::PathBuf,
    },
}

fn read(file: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(file).map_err(|e| CliError::Usage {
        vi: format!("không đọc được {}: {e}", file.display()),
        en: format!("cannot read {}: {e}", file.display()),
    })
}

fn not_x509(file: &Path, what_vi: &str, what_en: &str) -> CliError {
    CliError::Usage {
        vi: format!("{} không phải {what_vi}", file.display()),
        en: format!("{} is not {what_en}", file.display()),
    }
}

/// Stores one entry and prints its id on stdout (scripts read it there).
fn add_printing_id(db: &Path, new: &NewX509<'_>) -> Result<(), CliError> {
    let id = open(db)?
        .add_x509(new, Utc::now())
        .map_err(CliError::failed)?;
    println!("{id}");
    Ok(())
}

pub(crate) fn ca(command: CaCommand) -> Result<String, CliError> {
    match command {
        CaCommand::Add { db, file } => {
            let certificates = read_certificates(&read(&file)?).map_err(|_| {
                not_x509(
                    &file,
                    "chứng thư số X.509 (PEM hoặc DER)",
                    "an X.509 certificate (PEM or DER)",
                )
            })?;
            let storage = open(&db)?;
            for c in &certificates {
                let kind = match c.role {
                    CertificateRole::Anchor => X509Kind::Anchor,
                    CertificateRole::Intermediate => X509Kind::Intermediate,
                };
                let new = NewX509 {
                    kind,
                    facility_code: "",
                    subject: &c.subject,
                    sha256: &c.sha256,
                    not_after: Some(&c.not_after),
                    der: &c.der,
                };
                let id = storage
                    .add_x509(&new, Utc::now())
                    .map_err(CliError::failed)?;
                println!("{id}\t{}\t{}", kind.code(), c.subject);
            }
            Ok(format!(
                "đã thêm / added {} chứng thư / certificates",
                certificates.len()
            ))
        }
        CaCommand::List(DbFile { db }) => {
            let entries = open(&db)?.x509_entries().map_err(CliError::failed)?;
            let mut stdout = std::io::stdout().lock();
            writeln!(
                stdout,
                "id\tkind\tfacility\tsubject\tsha256\tnot_after\tadded_at"
            )
            .map_err(CliError::failed)?;
            for e in &entries {
                writeln!(
                    stdout,
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    e.id,
                    e.kind,
                    if e.facility_code.is_empty() {
                        "-"
                    } else {
                        &e.facility_code
                    },
                    e.subject,
                    e.sha256,
                    e.not_after.as_deref().unwrap_or("-"),
                    e.added_at
                )
                .map_err(CliError::failed)?;
            }
            Ok(format!("{} mục / entries", entries.len()))
        }
        CaCommand::Remove { db, id } => {
            if open(&db)?.remove_x509(id).map_err(CliError::failed)? {
                Ok(format!("đã gỡ / removed {id}"))
            } else {
                Err(CliError::Usage {
                    vi: format!("không có mục {id} (xem trust ca list)"),
                    en: format!("no entry {id} (see trust ca list)"),
                })
            }
        }
    }
}

pub(crate) fn facility_cert(command: FacilityCertCommand) -> Result<String, CliError> {
    let FacilityCertCommand::Add { db, facility, file } = command;
    let facility = facility.trim();
    if facility.is_empty() || facility.chars().count() > 16 {
        return Err(CliError::Usage {
            vi: "mã cơ sở khám chữa bệnh (MACSKCB) trống hoặc quá dài".into(),
            en: "the facility code (MACSKCB) is empty or too long".into(),
        });
    }
    let certificates = read_certificates(&read(&file)?).unwrap_or_default();
    let [c] = certificates.as_slice() else {
        return Err(not_x509(
            &file,
            "đúng một chứng thư số",
            "exactly one certificate",
        ));
    };
    let new = NewX509 {
        kind: X509Kind::Facility,
        facility_code: facility,
        subject: &c.subject,
        sha256: &c.sha256,
        not_after: Some(&c.not_after),
        der: &c.der,
    };
    add_printing_id(&db, &new)?;
    Ok(format!(
        "đã đăng ký chứng thư cho cơ sở / registered the certificate for facility {facility}: {}",
        c.subject
    ))
}

pub(crate) fn crl(command: CrlCommand) -> Result<String, CliError> {
    let CrlCommand::Add { db, file } = command;
    let crl = read_crl(&read(&file)?).map_err(|_| {
        not_x509(
            &file,
            "danh sách thu hồi (CRL, PEM hoặc DER)",
            "a CRL (PEM or DER)",
        )
    })?;
    let new = NewX509 {
        kind: X509Kind::Crl,
        facility_code: "",
        subject: &crl.issuer,
        sha256: &crl.sha256,
        not_after: crl.next_update.as_deref(),
        der: &crl.der,
    };
    add_printing_id(&db, &new)?;
    Ok(format!(
        "đã nhập CRL của / imported the CRL of {}",
        crl.issuer
    ))
}
