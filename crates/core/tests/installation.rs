//! The installation: a real office set up in one transaction from a
//! confirmed summary; the demo root, a demo-signed trust list and demo
//! facility signatures refused by an office, each with its own error; demo
//! and office never turning into each other; root replacement and office
//! changes by a supervisor, audited. Real SQLite files in temporary folders.

mod common;

use chrono::Duration;
use common::fixture::{count, PASSWORD};
use hotich_core::{
    ErrorCode, FirstSupervisor, Installation, Lang, OfficeDetailsInput, OfficeSetUp, Officer, Role,
    RootKeyFile, Store,
};
use hotich_protocol::samples::{birth, facility, facility_signer, now, sign};
use hotich_protocol::trust::{demo_facility_signer, demo_root_signer, RootKey, TRUST_LIST_SCHEMA};
use hotich_protocol::{Signer, TrustList};

const COMMUNE: &str = "01864";
const OTHER_COMMUNE: &str = "00004";

/// The province's registry root (a key anyone could not derive in real life).
fn province_root() -> Signer {
    Signer::from_label("test province registry root", "tinh-19-root-1")
}

fn key_file(signer: &Signer) -> RootKeyFile {
    RootKeyFile {
        key_id: signer.key_id().to_owned(),
        public_key: signer.public_key_b64(),
    }
}

fn fingerprint(signer: &Signer) -> String {
    RootKey::parse(signer.key_id(), &signer.public_key_b64())
        .unwrap()
        .fingerprint()
}

/// The summary a supervisor confirms, for the province's root.
fn summary() -> OfficeSetUp {
    let root = province_root();
    OfficeSetUp {
        commune_code: COMMUNE.into(),
        office_name: "Ủy ban nhân dân xã Bằng Thành".into(),
        address: "Thôn Nà Pài, xã Bằng Thành".into(),
        hours: "sáng 7 giờ 30 - 11 giờ 30, thứ Hai đến thứ Sáu".into(),
        server: "https://hotich.thainguyen.gov.vn".into(),
        root_key: key_file(&root),
        confirmed_fingerprint: fingerprint(&root),
        supervisor: FirstSupervisor {
            username: "lanhdao".into(),
            full_name: "Phạm Văn Lãnh".into(),
            password: PASSWORD.into(),
        },
    }
}

fn fresh() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(
        &dir.path().join("hotich.db"),
        &hotich_core::StoreKey::demo(),
    )
    .unwrap();
    (dir, store)
}

fn office() -> (tempfile::TempDir, Store, Officer) {
    let (dir, mut store) = fresh();
    let supervisor = store.set_up_office(&summary(), now()).unwrap();
    (dir, store, supervisor)
}

/// An officer of the office who is not a supervisor.
fn registrar(store: &mut Store, supervisor: &Officer) -> Officer {
    store
        .create_officer(
            supervisor,
            "canbo",
            "Lê Thị Cán",
            Role::Registrar,
            PASSWORD,
            now(),
        )
        .unwrap()
}

/// A trust list holding the sample facility, signed by `root`.
fn trust_list_signed_by(root: &Signer, sequence: u64) -> Vec<u8> {
    let list = TrustList {
        schema: TRUST_LIST_SCHEMA,
        issuer: "Sở Tư pháp (thử)".into(),
        sequence,
        issued_at: now() - Duration::days(30),
        facilities: vec![facility(&facility_signer(), now() + Duration::days(365))],
    };
    serde_json::to_vec(&list.sign(root)).unwrap()
}

/// The audit log holds exactly one `action` by `officer` on `entity_id`,
/// and its chain still verifies.
fn assert_audited_once(store: &Store, action: &str, officer: &Officer, entity_id: &str) {
    assert_eq!(
        count(
            store,
            &format!(
                "SELECT count(*) FROM audit_log WHERE action = '{action}'
                 AND officer_id = '{}' AND entity_id = '{entity_id}'",
                officer.id
            )
        ),
        1,
        "{action}"
    );
    assert_eq!(store.verify_audit_log().unwrap().problem, None);
}

fn code<T: std::fmt::Debug>(result: hotich_core::Result<T>) -> ErrorCode {
    result.unwrap_err().code()
}

#[test]
fn an_office_is_set_up_from_its_summary_in_one_audited_step() {
    let (_dir, store, supervisor) = office();
    assert_eq!(store.installation().unwrap(), Some(Installation::Office));
    assert_eq!(supervisor.role, Role::Supervisor);
    assert_eq!(store.officers().unwrap(), vec![supervisor.clone()]);
    let details = store.office_details().unwrap();
    assert_eq!(details.office.unwrap().commune_code, COMMUNE);
    assert_eq!(
        details.office_name.as_deref(),
        Some("Ủy ban nhân dân xã Bằng Thành")
    );
    assert_eq!(details.contact.address, "Thôn Nà Pài, xã Bằng Thành");
    let root = details.root_key.unwrap();
    assert_eq!(root.key_id, province_root().key_id());
    assert_eq!(root.fingerprint, fingerprint(&province_root()));
    assert_eq!(
        store.sync_server().unwrap().as_deref(),
        Some("https://hotich.thainguyen.gov.vn")
    );
    assert_audited_once(&store, "office_set_up", &supervisor, COMMUNE);
    assert_eq!(count(&store, "SELECT count(*) FROM notification"), 0);
}

/// One wrong part of an otherwise good summary.
type Spoil = dyn Fn(&mut OfficeSetUp);

#[test]
fn nothing_is_stored_when_any_part_of_the_set_up_is_refused() {
    let demo = demo_root_signer();
    let cases: Vec<(&str, Box<Spoil>, ErrorCode)> = vec![
        (
            "fingerprint of another key",
            Box::new(|s| s.confirmed_fingerprint = fingerprint(&demo_root_signer())),
            ErrorCode::FingerprintMismatch,
        ),
        (
            "no fingerprint confirmed",
            Box::new(|s| s.confirmed_fingerprint = String::new()),
            ErrorCode::FingerprintMismatch,
        ),
        (
            "the demo root",
            Box::new(move |s| {
                s.root_key = key_file(&demo);
                s.confirmed_fingerprint = fingerprint(&demo);
            }),
            ErrorCode::DemoKeyRefused,
        ),
        (
            "a malformed root key",
            Box::new(|s| s.root_key.public_key = "not a key".into()),
            ErrorCode::InvalidInput,
        ),
        (
            "an unknown commune",
            Box::new(|s| s.commune_code = "99999".into()),
            ErrorCode::InvalidForm,
        ),
        (
            "no office name",
            Box::new(|s| s.office_name = "  ".into()),
            ErrorCode::InvalidForm,
        ),
        (
            "a registry address without a scheme",
            Box::new(|s| s.server = "hotich.thainguyen.gov.vn".into()),
            ErrorCode::InvalidInput,
        ),
        // Refused by the officer module, inside the set-up's transaction.
        (
            "a short password",
            Box::new(|s| s.supervisor.password = "ngắn".into()),
            ErrorCode::InvalidForm,
        ),
        (
            "a username with spaces",
            Box::new(|s| s.supervisor.username = "lanh dao".into()),
            ErrorCode::InvalidForm,
        ),
    ];
    for (what, spoil, expected) in cases {
        let (_dir, mut store) = fresh();
        let settings_before = count(&store, "SELECT count(*) FROM setting");
        let mut setup = summary();
        spoil(&mut setup);
        assert_eq!(code(store.set_up_office(&setup, now())), expected, "{what}");
        assert_eq!(store.installation().unwrap(), None, "{what}");
        assert!(!store.has_officers().unwrap(), "{what}");
        assert_eq!(
            count(&store, "SELECT count(*) FROM setting"),
            settings_before,
            "{what}"
        );
        assert_eq!(count(&store, "SELECT count(*) FROM audit_log"), 0, "{what}");
        // The same store then sets up once the summary is right.
        store.set_up_office(&summary(), now()).unwrap();
    }
}

#[test]
fn the_office_details_name_every_problem_at_once() {
    let (_dir, mut store) = fresh();
    let mut setup = summary();
    setup.commune_code = "99999".into();
    setup.office_name = " ".into();
    setup.hours = String::new();
    let refused = store.set_up_office(&setup, now()).unwrap_err();
    let fields: Vec<&str> = refused
        .problems()
        .iter()
        .map(|p| p.field.as_str())
        .collect();
    assert_eq!(fields, ["commune_code", "office_name", "office_hours"]);
    assert!(
        refused.message(Lang::Vi).contains("tên cơ quan: bắt buộc"),
        "{}",
        refused.message(Lang::Vi)
    );
    assert_eq!(store.installation().unwrap(), None);
}

#[test]
fn an_office_refuses_the_demo_root_a_demo_trust_list_and_demo_facility_signatures() {
    let (_dir, mut store, _) = office();
    assert_eq!(code(store.pin_demo_root_key()), ErrorCode::DemoKeyRefused);
    assert_eq!(
        code(store.pin_root(&RootKey::demo())),
        ErrorCode::DemoKeyRefused
    );
    assert_eq!(
        store.office_details().unwrap().root_key.unwrap().key_id,
        province_root().key_id()
    );

    assert_eq!(
        code(store.import_trust_list(&trust_list_signed_by(&demo_root_signer(), 9), now())),
        ErrorCode::DemoTrustListRefused
    );
    // A list of another unknown root is refused as any bad signature.
    let stranger = Signer::from_label("some other root", province_root().key_id());
    assert_eq!(
        code(store.import_trust_list(&trust_list_signed_by(&stranger, 9), now())),
        ErrorCode::TrustListRejected
    );
    let applied = store
        .import_trust_list(&trust_list_signed_by(&province_root(), 1), now())
        .unwrap();
    assert!(applied.applied);

    // A demo facility's key, whether its id is in the office's list or not.
    let mut notifications = Vec::new();
    for key_id in ["19001-k1", "79999-k1"] {
        let mut n = birth();
        n.notification_id = format!("demo-{key_id}");
        notifications.push(sign(&n, &demo_facility_signer(key_id).unwrap()));
    }
    // And a key that is neither listed nor the demo's: its usual reason.
    let mut n = birth();
    n.notification_id = "stranger".into();
    notifications.push(sign(&n, &Signer::from_label("nobody", "80000-k1")));
    let file = format!(
        "[{}]",
        notifications
            .iter()
            .map(|raw| String::from_utf8(raw.clone()).unwrap())
            .collect::<Vec<_>>()
            .join(",")
    );
    let summary = store
        .import_bytes(file.as_bytes(), "test", now(), &mut |_| {})
        .unwrap();
    assert_eq!((summary.imported, summary.quarantined), (0, 3));
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM quarantine WHERE reason = 'demo_facility_key'"
        ),
        2
    );
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM quarantine WHERE reason = 'unknown_facility_key'"
        ),
        1
    );
    // The facility's real key still works.
    let summary = store
        .import_bytes(
            format!(
                "[{}]",
                String::from_utf8(sign(&birth(), &facility_signer())).unwrap()
            )
            .as_bytes(),
            "test",
            now(),
            &mut |_| {},
        )
        .unwrap();
    assert_eq!(summary.imported, 1);
}

#[test]
fn a_demo_cannot_become_an_office_nor_an_office_a_demo() {
    let (_dir, mut demo) = fresh();
    demo.set_up_demo(COMMUNE).unwrap();
    demo.set_up_demo(COMMUNE).unwrap(); // a demo opened again stays one
    assert_eq!(demo.installation().unwrap(), Some(Installation::Demo));
    assert_eq!(
        code(demo.set_up_office(&summary(), now())),
        ErrorCode::DemoCannotBecomeOffice
    );
    assert!(!demo.has_officers().unwrap());
    // The demo trusts the demo root, and only there.
    demo.import_trust_list(&trust_list_signed_by(&demo_root_signer(), 1), now())
        .unwrap();

    let (_dir, mut office, _) = office();
    assert_eq!(
        code(office.set_up_demo(COMMUNE)),
        ErrorCode::OfficeCannotBecomeDemo
    );
    assert_eq!(office.installation().unwrap(), Some(Installation::Office));
    assert_eq!(
        code(office.set_up_office(&summary(), now())),
        ErrorCode::AlreadySetUp
    );

    // A store that pinned a real root by hand (the CLI) is no demo either.
    let (_dir, mut pinned) = fresh();
    pinned
        .pin_root_key(province_root().key_id(), &province_root().public_key_b64())
        .unwrap();
    assert_eq!(
        code(pinned.set_up_demo(COMMUNE)),
        ErrorCode::OfficeCannotBecomeDemo
    );
}

#[test]
fn replacing_the_root_key_needs_a_supervisor_and_its_fingerprint_and_is_audited() {
    let (_dir, mut store, supervisor) = office();
    let registrar = registrar(&mut store, &supervisor);
    let next = Signer::from_label("test province registry root 2", "tinh-19-root-2");
    assert_eq!(
        code(store.replace_root_key(&registrar, &key_file(&next), &fingerprint(&next), now())),
        ErrorCode::Forbidden
    );
    assert_eq!(
        code(store.replace_root_key(
            &supervisor,
            &key_file(&next),
            &fingerprint(&province_root()),
            now()
        )),
        ErrorCode::FingerprintMismatch
    );
    assert_eq!(
        code(store.replace_root_key(
            &supervisor,
            &key_file(&demo_root_signer()),
            &fingerprint(&demo_root_signer()),
            now()
        )),
        ErrorCode::DemoKeyRefused
    );
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM audit_log WHERE action = 'root_key_replace'"
        ),
        0
    );
    assert_eq!(
        store.office_details().unwrap().root_key.unwrap().key_id,
        province_root().key_id()
    );

    let replaced = store
        .replace_root_key(&supervisor, &key_file(&next), &fingerprint(&next), now())
        .unwrap();
    assert_eq!(replaced.key_id, "tinh-19-root-2");
    assert_eq!(store.office_details().unwrap().root_key, Some(replaced));
    assert_audited_once(&store, "root_key_replace", &supervisor, "tinh-19-root-2");
    // Lists of the old root no longer verify; the new root's do.
    assert_eq!(
        code(store.import_trust_list(&trust_list_signed_by(&province_root(), 1), now())),
        ErrorCode::TrustListRejected
    );
    store
        .import_trust_list(&trust_list_signed_by(&next, 1), now())
        .unwrap();
}

#[test]
fn the_office_changes_its_details_but_its_commune_only_while_no_case_exists() {
    let (_dir, mut store, supervisor) = office();
    let moved = OfficeDetailsInput {
        commune_code: OTHER_COMMUNE.into(),
        office_name: "UBND phường thử".into(),
        address: "Số 1 đường Thử".into(),
        hours: "cả tuần".into(),
    };
    let registrar = registrar(&mut store, &supervisor);
    assert_eq!(
        code(store.change_office_details(&registrar, &moved, now())),
        ErrorCode::Forbidden
    );
    let changed = store
        .change_office_details(&supervisor, &moved, now())
        .unwrap();
    assert_eq!(changed.office.unwrap().commune_code, OTHER_COMMUNE);
    assert_eq!(changed.contact.hours, "cả tuần");

    let back = OfficeDetailsInput {
        commune_code: COMMUNE.into(),
        ..moved.clone()
    };
    store
        .change_office_details(&supervisor, &back, now())
        .unwrap();
    store
        .import_trust_list(&trust_list_signed_by(&province_root(), 1), now())
        .unwrap();
    let file = format!(
        "[{}]",
        String::from_utf8(sign(&birth(), &facility_signer())).unwrap()
    );
    store
        .import_bytes(file.as_bytes(), "test", now(), &mut |_| {})
        .unwrap();

    assert_eq!(
        code(store.change_office_details(&supervisor, &moved, now())),
        ErrorCode::CommuneLocked
    );
    // Everything but the commune still changes.
    let renamed = OfficeDetailsInput {
        office_name: "UBND xã Bằng Thành".into(),
        ..back
    };
    let details = store
        .change_office_details(&supervisor, &renamed, now())
        .unwrap();
    assert_eq!(details.office_name.as_deref(), Some("UBND xã Bằng Thành"));
    assert_eq!(details.office.unwrap().commune_code, COMMUNE);
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM audit_log WHERE action = 'office_change'"
        ),
        3
    );
}

#[test]
fn the_simulators_notifications_are_refused_by_an_office_as_the_demos() {
    let (_dir, mut store, _) = office();
    store
        .import_trust_list(&trust_list_signed_by(&province_root(), 1), now())
        .unwrap();
    let sim = hotich_sim::simulate(&hotich_sim::SimConfig::new(
        COMMUNE,
        3,
        2,
        now().date_naive(),
    ))
    .unwrap();
    let file = serde_json::to_vec(&sim.notifications).unwrap();
    let summary = store
        .import_bytes(&file, "sync", now(), &mut |_| {})
        .unwrap();
    assert_eq!(summary.imported, 0);
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM quarantine WHERE reason = 'demo_facility_key'"
        ),
        i64::try_from(sim.notifications.len()).unwrap()
    );
    // Nor does the simulator's trust list pass.
    assert_eq!(
        code(store.import_trust_list(&serde_json::to_vec(&sim.trust_list).unwrap(), now())),
        ErrorCode::DemoTrustListRefused
    );
}

#[test]
fn from_the_demo_a_supervisor_asks_for_the_office_set_up_and_the_demo_stays_as_it_was() {
    let (_dir, mut demo) = fresh();
    demo.set_up_demo(COMMUNE).unwrap();
    assert!(!demo.office_setup_requested().unwrap());
    let supervisor = demo
        .create_first_supervisor("lanhdao", "Nguyễn Văn Lãnh", PASSWORD, now())
        .unwrap();
    let registrar = registrar(&mut demo, &supervisor);
    assert_eq!(
        code(demo.request_office_setup(&registrar)),
        ErrorCode::Forbidden
    );
    assert!(!demo.office_setup_requested().unwrap());

    demo.request_office_setup(&supervisor).unwrap();
    assert!(demo.office_setup_requested().unwrap());
    assert_eq!(demo.installation().unwrap(), Some(Installation::Demo));
    // Choosing the demo again at the choice ends the request.
    demo.set_up_demo(COMMUNE).unwrap();
    assert!(!demo.office_setup_requested().unwrap());

    // An office has nothing to set up.
    let (_dir, office, supervisor) = office();
    assert_eq!(
        code(office.request_office_setup(&supervisor)),
        ErrorCode::AlreadySetUp
    );
    assert!(!office.office_setup_requested().unwrap());
}
