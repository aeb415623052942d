//! The death notice of one death, and its cause.

use chrono::{Datelike, Duration, NaiveDateTime};
use hotich_protocol::reference::{self, Commune};
use hotich_protocol::{DeathNotice, EventKind, PartialDate, Sex};
use rand::Rng;

use super::{vn_date, Generator, Version};
use crate::data::{self, pick, weighted, Cause};
use crate::facility::{address_in, FacilityKind};
use crate::people::{self, anniversary};

impl Generator<'_> {
    pub(super) fn cause(&mut self, age: i32) -> Cause {
        loop {
            let list = if age < 16 {
                data::CHILD_CAUSES
            } else {
                data::ADULT_CAUSES
            };
            let cause = *weighted(&mut self.rng, list);
            let plausible = match cause.icd10 {
                "R54" => age >= 80,
                "P07.3" | "P22.0" => age == 0,
                _ => true,
            };
            if plausible {
                return cause;
            }
        }
    }

    pub(super) fn death(&mut self, death_time: NaiveDateTime) -> Version {
        let max_age = (self.cfg.today.year() - 1901).max(0);
        let age = self.age_in(data::DEATH_AGES).min(max_age);
        let facility = if age < 16 {
            self.facility_of(&[
                (FacilityKind::ObstetricsPaediatrics, 60),
                (FacilityKind::ProvincialGeneral, 25),
                (FacilityKind::RegionalCentre, 10),
                (FacilityKind::CommuneStation, 5),
            ])
        } else {
            self.facility_of(&[
                (FacilityKind::CommuneStation, 25),
                (FacilityKind::ProvincialGeneral, 40),
                (FacilityKind::RegionalCentre, 20),
            ])
        };
        let at_home = self.facilities[facility].kind == FacilityKind::CommuneStation;
        let died_on = death_time.date();
        let born =
            (anniversary(died_on, -age) - Duration::days(self.rng.gen_range(0..365))).min(died_on);
        let year = born.year();
        let sex = if self.rng.gen_bool(0.55) {
            Sex::Male
        } else {
            Sex::Female
        };
        let name = people::full_name(&mut self.rng, sex, year, None);
        let birth_date = match (age >= 70, self.rng.gen_range(0..100)) {
            (true, 0..=14) => PartialDate::Year(year),
            (true, 15..=19) => PartialDate::YearMonth(year, born.month()),
            _ => PartialDate::Full(born),
        };
        let pc = self.province.code;
        let has_id = self.rng.gen_bool(if age < 14 { 0.15 } else { 0.9 });
        let (id_document_type, id_number, id_issue) = if has_id {
            let number = people::personal_id(&mut self.rng, pc, sex, year);
            (
                2,
                Some(number),
                people::id_card_issue(&mut self.rng, born, died_on),
            )
        } else {
            (0, None, None)
        };
        let current = if self.rng.gen_bool(0.08) {
            let others: Vec<&'static Commune> = reference::communes_in(pc)
                .filter(|c| c.code != self.commune.code)
                .collect();
            if others.is_empty() {
                None
            } else {
                let other = *pick(&mut self.rng, &others);
                Some((address_in(&mut self.rng, other, self.province), other.code))
            }
        } else {
            None
        };
        let died_before_arrival = !at_home && self.rng.gen_bool(0.06);
        let admission_time = if died_before_arrival || (at_home && self.rng.gen_bool(0.8)) {
            None
        } else {
            let minutes = match self.rng.gen_range(0..3) {
                0 => self.rng.gen_range(30..24 * 60),
                _ => self.rng.gen_range(24 * 60..20 * 24 * 60),
            };
            Some(death_time - Duration::minutes(minutes))
        };
        let cause = self.cause(age);
        let (cause_of_death, icd10_code, icd10_name) = match self.rng.gen_range(0..100) {
            0..=3 => (None, None, None),
            4..=9 => (Some(cause.written.to_owned()), None, None),
            _ => (
                Some(cause.written.to_owned()),
                Some(cause.icd10.to_owned()),
                Some(cause.icd10_name.to_owned()),
            ),
        };
        let relative_name = self.maybe(0.9, |g| {
            if age < 18 {
                // A parent.
                let parent_sex = if g.rng.gen_bool(0.5) {
                    Sex::Male
                } else {
                    Sex::Female
                };
                let surname =
                    (parent_sex == Sex::Male).then(|| people::surname_of(&name).to_owned());
                people::full_name(&mut g.rng, parent_sex, year - 28, surname.as_deref())
            } else {
                // A spouse or a grown child.
                let child_sex = if g.rng.gen_bool(0.5) {
                    Sex::Male
                } else {
                    Sex::Female
                };
                let surname = (sex == Sex::Male).then(|| people::surname_of(&name).to_owned());
                people::full_name(&mut g.rng, child_sex, year + 27, surname.as_deref())
            }
        });
        let insured = self.maybe(0.75, |g| {
            let no = people::social_insurance_no(&mut g.rng, pc);
            let group = if age < 6 {
                "TE"
            } else if age < 18 {
                "HS"
            } else if age >= 60 {
                *weighted(&mut g.rng, &[("HT", 4), ("CB", 1), ("BT", 2), ("GD", 3)])
            } else {
                *weighted(&mut g.rng, &[("GD", 4), ("DN", 4), ("HC", 1), ("CN", 1)])
            };
            let card = people::insurance_card(&mut g.rng, group, pc, &no);
            (no, card)
        });
        let relative_phone = self.maybe(0.88, |g| people::phone(&mut g.rng));
        let permanent_address = self.address();
        let ethnicity_code = self.ethnicity();
        let writer = self.doctor(facility);
        let issued_at = self.issue_time(death_time);

        let counters = &mut self.counters[facility];
        counters.death_notifications += 1;
        counters.notices += 1;
        counters.patients += 1;
        let number = counters.death_notifications;
        let notice = counters.notices;
        let patient = counters.patients;
        let f = &self.facilities[facility];
        let yy = died_on.year().rem_euclid(100);
        let notice_code = format!("{:05}.GBT.{}.{yy:02}", number % 100_000, f.id());
        debug_assert!(notice_code.chars().count() <= 18, "{notice_code}");
        let mut notification = self.header(facility, EventKind::Death, number, issued_at);
        notification.death = Some(DeathNotice {
            notice_code,
            patient_id: (!died_before_arrival).then(|| format!("{yy:02}{patient:07}")),
            medical_record_id: admission_time.map(|_| format!("{yy:02}.{patient:06}")),
            name,
            birth_date,
            sex,
            insurance_card: insured.as_ref().map(|(_, card)| card.clone()),
            ethnicity_code,
            nationality_code: "704".to_owned(),
            permanent_address,
            permanent_province_code: pc.to_owned(),
            permanent_district_code: None,
            permanent_commune_code: self.commune.code.to_owned(),
            current_address: current.as_ref().map(|(a, _)| a.clone()),
            current_province_code: current.as_ref().map(|_| pc.to_owned()),
            current_district_code: None,
            current_commune_code: current.as_ref().map(|(_, c)| (*c).to_owned()),
            id_document_type,
            id_number,
            id_issue_date: id_issue.as_ref().map(|(d, _)| *d),
            id_issuer: id_issue.map(|(_, i)| i),
            admission_time,
            death_time,
            died_before_arrival,
            cause_of_death,
            icd10_code,
            icd10_name,
            relative_name,
            writer,
            facility_head: f.head.clone(),
            notice_number: notice.to_string(),
            notice_book: format!("{:02}/{}", 1 + notice / 500, died_on.year()),
            notice_issue_date: vn_date(issued_at),
            original_notice_number: None,
            original_notice_book: None,
            facility_code: f.id().to_owned(),
            facility_address: f.key.address.clone(),
            social_insurance_no: insured.map(|(no, _)| no),
            relative_phone,
        });
        Version {
            facility,
            notification,
        }
    }
}
