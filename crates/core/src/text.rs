//! Vietnamese text: NFC storage and accent-insensitive folding.
//! No table.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// NFC with surrounding and repeated inner white space removed: the form
/// every name is stored in, whatever form it arrived in.
pub fn clean(text: &str) -> String {
    let nfc: String = text.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `clean` on each line, keeping the line breaks someone typed.
pub fn clean_lines(text: &str) -> String {
    text.lines().map(clean).collect::<Vec<_>>().join("\n")
}

/// The search key of a text: lower case, no diacritics, đ as d, one space
/// between words. "Nguyễn Thị Hằng", its NFD form and "nguyen thi hang" all
/// fold to "nguyen thi hang"; old and new tone placement ("hoà", "hòa") fold
/// alike because every mark is dropped.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    let mut pending_space = false;
    // NFD does not decompose đ/Đ (it is a letter, not d + mark): map it explicitly.
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !folded.is_empty();
            continue;
        }
        if pending_space {
            folded.push(' ');
            pending_space = false;
        }
        match c {
            'đ' | 'Đ' => folded.push('d'),
            _ => folded.extend(c.to_lowercase()),
        }
    }
    folded
}

/// The first letter in lower case, for a proper name in running text:
/// "Tỉnh Cao Bằng" -> "tỉnh Cao Bằng" ("Xã Bằng Thành, tỉnh Cao Bằng").
pub fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn folds_vietnamese_to_plain_lower_case() {
        assert_eq!(fold("Nguyễn Thị Hằng"), "nguyen thi hang");
        assert_eq!(fold("ĐẶNG VĂN ĐỨC"), "dang van duc");
        assert_eq!(fold("  Trần   Ngữ  "), "tran ngu");
        assert_eq!(fold("hoà"), fold("hòa"));
    }

    #[test]
    fn nfd_input_folds_and_cleans_like_nfc() {
        let nfc = "Nguyễn Thị Hằng";
        let nfd: String = nfc.nfd().collect();
        assert_ne!(nfc, nfd);
        assert_eq!(fold(&nfd), fold(nfc));
        assert_eq!(clean(&nfd), nfc);
    }

    proptest! {
        #[test]
        fn folding_is_idempotent_and_ascii_for_vietnamese(s in "[a-zA-ZàáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĐ ]{0,40}") {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once.clone());
            prop_assert!(once.is_ascii());
            prop_assert_eq!(fold(&s.nfd().collect::<String>()), once);
        }
    }
}
