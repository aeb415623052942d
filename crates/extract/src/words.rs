//! Numbers, dates and times in Vietnamese words, as the extracts print them
//! beside the digits ("ngày mười lăm tháng ba năm hai nghìn không trăm hai
//! mươi sáu"), so a date cannot be altered by changing a digit.

use chrono::{Datelike, NaiveDate};

const DIGITS: [&str; 10] = [
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
];

/// 0..=99. After a ten, 1 is read "mốt" and 5 "lăm" ("hai mươi mốt",
/// "mười lăm"); 10 to 19 are "mười ...".
fn below_hundred(n: u32) -> String {
    let (tens, units) = (n / 10, n % 10);
    let unit_after_ten = |units: u32, tens: u32| match units {
        1 if tens >= 2 => "mốt",
        5 => "lăm",
        u => DIGITS[u as usize],
    };
    match (tens, units) {
        (0, u) => DIGITS[u as usize].to_owned(),
        (1, 0) => "mười".to_owned(),
        (1, u) => format!("mười {}", unit_after_ten(u, 1)),
        (t, 0) => format!("{} mươi", DIGITS[t as usize]),
        (t, u) => format!("{} mươi {}", DIGITS[t as usize], unit_after_ten(u, t)),
    }
}

/// 0..=999 inside a larger number: the hundreds are always read ("không
/// trăm") and a lone unit after them takes "linh" ("một trăm linh năm").
fn group_of_three(n: u32, leading: bool) -> String {
    let (hundreds, rest) = (n / 100, n % 100);
    if leading && hundreds == 0 {
        return below_hundred(rest);
    }
    let head = format!("{} trăm", DIGITS[hundreds as usize]);
    match rest {
        0 => head,
        1..=9 => format!("{head} linh {}", DIGITS[rest as usize]),
        _ => format!("{head} {}", below_hundred(rest)),
    }
}

/// A whole number in words ("hai nghìn không trăm hai mươi sáu"). Dates,
/// times and counts stay far below a million; larger numbers keep their digits.
pub fn number_in_words(n: u32) -> String {
    if n >= 1_000_000 {
        return n.to_string();
    }
    let (thousands, units) = (n / 1_000, n % 1_000);
    match (thousands, units) {
        (0, u) => group_of_three(u, true),
        (t, 0) => format!("{} nghìn", group_of_three(t, true)),
        (t, u) => format!(
            "{} nghìn {}",
            group_of_three(t, true),
            group_of_three(u, false)
        ),
    }
}

/// The day of the month in words: 1 to 10 take "mồng" ("mồng năm"), so
/// that "ngày năm tháng năm" cannot be misread.
fn day_in_words(day: u32) -> String {
    if day <= 10 {
        format!("mồng {}", number_in_words(day))
    } else {
        number_in_words(day)
    }
}

/// The month in words: April is "tư", the other months are their numbers.
fn month_in_words(month: u32) -> String {
    match month {
        4 => "tư".to_owned(),
        m => number_in_words(m),
    }
}

/// "ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi sáu".
pub fn date_in_words(date: NaiveDate) -> String {
    format!(
        "ngày {} tháng {} năm {}",
        day_in_words(date.day()),
        month_in_words(date.month()),
        number_in_words(u32::try_from(date.year()).unwrap_or(0))
    )
}

/// "tháng ba năm hai nghìn không trăm hai mươi sáu", for a date whose day is unknown.
pub fn month_year_in_words(year: i32, month: u32) -> String {
    format!(
        "tháng {} năm {}",
        month_in_words(month),
        number_in_words(u32::try_from(year).unwrap_or(0))
    )
}

/// "mười bốn giờ không phút", for `hour:minute`.
pub fn time_in_words(hour: u32, minute: u32) -> String {
    format!(
        "{} giờ {} phút",
        number_in_words(hour),
        number_in_words(minute)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_numbers_follow_the_spoken_rules() {
        let cases = [
            (0, "không"),
            (1, "một"),
            (4, "bốn"),
            (5, "năm"),
            (10, "mười"),
            (11, "mười một"),
            (15, "mười lăm"),
            (20, "hai mươi"),
            (21, "hai mươi mốt"),
            (24, "hai mươi bốn"),
            (25, "hai mươi lăm"),
            (31, "ba mươi mốt"),
            (55, "năm mươi lăm"),
            (99, "chín mươi chín"),
            (100, "một trăm"),
            (105, "một trăm linh năm"),
            (110, "một trăm mười"),
            (115, "một trăm mười lăm"),
            (121, "một trăm hai mươi mốt"),
        ];
        for (n, words) in cases {
            assert_eq!(number_in_words(n), words, "{n}");
        }
    }

    #[test]
    fn years_read_every_hundred() {
        assert_eq!(number_in_words(2026), "hai nghìn không trăm hai mươi sáu");
        assert_eq!(number_in_words(2005), "hai nghìn không trăm linh năm");
        assert_eq!(number_in_words(2010), "hai nghìn không trăm mười");
        assert_eq!(number_in_words(2000), "hai nghìn");
        assert_eq!(number_in_words(1948), "một nghìn chín trăm bốn mươi tám");
        assert_eq!(
            number_in_words(12_345),
            "mười hai nghìn ba trăm bốn mươi lăm"
        );
    }

    #[test]
    fn dates_read_as_on_the_civil_status_forms() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        for (day, words) in [
            (
                date(2026, 3, 15),
                "ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi sáu",
            ),
            (
                date(2025, 4, 5),
                "ngày mồng năm tháng tư năm hai nghìn không trăm hai mươi lăm",
            ),
            (
                date(2026, 12, 31),
                "ngày ba mươi mốt tháng mười hai năm hai nghìn không trăm hai mươi sáu",
            ),
            (
                date(2026, 11, 10),
                "ngày mồng mười tháng mười một năm hai nghìn không trăm hai mươi sáu",
            ),
        ] {
            assert_eq!(date_in_words(day), words, "{day}");
        }
    }

    #[test]
    fn times_read_hours_and_minutes() {
        assert_eq!(time_in_words(14, 30), "mười bốn giờ ba mươi phút");
        assert_eq!(time_in_words(0, 5), "không giờ năm phút");
        assert_eq!(time_in_words(21, 0), "hai mươi mốt giờ không phút");
    }
}
