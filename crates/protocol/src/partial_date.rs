//! A date whose day or month may be unknown, as the death notice's NGAY_SINH
//! allows (the official table writes the unknown parts as 00).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `yyyy`, `yyyy-mm` or `yyyy-mm-dd`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
pub enum PartialDate {
    Year(i32),
    YearMonth(i32, u32),
    Full(NaiveDate),
}

impl PartialDate {
    pub fn year(&self) -> i32 {
        match *self {
            PartialDate::Year(y) | PartialDate::YearMonth(y, _) => y,
            PartialDate::Full(d) => d.year(),
        }
    }

    /// The earliest day this date can stand for.
    pub fn earliest(&self) -> NaiveDate {
        let first = |y, m| NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(NaiveDate::MIN);
        match *self {
            PartialDate::Year(y) => first(y, 1),
            PartialDate::YearMonth(y, m) => first(y, m),
            PartialDate::Full(d) => d,
        }
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartialDate::Year(y) => write!(f, "{y:04}"),
            PartialDate::YearMonth(y, m) => write!(f, "{y:04}-{m:02}"),
            PartialDate::Full(d) => write!(f, "{}", d.format("%Y-%m-%d")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a date of the form yyyy, yyyy-mm or yyyy-mm-dd: {0:?}")]
pub struct PartialDateError(String);

impl FromStr for PartialDate {
    type Err = PartialDateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || PartialDateError(s.to_owned());
        let parts: Vec<&str> = s.split('-').collect();
        let year_of = |p: &str| -> Result<i32, PartialDateError> {
            if p.len() == 4 && p.bytes().all(|b| b.is_ascii_digit()) {
                p.parse().map_err(|_| err())
            } else {
                Err(err())
            }
        };
        let month_of = |p: &str| -> Result<u32, PartialDateError> {
            match p.parse::<u32>() {
                Ok(m) if p.len() == 2 && (1..=12).contains(&m) => Ok(m),
                _ => Err(err()),
            }
        };
        match parts.as_slice() {
            [y] => Ok(PartialDate::Year(year_of(y)?)),
            [y, m] => Ok(PartialDate::YearMonth(year_of(y)?, month_of(m)?)),
            [_, _, d] if d.len() == 2 => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(PartialDate::Full)
                .map_err(|_| err()),
            _ => Err(err()),
        }
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_each_precision() {
        for text in ["1950", "1950-03", "1950-03-15"] {
            let date: PartialDate = text.parse().unwrap();
            assert_eq!(date.to_string(), text);
            assert_eq!(date.year(), 1950);
        }
    }

    #[test]
    fn rejects_impossible_dates() {
        for text in ["", "50", "1950-13", "1950-02-30", "1950-3-1", "abcd"] {
            assert!(text.parse::<PartialDate>().is_err(), "{text} accepted");
        }
    }
}
