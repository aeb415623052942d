//! The signer's title block: a deputy signing for the chairman prints "KT.
//! CHỦ TỊCH" above "PHÓ CHỦ TỊCH" (Decree 30/2020/NĐ-CP, Appendix I), the
//! content the code covers says so, and a chairman's block stays one line.

mod common;
use common::{death, field_value, prepare};

use hotich_core::DocumentKind;
use hotich_extract::render::Mark;

/// The bold lines of the page's right-hand signature block, top first.
fn texts(registration: &hotich_core::Registration) -> Vec<(String, f32)> {
    let prepared = prepare(registration, DocumentKind::DeathExtract).unwrap();
    let mut lines: Vec<(String, f32)> = prepared
        .pages()
        .unwrap()
        .remove(0)
        .into_iter()
        .filter_map(|mark| match mark {
            Mark::Text { text, y, .. } => Some((text, y)),
            _ => None,
        })
        .collect();
    lines.sort_by(|a, b| b.1.total_cmp(&a.1));
    lines
}

fn y_of(lines: &[(String, f32)], text: &str) -> Option<f32> {
    lines.iter().find(|(t, _)| t == text).map(|(_, y)| *y)
}

#[test]
fn a_deputy_signing_on_behalf_prints_kt_chu_tich_above_the_title() {
    let mut registration = death();
    assert_eq!(registration.current.signer_title, "Phó Chủ tịch");
    let alone = texts(&registration);
    assert!(y_of(&alone, "KT. CHỦ TỊCH").is_none());
    assert!(
        y_of(&alone, "PHÓ CHỦ TỊCH").is_some(),
        "the title is printed"
    );

    registration.current.signer_on_behalf = true;
    let lines = texts(&registration);
    let on_behalf = y_of(&lines, "KT. CHỦ TỊCH").expect("KT. CHỦ TỊCH is printed");
    let title = y_of(&lines, "PHÓ CHỦ TỊCH").expect("the title is printed");
    // Page coordinates grow upwards: KT. above the title, on the next line.
    assert!(on_behalf > title, "{on_behalf} > {title}");
    assert!(on_behalf - title < 10.0, "{on_behalf} - {title}");
    let name = y_of(&lines, "Lường Thị Ỗn").expect("the signer's name");
    assert!(name < title);

    let prepared = prepare(&registration, DocumentKind::DeathExtract).unwrap();
    assert_eq!(
        field_value(&prepared.content, "Chức vụ người ký"),
        "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
    );
}
