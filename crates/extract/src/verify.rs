//! Checking a paper copy against the register: the code (typed, or from
//! the QR scanned, whose signature must hold) finds the print in the log; the extract is rebuilt
//! from the registration as it stands now; any difference is named. No
//! sign-in is needed: anyone holding the paper may ask.

use chrono::NaiveDate;
use hotich_core::{ContentField, CoreError, DocumentKind, Store, StoredPrint};
use serde::{Deserialize, Serialize};

use hotich_protocol::paper::{code_of_serial, QR_PREFIX as SIGNED_QR_PREFIX};

use crate::code::{normalize_code, QrPayload, QR_PREFIX};
use crate::content::{self, content_sha256};
use crate::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum VerificationOutcome {
    /// The paper says what the register says.
    Matches,
    /// Something differs: named in `differences`.
    Differs,
    /// No print carried this code.
    UnknownCode,
}

/// A line where the paper and the register disagree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Difference {
    pub name: String,
    /// As printed (from the print log or the QR code).
    pub printed: String,
    /// As the register holds it now.
    pub record: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
// "Verification" in TypeScript is the notification's (hotich-core).
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, rename = "ExtractVerification")
)]
pub struct Verification {
    pub outcome: VerificationOutcome,
    pub code: String,
    pub registration_id: Option<String>,
    pub document: Option<DocumentKind>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub issue_date: Option<NaiveDate>,
    pub differences: Vec<Difference>,
    /// One sentence in Vietnamese for the person holding the paper.
    pub message: String,
}

impl Verification {
    pub fn matches(&self) -> bool {
        self.outcome == VerificationOutcome::Matches
    }
}

fn difference(name: &str, printed: impl Into<String>, record: impl Into<String>) -> Difference {
    Difference {
        name: name.to_owned(),
        printed: printed.into(),
        record: record.into(),
    }
}

/// Field by field, in print order; a line only one side has counts too.
fn content_differences(printed: &[ContentField], now: &[ContentField]) -> Vec<Difference> {
    let value_in = |fields: &[ContentField], name: &str| {
        fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.value.clone())
    };
    let mut names: Vec<&str> = printed.iter().map(|f| f.name.as_str()).collect();
    for field in now {
        if !names.contains(&field.name.as_str()) {
            names.push(&field.name);
        }
    }
    names
        .into_iter()
        .filter_map(|name| {
            let (was, is) = (value_in(printed, name), value_in(now, name));
            (was != is).then(|| difference(name, was.unwrap_or_default(), is.unwrap_or_default()))
        })
        .collect()
}

/// What `input` (a code, a scanned signed QR, or the QR of a paper printed
/// before papers were signed) is worth against the register.
pub fn verify(store: &Store, input: &str) -> Result<Verification> {
    let trimmed = input.trim();
    let mut qr_problems = Vec::new();
    let mut payload = None;
    let code = if trimmed.starts_with(SIGNED_QR_PREFIX) {
        match store.open_own_paper(trimmed)? {
            Ok(claims) => code_of_serial(&claims.serial),
            Err(rejection) => {
                qr_problems.push(difference("Chữ ký mã QR", "", rejection.to_string()));
                String::new()
            }
        }
    } else if trimmed.starts_with(QR_PREFIX) {
        payload = Some(QrPayload::parse(trimmed));
        match &payload {
            Some(Some(p)) => p.code.clone(),
            _ => String::new(),
        }
    } else {
        normalize_code(trimmed)
    };
    let mut result = Verification {
        outcome: VerificationOutcome::UnknownCode,
        code: code.clone(),
        registration_id: None,
        document: None,
        issue_date: None,
        differences: Vec::new(),
        message: String::new(),
    };
    if let Some(problem) = qr_problems.first() {
        result.outcome = VerificationOutcome::Differs;
        result.message = format!("Mã QR không chứng minh được giấy tờ: {}.", problem.record);
        result.differences = qr_problems;
        return Ok(result);
    }
    let Some(stored) = store.print_by_code(&code)? else {
        result.message = match payload {
            Some(None) => "Mã QR không đúng định dạng của giấy tờ hộ tịch Hotich.".to_owned(),
            _ => format!("Không có giấy tờ nào đã in mang mã xác minh {code}."),
        };
        return Ok(result);
    };
    result.registration_id = Some(stored.registration_id.clone());
    result.document = Some(stored.document);
    result.issue_date = Some(stored.issue_date);

    let mut differences = Vec::new();
    if let Some(Some(qr)) = &payload {
        differences.extend(qr_differences(qr, &stored));
    }
    // The log's own row: its content must still hash to what was printed.
    let logged = content_sha256(&stored.registration_id, stored.document, &stored.content);
    if logged != stored.content_sha256 {
        differences.push(difference(
            "Nhật ký in",
            stored.content_sha256.clone(),
            format!("nội dung trong nhật ký đã bị sửa (mã băm {logged})"),
        ));
    }
    match current_content(store, &stored)? {
        Some(now) => differences.extend(content_differences(&stored.content, &now)),
        None => differences.push(difference(
            "Đăng ký",
            stored.registration_id.clone(),
            "không còn trong sổ",
        )),
    }

    let what = format!(
        "{} cấp ngày {}",
        stored.document.label_vi(),
        stored.issue_date.format("%d/%m/%Y")
    );
    if differences.is_empty() {
        result.outcome = VerificationOutcome::Matches;
        result.message = format!("Khớp: {what} (mã {code}) đúng với nội dung trong Sổ hộ tịch.");
    } else {
        result.outcome = VerificationOutcome::Differs;
        let names: Vec<&str> = differences.iter().map(|d| d.name.as_str()).collect();
        result.message = format!(
            "Không khớp: {what} (mã {code}) khác Sổ hộ tịch ở: {}.",
            names.join("; ")
        );
    }
    result.differences = differences;
    Ok(result)
}

/// What the QR says against what was printed with that code.
fn qr_differences(qr: &QrPayload, stored: &StoredPrint) -> Vec<Difference> {
    let mut differences = Vec::new();
    let derived = qr.derived_code();
    if derived != qr.code {
        differences.push(difference(
            "Mã QR",
            qr.code.clone(),
            format!("nội dung mã QR cho mã {derived} (mã QR đã bị sửa)"),
        ));
    }
    let pairs = [
        (
            "Mã QR: số hồ sơ đăng ký",
            &qr.registration_id,
            &stored.registration_id,
        ),
        (
            "Mã QR: mã băm nội dung",
            &qr.content_sha256,
            &stored.content_sha256,
        ),
    ];
    for (name, in_qr, in_log) in pairs {
        if in_qr != in_log {
            differences.push(difference(name, in_qr.clone(), in_log.clone()));
        }
    }
    if qr.document != stored.document {
        differences.push(difference(
            "Mã QR: loại giấy tờ",
            qr.document.label_vi(),
            stored.document.label_vi(),
        ));
    }
    if qr.issue_date != stored.issue_date {
        differences.push(difference(
            "Mã QR: ngày cấp",
            qr.issue_date.to_string(),
            stored.issue_date.to_string(),
        ));
    }
    differences
}

/// The printed content rebuilt from the register now; `None` when the
/// registration is gone.
fn current_content(store: &Store, stored: &StoredPrint) -> Result<Option<Vec<ContentField>>> {
    let registration = match store.registration(&stored.registration_id) {
        Ok(registration) => registration,
        Err(CoreError::RegistrationNotFound(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let issuer = crate::issuer(store)?;
    let extract = content::build(&registration, stored.document, &issuer, stored.issue_date)?;
    Ok(Some(extract.content()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(name: &str, value: &str) -> ContentField {
        ContentField {
            name: name.into(),
            value: value.into(),
        }
    }

    #[test]
    fn differences_name_changed_added_and_removed_lines() {
        let printed = [f("A", "1"), f("B", "2"), f("C", "3")];
        let now = [f("A", "1"), f("B", "two"), f("D", "4")];
        let names: Vec<String> = content_differences(&printed, &now)
            .into_iter()
            .map(|d| format!("{}:{}>{}", d.name, d.printed, d.record))
            .collect();
        assert_eq!(names, ["B:2>two", "C:3>", "D:>4"]);
        assert!(content_differences(&printed, &printed).is_empty());
    }
}
