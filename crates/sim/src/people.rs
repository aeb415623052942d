//! People: names, ID numbers, phone numbers, insurance numbers, as the
//! simulator draws them (public so benchmarks can draw realistic names too).

use chrono::{Datelike, Duration, NaiveDate};
use hotich_protocol::personal_id::{sex_century_digit, PRE_2025_PROVINCE_CODES};
use hotich_protocol::Sex;
use rand::Rng;

use crate::data::{self, pick, weighted};

pub fn surname<R: Rng + ?Sized>(rng: &mut R) -> &'static str {
    weighted::<&str, R>(rng, data::SURNAMES)
}

/// A middle name that suits the sex and generation.
pub fn middle_name<R: Rng + ?Sized>(rng: &mut R, sex: Sex, birth_year: i32) -> &'static str {
    let old = birth_year < 1990;
    let list = match (sex, old) {
        (Sex::Female, true) => data::FEMALE_MIDDLE_OLD,
        (Sex::Female, false) => data::FEMALE_MIDDLE_YOUNG,
        (_, true) => data::MALE_MIDDLE_OLD,
        (_, false) => data::MALE_MIDDLE_YOUNG,
    };
    weighted::<&str, R>(rng, list)
}

pub fn given_name<R: Rng + ?Sized>(rng: &mut R, sex: Sex) -> &'static str {
    match sex {
        Sex::Female => pick::<&str, R>(rng, data::FEMALE_GIVEN),
        _ => pick::<&str, R>(rng, data::MALE_GIVEN),
    }
}

/// "Nguyễn Thị Hằng": surname (given or drawn), middle name, given name.
pub fn full_name<R: Rng + ?Sized>(
    rng: &mut R,
    sex: Sex,
    birth_year: i32,
    surname_of: Option<&str>,
) -> String {
    let family = surname_of.map_or_else(|| surname(rng).to_owned(), str::to_owned);
    let middle = middle_name(rng, sex, birth_year);
    let mut given = given_name(rng, sex);
    while given == middle {
        given = given_name(rng, sex);
    }
    format!("{family} {middle} {given}")
}

/// An adult of either sex (staff of a facility).
pub fn adult_name<R: Rng + ?Sized>(
    rng: &mut R,
    surname_of: Option<&str>,
    birth_year: i32,
) -> String {
    let sex = if rng.gen_bool(0.5) {
        Sex::Male
    } else {
        Sex::Female
    };
    full_name(rng, sex, birth_year, surname_of)
}

pub fn surname_of(name: &str) -> &str {
    name.split(' ').next().unwrap_or(name)
}

/// A pre-2025 province code of birth registration: mostly one the province
/// was merged from, sometimes anywhere in the country.
pub fn id_province<R: Rng + ?Sized>(rng: &mut R, province_code: &str) -> u16 {
    let local = data::pre_2025_codes(province_code);
    if !local.is_empty() && rng.gen_bool(0.85) {
        // The province that kept its code is the largest part.
        if rng.gen_bool(0.6) {
            local[0]
        } else {
            *pick(rng, local)
        }
    } else {
        *pick(rng, &PRE_2025_PROVINCE_CODES)
    }
}

/// A 12-digit personal ID number of valid structure.
pub fn personal_id<R: Rng + ?Sized>(
    rng: &mut R,
    province_code: &str,
    sex: Sex,
    birth_year: i32,
) -> String {
    format!(
        "{:03}{}{:02}{:06}",
        id_province(rng, province_code),
        sex_century_digit(sex, birth_year),
        birth_year.rem_euclid(100),
        rng.gen_range(0..1_000_000)
    )
}

/// A Vietnamese mobile number, 10 digits.
pub fn phone<R: Rng + ?Sized>(rng: &mut R) -> String {
    let prefix = *weighted(
        rng,
        &[("09", 45), ("03", 35), ("08", 10), ("07", 7), ("05", 3)],
    );
    let third = match prefix {
        "03" => rng.gen_range(2..=9),
        "08" => rng.gen_range(1..=9),
        "07" => *pick(rng, &[0, 6, 7, 8, 9]),
        "05" => *pick(rng, &[6, 8, 9]),
        _ => rng.gen_range(0..=9),
    };
    format!("{prefix}{third}{:07}", rng.gen_range(0..10_000_000))
}

/// A 10-digit social-insurance number (MA_BHXH): old province code then 8 digits.
pub fn social_insurance_no<R: Rng + ?Sized>(rng: &mut R, province_code: &str) -> String {
    format!(
        "{:02}{:08}",
        id_province(rng, province_code) % 100,
        rng.gen_range(0..100_000_000)
    )
}

/// A 15-character health-insurance card (MA_THE): holder group, benefit
/// level, province, social-insurance number.
pub fn insurance_card<R: Rng + ?Sized>(
    rng: &mut R,
    group: &str,
    province_code: &str,
    bhxh: &str,
) -> String {
    let level = match group {
        "TE" | "CC" => 1,
        "HT" | "CB" | "BT" => 2,
        "CN" | "HN" => 2,
        "GD" | "HS" | "SV" => 4,
        _ => 4,
    };
    format!(
        "{group}{level}{:02}{bhxh}",
        id_province(rng, province_code) % 100
    )
}

/// A uniformly random day in `[lo, hi]` (`lo` when the range is empty).
pub fn date_between<R: Rng + ?Sized>(rng: &mut R, lo: NaiveDate, hi: NaiveDate) -> NaiveDate {
    let span = (hi - lo).num_days();
    if span <= 0 {
        lo
    } else {
        lo + Duration::days(rng.gen_range(0..=span))
    }
}

/// The date someone born on `birth` turns `years` (28 Feb for 29 Feb).
pub fn anniversary(birth: NaiveDate, years: i32) -> NaiveDate {
    let year = birth.year() + years;
    NaiveDate::from_ymd_opt(year, birth.month(), birth.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, birth.month(), 28))
        .unwrap_or(birth)
}

/// A chip ID card's issue date and issuer: after the holder turned 14, in the
/// years ID cards were issued (from 2016), before `latest`.
pub fn id_card_issue<R: Rng + ?Sized>(
    rng: &mut R,
    birth: NaiveDate,
    latest: NaiveDate,
) -> Option<(NaiveDate, String)> {
    let start = NaiveDate::from_ymd_opt(2016, 1, 1)?;
    let lo = anniversary(birth, 14).max(start);
    if lo >= latest {
        return None;
    }
    // Most cards of the 2021-2022 campaign.
    let campaign_lo = NaiveDate::from_ymd_opt(2021, 3, 1)?.max(lo);
    let campaign_hi = NaiveDate::from_ymd_opt(2022, 12, 31)?.min(latest);
    let date = if campaign_lo < campaign_hi && rng.gen_bool(0.6) {
        date_between(rng, campaign_lo, campaign_hi)
    } else {
        date_between(rng, lo, latest)
    };
    let issuer = if date >= NaiveDate::from_ymd_opt(2024, 7, 1)? {
        "Bộ Công an"
    } else if date >= NaiveDate::from_ymd_opt(2021, 1, 1)? {
        "Cục Cảnh sát quản lý hành chính về trật tự xã hội"
    } else {
        "Cục Cảnh sát ĐKQL cư trú và DLQG về dân cư"
    };
    Some((date, issuer.to_owned()))
}
