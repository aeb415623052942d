//! The birth certificates of one delivery.

use chrono::{Datelike, Duration, NaiveDateTime};
use hotich_protocol::{BirthCertificate, EventKind, PartialDate, Sex};
use rand::Rng;

use super::{normal, vn_date, Generator, Version};
use crate::data::{self, weighted};
use crate::facility::FacilityKind;
use crate::people::{self, anniversary};

impl Generator<'_> {
    /// The birth certificates of one delivery (twins are two certificates).
    pub(super) fn delivery(&mut self, first_time: NaiveDateTime, babies: u8) -> Vec<Version> {
        let facility = self.facility_of(&[
            (FacilityKind::CommuneStation, 8),
            (FacilityKind::ProvincialGeneral, 25),
            (FacilityKind::ObstetricsPaediatrics, 40),
            (FacilityKind::RegionalCentre, 14),
        ]);
        let born_on = first_time.date();

        let age = self.age_in(data::MOTHER_AGES);
        let mother_born = anniversary(born_on, -age) - Duration::days(self.rng.gen_range(1..365));
        let mother_year = mother_born.year();
        let mother_name = people::full_name(&mut self.rng, Sex::Female, mother_year, None);
        let mother_birth_date = if self.rng.gen_bool(0.97) {
            PartialDate::Full(mother_born)
        } else {
            PartialDate::Year(mother_year)
        };
        let pc = self.province.code;
        let mother_id_number = self.maybe(0.93, |g| {
            people::personal_id(&mut g.rng, pc, Sex::Female, mother_year)
        });
        let id_issue = match mother_id_number {
            Some(_) => people::id_card_issue(&mut self.rng, mother_born, born_on),
            None => None,
        };
        let bhxh = self.maybe(0.7, |g| people::social_insurance_no(&mut g.rng, pc));
        let mother_card = match &bhxh {
            Some(no) => {
                let group = *weighted(
                    &mut self.rng,
                    &[("GD", 5), ("DN", 4), ("HC", 1), ("CN", 1), ("HN", 1)],
                );
                Some(people::insurance_card(&mut self.rng, group, pc, no))
            }
            None => None,
        };
        let father_name = self.maybe(0.88, |g| {
            let year = mother_year - g.rng.gen_range(-2..9);
            people::full_name(&mut g.rng, Sex::Male, year, None)
        });
        let child_surname =
            people::surname_of(father_name.as_deref().unwrap_or(&mother_name)).to_owned();
        let ethnicity = self.ethnicity();
        let residence = self.address();
        let birth_order: u8 = *weighted(&mut self.rng, &[(1, 45), (2, 38), (3, 13), (4, 4)]);
        let mut living = birth_order - 1 + babies;
        if birth_order > 1 && self.rng.gen_bool(0.03) {
            living -= 1;
        }
        let caesarean = self.rng.gen_bool(if babies > 1 { 0.8 } else { 0.38 });
        let under_32 = self.rng.gen_bool(if babies > 1 { 0.08 } else { 0.012 });
        let phone = self.maybe(0.9, |g| people::phone(&mut g.rng));
        let place = format!(
            "{}, {}",
            self.facilities[facility].key.name, self.facilities[facility].key.address
        );

        let mut out = Vec::new();
        let mut given_names: Vec<String> = Vec::new();
        for baby in 0..babies {
            let birth_time =
                first_time + Duration::minutes(i64::from(baby) * self.rng.gen_range(3..15));
            let sex = match self.rng.gen_range(0..1000) {
                0..=1 => Sex::Undetermined,
                2..=513 => Sex::Male,
                _ => Sex::Female,
            };
            let weight = if under_32 {
                normal(&mut self.rng, 1400.0, 300.0)
            } else if babies > 1 {
                normal(&mut self.rng, 2450.0, 380.0)
            } else {
                normal(&mut self.rng, 3150.0, 420.0)
            };
            let weight_grams = weight.clamp(600.0, 5200.0).round() as u32;
            let mut child_name = None;
            if sex != Sex::Undetermined && self.rng.gen_bool(0.7) {
                let mut name =
                    people::full_name(&mut self.rng, sex, born_on.year(), Some(&child_surname));
                while given_names.contains(&name) {
                    name =
                        people::full_name(&mut self.rng, sex, born_on.year(), Some(&child_surname));
                }
                given_names.push(name.clone());
                child_name = Some(name);
            }
            let child_condition = if under_32 {
                "Sinh non, nằm lồng ấp".to_owned()
            } else {
                (*weighted(&mut self.rng, data::CHILD_CONDITIONS)).to_owned()
            };
            let notes = match (babies > 1, under_32) {
                (true, _) => Some(format!(
                    "Sinh đôi, con thứ {}",
                    if baby == 0 { "nhất" } else { "hai" }
                )),
                (false, true) => Some(format!("Sinh non {} tuần", self.rng.gen_range(28..32))),
                _ => None,
            };
            let attendant = if self.facilities[facility].kind == FacilityKind::CommuneStation
                || self.rng.gen_bool(0.5)
            {
                self.midwife(facility)
            } else {
                self.doctor(facility)
            };
            let form_writer = self.midwife(facility);
            let temp_card = self.maybe(0.65, |g| {
                let no = people::social_insurance_no(&mut g.rng, pc);
                people::insurance_card(&mut g.rng, "TE", pc, &no)
            });
            let issued_at = self.issue_time(birth_time);
            let counters = &mut self.counters[facility];
            counters.birth_notifications += 1;
            counters.certificates += 1;
            let number = counters.birth_notifications;
            let certificate = counters.certificates;
            let facility_id = self.facilities[facility].id();
            let mut notification = self.header(facility, EventKind::Birth, number, issued_at);
            notification.birth = Some(BirthCertificate {
                episode_key: format!(
                    "{facility_id}{}{:05}",
                    birth_time.format("%y%m%d"),
                    number % 100_000
                ),
                mother_social_insurance_no: bhxh.clone(),
                mother_health_insurance_card: mother_card.clone(),
                mother_name: mother_name.clone(),
                mother_birth_date,
                mother_ethnicity_code: ethnicity.clone(),
                mother_id_number: mother_id_number.clone(),
                mother_id_issue_date: id_issue.as_ref().map(|(d, _)| *d),
                mother_id_issuer: id_issue.as_ref().map(|(_, i)| i.clone()),
                mother_residence: residence.clone(),
                nationality_code: "704".to_owned(),
                residence_province_code: pc.to_owned(),
                residence_district_code: None,
                residence_commune_code: self.commune.code.to_owned(),
                father_name: father_name.clone(),
                child_temp_insurance_card: temp_card,
                child_name,
                child_sex: sex,
                babies_in_delivery: babies,
                birth_order,
                living_children: living,
                weight_grams,
                birth_time,
                place_of_birth: place.clone(),
                child_condition,
                caesarean,
                under_32_weeks: under_32,
                notes,
                birth_attendant: attendant,
                form_writer,
                certificate_issue_date: vn_date(issued_at),
                certificate_number: certificate.to_string(),
                certificate_book: format!("{:02}/{}", 1 + certificate / 1000, born_on.year()),
                facility_head: self.facilities[facility].head.clone(),
                contact_phone: phone.clone(),
            });
            out.push(Version {
                facility,
                notification,
            });
        }
        out
    }
}
