//! Values typed on the command line, parsed with the core's own names.

use chrono::NaiveDate;
use clap::ValueEnum;
use hotich_core::{CaseStatus, Channel, DocumentKind, Outcome, Role};
use hotich_protocol::EventKind;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum KindArg {
    Birth,
    Death,
}

impl From<KindArg> for EventKind {
    fn from(kind: KindArg) -> EventKind {
        match kind {
            KindArg::Birth => EventKind::Birth,
            KindArg::Death => EventKind::Death,
        }
    }
}

/// "… không hợp lệ; dùng một trong: a, b, c".
fn one_of(what: &str, known: impl Iterator<Item = &'static str>) -> String {
    let known: Vec<&str> = known.collect();
    format!("{what} không hợp lệ; dùng một trong: {}", known.join(", "))
}

pub fn parse_channel(text: &str) -> Result<Channel, String> {
    Channel::parse(text).ok_or_else(|| one_of("kênh", Channel::ALL.iter().map(|c| c.as_str())))
}

pub fn parse_outcome(text: &str) -> Result<Outcome, String> {
    Outcome::parse(text).ok_or_else(|| one_of("kết quả", Outcome::ALL.iter().map(|o| o.as_str())))
}

pub fn parse_document(text: &str) -> Result<DocumentKind, String> {
    DocumentKind::parse(text)
        .ok_or_else(|| one_of("loại giấy tờ", DocumentKind::ALL.iter().map(|d| d.as_str())))
}

pub fn parse_status(text: &str) -> Result<CaseStatus, String> {
    CaseStatus::parse(text)
        .ok_or_else(|| one_of("trạng thái", CaseStatus::ALL.iter().map(|s| s.as_str())))
}

pub fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| "vai trò không hợp lệ; dùng registrar hoặc supervisor".into())
}

/// A day as the tables print it: dd/mm/yyyy.
pub fn day(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}
