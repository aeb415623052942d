//! What the core suites share: the store fixture, the registration form an
//! officer completes with what the family brings, and saving it on a given day.

#![allow(dead_code)] // each suite uses part of it

pub mod fixture;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use hotich_core::{CoreError, Officer, RegistrationForm, Store};

/// `hour` o'clock UTC on a day (01:00-16:59 UTC is the same office day in Vietnam).
pub fn at(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(hour, 0, 0).unwrap())
}

/// The pre-filled form completed with what the notification cannot know,
/// dated `on`, with a late reason when `on` is past the case's deadline.
pub fn completed_form(store: &Store, case_id: &str, on: NaiveDate) -> RegistrationForm {
    let mut form = store.registration_draft(case_id, on).unwrap();
    form.requester.id_type = Some(hotich_core::IdDocumentType::Cccd);
    form.requester.id_number = "019085001234".into();
    if form.requester.full_name.is_empty() {
        form.requester.full_name = "Nguyễn Văn Hải".into();
    }
    if form.requester.relationship.is_none() {
        form.requester.relationship = Some(hotich_core::Relationship::Child);
    }
    if form.signer_name.is_empty() {
        form.signer_name = "Phạm Văn Lãnh".into();
        form.signer_title = "Chủ tịch".into();
    }
    if let Some(b) = &mut form.birth {
        b.native_place = "Xã Bằng Thành, tỉnh Thái Nguyên".into();
        if b.child_name.is_empty() {
            b.child_name = "Hoàng Minh An".into();
        }
        if !b.father.full_name.is_empty() {
            b.father.birth_year = b.mother.birth_year.map(|year| year - 2);
            b.father.ethnicity = b.mother.ethnicity.clone();
            b.father.nationality = "Việt Nam".into();
            b.father.residence = b.mother.residence.clone();
        }
    }
    if let Some(d) = &mut form.death {
        if d.last_residence.is_empty() {
            // Opened by hand: what a notice would have said.
            d.birth_date = Some("1950".parse().unwrap());
            d.sex = Some(hotich_protocol::Sex::Male);
            d.ethnicity = "Tày".into();
            d.nationality = "Việt Nam".into();
            d.last_residence = "Thôn Nà Pài, xã Bằng Thành".into();
            d.personal_id = "019050001111".into();
            d.replacing_document = "Xác nhận của Công an xã số 7/XN".into();
        }
        if d.death_place.is_empty() {
            d.death_place = "Tại nhà riêng".into();
        }
    }
    form.registration_date = Some(on);
    if store.case(case_id, on).unwrap().deadline < on {
        form.late_reason = "Gia đình đi làm ăn xa, về muộn".into();
    }
    form
}

/// Registers a case on `on` (at 10:00 in Vietnam). Twins of one delivery
/// (same mother, day and sex) are compared and confirmed as two children.
pub fn register_on(store: &mut Store, officer: &Officer, case_id: &str, on: NaiveDate) {
    let mut form = completed_form(store, case_id, on);
    loop {
        match store.register(officer, case_id, &form, at(on, 3), on) {
            Ok(_) => return,
            Err(CoreError::DuplicateSuspected(_)) if form.not_duplicates.is_empty() => {
                let check = store.check_registration(case_id, &form, on).unwrap();
                form.not_duplicates = check
                    .duplicates
                    .into_iter()
                    .map(|d| d.registration_id)
                    .collect();
            }
            Err(error) => panic!("{case_id} on {on}: {error}"),
        }
    }
}
