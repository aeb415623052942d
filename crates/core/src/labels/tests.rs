//! Both languages word every variant, and the tables reach the UI as
//! `ui/src/bindings/labels.ts` (written by `export_bindings_labels`).

use super::*;
use crate::audit::{AuditAction, AuditProblemKind};
use crate::backup::schedule::BackupWarning;
use crate::error::FileRefusal;
use crate::health_loop::HealthShareState;
use crate::problem::ProblemRule;
use hotich_calendar::Holiday;

const LANGS: [Lang; 2] = [Lang::Vi, Lang::En];
const SYNC_STATES: [SyncState; 4] = [
    SyncState::Nothing,
    SyncState::Waiting,
    SyncState::Sent,
    SyncState::Failed,
];
const EVENT_KINDS: [EventKind; 2] = [EventKind::Birth, EventKind::Death];

/// Every label table in `lang`, in the order `labels.ts` carries them: the
/// enum its keys are typed by, and each value's wire code (a JSON literal)
/// with its word.
fn tables(lang: Lang) -> [Table; 20] {
    /// `Type in values => label_fn`: the table of `Type` over `values`.
    macro_rules! tables {
        ($($ty:ident in $values:expr => $label:ident),* $(,)?) => {
            [$((stringify!($ty), pairs($values.iter(), |value: &$ty| $label(lang, *value)))),*]
        };
    }
    tables! {
        CaseStatus in CaseStatus::ALL => case_status, Outcome in Outcome::ALL => outcome,
        Channel in Channel::ALL => channel, EventKind in EVENT_KINDS => event_kind,
        DocumentKind in DocumentKind::ALL => document_kind, SyncState in SYNC_STATES => sync_state,
        ErrorCode in ErrorCode::ALL => error_template,
        ForbiddenAction in ForbiddenAction::ALL => forbidden_action,
        InputField in InputField::ALL => input_field, InputReason in InputReason::ALL => input_reason,
        FileRefusal in FileRefusal::ALL => file_refusal,
        ProblemRule in ProblemRule::ALL => problem_rule,
        IdDocumentType in IdDocumentType::ALL => id_document_type,
        Relationship in Relationship::ALL => relationship,
        AuditAction in AuditAction::ALL => audit_action,
        AuditProblemKind in AuditProblemKind::ALL => audit_problem,
        BackupWarning in BackupWarning::ALL => backup_warning,
        Holiday in Holiday::ALL => holiday,
        HealthShareState in HealthShareState::ALL => health_share_state,
        PilotLine in PilotLine::ALL => pilot_line,
    }
}

/// The enum a table's keys are typed by, and each value's wire code (a JSON
/// literal) with its word.
type Table = (&'static str, Vec<(String, &'static str)>);

/// Each value's wire code, as a JSON literal, and its word.
fn pairs<'a, T: serde::Serialize + 'a>(
    values: impl Iterator<Item = &'a T>,
    label: impl Fn(&T) -> &'static str,
) -> Vec<(String, &'static str)> {
    values
        .map(|value| (serde_json::to_string(value).unwrap(), label(value)))
        .collect()
}

#[test]
fn both_languages_word_every_variant() {
    for lang in LANGS {
        for (type_name, entries) in tables(lang) {
            for (code, word) in entries {
                assert!(!word.trim().is_empty(), "{lang:?} {type_name} {code}");
            }
        }
    }
    // The two languages differ where they should (a copy-paste would not).
    assert_ne!(
        case_status(Lang::Vi, CaseStatus::InOutreach),
        case_status(Lang::En, CaseStatus::InOutreach)
    );
}

#[test]
fn the_uis_words_for_statuses_and_outcomes() {
    assert_eq!(
        case_status(Lang::Vi, CaseStatus::InOutreach),
        "Đang vận động"
    );
    assert_eq!(outcome(Lang::Vi, Outcome::Reached), "Đã nói chuyện được");
    assert_eq!(
        report_outcome_line(Lang::Vi, Outcome::Reached),
        "Kết quả liên hệ: Đã nói chuyện được"
    );
}

#[test]
fn templates_name_only_known_placeholders_and_fill_them() {
    let params: BTreeMap<String, String> = [("seconds".to_owned(), "30".to_owned())].into();
    assert_eq!(fill("sau {seconds} giây {x}", &params), "sau 30 giây {x}");
    assert_eq!(fill("{", &params), "{");
    let worded = word_codes(
        Lang::Vi,
        &[
            ("document".to_owned(), "death-extract".to_owned()),
            ("kind".to_owned(), "birth".to_owned()),
        ]
        .into(),
    );
    assert_eq!(
        fill(error_template(Lang::Vi, ErrorCode::WrongDocument), &worded),
        "Trích lục khai tử không in cho đăng ký khai sinh"
    );
}

#[test]
fn every_quarantine_reason_is_worded_in_both_languages() {
    for lang in LANGS {
        let unknown = quarantine_reason(lang, "no_such_reason");
        let reasons = quarantine_reasons(lang);
        let mut codes: Vec<&str> = reasons.iter().map(|(code, _)| *code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), reasons.len(), "a code listed twice");
        for (code, word) in reasons {
            assert!(
                !word.trim().is_empty() && word != unknown,
                "{lang:?} {code}"
            );
        }
    }
    assert_ne!(
        quarantine_reason(Lang::Vi, "fhir_unauthenticated"),
        quarantine_reason(Lang::En, "fhir_unauthenticated")
    );
}

#[test]
fn form_fields_are_named_in_both_languages() {
    assert_eq!(
        form_field(Lang::Vi, "mother.full_name"),
        "họ, chữ đệm và tên của mẹ"
    );
    assert_eq!(
        form_field(Lang::En, "mother.full_name"),
        "Mother's full name"
    );
    assert_eq!(
        form_field(Lang::Vi, "change_reasons.child_name"),
        "lý do sửa \"họ, chữ đệm và tên của trẻ\""
    );
    assert_eq!(form_field(Lang::Vi, "type"), "type");
}

/// Writes `ui/src/bindings/labels.ts`: both tables as typed consts, keyed
/// by the generated enums, so the UI words codes as Rust does.
#[cfg(feature = "ts")]
#[test]
fn export_bindings_labels() {
    let dir = std::env::var("TS_RS_EXPORT_DIR").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../ui/src/bindings").to_owned()
    });
    let dir = std::path::Path::new(&dir);
    let dir = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(dir)
    };
    std::fs::write(dir.join("labels.ts"), labels_ts()).unwrap();
}

#[cfg(feature = "ts")]
fn labels_ts() -> String {
    let mut ts = String::from(
        "// Generated by hotich-core (crates/core/src/labels/, test export_bindings_labels). Do not edit this file manually.\n\
         // Messages are templates: `{name}` stands for the param of that name.\n\n",
    );
    let mut type_names: Vec<&str> = tables(Lang::Vi).iter().map(|(name, _)| *name).collect();
    type_names.sort_unstable();
    for name in type_names {
        ts.push_str(&format!("import type {{ {name} }} from \"./{name}\";\n"));
    }
    for (lang, name) in [(Lang::Vi, "LABELS_VI"), (Lang::En, "LABELS_EN")] {
        ts.push_str(&format!("\nexport const {name} = {{\n"));
        for (type_name, entries) in tables(lang) {
            // The dictionary's key is the enum's name in lowerCamelCase.
            let key = type_name[..1].to_lowercase() + &type_name[1..];
            ts.push_str(&format!("  {key}: {{\n"));
            for (code, word) in entries {
                let word = serde_json::to_string(word).unwrap();
                ts.push_str(&format!("    {code}: {word},\n"));
            }
            ts.push_str(&format!("  }} satisfies Record<{type_name}, string>,\n"));
        }
        // Quarantine reasons are codes of several sources (envelope, XML, FHIR), not one enum.
        ts.push_str("  quarantineReason: {\n");
        for (code, word) in quarantine_reasons(lang) {
            let word = serde_json::to_string(word).unwrap();
            ts.push_str(&format!("    {code}: {word},\n"));
        }
        ts.push_str("  } satisfies Record<string, string>,\n");
        ts.push_str("} as const;\n");
    }
    // The rules a form shows before the first try, from the code that applies them.
    ts.push_str(&format!(
        "\n/** The shortest password accepted (officer::check_new_password). */\nexport const MIN_PASSWORD_CHARS = {};\n",
        crate::officer::MIN_PASSWORD_CHARS
    ));
    ts.push_str(&format!(
        "\n/** Vietnam's offset from UTC in seconds: the office's day, whatever the PC's time zone (hotich_common::time). */\nexport const OFFICE_UTC_OFFSET_SECONDS = {};\n",
        hotich_common::time::OFFICE_UTC_OFFSET_SECONDS
    ));
    ts
}

#[test]
fn a_refused_file_is_worded_from_its_code_in_the_language_asked() {
    let error = crate::error::refused_file(
        "http://ca.invalid/issuing.crl",
        FileRefusal::HttpStatus,
        [("status", "404".to_owned())],
    );
    assert_eq!(
        error.message(Lang::En),
        "File http://ca.invalid/issuing.crl: the server answered 404"
    );
    assert_eq!(
        error.message(Lang::Vi),
        "tệp http://ca.invalid/issuing.crl: máy chủ trả lời mã 404"
    );
    // The window words it from the code and params, as the CLI does.
    let params = error.params();
    assert_eq!(
        (params["reason"].as_str(), params["status"].as_str()),
        ("http_status", "404")
    );
}
