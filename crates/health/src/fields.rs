//! One record's fields, read by element name (never by position), checked
//! against the official table (length, form, date format), then handed to the
//! mapping one by one; what the mapping does not take stays as ordered extras.

use chrono::{NaiveDate, NaiveDateTime};
use hotich_protocol::{PartialDate, Sex};

use crate::error::ReadError;

/// The form a value must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Text,
    /// Digits only (codes and counts that are numbers in the official table).
    Digits,
    /// `yyyyMMdd`.
    Date8,
    /// `yyyyMMdd` where an unknown month or day is written `00`.
    PartialDate8,
    /// `yyyyMMddHHmm`.
    DateTime12,
    /// `yyyyMMddHHmmss`.
    DateTime14,
    /// One of the listed codes.
    OneOf(&'static [&'static str]),
}

impl Form {
    fn expected(self) -> &'static str {
        match self {
            Form::Text => "text",
            Form::Digits => "digits",
            Form::Date8 | Form::PartialDate8 => "yyyyMMdd",
            Form::DateTime12 => "yyyyMMddHHmm",
            Form::DateTime14 => "yyyyMMddHHmmss",
            Form::OneOf(_) => "one of the official codes",
        }
    }
}

/// One official element: its name, its length limit in characters (None: the
/// table gives no maximum), its form, and whether the model needs it.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    pub name: &'static str,
    pub max_chars: Option<usize>,
    pub form: Form,
    pub required: bool,
}

/// The official tables (`official_fields.tsv`: table, element, max, form, req).
const OFFICIAL_FIELDS: &str = include_str!("official_fields.tsv");

fn form_of(code: &str) -> Option<Form> {
    Some(match code {
        "text" => Form::Text,
        "digits" => Form::Digits,
        "date8" => Form::Date8,
        "partial_date8" => Form::PartialDate8,
        "datetime12" => Form::DateTime12,
        "datetime14" => Form::DateTime14,
        "sex" => Form::OneOf(&["1", "2", "3"]),
        "flag" => Form::OneOf(&["0", "1"]),
        _ => return None,
    })
}

fn parse_row(line: &'static str) -> Option<(&'static str, FieldSpec)> {
    let mut columns = line.split('\t');
    let table = columns.next()?;
    let name = columns.next()?;
    let max_chars = match columns.next()? {
        "-" => None,
        max => Some(max.parse().ok()?),
    };
    let form = form_of(columns.next()?)?;
    let required = match columns.next()? {
        "req" => true,
        "opt" => false,
        _ => return None,
    };
    Some((
        table,
        FieldSpec {
            name,
            max_chars,
            form,
            required,
        },
    ))
}

fn tables() -> &'static std::collections::BTreeMap<&'static str, Vec<FieldSpec>> {
    static TABLES: std::sync::OnceLock<std::collections::BTreeMap<&'static str, Vec<FieldSpec>>> =
        std::sync::OnceLock::new();
    TABLES.get_or_init(|| {
        let mut tables: std::collections::BTreeMap<&'static str, Vec<FieldSpec>> =
            Default::default();
        let rows = OFFICIAL_FIELDS
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty());
        for (table, spec) in rows.filter_map(parse_row) {
            tables.entry(table).or_default().push(spec);
        }
        tables
    })
}

/// One official table by name (empty for an unknown name; a test checks
/// every row of the file parses).
pub fn table(name: &str) -> &'static [FieldSpec] {
    tables().get(name).map(Vec::as_slice).unwrap_or(&[])
}

/// The fields of one record element, in document order.
#[derive(Debug)]
pub struct RecordFields {
    fields: Vec<(String, String)>,
    taken: Vec<bool>,
}

impl RecordFields {
    /// Reads the direct children of `record` and checks them against each
    /// table of `tables`. An empty element counts as absent.
    pub fn read(
        record: roxmltree::Node<'_, '_>,
        tables: &[&[FieldSpec]],
    ) -> Result<Self, ReadError> {
        let mut fields: Vec<(String, String)> = Vec::new();
        for child in record.children().filter(|n| n.is_element()) {
            let name = child.tag_name().name();
            if fields.iter().any(|(n, _)| n == name) {
                return Err(ReadError::DuplicateElement {
                    element: name.to_owned(),
                });
            }
            if child.children().any(|n| n.is_element()) {
                return Err(ReadError::WrongForm {
                    element: name.to_owned(),
                    expected: "a value without child elements",
                });
            }
            let value: String = child
                .children()
                .filter_map(|n| n.text())
                .collect::<String>()
                .trim()
                .to_owned();
            fields.push((name.to_owned(), value));
        }
        let record_fields = RecordFields {
            taken: vec![false; fields.len()],
            fields,
        };
        for spec in tables.iter().flat_map(|table| table.iter()) {
            record_fields.check(spec)?;
        }
        Ok(record_fields)
    }

    fn value(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, v)| n == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    fn check(&self, spec: &FieldSpec) -> Result<(), ReadError> {
        let element = || spec.name.to_owned();
        let Some(value) = self.value(spec.name) else {
            return if spec.required {
                Err(ReadError::MissingElement { element: element() })
            } else {
                Ok(())
            };
        };
        let chars = value.chars().count();
        let is_date = matches!(
            spec.form,
            Form::Date8 | Form::PartialDate8 | Form::DateTime12 | Form::DateTime14
        );
        // A date of the wrong length is a wrong date format, not a long value.
        if let Some(max) = spec.max_chars.filter(|_| !is_date) {
            if chars > max {
                return Err(ReadError::TooLong {
                    element: element(),
                    max_chars: max,
                    actual_chars: chars,
                });
            }
        }
        let wrong_form = || ReadError::WrongForm {
            element: element(),
            expected: spec.form.expected(),
        };
        let bad_date = || ReadError::BadDate {
            element: element(),
            expected: spec.form.expected(),
        };
        match spec.form {
            Form::Text => Ok(()),
            Form::Digits if value.bytes().all(|b| b.is_ascii_digit()) => Ok(()),
            Form::Digits => Err(wrong_form()),
            Form::OneOf(codes) if codes.contains(&value) => Ok(()),
            Form::OneOf(_) => Err(wrong_form()),
            Form::Date8 => parse_date8(value).map(|_| ()).ok_or_else(bad_date),
            Form::PartialDate8 => parse_partial_date8(value).map(|_| ()).ok_or_else(bad_date),
            Form::DateTime12 => parse_datetime(value, 12).map(|_| ()).ok_or_else(bad_date),
            Form::DateTime14 => parse_datetime(value, 14).map(|_| ()).ok_or_else(bad_date),
        }
    }

    /// Marks the first of `names` present as used by the model and returns its value.
    fn take_any(&mut self, names: &[&str]) -> Option<String> {
        for name in names {
            if let Some(i) = self
                .fields
                .iter()
                .position(|(n, v)| n == name && !v.is_empty())
            {
                self.taken[i] = true;
                return Some(self.fields[i].1.clone());
            }
        }
        // An empty element is still "used": it is not an extra.
        for name in names {
            if let Some(i) = self.fields.iter().position(|(n, _)| n == name) {
                self.taken[i] = true;
            }
        }
        None
    }

    pub fn text(&mut self, name: &str) -> Option<String> {
        self.take_any(&[name])
    }

    /// The first present of several official names for the same field.
    pub fn text_of_any(&mut self, names: &[&str]) -> Option<String> {
        self.take_any(names)
    }

    /// A value the specs marked required (so present once `read` succeeded).
    pub fn required(&mut self, name: &str) -> Result<String, ReadError> {
        self.take_any(&[name])
            .ok_or_else(|| ReadError::MissingElement {
                element: name.to_owned(),
            })
    }

    pub fn required_of_any(&mut self, names: &[&str]) -> Result<String, ReadError> {
        self.take_any(names)
            .ok_or_else(|| ReadError::MissingElement {
                element: names.join(" | "),
            })
    }

    pub fn number<T: std::str::FromStr>(&mut self, name: &str) -> Result<T, ReadError> {
        self.required(name)?
            .parse()
            .map_err(|_| ReadError::WrongForm {
                element: name.to_owned(),
                expected: "a number in range",
            })
    }

    pub fn flag(&mut self, name: &str) -> bool {
        self.text(name).as_deref() == Some("1")
    }

    pub fn sex(&mut self, name: &str) -> Result<Sex, ReadError> {
        match self.required(name)?.as_str() {
            "1" => Ok(Sex::Male),
            "2" => Ok(Sex::Female),
            "3" => Ok(Sex::Undetermined),
            _ => Err(ReadError::WrongForm {
                element: name.to_owned(),
                expected: "1, 2 or 3",
            }),
        }
    }

    fn bad_date(name: &str, expected: &'static str) -> ReadError {
        ReadError::BadDate {
            element: name.to_owned(),
            expected,
        }
    }

    pub fn date(&mut self, name: &str) -> Result<Option<NaiveDate>, ReadError> {
        self.text(name)
            .map(|v| parse_date8(&v).ok_or_else(|| Self::bad_date(name, "yyyyMMdd")))
            .transpose()
    }

    pub fn required_date(&mut self, name: &str) -> Result<NaiveDate, ReadError> {
        let value = self.required(name)?;
        parse_date8(&value).ok_or_else(|| Self::bad_date(name, "yyyyMMdd"))
    }

    pub fn partial_date(&mut self, name: &str) -> Result<PartialDate, ReadError> {
        let value = self.required(name)?;
        parse_partial_date8(&value).ok_or_else(|| Self::bad_date(name, "yyyyMMdd"))
    }

    /// A time of `digits` (12 or 14) characters.
    pub fn datetime(
        &mut self,
        name: &str,
        digits: usize,
    ) -> Result<Option<NaiveDateTime>, ReadError> {
        let expected = if digits == 14 {
            "yyyyMMddHHmmss"
        } else {
            "yyyyMMddHHmm"
        };
        self.text(name)
            .map(|v| parse_datetime(&v, digits).ok_or_else(|| Self::bad_date(name, expected)))
            .transpose()
    }

    pub fn required_datetime(
        &mut self,
        name: &str,
        digits: usize,
    ) -> Result<NaiveDateTime, ReadError> {
        self.datetime(name, digits)?
            .ok_or_else(|| ReadError::MissingElement {
                element: name.to_owned(),
            })
    }

    /// The fields the model did not take, in document order (empty ones left out).
    pub fn extras(self) -> Vec<(String, String)> {
        self.fields
            .into_iter()
            .zip(self.taken)
            .filter(|((_, v), taken)| !taken && !v.is_empty())
            .map(|(field, _)| field)
            .collect()
    }
}

fn all_digits(value: &str, len: usize) -> bool {
    value.len() == len && value.bytes().all(|b| b.is_ascii_digit())
}

fn parse_date8(value: &str) -> Option<NaiveDate> {
    if !all_digits(value, 8) {
        return None;
    }
    NaiveDate::parse_from_str(value, "%Y%m%d").ok()
}

/// `yyyy0000` is a year alone, `yyyymm00` a month; otherwise a full date.
fn parse_partial_date8(value: &str) -> Option<PartialDate> {
    if !all_digits(value, 8) {
        return None;
    }
    let year: i32 = value[0..4].parse().ok()?;
    let month: u32 = value[4..6].parse().ok()?;
    let day: u32 = value[6..8].parse().ok()?;
    match (month, day) {
        (0, 0) => Some(PartialDate::Year(year)),
        (1..=12, 0) => Some(PartialDate::YearMonth(year, month)),
        _ => NaiveDate::from_ymd_opt(year, month, day).map(PartialDate::Full),
    }
}

fn parse_datetime(value: &str, digits: usize) -> Option<NaiveDateTime> {
    if !all_digits(value, digits) {
        return None;
    }
    let format = if digits == 14 {
        "%Y%m%d%H%M%S"
    } else {
        "%Y%m%d%H%M"
    };
    NaiveDateTime::parse_from_str(value, format).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_of_the_official_tables_parses() {
        let rows = OFFICIAL_FIELDS
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty());
        for line in rows {
            assert!(parse_row(line).is_some(), "bad row {line:?}");
        }
        assert_eq!(table("death_notice").len(), 38);
        assert_eq!(table("birth_common").len(), 29);
        assert_eq!(table("xml9").len(), 6);
        assert_eq!(table("birth_certificate").len(), 41);
        assert!(table("death_notice")
            .iter()
            .any(|f| f.name == "NGAY_TV" && f.form == Form::DateTime12 && f.required));
    }

    #[test]
    fn partial_dates_keep_unknown_parts_unknown() {
        assert_eq!(
            parse_partial_date8("19500000"),
            Some(PartialDate::Year(1950))
        );
        assert_eq!(
            parse_partial_date8("19500700"),
            Some(PartialDate::YearMonth(1950, 7))
        );
        assert_eq!(
            parse_partial_date8("19500102").map(|d| d.to_string()),
            Some("1950-01-02".to_owned())
        );
        assert_eq!(parse_partial_date8("19501302"), None);
        assert_eq!(parse_partial_date8("1950-1-2"), None);
    }

    #[test]
    fn times_need_exactly_their_digits() {
        assert!(parse_datetime("202601021530", 12).is_some());
        assert!(parse_datetime("20260102153000", 12).is_none());
        assert!(parse_datetime("20260102153045", 14).is_some());
        assert!(parse_datetime("202601021560", 12).is_none());
    }
}
