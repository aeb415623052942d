//! The requester and the signer on a real SQLite file (issue 14, items 6-8):
//! the requester's ID document typed and checked by its type, the
//! relationship chosen, never the vague "Người thân"; the office's signers
//! set once by a supervisor, the default filling a form left empty, an empty
//! signer refused when there is none. Each problem named under its field.

mod common;

use chrono::NaiveDate;
use common::completed_form;
use common::fixture::{self, case_of, import_signed};
use hotich_core::registration::Signer;
use hotich_core::{CoreError, IdDocumentType, Officer, RegistrationForm, Relationship, Store};
use hotich_protocol::samples::{death, now};

struct Office {
    _dir: tempfile::TempDir,
    store: Store,
    supervisor: Officer,
    lan: Officer,
    case_id: String,
}

fn today() -> NaiveDate {
    now().date_naive()
}

fn office() -> Office {
    let (dir, mut store, supervisor) = fixture::office(now());
    let lan = fixture::registrar(&mut store, &supervisor, "lan", "Nguyễn Thị Lan", now());
    let n = death();
    import_signed(&mut store, &n, now());
    let case_id = case_of(&store, &n.notification_id, today());
    Office {
        _dir: dir,
        store,
        supervisor,
        lan,
        case_id,
    }
}

/// The fields a refused registration names, in order.
fn refused_fields(office: &mut Office, form: &RegistrationForm) -> Vec<String> {
    match office
        .store
        .register(&office.lan, &office.case_id, form, now(), today())
    {
        Err(CoreError::InvalidRegistration(problems)) => {
            problems.into_iter().map(|p| p.field).collect()
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn the_requesters_id_and_relationship_are_typed_and_checked() {
    let mut office = office();
    let draft = office
        .store
        .registration_draft(&office.case_id, today())
        .unwrap();
    // The death notice names a "Người thân": no relationship is pre-chosen.
    assert_eq!(draft.requester.relationship, None);
    assert_eq!(draft.requester.id_type, None);

    let good = completed_form(&office.store, &office.case_id, today());
    let mut short_cccd = good.clone();
    short_cccd.requester.id_number = "01918".into();
    assert_eq!(
        refused_fields(&mut office, &short_cccd),
        ["requester.id_number"]
    );
    let mut no_relationship = good.clone();
    no_relationship.requester.relationship = None;
    assert_eq!(
        refused_fields(&mut office, &no_relationship),
        ["requester.relationship"]
    );
    let mut vague = good.clone();
    vague.requester.relationship = Some(Relationship::Other);
    vague.requester.relationship_other = "người thân".into();
    assert_eq!(
        refused_fields(&mut office, &vague),
        ["requester.relationship_other"]
    );

    let registration = office
        .store
        .register(&office.lan, &office.case_id, &good, now(), today())
        .unwrap();
    let requester = &registration.current.requester;
    assert_eq!(requester.id_type, Some(IdDocumentType::Cccd));
    assert_eq!(requester.id_document_text(), "CCCD 019085001234");
    assert_eq!(requester.relationship_text(hotich_core::Lang::Vi), "Con");
}

#[test]
fn an_older_drafts_free_text_is_read_or_left_for_the_officer_to_choose() {
    let office = office();
    let form = completed_form(&office.store, &office.case_id, today());
    let mut old = serde_json::to_value(&form).unwrap();
    let requester = old["requester"].as_object_mut().unwrap();
    requester.remove("id_type");
    requester.remove("id_number");
    requester.insert("id_document".into(), "CCCD 019085001234".into());
    requester.insert("relationship".into(), "Con trai".into());
    let parsed: RegistrationForm = serde_json::from_value(old.clone()).unwrap();
    let check = office
        .store
        .check_registration(&office.case_id, &parsed, today())
        .unwrap();
    assert!(check.problems.is_empty(), "{:?}", check.problems);

    old["requester"]["id_document"] = "Giấy tờ 01918".into();
    old["requester"]["relationship"] = "Người thân".into();
    let unclear: RegistrationForm = serde_json::from_value(old).unwrap();
    let check = office
        .store
        .check_registration(&office.case_id, &unclear, today())
        .unwrap();
    let fields: Vec<&str> = check.problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["requester.id_type", "requester.relationship"]);
    // The officer still sees what was typed.
    assert_eq!(unclear.requester.id_number, "Giấy tờ 01918");
}

#[test]
fn an_empty_signer_is_refused_unless_the_office_has_a_default() {
    let mut office = office();
    let mut form = completed_form(&office.store, &office.case_id, today());
    form.signer_name.clear();
    form.signer_title.clear();
    assert_eq!(
        refused_fields(&mut office, &form),
        ["signer_name", "signer_title"]
    );

    let deputy = Signer {
        full_name: "Lường Thị Ỗn".into(),
        title: "Phó Chủ tịch".into(),
        on_behalf: true,
    };
    let chairman = Signer {
        full_name: "Phạm Văn Lãnh".into(),
        title: "Chủ tịch".into(),
        on_behalf: false,
    };
    // A registrar may not set them, nor may a signer lack a title.
    let refused = office
        .store
        .set_signers(&office.lan, std::slice::from_ref(&deputy))
        .unwrap_err();
    assert_eq!(refused.code(), "forbidden");
    let untitled = Signer {
        title: " ".into(),
        ..chairman.clone()
    };
    let nameless = Signer {
        full_name: String::new(),
        ..deputy.clone()
    };
    // Every missing name or title at once, by its line.
    let refused = office
        .store
        .set_signers(&office.supervisor, &[nameless, untitled])
        .unwrap_err();
    let fields: Vec<_> = refused
        .problems()
        .iter()
        .map(|p| p.field.as_str())
        .collect();
    assert_eq!(fields, ["signers.1.full_name", "signers.2.title"]);
    assert_eq!(
        refused.to_string(),
        "họ, chữ đệm và tên của người ký dòng 1: bắt buộc, chưa nhập; \
         chức vụ của người ký dòng 2: bắt buộc, chưa nhập"
    );
    assert!(office.store.signers().unwrap().is_empty());

    office
        .store
        .set_signers(&office.supervisor, &[deputy.clone(), chairman.clone()])
        .unwrap();
    assert_eq!(office.store.signers().unwrap(), [deputy.clone(), chairman]);
    // The draft offers the default; a form left empty gets it when saved.
    let draft = office
        .store
        .registration_draft(&office.case_id, today())
        .unwrap();
    assert_eq!(
        (draft.signer_name.as_str(), draft.signer_on_behalf),
        ("Lường Thị Ỗn", true)
    );
    let registration = office
        .store
        .register(&office.lan, &office.case_id, &form, now(), today())
        .unwrap();
    assert_eq!(registration.current.signer_name, deputy.full_name);
    assert_eq!(registration.current.signer_title, deputy.title);
    assert!(registration.current.signer_on_behalf);
}
