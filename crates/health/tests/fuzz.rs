//! Fuzz-style robustness on the stable toolchain: bounded random mutations
//! of valid signed files of each shape never panic and finish quickly, in
//! the reader alone and in the whole verification; hostile inputs (a DTD
//! with entity expansion, deep nesting, an oversized file) are refused
//! up front. The FHIR reader gets the same byte mutations of valid messages
//! and mutations of their JSON tree (a node removed or given another
//! type). `PROPTEST_CASES=5000 cargo test -p hotich-health --test fuzz`
//! runs a longer campaign.

mod common;

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::fixture;
use hotich_health::fhir::read_fhir;
use hotich_health::limits::{MAX_DEPTH, MAX_DOCUMENT_BYTES};
use hotich_health::testkit::fhir::{
    death_submission_update_void, twin_birth_report, DeathRecordKey,
};
use hotich_health::{read_unverified, verify_and_read, ReadError, Rejection};
use proptest::prelude::*;
use serde_json::{json, Value};

/// Far above what one file takes in a debug build; a blow-up would pass it.
const TIME_BOUND: Duration = Duration::from_secs(2);

fn signed_files() -> &'static [Vec<u8>; 3] {
    static FILES: OnceLock<[Vec<u8>; 3]> = OnceLock::new();
    FILES.get_or_init(|| {
        let f = fixture();
        [
            f.signed_death().into_bytes(),
            f.signed_birth().into_bytes(),
            f.signed_xml130().into_bytes(),
        ]
    })
}

/// 48 cases per test in CI; `PROPTEST_CASES` for a longer campaign.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48)
}

#[derive(Debug, Clone)]
enum Mutation {
    /// Overwrite the byte at (position mod len).
    Set(usize, u8),
    /// Cut the file at (position mod len).
    Truncate(usize),
    /// Copy a slice of the file to another place.
    Splice { from: usize, len: usize, to: usize },
    /// Insert markup-significant text.
    Insert(usize, &'static str),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let markup = prop::sample::select(vec![
        "<",
        ">",
        "&",
        "&amp;",
        "\"",
        "</GIAYBAOTU>",
        "<GIAYBAOTU Id=\"x\">",
        "<![CDATA[",
        "]]>",
        "<!--",
        "-->",
        "<?pi?>",
        "xmlns=\"urn:x\"",
        " Id=\"Id-1\"",
        "\u{0}",
        "\u{feff}",
        "é",
        // JSON (the FHIR readers).
        "{",
        "}]",
        "[",
        ",",
        "\"resourceType\":\"Bundle\",",
        "null",
        "1e999",
        "\\u0000",
    ]);
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Mutation::Set(p, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 0usize..512, any::<usize>())
            .prop_map(|(from, len, to)| Mutation::Splice { from, len, to }),
        (any::<usize>(), markup).prop_map(|(p, s)| Mutation::Insert(p, s)),
    ]
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = bytes.len().max(1);
        match *m {
            Mutation::Set(p, b) => {
                if let Some(slot) = bytes.get_mut(p % len) {
                    *slot = b;
                }
            }
            Mutation::Truncate(p) => bytes.truncate(p % len),
            Mutation::Splice { from, len: n, to } => {
                let from = from % len;
                let chunk: Vec<u8> =
                    bytes[from.min(bytes.len())..(from + n).min(bytes.len())].to_vec();
                let to = (to % len).min(bytes.len());
                bytes.splice(to..to, chunk);
            }
            Mutation::Insert(p, s) => {
                let at = (p % len).min(bytes.len());
                bytes.splice(at..at, s.bytes());
            }
        }
    }
    bytes
}

fn timed<T>(what: &str, run: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let result = run();
    assert!(
        start.elapsed() < TIME_BOUND,
        "{what} took {:?}",
        start.elapsed()
    );
    result
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_files_never_panic(shape in 0usize..3, mutations in prop::collection::vec(mutation(), 1..6)) {
        let f = fixture();
        let bytes = apply(signed_files()[shape].clone(), &mutations);
        let _ = timed("read", || read_unverified(&bytes));
        let receipt = f.receipt(&f.trust, Some(common::FACILITY_A));
        let verified = timed("verify", || verify_and_read(&bytes, &receipt));
        if verified.is_ok() {
            // Only a change the signature does not cover may pass: the
            // records read are the signed ones.
            let original = verify_and_read(&signed_files()[shape], &receipt).expect("original accepted");
            prop_assert_eq!(verified.expect("ok").document, original.document);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = timed("read", || read_unverified(&bytes));
    }
}

/// Valid FHIR files: a death record's submission, update and void, a twin birth report.
fn fhir_files() -> &'static [Value; 4] {
    static FILES: OnceLock<[Value; 4]> = OnceLock::new();
    FILES.get_or_init(|| {
        let [submission, update, void] =
            death_submission_update_void(&DeathRecordKey::new("79024", "123", "2026"));
        [submission, update, void, twin_birth_report("79025")]
    })
}

/// The JSON Pointer of every node below the root, in pre-order.
fn pointers(value: &Value, at: &str, out: &mut Vec<String>) {
    let mut visit = |key: String, child: &Value| {
        let pointer = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
        out.push(pointer.clone());
        pointers(child, &pointer, out);
    };
    match value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| visit(i.to_string(), v)),
        Value::Object(members) => members.iter().for_each(|(k, v)| visit(k.clone(), v)),
        _ => {}
    }
}

/// Replaces the `target`-th node (modulo the node count) with
/// `replacement`, or removes it from its parent when `replacement` is `None`.
fn mutate_tree(value: &mut Value, target: usize, replacement: Option<Value>) {
    let mut all = Vec::new();
    pointers(value, "", &mut all);
    let Some(pointer) = all.get(target % all.len().max(1)).cloned() else {
        return;
    };
    if let Some(new) = replacement {
        if let Some(slot) = value.pointer_mut(&pointer) {
            *slot = new;
        }
        return;
    }
    let (parent, last) = pointer.rsplit_once('/').unwrap_or(("", ""));
    match value.pointer_mut(parent) {
        Some(Value::Array(items)) => {
            if let Some(i) = last.parse::<usize>().ok().filter(|i| *i < items.len()) {
                items.remove(i);
            }
        }
        Some(Value::Object(members)) => {
            members.remove(&last.replace("~1", "/").replace("~0", "~"));
        }
        _ => {}
    }
}

fn replacement() -> impl Strategy<Value = Option<Value>> {
    prop::sample::select(vec![
        None,
        Some(Value::Null),
        Some(json!(0)),
        Some(json!(-1)),
        Some(json!(1.5e300)),
        Some(json!("")),
        Some(json!("x")),
        Some(json!(true)),
        Some(json!([])),
        Some(json!({})),
        Some(json!([{}])),
        Some(json!("2026-02-30")),
        Some(json!({ "resourceType": "Bundle", "type": "document" })),
    ])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_fhir_bytes_never_panic(file in 0usize..4, mutations in prop::collection::vec(mutation(), 1..6)) {
        let bytes = apply(fhir_files()[file].to_string().into_bytes(), &mutations);
        let _ = timed("read FHIR", || read_fhir(&bytes));
    }

    #[test]
    fn mutated_fhir_trees_never_panic(
        file in 0usize..4,
        edits in prop::collection::vec((any::<usize>(), replacement()), 1..8),
    ) {
        let mut value = fhir_files()[file].clone();
        for (target, new) in edits {
            mutate_tree(&mut value, target, new);
        }
        let bytes = value.to_string().into_bytes();
        let _ = timed("read FHIR", || read_fhir(&bytes));
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_fhir_reader(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = timed("read FHIR", || read_fhir(&bytes));
    }
}

const BILLION_LAUGHS: &str = r#"<?xml version="1.0"?>
<!DOCTYPE HSDLGBT [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<HSDLGBT><GIAYBAOTU Id="Id-1"><HO_TEN>&lol9;</HO_TEN></GIAYBAOTU><CHUKYDONVI/></HSDLGBT>"#;

const EXTERNAL_ENTITY: &str = r#"<?xml version="1.0"?>
<!DOCTYPE HSDLGBT [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<HSDLGBT><GIAYBAOTU Id="Id-1"><HO_TEN>&xxe;</HO_TEN></GIAYBAOTU><CHUKYDONVI/></HSDLGBT>"#;

#[test]
fn a_dtd_is_refused_before_any_entity_is_expanded() {
    let f = fixture();
    for hostile in [BILLION_LAUGHS, EXTERNAL_ENTITY] {
        assert_eq!(
            timed("read", || read_unverified(hostile.as_bytes())),
            Err(ReadError::DtdRefused)
        );
        let receipt = f.receipt(&f.trust, None);
        assert_eq!(
            timed("verify", || verify_and_read(hostile.as_bytes(), &receipt)),
            Err(Rejection::Read(ReadError::DtdRefused))
        );
    }
    // Inside an XML 130 set's base64 table 9 as well.
    let inner = hotich_health::testkit::xml130_xml(common::FACILITY_A, BILLION_LAUGHS);
    assert_eq!(
        read_unverified(inner.as_bytes()),
        Err(ReadError::DtdRefused)
    );
}

#[test]
fn deep_nesting_and_oversized_files_are_refused_quickly() {
    let depth = 20_000;
    let deep = format!(
        "<HSDLGBT>{}{}</HSDLGBT>",
        "<a>".repeat(depth),
        "</a>".repeat(depth)
    );
    assert_eq!(
        timed("deep", || read_unverified(deep.as_bytes())),
        Err(ReadError::TooDeep { limit: MAX_DEPTH })
    );
    let large = vec![b' '; MAX_DOCUMENT_BYTES + 1];
    assert_eq!(
        timed("large", || read_unverified(&large)),
        Err(ReadError::TooLarge {
            limit_bytes: MAX_DOCUMENT_BYTES
        })
    );
}
