//! One label table drives every place a case status is worded: `hotich
//! cases` as a table and as JSON, the CSV export, and the dictionary the
//! window reads (`ui/src/bindings/labels.ts`, generated from the same table).

mod common;
use common::{
    export_args, import_simulation, json, ok, period_around_now, run_on, unanswered_call,
    INIT_SUPERVISOR, SUPERVISOR_PASSWORD,
};

use std::path::Path;
use std::process::Output;

const TODAY: &str = "2026-11-21";
const SUPERVISOR: (&str, &str) = ("lanhdao", SUPERVISOR_PASSWORD);

fn run(db: &Path, user: Option<(&str, &str)>, args: &[&str]) -> Output {
    run_on(TODAY, db, user, args)
}

/// The Vietnamese label of `status` in the generated UI dictionary: the
/// `caseStatus` entry inside `LABELS_VI`.
fn ui_label(status: &str) -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../ui/src/bindings/labels.ts"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let vi = &text[text.find("export const LABELS_VI").expect("LABELS_VI")..];
    let vi = &vi[..vi.find("} as const;").expect("end of LABELS_VI")];
    let statuses = &vi[vi.find("caseStatus: {").expect("caseStatus")..];
    let statuses = &statuses[..statuses.find("satisfies").unwrap()];
    let key = format!("\"{status}\": ");
    let line = statuses
        .lines()
        .find_map(|line| line.trim().strip_prefix(&key))
        .unwrap_or_else(|| panic!("no {status} in {statuses}"));
    serde_json::from_str(line.trim_end_matches(',')).unwrap()
}

#[test]
fn a_status_reads_the_same_in_the_cli_the_export_and_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hotich.db");
    import_simulation(&db, 3, 2, TODAY);
    ok(run(&db, Some(SUPERVISOR), &INIT_SUPERVISOR));
    let new = json(&ok(run(&db, None, &["cases", "--status", "new", "--json"])));
    let case = new[0]["id"].as_str().unwrap().to_owned();
    ok(run(&db, Some(SUPERVISOR), &unanswered_call(&case)));

    // The window's word, which registrars read every day.
    let label = ui_label("in_outreach");
    assert_eq!(label, "Đang vận động");

    // hotich cases --json: the code and the label.
    let rows = json(&ok(run(
        &db,
        None,
        &["cases", "--status", "in_outreach", "--json"],
    )));
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["id"], case.as_str());
    assert_eq!(rows[0]["status"], "in_outreach");
    assert_eq!(rows[0]["status_label"], label.as_str());

    // hotich cases: the case's line says the label.
    let table = ok(run(&db, None, &["cases"]));
    let line = table
        .lines()
        .find(|line| line.starts_with(&case))
        .unwrap_or_else(|| panic!("{case} not in {table}"));
    assert!(line.contains(&label), "{line}");

    // The CSV export's row of the case says it too.
    let (from, to) = period_around_now();
    let csv = dir.path().join("bao-cao.csv");
    ok(run(&db, Some(SUPERVISOR), &export_args(&from, &to, &csv)));
    let text = std::fs::read_to_string(&csv).unwrap();
    let row = text
        .lines()
        .find(|line| line.starts_with(&case))
        .unwrap_or_else(|| panic!("{case} not in {text}"));
    assert!(
        row.split(',').any(|field| field == label),
        "{label} not a field of {row}"
    );
}
