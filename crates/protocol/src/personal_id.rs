//! Structure of the 12-digit personal identification number (số định danh cá nhân).
//!
//! Source: Decree 137/2015/NĐ-CP Art. 13 and Circular 59/2021/TT-BCA Art. 7:
//! digits 1-3 the province code of the place of birth registration (the
//! **pre-2025** list of 63 provinces, 001 Hà Nội ... 096 Cà Mau; 101-295 for
//! registration abroad), digit 4 the century of birth and sex
//! (0/1 twentieth century male/female, 2/3 twenty-first, 4/5 twenty-second,
//! 6/7 twenty-third, 8/9 twenty-fourth), digits 5-6 the last two digits of the
//! year of birth, digits 7-12 random.

use crate::payload::Sex;

/// The pre-1 July 2025 province codes used in the first three digits.
pub const PRE_2025_PROVINCE_CODES: [u16; 63] = [
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37,
    38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77,
    79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PersonalIdError {
    #[error("phải gồm đúng 12 chữ số")]
    NotTwelveDigits,
    #[error("mã tỉnh nơi đăng ký khai sinh {0:03} không tồn tại")]
    UnknownProvince(u16),
    #[error("chữ số thứ 4 ({digit}) không khớp giới tính và thế kỷ sinh (năm {year})")]
    SexCenturyMismatch { digit: u8, year: i32 },
    #[error("chữ số 5-6 ({found:02}) không khớp năm sinh {year}")]
    YearMismatch { found: u8, year: i32 },
}

/// Checks the structure of `id` against the holder's sex and year of birth.
/// An undetermined sex checks the century only.
pub fn check_personal_id(id: &str, sex: Sex, birth_year: i32) -> Result<(), PersonalIdError> {
    let digits: Vec<u8> = id.bytes().map(|b| b.wrapping_sub(b'0')).collect();
    if digits.len() != 12 || digits.iter().any(|&d| d > 9) {
        return Err(PersonalIdError::NotTwelveDigits);
    }
    let province = u16::from(digits[0]) * 100 + u16::from(digits[1]) * 10 + u16::from(digits[2]);
    if !PRE_2025_PROVINCE_CODES.contains(&province) && !(101..=295).contains(&province) {
        return Err(PersonalIdError::UnknownProvince(province));
    }
    let sex_century = digits[3];
    let century_index = i32::from(sex_century / 2);
    let expected_century_index = (birth_year - 1900).div_euclid(100);
    let sex_matches = match sex {
        Sex::Male => sex_century.is_multiple_of(2),
        Sex::Female => !sex_century.is_multiple_of(2),
        Sex::Undetermined => true,
    };
    if century_index != expected_century_index || !sex_matches {
        return Err(PersonalIdError::SexCenturyMismatch {
            digit: sex_century,
            year: birth_year,
        });
    }
    let year_digits = digits[4] * 10 + digits[5];
    if i32::from(year_digits) != birth_year.rem_euclid(100) {
        return Err(PersonalIdError::YearMismatch {
            found: year_digits,
            year: birth_year,
        });
    }
    Ok(())
}

/// The sex-and-century digit for a holder (digit 4), the inverse of the check.
pub fn sex_century_digit(sex: Sex, birth_year: i32) -> u8 {
    let century_index = u8::try_from((birth_year - 1900).div_euclid(100).clamp(0, 4)).unwrap_or(0);
    century_index * 2 + u8::from(sex == Sex::Female)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_numbers_of_real_structure() {
        // Hà Nội, male, born 1985.
        assert_eq!(check_personal_id("001085012345", Sex::Male, 1985), Ok(()));
        // Cà Mau, female, born 2003.
        assert_eq!(check_personal_id("096303000123", Sex::Female, 2003), Ok(()));
        // Registered abroad (101-295).
        assert_eq!(check_personal_id("101199000001", Sex::Female, 1999), Ok(()));
    }

    #[test]
    fn rejects_each_structural_fault_with_its_reason() {
        assert_eq!(
            check_personal_id("00108501234", Sex::Male, 1985),
            Err(PersonalIdError::NotTwelveDigits)
        );
        assert_eq!(
            check_personal_id("00108501234x", Sex::Male, 1985),
            Err(PersonalIdError::NotTwelveDigits)
        );
        assert_eq!(
            check_personal_id("003085012345", Sex::Male, 1985),
            Err(PersonalIdError::UnknownProvince(3))
        );
        assert!(matches!(
            check_personal_id("001185012345", Sex::Male, 1985),
            Err(PersonalIdError::SexCenturyMismatch { .. })
        ));
        assert!(matches!(
            check_personal_id("001285012345", Sex::Male, 1985),
            Err(PersonalIdError::SexCenturyMismatch { .. })
        ));
        assert!(matches!(
            check_personal_id("001086012345", Sex::Male, 1985),
            Err(PersonalIdError::YearMismatch { .. })
        ));
    }

    #[test]
    fn digit_four_round_trips() {
        for (sex, year) in [
            (Sex::Male, 1930),
            (Sex::Female, 1999),
            (Sex::Male, 2026),
            (Sex::Female, 2100),
        ] {
            let id = format!("001{}{:02}000001", sex_century_digit(sex, year), year % 100);
            assert_eq!(check_personal_id(&id, sex, year), Ok(()), "{id}");
        }
    }
}
