//! Registration through the real `hotich` binary, as scripts drive it: 500
//! simulated cases registered from four processes at once, an amendment that
//! keeps history, and `audit verify` naming a row edited behind its back.

mod common;
use common::{import_simulation, json, ok, INIT_SUPERVISOR};

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Output;
use std::sync::Mutex;

use serde_json::{json as value, Value};

const TODAY: &str = "2026-11-21";
const PASSWORD: &str = "hộ tịch 2026";

fn run(db: &Path, args: &[&str]) -> Output {
    common::hotich_binary()
        .arg("--db")
        .arg(db)
        .args(["--today", TODAY])
        .args(args)
        .env("HOTICH_USER", "lanhdao")
        .env("HOTICH_PASSWORD", PASSWORD)
        .output()
        .unwrap()
}

/// What the family brings to the office, as a merge patch over the draft.
fn completing_patch(draft: &Value, days_left: i64) -> Value {
    let mut patch = value!({
        "requester": {
            "full_name": "Nguyễn Văn Hải",
            "id_type": "cccd",
            "id_number": "019085001234",
        },
        "signer_name": "Phạm Văn Lãnh",
        "signer_title": "Chủ tịch",
    });
    if draft["requester"]["relationship"].is_null() {
        patch["requester"]["relationship"] = value!("child");
    }
    if let Some(name) = draft["requester"]["full_name"]
        .as_str()
        .filter(|n| !n.is_empty())
    {
        patch["requester"]["full_name"] = value!(name);
    }
    if draft["type"] == "birth" {
        let b = &draft["birth"];
        patch["birth"] = value!({ "native_place": "Xã Bằng Thành, tỉnh Thái Nguyên" });
        if b["child_name"].as_str() == Some("") {
            patch["birth"]["child_name"] = value!("Hoàng Minh An");
        }
        if b["father"]["full_name"].as_str() != Some("") {
            patch["birth"]["father"] = value!({
                "birth_year": b["mother"]["birth_year"].as_i64().unwrap() - 2,
                "ethnicity": b["mother"]["ethnicity"],
                "nationality": "Việt Nam",
                "residence": b["mother"]["residence"],
            });
        }
    } else if draft["death"]["death_place"].as_str() == Some("") {
        patch["death"] = value!({ "death_place": "Tại nhà riêng" });
    }
    if days_left < 0 {
        patch["late_reason"] = value!("Gia đình đi làm ăn xa, về muộn");
    }
    patch
}

/// The registration ids a duplicate refusal names: "... (mã ID) ...".
fn named_ids(stderr: &str) -> Vec<String> {
    stderr
        .split("(mã ")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .map(str::to_owned)
        .collect()
}

fn register(db: &Path, dir: &Path, case: &Value) -> Value {
    let id = case["id"].as_str().unwrap();
    let draft = json(&ok(run(db, &["draft", id])));
    let mut patch = completing_patch(&draft, case["days_left"].as_i64().unwrap());
    let file = dir.join(format!("{id}.json"));
    loop {
        std::fs::write(&file, patch.to_string()).unwrap();
        let output = run(
            db,
            &[
                "register",
                id,
                "--from-json",
                file.to_str().unwrap(),
                "--json",
            ],
        );
        if output.status.success() {
            return json(&String::from_utf8(output.stdout).unwrap());
        }
        let stderr = String::from_utf8(output.stderr).unwrap();
        // Twins of one delivery: the same mother, day and sex. The officer
        // compares them and confirms they are two children.
        let twins = named_ids(&stderr);
        assert!(
            stderr.contains("có thể trùng")
                && !twins.is_empty()
                && patch.get("not_duplicates").is_none(),
            "{id}: {stderr}\npatch: {patch}"
        );
        patch["not_duplicates"] = value!(twins);
    }
}

#[test]
fn five_hundred_simulated_cases_are_registered_amended_and_audited() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hotich.db");
    import_simulation(&db, 330, 230, TODAY);
    ok(run(&db, &INIT_SUPERVISOR));

    let cases = json(&ok(run(&db, &["cases", "--status", "new", "--json"])));
    let cases: Vec<Value> = cases
        .as_array()
        .unwrap()
        .iter()
        .take(500)
        .cloned()
        .collect();
    assert_eq!(
        cases.len(),
        500,
        "the simulation opens at least 500 new cases"
    );

    // Four processes at a time, like four windows saving at once.
    let queue = Mutex::new(cases.clone());
    let saved = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| loop {
                let Some(case) = queue.lock().unwrap().pop() else {
                    break;
                };
                let registration = register(&db, dir.path(), &case);
                saved.lock().unwrap().push(registration);
            });
        }
    });
    let saved = saved.into_inner().unwrap();
    let mut numbers: BTreeMap<String, BTreeSet<u64>> = BTreeMap::new();
    for r in &saved {
        assert_eq!(r["book"], "01/2026");
        numbers
            .entry(r["type"].as_str().unwrap().to_owned())
            .or_default()
            .insert(r["number"].as_u64().unwrap());
    }
    for (kind, numbers) in &numbers {
        let expected: BTreeSet<u64> = (1..=numbers.len() as u64).collect();
        assert_eq!(numbers, &expected, "{kind}: one gap-free sequence");
    }
    assert_eq!(numbers.values().map(BTreeSet::len).sum::<usize>(), 500);
    let register = json(&ok(run(&db, &["registrations", "--json"])));
    assert_eq!(register.as_array().unwrap().len(), 500);
    let registered = json(&ok(run(
        &db,
        &["cases", "--status", "registered", "--json"],
    )));
    assert_eq!(registered.as_array().unwrap().len(), 500);

    // An amendment: the new value is current, the old one stays in history.
    let first = &saved[0];
    let id = first["id"].as_str().unwrap();
    let field = if first["type"] == "birth" {
        "birth"
    } else {
        "death"
    };
    let place = if field == "birth" {
        "birth_place"
    } else {
        "death_place"
    };
    let old_place = first["current"][field][place].as_str().unwrap().to_owned();
    let patch = dir.path().join("amend.json");
    std::fs::write(
        &patch,
        value!({ field: { place: "Trạm y tế xã Bằng Thành" } }).to_string(),
    )
    .unwrap();
    let amended = json(&ok(run(
        &db,
        &[
            "amend",
            id,
            "--from-json",
            patch.to_str().unwrap(),
            "--reason",
            "Giấy xác nhận của trạm y tế",
            "--json",
        ],
    )));
    assert_eq!(amended["number"], first["number"]);
    assert_eq!(amended["current"][field][place], "Trạm y tế xã Bằng Thành");
    assert_eq!(amended["original"][field][place], old_place.as_str());
    let change = &amended["amendments"][0]["changes"][0];
    assert_eq!(
        (change["field"].as_str(), change["old"].as_str()),
        (Some(place), Some(old_place.as_str()))
    );
    let shown = ok(run(&db, &["registration", id]));
    assert!(shown.contains("Giấy xác nhận của trạm y tế"), "{shown}");

    // The supervisor's account, 500 registrations and an amendment, each
    // command's sign-in beside them.
    let verified = ok(run(&db, &["audit", "verify"]));
    assert!(verified.starts_with("Nhật ký toàn vẹn: "), "{verified}");
    let acts = |act: &str| {
        json(&ok(run(&db, &["audit", "list", "--act", act, "--json"])))
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!((acts("register"), acts("amend")), (500, 1));

    // Someone edits a registration in SQLite, past the guard trigger.
    let victim = saved[250]["id"].as_str().unwrap();
    let conn = common::raw_connection(&db);
    conn.execute_batch("DROP TRIGGER registration_never_updated;")
        .unwrap();
    conn.execute(
        "UPDATE registration SET late = 1 - late WHERE id = ?1",
        [victim],
    )
    .unwrap();
    let broken = run(&db, &["audit", "verify"]);
    assert!(!broken.status.success(), "the edit breaks the chain");
    let stderr = String::from_utf8(broken.stderr).unwrap();
    assert!(
        stderr.contains(victim)
            && stderr.contains("(record_altered)")
            && stderr.contains("đã bị sửa ngoài ứng dụng"),
        "{stderr}"
    );
}
