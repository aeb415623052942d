use super::*;

/// A database as the first hotich-central wrote it: the schema run by
/// hand and `user_version` set to 1, with a workstation and a stream.
fn old_database(path: &Path) {
    // Its pragmas were the project's (WAL, full sync), as `connect` sets.
    let conn = hotich_common::sqlite::connect(path, None).unwrap();
    conn.execute_batch(include_str!("../../schema.sql"))
        .unwrap();
    conn.pragma_update(None, "user_version", 1).unwrap();
    conn.execute_batch(
        "INSERT INTO workstation (id, commune, label, token_sha256, created_at)
           VALUES ('ws-1', '01864', 'old', 'abc', '2026-01-01T00:00:00+00:00');
         INSERT INTO commune_stream (commune, last_seq) VALUES ('01864', 1);
         INSERT INTO notification_event (commune, seq, notification_id, version, envelope, received_at)
           VALUES ('01864', 1, 'n-1', 1, '{}', '2026-01-01T00:00:00+00:00');
         INSERT INTO pushed_event (id, workstation_id, commune, case_id, kind, body, created_at, received_at)
           VALUES ('p-1', 'ws-1', '01864', 'c-1', 'extract_print',
                   json_object('registration_id', 'r-1',
                               'serials', json_array('AAAA-AAAA-AAAA-AAAA', 'BBBB-BBBB-BBBB-BBBB')),
                   '2026-01-02T00:00:00+00:00', '2026-01-02T00:00:01+00:00'),
                  ('p-2', 'ws-1', '01864', 'c-1', 'paper_withdrawn',
                   json_object('serial', 'BBBB-BBBB-BBBB-BBBB'),
                   '2026-01-03T00:00:00+00:00', '2026-01-03T00:00:01+00:00');",
    )
    .unwrap();
}

#[test]
fn a_database_written_by_the_first_release_opens_with_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("central.db");
    old_database(&path);
    let storage = SqliteStorage::open(&path).unwrap();
    // Encrypted on the way, with a key made beside it.
    assert_eq!(
        hotich_common::sqlite::file_state(&path).unwrap(),
        hotich_common::sqlite::FileState::Encrypted
    );
    assert!(key::default_key_file(&path).exists());
    assert_eq!(
        storage.check_token("abc", Utc::now()).unwrap(),
        TokenCheck::Valid(Workstation {
            id: "ws-1".into(),
            commune: "01864".into()
        })
    );
    let (events, more) = storage.events_after("01864", 0, 10, usize::MAX).unwrap();
    assert_eq!(
        (events.len(), events[0].notification_id.as_str(), more),
        (1, "n-1", false)
    );
    let version: i64 = lock(&storage.writer)
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(
        version,
        12,
        "the token columns, the official documents, the audit heads, the papers' status, the paper keys, the health loop, the pilot's facts, the province's supervision, the sign-in lockout, the cases' closure and the notices by commune were added"
    );
    assert_eq!(usize::try_from(version).unwrap(), SCHEMA.version());
    // The prints pushed before the papers' status existed answer it.
    let printed = storage
        .paper_status("AAAA-AAAA-AAAA-AAAA")
        .unwrap()
        .unwrap();
    assert_eq!(
        (printed.withdrawn_at, printed.amended_at),
        (None, None),
        "{}",
        printed.printed_at
    );
    let lost = storage
        .paper_status("BBBB-BBBB-BBBB-BBBB")
        .unwrap()
        .unwrap();
    assert_eq!(
        lost.withdrawn_at.as_deref(),
        Some("2026-01-03T00:00:00+00:00")
    );
    assert_eq!(storage.paper_status("CCCC-CCCC-CCCC-CCCC").unwrap(), None);
    let listed = storage.workstations().unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].last_used_at.is_some(), "{listed:?}");
    assert_eq!(listed[0].expires_at, None);
}

#[test]
fn a_database_from_a_newer_server_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("central.db");
    old_database(&path);
    hotich_common::sqlite::connect(&path, None)
        .unwrap()
        .pragma_update(
            None,
            "user_version",
            i64::try_from(SCHEMA.version() + 1).unwrap(),
        )
        .unwrap();
    let refused = SqliteStorage::open(&path).unwrap_err();
    assert!(
        matches!(
            refused,
            StorageError::Open(OpenError::TooNew { found, supported })
                if found == SCHEMA.version() + 1 && supported == SCHEMA.version()
        ),
        "{refused}"
    );
}

fn new_workstation(storage: &SqliteStorage, hash: &str, expires: Option<DateTime<Utc>>) -> String {
    let new = NewWorkstation {
        commune: "01864",
        label: "bàn 1",
        token_sha256: hash,
        expires_at: expires,
    };
    storage.add_workstation(&new, Utc::now()).unwrap()
}

#[test]
fn a_token_is_refused_once_revoked_expired_or_rotated_away() {
    let dir = tempfile::tempdir().unwrap();
    let storage = SqliteStorage::open(&dir.path().join("central.db")).unwrap();
    let now = Utc::now();
    let id = new_workstation(&storage, "h1", None);
    let expiring = new_workstation(&storage, "h2", Some(now + chrono::TimeDelta::hours(1)));
    assert!(matches!(storage.check_token("h1", now).unwrap(), TokenCheck::Valid(w) if w.id == id));
    assert!(
        matches!(storage.check_token("h2", now).unwrap(), TokenCheck::Valid(w) if w.id == expiring)
    );
    let later = now + chrono::TimeDelta::hours(1);
    assert_eq!(
        storage.check_token("h2", later).unwrap(),
        TokenCheck::Expired
    );

    assert_eq!(
        storage.rotate_token(&id, "h1-new", now).unwrap(),
        TokenChange::Done
    );
    assert_eq!(storage.check_token("h1", now).unwrap(), TokenCheck::Unknown);
    assert!(matches!(
        storage.check_token("h1-new", now).unwrap(),
        TokenCheck::Valid(_)
    ));

    assert_eq!(
        storage.revoke_workstation(&id, now).unwrap(),
        TokenChange::Done
    );
    assert_eq!(
        storage.check_token("h1-new", now).unwrap(),
        TokenCheck::Revoked
    );
    assert_eq!(
        storage.revoke_workstation(&id, now).unwrap(),
        TokenChange::AlreadyRevoked
    );
    assert_eq!(
        storage.rotate_token(&id, "h1-3", now).unwrap(),
        TokenChange::AlreadyRevoked
    );
    assert_eq!(
        storage.revoke_workstation("nope", now).unwrap(),
        TokenChange::NoSuchWorkstation
    );

    let listed = storage.workstations().unwrap();
    let first = listed.iter().find(|w| w.id == id).unwrap();
    assert!(
        first.revoked_at.is_some() && first.rotated_at.is_some(),
        "{first:?}"
    );
    assert_eq!(first.label, "bàn 1");
}

#[test]
fn last_used_is_written_at_most_once_a_minute() {
    let dir = tempfile::tempdir().unwrap();
    let storage = SqliteStorage::open(&dir.path().join("central.db")).unwrap();
    new_workstation(&storage, "h", None);
    let used = |storage: &SqliteStorage| storage.workstations().unwrap()[0].last_used_at.clone();
    assert_eq!(used(&storage), None);
    let t0 = Utc::now();
    storage.check_token("h", t0).unwrap();
    assert_eq!(used(&storage), Some(t0.to_rfc3339()));
    storage
        .check_token("h", t0 + chrono::TimeDelta::seconds(30))
        .unwrap();
    assert_eq!(used(&storage), Some(t0.to_rfc3339()));
    let t1 = t0 + chrono::TimeDelta::seconds(61);
    storage.check_token("h", t1).unwrap();
    assert_eq!(used(&storage), Some(t1.to_rfc3339()));
}

fn document(id: &str, bytes: &[u8], may_supersede: bool, commune: &str) -> IncomingDocument {
    IncomingDocument {
        notification_id: id.into(),
        format: DocumentFormat::Hsdlgbt,
        document: bytes.to_vec(),
        sender_facility: None,
        may_supersede,
        content_commune: Some(commune.into()),
        pilot: PilotNotice {
            kind: hotich_protocol::EventKind::Death,
            event_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 1),
            identification_complete: true,
            issued_at: None,
            subject_name: None,
        },
        claimed_commune: commune.into(),
    }
}

#[test]
fn an_official_document_is_a_duplicate_when_resent_and_a_new_version_only_when_it_may_supersede() {
    let dir = tempfile::tempdir().unwrap();
    let storage = SqliteStorage::open(&dir.path().join("central.db")).unwrap();
    let now = Utc::now();
    let first = document("79024-GBT-1", b"<HSDLGBT>1</HSDLGBT>", false, "26743");
    let stored = storage
        .append_documents(std::slice::from_ref(&first), now)
        .unwrap();
    assert_eq!(
        stored,
        vec![(
            1,
            Appended::Stored {
                commune: "26743".into(),
                seq: 1
            }
        )]
    );
    assert_eq!(
        storage.append_documents(&[first], now).unwrap(),
        vec![(
            1,
            Appended::Duplicate {
                commune: "26743".into(),
                seq: 1
            }
        )],
        "the same bytes again"
    );
    let unmarked = document("79024-GBT-1", b"<HSDLGBT>2</HSDLGBT>", false, "26743");
    assert_eq!(
        storage.append_documents(&[unmarked], now).unwrap(),
        vec![(2, Appended::Conflict)],
        "other bytes not marked as a re-issue"
    );
    // A re-issue follows the first version's commune, whatever its content says.
    let reissue = document("79024-GBT-1", b"<HSDLGBT>3</HSDLGBT>", true, "01864");
    assert_eq!(
        storage.append_documents(&[reissue], now).unwrap(),
        vec![(
            2,
            Appended::Stored {
                commune: "26743".into(),
                seq: 2
            }
        )]
    );
    let (events, more) = storage.events_after("26743", 0, 10, usize::MAX).unwrap();
    assert!(!more);
    let relayed: Vec<_> = events
        .iter()
        .map(|e| {
            (
                e.version,
                e.format.as_str(),
                e.document.as_deref(),
                e.envelope.as_str(),
            )
        })
        .collect();
    assert_eq!(
        relayed,
        vec![
            (1, "hsdlgbt", Some(&b"<HSDLGBT>1</HSDLGBT>"[..]), ""),
            (2, "hsdlgbt", Some(&b"<HSDLGBT>3</HSDLGBT>"[..]), ""),
        ]
    );
    // Pages capped at 30 bytes of documents (20 each): one event a page.
    let (first_page, more) = storage.events_after("26743", 0, 10, 30).unwrap();
    assert_eq!((first_page.len(), first_page[0].seq, more), (1, 1, true));
    let (second_page, more) = storage.events_after("26743", 1, 10, 30).unwrap();
    assert_eq!((second_page.len(), second_page[0].seq, more), (1, 2, false));
}

#[test]
fn x509_entries_are_kept_once_listed_removed_and_read_as_material() {
    let dir = tempfile::tempdir().unwrap();
    let storage = SqliteStorage::open(&dir.path().join("central.db")).unwrap();
    let now = Utc::now();
    let entry = |kind, facility_code, sha256, der: &'static [u8]| NewX509 {
        kind,
        facility_code,
        subject: "CN=x",
        sha256,
        not_after: None,
        der,
    };
    let root = storage
        .add_x509(&entry(X509Kind::Anchor, "", "aa", b"root"), now)
        .unwrap();
    assert_eq!(
        storage
            .add_x509(&entry(X509Kind::Anchor, "", "aa", b"root"), now)
            .unwrap(),
        root,
        "held once"
    );
    storage
        .add_x509(&entry(X509Kind::Intermediate, "", "bb", b"issuing"), now)
        .unwrap();
    storage
        .add_x509(&entry(X509Kind::Facility, "79024", "cc", b"hospital"), now)
        .unwrap();
    storage
        .add_x509(&entry(X509Kind::Crl, "", "dd", b"crl"), now)
        .unwrap();
    let kinds: Vec<String> = storage
        .x509_entries()
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds, ["anchor", "intermediate", "facility", "crl"]);
    let material = storage.x509_material().unwrap();
    assert_eq!(
        material.certificates,
        vec![b"root".to_vec(), b"issuing".to_vec()]
    );
    assert_eq!(material.crls, vec![b"crl".to_vec()]);
    assert_eq!(
        material.facilities,
        vec![("79024".to_owned(), "cc".to_owned())]
    );
    assert!(storage.remove_x509(root).unwrap());
    assert!(!storage.remove_x509(root).unwrap(), "already gone");
    assert_eq!(
        storage.x509_material().unwrap().certificates,
        vec![b"issuing".to_vec()]
    );
}

#[test]
fn a_facility_sender_token_is_valid_until_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let storage = SqliteStorage::open(&dir.path().join("central.db")).unwrap();
    let now = Utc::now();
    let new = NewFacilitySender {
        facility_code: "79024",
        fhir: true,
        token_sha256: "h",
    };
    let id = storage.add_facility_sender(&new, now).unwrap();
    assert_eq!(
        storage.check_facility_sender("h").unwrap(),
        SenderCheck::Valid(FacilitySender {
            id: id.clone(),
            facility_code: "79024".into(),
            fhir: true
        })
    );
    assert_eq!(
        storage.check_facility_sender("other").unwrap(),
        SenderCheck::Unknown
    );
    assert!(storage.revoke_facility_sender(&id, now).unwrap());
    assert!(
        !storage.revoke_facility_sender(&id, now).unwrap(),
        "revoked before"
    );
    assert_eq!(
        storage.check_facility_sender("h").unwrap(),
        SenderCheck::Revoked
    );
    let listed = storage.facility_senders().unwrap();
    assert_eq!((listed.len(), listed[0].revoked_at.is_some()), (1, true));
}
