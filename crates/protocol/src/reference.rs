//! Administrative units since 1 July 2025 (Decision 19/2025/QĐ-TTg): 34
//! provinces and the communes (xã, phường, đặc khu) that register civil
//! status. Commune codes route notifications, so they belong to the protocol.
//! Data: `assets/reference/` (General Statistics Office list, MIT licence).

use std::sync::OnceLock;

const PROVINCES_CSV: &str = include_str!("../../../assets/reference/provinces.csv");
const COMMUNES_CSV: &str = include_str!("../../../assets/reference/communes.csv");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Province {
    pub code: &'static str,
    pub name: &'static str,
    /// "Tỉnh Cao Bằng", "Thành phố Hà Nội".
    pub full_name: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commune {
    pub code: &'static str,
    pub province_code: &'static str,
    pub name: &'static str,
    /// "Phường Ba Đình", "Xã Tiên Yên".
    pub full_name: &'static str,
    /// Xã, Phường or Đặc khu.
    pub unit: &'static str,
}

/// Rows of a shipped CSV without quoting (checked by the tests below).
fn rows(csv: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    csv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').collect())
}

pub fn provinces() -> &'static [Province] {
    static PROVINCES: OnceLock<Vec<Province>> = OnceLock::new();
    PROVINCES.get_or_init(|| {
        rows(PROVINCES_CSV)
            .map(|f| Province {
                code: f[0],
                name: f[1],
                full_name: f[2],
            })
            .collect()
    })
}

pub fn communes() -> &'static [Commune] {
    static COMMUNES: OnceLock<Vec<Commune>> = OnceLock::new();
    COMMUNES.get_or_init(|| {
        let mut list: Vec<Commune> = rows(COMMUNES_CSV)
            .map(|f| Commune {
                code: f[0],
                province_code: f[1],
                name: f[2],
                full_name: f[3],
                unit: f[5],
            })
            .collect();
        list.sort_by_key(|c| c.code);
        list
    })
}

pub fn province(code: &str) -> Option<&'static Province> {
    provinces().iter().find(|p| p.code == code)
}

pub fn commune(code: &str) -> Option<&'static Commune> {
    communes()
        .binary_search_by(|c| c.code.cmp(code))
        .ok()
        .map(|i| &communes()[i])
}

pub fn communes_in(province_code: &str) -> impl Iterator<Item = &'static Commune> + '_ {
    communes()
        .iter()
        .filter(move |c| c.province_code == province_code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_lists_have_the_2025_counts() {
        assert_eq!(provinces().len(), 34);
        assert_eq!(communes().len(), 3321);
        assert!(PROVINCES_CSV
            .lines()
            .chain(COMMUNES_CSV.lines())
            .all(|l| !l.contains('"')));
        assert!(rows(PROVINCES_CSV).all(|f| f.len() == 5));
        assert!(rows(COMMUNES_CSV).all(|f| f.len() == 6));
    }

    #[test]
    fn lookup_by_code_finds_units() {
        assert!(
            communes().windows(2).all(|w| w[0].code < w[1].code),
            "codes are unique"
        );
        let ba_dinh = commune("00004").unwrap();
        assert_eq!(ba_dinh.full_name, "Phường Ba Đình");
        assert_eq!(province(ba_dinh.province_code).unwrap().name, "Hà Nội");
        assert!(commune("99999").is_none());
        assert!(communes_in("96").all(|c| c.province_code == "96"));
    }
}
