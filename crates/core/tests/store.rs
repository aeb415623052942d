//! The store on a real SQLite file: intake idempotency, versions, voids,
//! quarantine, the queue's filters and accent-insensitive search.

use chrono::{Duration, NaiveDate};
use hotich_core::{CaseFilter, CaseStatus, CoreError, ImportSummary, Store};
use hotich_protocol::samples::{birth, death, facility_signer, now, sign, trust_list};
use hotich_protocol::{Action, EventKind, Notification, RejectionReason, Signer};
use unicode_normalization::UnicodeNormalization;

mod common;

use common::fixture;

struct Db {
    _dir: tempfile::TempDir,
    store: Store,
}

fn open() -> Db {
    let (dir, mut store) = fixture::pinned_store();
    store.import_trust_list(&trust_list(), now()).unwrap();
    Db { _dir: dir, store }
}

fn array(envelopes: &[Vec<u8>]) -> Vec<u8> {
    let parts: Vec<String> = envelopes
        .iter()
        .map(|e| String::from_utf8(e.clone()).unwrap())
        .collect();
    format!("[{}]", parts.join(",\n")).into_bytes()
}

fn import(store: &mut Store, envelopes: &[Vec<u8>]) -> ImportSummary {
    store
        .import_bytes(&array(envelopes), "test", now(), &mut |_| {})
        .unwrap()
}

/// The non-zero counts of a summary by name, in field order: what an import
/// did, and that it did nothing else.
fn counts(summary: &ImportSummary) -> Vec<(&'static str, u64)> {
    let ImportSummary {
        imported,
        unchanged,
        updated,
        voided,
        quarantined,
    } = *summary;
    let all = [
        ("imported", imported),
        ("unchanged", unchanged),
        ("updated", updated),
        ("voided", voided),
        ("quarantined", quarantined),
    ];
    all.into_iter().filter(|(_, count)| *count > 0).collect()
}

fn today() -> NaiveDate {
    now().date_naive()
}

fn version(n: &Notification, version: u32, action: Action) -> Notification {
    Notification {
        version,
        action,
        issued_at: n.issued_at + Duration::hours(i64::from(version)),
        ..n.clone()
    }
}

fn voided(n: &Notification, version: u32) -> Notification {
    Notification {
        birth: None,
        death: None,
        void_reason: Some("Cấp nhầm".into()),
        ..self::version(n, version, Action::Void)
    }
}

fn all(store: &Store) -> Vec<hotich_core::CaseRow> {
    fixture::case_rows(store, CaseFilter::default(), today())
}

#[test]
fn importing_twice_changes_nothing_the_second_time() {
    let mut db = open();
    let envelopes = vec![
        sign(&death(), &facility_signer()),
        sign(&birth(), &facility_signer()),
    ];
    let first = import(&mut db.store, &envelopes);
    assert_eq!(counts(&first), [("imported", 2)]);
    let before = all(&db.store);
    let second = import(&mut db.store, &envelopes);
    assert_eq!(counts(&second), [("unchanged", 2)]);
    assert_eq!(all(&db.store), before);
}

#[test]
fn a_case_gets_its_legal_deadline_and_days_left() {
    let mut db = open();
    import(
        &mut db.store,
        &[
            sign(&death(), &facility_signer()),
            sign(&birth(), &facility_signer()),
        ],
    );
    let rows = all(&db.store);
    let death_row = rows.iter().find(|r| r.kind == EventKind::Death).unwrap();
    // Died Wednesday 18 November 2026: 15 days -> Thursday 3 December.
    assert_eq!(
        death_row.deadline,
        NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()
    );
    assert_eq!(death_row.days_left, 12);
    assert!(!death_row.overdue);
    let birth_row = rows.iter().find(|r| r.kind == EventKind::Birth).unwrap();
    // Born Sunday 1 November 2026: 60 days -> Thursday 31 December.
    assert_eq!(
        birth_row.deadline,
        NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
    );
    assert_eq!(birth_row.status, CaseStatus::New);
    assert_eq!(birth_row.name, "Ma Thị Quỳnh");
}

#[test]
fn a_newer_version_updates_the_case_and_an_older_one_is_ignored() {
    let mut db = open();
    let v1 = death();
    let mut v2 = version(&v1, 2, Action::Correct);
    v2.death.as_mut().unwrap().name = "Đặng Văn Ngữ Hai".into();
    // The correction arrives first, the original after it.
    let summary = import(
        &mut db.store,
        &[sign(&v2, &facility_signer()), sign(&v1, &facility_signer())],
    );
    assert_eq!(counts(&summary), [("imported", 1), ("unchanged", 1)]);
    let row = &all(&db.store)[0];
    assert_eq!(
        (row.name.as_str(), row.notification_version),
        ("Đặng Văn Ngữ Hai", Some(2))
    );

    let mut v3 = version(&v1, 3, Action::Correct);
    v3.death.as_mut().unwrap().name = "Đặng Văn Ngữ Ba".into();
    let summary = import(&mut db.store, &[sign(&v3, &facility_signer())]);
    assert_eq!(counts(&summary), [("updated", 1)]);
    let detail = db
        .store
        .case_detail(&all(&db.store)[0].id, today())
        .unwrap();
    assert_eq!(detail.case.name, "Đặng Văn Ngữ Ba");
    assert_eq!(
        detail
            .versions
            .iter()
            .map(|v| v.version)
            .collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    assert!(detail.versions[2].current);
    assert!(detail.verification.unwrap().signature_valid);
}

#[test]
fn a_void_closes_the_case_and_keeps_its_content() {
    let mut db = open();
    let v1 = death();
    import(&mut db.store, &[sign(&v1, &facility_signer())]);
    let summary = import(&mut db.store, &[sign(&voided(&v1, 2), &facility_signer())]);
    assert_eq!(counts(&summary), [("voided", 1)]);
    let row = &all(&db.store)[0];
    assert_eq!(row.status, CaseStatus::Voided);
    assert!(!row.overdue);
    let detail = db.store.case_detail(&row.id, today()).unwrap();
    assert_eq!(
        detail.notification.unwrap().death.unwrap().name,
        "Đặng Văn Ngữ"
    );
    assert_eq!(detail.void_reason.as_deref(), Some("Cấp nhầm"));
}

#[test]
fn a_void_that_arrives_before_its_notification_still_applies() {
    let mut db = open();
    let v1 = death();
    let summary = import(
        &mut db.store,
        &[
            sign(&voided(&v1, 2), &facility_signer()),
            sign(&v1, &facility_signer()),
        ],
    );
    assert_eq!(counts(&summary), [("imported", 1), ("voided", 1)]);
    assert_eq!(all(&db.store)[0].status, CaseStatus::Voided);
}

#[test]
fn failures_are_quarantined_with_their_reason_once() {
    let mut db = open();
    let impostor = Signer::from_label("impostor", "19001-k1");
    let bad = vec![sign(&death(), &impostor), b"{\"protected\":\"x\"}".to_vec()];
    let summary = import(&mut db.store, &bad);
    assert_eq!(counts(&summary), [("quarantined", 2)]);
    import(&mut db.store, &bad);
    let quarantine = db.store.quarantine().unwrap();
    assert_eq!(quarantine.len(), 2, "the same bytes are kept once");
    let reasons: Vec<_> = quarantine.iter().map(|q| q.reason.as_str()).collect();
    assert!(reasons.contains(&RejectionReason::BadSignature.code()));
    assert!(reasons.contains(&RejectionReason::Malformed.code()));
    let signed = quarantine
        .iter()
        .find(|q| q.reason == RejectionReason::BadSignature.code())
        .unwrap();
    assert_eq!(signed.notification_id.as_deref(), Some("19001-GBT-000001"));
    assert_eq!(signed.reason_text, "Chữ ký số không hợp lệ");
    assert!(all(&db.store).is_empty(), "nothing unverified opens a case");
}

#[test]
fn same_id_and_version_with_other_content_is_a_version_conflict() {
    let mut db = open();
    let original = death();
    let mut other = original.clone();
    other.death.as_mut().unwrap().cause_of_death = Some("Khác".into());
    let summary = import(
        &mut db.store,
        &[
            sign(&original, &facility_signer()),
            sign(&other, &facility_signer()),
        ],
    );
    assert_eq!(counts(&summary), [("imported", 1), ("quarantined", 1)]);
    assert_eq!(
        db.store.quarantine().unwrap()[0].reason,
        RejectionReason::VersionConflict.code()
    );
    let detail = db
        .store
        .case_detail(&all(&db.store)[0].id, today())
        .unwrap();
    assert_eq!(
        detail
            .notification
            .unwrap()
            .death
            .unwrap()
            .cause_of_death
            .as_deref(),
        Some("Nhồi máu cơ tim cấp"),
        "the first content received stands"
    );
}

#[test]
fn a_file_that_is_not_notifications_is_refused_whole() {
    let mut db = open();
    for bytes in [&b"not json"[..], b"42", b"[1,"] {
        let error = db
            .store
            .import_bytes(bytes, "bad.json", now(), &mut |_| {})
            .unwrap_err();
        assert!(matches!(error, CoreError::InvalidFile { .. }), "{error}");
    }
    assert!(db.store.quarantine().unwrap().is_empty());
}

#[test]
fn import_without_a_trust_list_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(
        &dir.path().join("hotich.db"),
        &hotich_core::StoreKey::demo(),
    )
    .unwrap();
    let error = store.import_bytes(
        &array(&[sign(&death(), &facility_signer())]),
        "x",
        now(),
        &mut |_| {},
    );
    assert!(matches!(error, Err(CoreError::NoTrustList)));
}

#[test]
fn search_ignores_accents_case_and_normal_form() {
    let mut db = open();
    let mut hang = death();
    hang.death.as_mut().unwrap().name = "Nguyễn Thị Hằng".into();
    hang.death.as_mut().unwrap().sex = hotich_protocol::Sex::Female;
    hang.death.as_mut().unwrap().id_number = None;
    let mut other = death();
    other.notification_id = "19001-GBT-000002".into();
    // Stored NFC even when the facility sent NFD.
    other.death.as_mut().unwrap().name = "Trần Văn Đức".nfd().collect();
    import(
        &mut db.store,
        &[
            sign(&hang, &facility_signer()),
            sign(&other, &facility_signer()),
        ],
    );

    let search = |text: &str| -> Vec<String> {
        let filter = CaseFilter {
            search: Some(text.into()),
            ..Default::default()
        };
        db.store
            .cases(&filter, today())
            .unwrap()
            .rows
            .into_iter()
            .map(|r| r.name)
            .collect()
    };
    let nfd_query: String = "Nguyễn Thị Hằng".nfd().collect();
    for query in [
        "nguyen thi hang",
        "NGUYEN THI HANG",
        "Nguyễn Thị Hằng",
        nfd_query.as_str(),
        "hang",
        "ng th h",
    ] {
        assert_eq!(
            search(query),
            vec!["Nguyễn Thị Hằng".to_string()],
            "query {query:?}"
        );
    }
    assert_eq!(search("duc"), vec!["Trần Văn Đức".to_string()]);
    assert_eq!(search("Đức"), vec!["Trần Văn Đức".to_string()]);
    assert!(search("hung").is_empty());
}

#[test]
fn filters_by_type_status_and_overdue_and_sorts_overdue_first() {
    let mut db = open();
    let mut old = death();
    old.notification_id = "19001-GBT-000009".into();
    old.death.as_mut().unwrap().death_time -= Duration::days(30);
    import(
        &mut db.store,
        &[
            sign(&death(), &facility_signer()),
            sign(&birth(), &facility_signer()),
            sign(&old, &facility_signer()),
        ],
    );
    let page = |filter: CaseFilter| db.store.cases(&filter, today()).unwrap();

    let everything = page(CaseFilter::default());
    assert_eq!(everything.total, 3);
    assert_eq!(
        everything.rows[0].notification_id.as_deref(),
        Some("19001-GBT-000009")
    );
    assert!(everything.rows[0].overdue);
    assert!(everything
        .rows
        .windows(2)
        .all(|w| w[0].deadline <= w[1].deadline));

    let deaths = page(CaseFilter {
        kind: Some(EventKind::Death),
        ..Default::default()
    });
    assert_eq!(deaths.total, 2);
    let overdue = page(CaseFilter {
        overdue_only: true,
        ..Default::default()
    });
    assert_eq!(overdue.rows.len(), 1);
    assert_eq!(
        page(CaseFilter {
            status: Some(CaseStatus::Voided),
            ..Default::default()
        })
        .total,
        0
    );
    let second = page(CaseFilter {
        limit: 1,
        offset: 1,
        ..Default::default()
    });
    assert_eq!((second.rows.len(), second.total), (1, 3));
}

#[test]
fn a_database_from_a_newer_hotich_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hotich.db");
    let file = Store::open(&path, &hotich_core::StoreKey::demo())
        .unwrap()
        .file();
    {
        let conn = file.raw_connection().unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    let error = Store::open(&path, &hotich_core::StoreKey::demo()).unwrap_err();
    assert!(
        matches!(error, CoreError::DatabaseTooNew { found: 99, .. }),
        "{error}"
    );
    assert_eq!(error.code(), "database_too_new");
    let conn = file.raw_connection().unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, 99);
}

#[test]
fn the_store_runs_in_wal_with_full_sync() {
    let db = open();
    db.store.integrity_check().unwrap();
    // synchronous: 2 = FULL.
    assert_eq!(db.store.durability().unwrap(), ("wal".to_owned(), 2));
}

#[test]
fn a_trust_list_needs_a_pinned_root_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(
        &dir.path().join("hotich.db"),
        &hotich_core::StoreKey::demo(),
    )
    .unwrap();
    let error = store.import_trust_list(&trust_list(), now()).unwrap_err();
    assert!(matches!(error, CoreError::NoRootKey), "{error}");
    // Pinned to another root, the demo-signed list is refused, named as the demo's.
    let other = Signer::from_label("the real registry root", "root-1");
    store
        .pin_root_key(other.key_id(), &other.public_key_b64())
        .unwrap();
    assert!(matches!(
        store.import_trust_list(&trust_list(), now()),
        Err(CoreError::DemoTrustListRefused)
    ));
}

#[test]
fn a_correction_may_not_change_the_kind_of_event() {
    let mut db = open();
    import(&mut db.store, &[sign(&death(), &facility_signer())]);
    let mut as_birth = birth();
    as_birth.notification_id = death().notification_id;
    as_birth.version = 2;
    as_birth.action = Action::Correct;
    let summary = import(&mut db.store, &[sign(&as_birth, &facility_signer())]);
    assert_eq!(counts(&summary), [("quarantined", 1)]);
    let row = &all(&db.store)[0];
    assert_eq!(
        (row.kind, row.notification_version),
        (EventKind::Death, Some(1))
    );
}

#[test]
fn a_row_altered_in_the_database_shows_an_invalid_signature() {
    let mut db = open();
    import(&mut db.store, &[sign(&death(), &facility_signer())]);
    let id = all(&db.store)[0].id.clone();
    assert!(
        db.store
            .case_detail(&id, today())
            .unwrap()
            .verification
            .unwrap()
            .signature_valid
    );
    let conn = db.store.file().raw_connection().unwrap();
    let payload: String = conn
        .query_row("SELECT payload FROM notification", [], |r| r.get(0))
        .unwrap();
    let json = String::from_utf8(hotich_protocol::jws::unb64(&payload).unwrap()).unwrap();
    let altered = hotich_protocol::jws::b64(json.replace("Nhồi máu", "Tai nạn").as_bytes());
    conn.execute("UPDATE notification SET payload = ?1", [altered])
        .unwrap();
    let verification = db
        .store
        .case_detail(&id, today())
        .unwrap()
        .verification
        .unwrap();
    assert!(!verification.signature_valid);
    assert_eq!(verification.facility_name, "Bệnh viện Đa khoa Thái Nguyên");
}

#[test]
fn versions_in_any_order_end_in_the_same_case() {
    let v1 = death();
    let mut v2 = version(&v1, 2, Action::Correct);
    v2.death.as_mut().unwrap().name = "Đặng Văn Ngữ Hai".into();
    let v3 = voided(&v1, 3);
    let signed = [v1, v2, v3].map(|n| sign(&n, &facility_signer()));
    let orders = [
        [0, 1, 2],
        [2, 0, 1],
        [1, 2, 0],
        [2, 1, 0],
        [0, 2, 1],
        [1, 0, 2],
    ];
    for order in orders {
        let mut db = open();
        for i in order {
            import(&mut db.store, &[signed[i].clone()]);
        }
        let row = &all(&db.store)[0];
        assert_eq!(
            (row.status, row.notification_version, row.name.as_str()),
            (CaseStatus::Voided, Some(3), "Đặng Văn Ngữ Hai"),
            "order {order:?}"
        );
    }
}

#[test]
fn the_total_stops_counting_past_the_limit_and_says_so() {
    let (_dir, mut store) = fixture::pinned_store();
    let births = usize::try_from(hotich_core::queue::COUNT_LIMIT).unwrap() + 100;
    let sim =
        hotich_sim::simulate(&hotich_sim::SimConfig::new("01864", births, 50, today())).unwrap();
    store
        .import_trust_list(&serde_json::to_vec(&sim.trust_list).unwrap(), now())
        .unwrap();
    let file = serde_json::to_vec(&sim.notifications).unwrap();
    store
        .import_bytes(
            &file,
            "sim",
            hotich_sim::end_of_day_utc(today()),
            &mut |_| {},
        )
        .unwrap();

    let everything = store.cases(&CaseFilter::default(), today()).unwrap();
    assert_eq!(
        (everything.total, everything.total_exact),
        (hotich_core::queue::COUNT_LIMIT, false)
    );
    let deaths = store
        .cases(
            &CaseFilter {
                kind: Some(EventKind::Death),
                ..Default::default()
            },
            today(),
        )
        .unwrap();
    assert_eq!((deaths.total, deaths.total_exact), (50, true));
    // A broad search (most names hold "van" or "thi") walks the queue index and still sorts by deadline.
    let broad = store
        .cases(
            &CaseFilter {
                search: Some("thi".into()),
                ..Default::default()
            },
            today(),
        )
        .unwrap();
    assert_eq!(broad.rows.len(), 50);
    assert!(broad.rows.iter().all(|r| fold_has_word(&r.name, "t")));
    assert!(broad.rows.windows(2).all(
        |w| (!w[0].status.is_open(), w[0].deadline) <= (!w[1].status.is_open(), w[1].deadline)
    ));

    // Sorting the name keys and walking the queue give the same pages, with
    // every filter; statuses changed by corrections and voids reach the keys.
    let mut compared = 0;
    for search in [
        "thi",
        "nguyen van",
        "van a",
        "tr",
        "van nguyen",
        "thi tran",
        "zzz",
    ] {
        for (kind, status, overdue_only, offset) in [
            (None, None, false, 0),
            (None, None, false, 50),
            (Some(EventKind::Death), None, false, 0),
            (None, Some(CaseStatus::Voided), false, 0),
            (None, Some(CaseStatus::NeedsReview), false, 0),
            (Some(EventKind::Birth), None, true, 0),
        ] {
            let filter = CaseFilter {
                search: Some(search.into()),
                kind,
                status,
                overdue_only,
                offset,
                ..Default::default()
            };
            store.set_key_scan_limit(hotich_core::queue::KEY_SCAN_LIMIT);
            let by_keys = store.cases(&filter, today()).unwrap();
            store.set_key_scan_limit(0);
            let walked = store.cases(&filter, today()).unwrap();
            assert_eq!(by_keys.rows, walked.rows, "{filter:?}");
            if kind.is_some() || status.is_some() || overdue_only {
                assert_eq!(by_keys.total, walked.total, "{filter:?}");
            }
            compared += by_keys.rows.len();
        }
    }
    assert!(compared > 200, "the comparison saw only {compared} rows");
    let voided_thi = store
        .cases(
            &CaseFilter {
                search: Some("thi".into()),
                status: Some(CaseStatus::Voided),
                ..Default::default()
            },
            today(),
        )
        .unwrap();
    assert!(!voided_thi.rows.is_empty());
    assert!(voided_thi
        .rows
        .iter()
        .all(|r| r.status == CaseStatus::Voided && fold_has_word(&r.name, "thi")));
}

fn fold_has_word(name: &str, word: &str) -> bool {
    hotich_core::text::fold(name)
        .split(' ')
        .any(|w| w.starts_with(word))
}

#[test]
fn the_case_detail_names_the_notifications_codes() {
    let mut db = open();
    import(&mut db.store, &[sign(&birth(), &facility_signer())]);
    let detail = db
        .store
        .case_detail(&all(&db.store)[0].id, today())
        .unwrap();
    let shown = |field: &str| detail.code_names[field].shown(hotich_core::Lang::Vi);
    assert_eq!(shown("mother_ethnicity_code"), "Tày (02)");
    assert_eq!(shown("nationality_code"), "Việt Nam (704)");
    assert_eq!(shown("residence_province_code"), "Tỉnh Thái Nguyên (19)");
    assert_eq!(
        shown("residence_commune_code"),
        "Xã Bằng Thành, tỉnh Thái Nguyên (01864)"
    );
    assert_eq!(shown("commune_code"), shown("residence_commune_code"));
    // No district after the 2025 reform: nothing to name.
    assert!(!detail.code_names.contains_key("residence_district_code"));
}
