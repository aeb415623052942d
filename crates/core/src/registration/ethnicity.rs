//! The 54 recognised ethnic groups with both official code lists
//! (`assets/reference/ethnicities.csv`): the 1979 list the health sector's
//! MA_DANTOC fields use, and the General Statistics Office's 2008 list.

use std::sync::OnceLock;

use crate::text::fold;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ethnicity {
    pub name: String,
    pub code_1979: String,
    pub code_2008: String,
    aliases: Vec<String>,
}

const CSV: &str = include_str!("../../../../assets/reference/ethnicities.csv");

pub fn all() -> &'static [Ethnicity] {
    static ALL: OnceLock<Vec<Ethnicity>> = OnceLock::new();
    ALL.get_or_init(|| {
        CSV.lines()
            .skip(1)
            .filter(|line| !line.trim().is_empty())
            .filter_map(|line| {
                let mut parts = line.split(',');
                let name = parts.next()?.trim().to_owned();
                let code_1979 = parts.next()?.trim().to_owned();
                let code_2008 = parts.next()?.trim().to_owned();
                let aliases = parts
                    .next()
                    .unwrap_or_default()
                    .split('|')
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(str::to_owned)
                    .collect();
                Some(Ethnicity {
                    name,
                    code_1979,
                    code_2008,
                    aliases,
                })
            })
            .collect()
    })
}

/// "Khơ-me", "khome", "Khmer" and "Khơ me" are one group: compares folded,
/// without spaces, hyphens or apostrophes.
fn key(text: &str) -> String {
    fold(text).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The group a name (or one of its other spellings) denotes.
pub fn by_name(name: &str) -> Option<&'static Ethnicity> {
    let wanted = key(name);
    if wanted.is_empty() {
        return None;
    }
    all()
        .iter()
        .find(|e| key(&e.name) == wanted || e.aliases.iter().any(|alias| key(alias) == wanted))
}

/// The group of a health-sector MA_DANTOC code (1979 list).
pub fn by_code_1979(code: &str) -> Option<&'static Ethnicity> {
    all().iter().find(|e| e.code_1979 == code.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_the_54_groups_with_both_code_lists() {
        assert_eq!(all().len(), 54);
        // The two lists number some groups differently: Hoa and Mường swap 04 and 06.
        assert_eq!(by_code_1979("04").unwrap().name, "Hoa");
        assert_eq!(by_code_1979("06").unwrap().code_2008, "04");
        assert_eq!(by_name("Mường").unwrap().code_2008, "04");
        assert_eq!(by_name("Hoa").unwrap().code_2008, "06");
    }

    #[test]
    fn matches_other_spellings_and_refuses_unknown_names() {
        assert_eq!(by_name("khơ-me").unwrap().name, "Khơ me");
        assert_eq!(by_name("H'Mông").unwrap().name, "Mông");
        assert_eq!(by_name("  kinh ").unwrap().name, "Kinh");
        assert_eq!(by_name("Ê-đê").unwrap().name, "Ê Đê");
        assert_eq!(by_name("Người sao Hỏa"), None);
        assert_eq!(by_name(""), None);
        assert_eq!(by_code_1979("55"), None);
    }
}
