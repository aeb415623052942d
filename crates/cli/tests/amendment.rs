//! `hotich amend` and `hotich amendment` through the real binary (issue 16,
//! item 5): a registrar's amendment waits and changes nothing; the
//! supervisor rejects one (the register stays) and approves the next (it
//! takes effect); each decision is in the audit trail.

mod common;
use common::{json, ok, refused, run_as};

use hotich_protocol::samples::death;

#[test]
fn a_registrars_amendment_is_rejected_or_approved_by_the_supervisor() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::office_with(dir.path(), &[death()]);
    let file = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let run = |user: &str, args: &[&str]| run_as(&db, user, args);
    let cases = json(&ok(run("lan", &["cases", "--json"])));
    let case = cases[0]["id"].as_str().unwrap().to_owned();
    let fill = file(
        "fill.json",
        r#"{"requester": {"id_type": "cccd", "id_number": "019196004321", "relationship": "child"}, "signer_name": "Phạm Văn Lãnh", "signer_title": "Chủ tịch"}"#,
    );
    let registered = json(&ok(run(
        "lan",
        &["register", &case, "--from-json", &fill, "--json"],
    )));
    let id = registered["id"].as_str().unwrap().to_owned();
    let cause =
        |registration: &serde_json::Value| registration["current"]["death"]["cause"].clone();
    let amend = |to: &str| {
        let patch = file(
            "amend.json",
            &format!(r#"{{"death": {{"cause": "{to}"}}}}"#),
        );
        json(&ok(run(
            "lan",
            &[
                "amend",
                &id,
                "--from-json",
                &patch,
                "--reason",
                "Theo giấy báo tử cấp lại",
                "--json",
            ],
        )))
    };
    let pending_id = |registration: &serde_json::Value| {
        let last = registration["amendments"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        assert_eq!(last["status"], "pending", "{registration}");
        last["id"].as_str().unwrap().to_owned()
    };

    let waiting = amend("Viêm phổi do vi khuẩn, không đặc hiệu");
    assert_eq!(cause(&waiting), cause(&registered), "nothing changes yet");
    let first = pending_id(&waiting);
    let shown = ok(run("lan", &["registration", &id]));
    assert!(shown.contains("chờ lãnh đạo duyệt"), "{shown}");
    assert!(refused(run("lan", &["amendment", "pending"])).contains("chỉ lãnh đạo"));
    let pending = json(&ok(run("lanhdao", &["amendment", "pending", "--json"])));
    assert_eq!(pending.as_array().unwrap().len(), 1);
    assert_eq!(pending[0]["amendment"]["id"], first.as_str());

    let rejected = json(&ok(run(
        "lanhdao",
        &[
            "amendment",
            "reject",
            &first,
            "--reason",
            "Thiếu giấy tờ y tế",
            "--json",
        ],
    )));
    assert_eq!(
        cause(&rejected),
        cause(&registered),
        "the register stays as it was"
    );
    assert_eq!(rejected["amendments"][0]["status"], "rejected");

    let second = pending_id(&amend("Đột quỵ não"));
    let approved = json(&ok(run(
        "lanhdao",
        &["amendment", "approve", &second, "--json"],
    )));
    assert_eq!(cause(&approved), "Đột quỵ não");
    assert!(
        json(&ok(run("lanhdao", &["amendment", "pending", "--json"])))
            .as_array()
            .unwrap()
            .is_empty()
    );

    let acts = |act: &str| {
        json(&ok(run(
            "lanhdao",
            &["audit", "list", "--act", act, "--json"],
        )))
        .as_array()
        .unwrap()
        .len()
    };
    assert_eq!(
        (
            acts("amend"),
            acts("amendment_reject"),
            acts("amendment_approve")
        ),
        (2, 1, 1)
    );
    assert!(ok(run("lan", &["audit", "verify"])).contains("toàn vẹn"));
}
