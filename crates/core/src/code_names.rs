//! The names behind the reference codes a notification carries (ethnicity,
//! nationality, ID document type, province, commune), decoded once here so
//! the case view and `hotich case` both show "Kinh (01)" instead of a bare
//! code, and say so when a code is not in the shipped lists.
//!
//! No table: reads the reference lists shipped with the program
//! (`hotich_protocol::reference`, `registration::ethnicity`).

use std::collections::BTreeMap;

use hotich_protocol::{reference, DeathNotice, Notification};
use serde::{Deserialize, Serialize};

use crate::labels::{self, Lang};
use crate::registration::ethnicity;

/// A code and the name the reference lists give it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CodeName {
    pub code: String,
    /// `None`: the code is not in the reference list.
    pub name: Option<String>,
}

impl CodeName {
    fn new(code: &str, name: Option<String>) -> CodeName {
        CodeName {
            code: code.trim().to_owned(),
            name,
        }
    }

    /// "Kinh (01)"; "99 (mã không có trong danh mục)" for a code not listed.
    pub fn shown(&self, lang: Lang) -> String {
        match &self.name {
            Some(name) => format!("{name} ({})", self.code),
            None => format!("{} {}", self.code, labels::code_not_listed(lang)),
        }
    }
}

/// MA_QUOCTICH: the numeric nationality code of Việt Nam, the only one the
/// notifications of a commune office carry in practice.
const VIETNAM: &str = "704";

/// The ethnic group of a health-sector MA_DANTOC code (1979 list).
pub fn ethnicity_name(code: &str) -> Option<String> {
    ethnicity::by_code_1979(code).map(|e| e.name.clone())
}

/// The nationality of a MA_QUOCTICH code; only Việt Nam is listed.
pub fn nationality_name(code: &str) -> Option<String> {
    (code.trim() == VIETNAM).then(|| "Việt Nam".to_owned())
}

/// LOAI_GIAYTO of a death notice: the kind of the deceased's ID document
/// (0 when the notice records none).
pub fn id_document_type_name(code: u8) -> Option<String> {
    let name = match code {
        0 => "Không có giấy tờ tùy thân",
        1 => "Chứng minh nhân dân",
        2 => "Căn cước công dân",
        3 => "Hộ chiếu",
        4 => "Giấy tờ khác",
        _ => return None,
    };
    Some(name.to_owned())
}

/// "Tỉnh Cao Bằng", "Thành phố Hà Nội".
pub fn province_name(code: &str) -> Option<String> {
    reference::province(code.trim()).map(|p| p.full_name.to_owned())
}

/// "Xã Bằng Thành, tỉnh Cao Bằng": the commune with its province, as
/// written in running text.
pub fn commune_name(code: &str) -> Option<String> {
    let commune = reference::commune(code.trim())?;
    Some(match reference::province(commune.province_code) {
        Some(province) => format!(
            "{}, {}",
            commune.full_name,
            crate::text::lower_first(province.full_name)
        ),
        None => commune.full_name.to_owned(),
    })
}

/// Every coded field `notification` carries, by its field's name: the
/// notification's `commune_code`, then the birth certificate's or the death
/// notice's (`mother_ethnicity_code`, `residence_commune_code`,
/// `permanent_province_code`, `id_document_type`, ...). Optional fields left
/// empty are absent; district codes are not decoded (districts were
/// abolished on 1 July 2025 and no list is shipped).
pub fn code_names(notification: &Notification) -> BTreeMap<String, CodeName> {
    let mut names = Names(BTreeMap::new());
    names.commune("commune_code", Some(&notification.commune_code));
    if let Some(b) = &notification.birth {
        names.ethnicity("mother_ethnicity_code", &b.mother_ethnicity_code);
        names.nationality(&b.nationality_code);
        let (province, commune) = (&b.residence_province_code, &b.residence_commune_code);
        names.residence("residence", Some(province), Some(commune));
    }
    if let Some(d) = &notification.death {
        death_codes(d, &mut names);
    }
    names.0
}

fn death_codes(d: &DeathNotice, names: &mut Names) {
    names.ethnicity("ethnicity_code", &d.ethnicity_code);
    names.nationality(&d.nationality_code);
    let (province, commune) = (&d.permanent_province_code, &d.permanent_commune_code);
    names.residence("permanent", Some(province), Some(commune));
    let (province, commune) = (&d.current_province_code, &d.current_commune_code);
    names.residence("current", province.as_deref(), commune.as_deref());
    names.add(
        "id_document_type",
        &d.id_document_type.to_string(),
        id_document_type_name(d.id_document_type),
    );
}

/// The decoded codes collected by field name; a field left empty is skipped.
struct Names(BTreeMap<String, CodeName>);

impl Names {
    fn add(&mut self, field: &str, code: &str, name: Option<String>) {
        if !code.trim().is_empty() {
            self.0.insert(field.to_owned(), CodeName::new(code, name));
        }
    }

    fn ethnicity(&mut self, field: &str, code: &str) {
        self.add(field, code, ethnicity_name(code));
    }

    fn nationality(&mut self, code: &str) {
        self.add("nationality_code", code, nationality_name(code));
    }

    fn commune(&mut self, field: &str, code: Option<&str>) {
        let code = code.unwrap_or_default();
        self.add(field, code, commune_name(code));
    }

    /// `<prefix>_province_code` and `<prefix>_commune_code`.
    fn residence(&mut self, prefix: &str, province: Option<&str>, commune: Option<&str>) {
        let province = province.unwrap_or_default();
        self.add(
            &format!("{prefix}_province_code"),
            province,
            province_name(province),
        );
        self.commune(&format!("{prefix}_commune_code"), commune);
    }
}

/// The Vietnamese name of a coded field, for the command line (the window
/// words them in its dictionaries, `ui/src/i18n`).
pub fn field_label(field: &str) -> &str {
    match field {
        "commune_code" => "Xã/phường phải xử lý",
        "mother_ethnicity_code" => "Dân tộc của mẹ",
        "ethnicity_code" => "Dân tộc",
        "nationality_code" => "Quốc tịch",
        "residence_province_code" => "Tỉnh cư trú",
        "residence_commune_code" => "Xã/phường cư trú",
        "permanent_province_code" => "Tỉnh thường trú",
        "permanent_commune_code" => "Xã/phường thường trú",
        "current_province_code" => "Tỉnh tạm trú",
        "current_commune_code" => "Xã/phường tạm trú",
        "id_document_type" => "Loại giấy tờ tùy thân",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_decode_to_the_reference_names() {
        assert_eq!(ethnicity_name("01").as_deref(), Some("Kinh"));
        assert_eq!(ethnicity_name("04").as_deref(), Some("Hoa"));
        assert_eq!(nationality_name("704").as_deref(), Some("Việt Nam"));
        assert_eq!(province_name("04").as_deref(), Some("Tỉnh Cao Bằng"));
        assert_eq!(province_name("01").as_deref(), Some("Thành phố Hà Nội"));
        assert_eq!(
            commune_name("01864").as_deref(),
            Some("Xã Bằng Thành, tỉnh Thái Nguyên")
        );
        assert_eq!(
            commune_name("00004").as_deref(),
            Some("Phường Ba Đình, thành phố Hà Nội")
        );
        assert_eq!(
            id_document_type_name(2).as_deref(),
            Some("Căn cước công dân")
        );
        for unknown in [
            ethnicity_name("77"),
            province_name("99"),
            commune_name("99999"),
        ] {
            assert_eq!(unknown, None);
        }
        assert_eq!(id_document_type_name(9), None);
    }

    #[test]
    fn a_code_shows_with_its_name_or_says_it_is_not_listed() {
        let kinh = CodeName::new("01", ethnicity_name("01"));
        assert_eq!(kinh.shown(Lang::Vi), "Kinh (01)");
        let unknown = CodeName::new(" 77 ", ethnicity_name("77"));
        assert_eq!(unknown.shown(Lang::Vi), "77 (mã không có trong danh mục)");
        assert_eq!(
            unknown.shown(Lang::En),
            "77 (code not in the reference list)"
        );
    }

    #[test]
    fn every_coded_field_of_a_death_is_named_and_empty_ones_are_left_out() {
        let mut notification = hotich_protocol::samples::death();
        let death = notification.death.as_mut().unwrap();
        death.current_province_code = None;
        death.current_commune_code = Some(String::new());
        death.ethnicity_code = "77".into();
        let names = code_names(&notification);
        let keys: Vec<&str> = names.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "commune_code",
                "ethnicity_code",
                "id_document_type",
                "nationality_code",
                "permanent_commune_code",
                "permanent_province_code",
            ]
        );
        assert_eq!(names["ethnicity_code"].name, None);
        assert!(names["permanent_commune_code"].name.is_some());
        assert_eq!(
            names["id_document_type"].shown(Lang::Vi),
            "Căn cước công dân (2)"
        );
    }
}
