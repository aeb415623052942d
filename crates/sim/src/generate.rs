//! Births, deaths, their corrections and voids, as the notifications' versions.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use hotich_protocol::payload::SCHEMA_VERSION;
use hotich_protocol::reference::{self, Commune, Province};
use hotich_protocol::{
    Action, BirthCertificate, DeathNotice, EventKind, Notification, PartialDate, Sex,
};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::data::{self, pick, weighted, Cause};
use crate::facility::{address_in, FacilityKind, SimFacility};
use crate::people::{self, anniversary, date_between};
use crate::SimConfig;

/// Vietnam's offset from UTC (no daylight saving).
const VN_OFFSET: Duration = Duration::hours(7);

/// The UTC instant of a Vietnamese wall-clock time.
pub fn vn_to_utc(local: NaiveDateTime) -> DateTime<Utc> {
    (local - VN_OFFSET).and_utc()
}

/// The Vietnamese calendar day of a UTC instant.
pub fn vn_date(at: DateTime<Utc>) -> NaiveDate {
    (at.naive_utc() + VN_OFFSET).date()
}

fn at(date: NaiveDate, hour: u32, minute: u32) -> NaiveDateTime {
    date.and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN))
}

/// Approximately normal (Irwin-Hall), mean `mean`, standard deviation `sd`.
fn normal(rng: &mut ChaCha8Rng, mean: f64, sd: f64) -> f64 {
    let sum: f64 = (0..12).map(|_| rng.gen::<f64>()).sum();
    mean + (sum - 6.0) * sd
}

#[derive(Debug, Default, Clone, Copy)]
struct Counters {
    birth_notifications: u32,
    death_notifications: u32,
    certificates: u32,
    notices: u32,
    patients: u32,
}

/// One notification version, with the index of the facility that signs it.
#[derive(Debug, Clone)]
pub struct Version {
    pub facility: usize,
    pub notification: Notification,
}

pub struct Generator<'a> {
    cfg: &'a SimConfig,
    commune: &'static Commune,
    province: &'static Province,
    facilities: &'a [SimFacility],
    rng: ChaCha8Rng,
    counters: Vec<Counters>,
    /// The latest issue time: 23:59 today, Vietnamese time.
    latest: DateTime<Utc>,
}

impl<'a> Generator<'a> {
    pub fn new(
        cfg: &'a SimConfig,
        commune: &'static Commune,
        province: &'static Province,
        facilities: &'a [SimFacility],
        rng: ChaCha8Rng,
    ) -> Self {
        // Counters start somewhere in the year, differently for each commune
        // and seed, so that simulations of neighbouring communes rarely reuse
        // a notification id of a shared facility.
        let base = crate::facility::fnv1a(format!("{}/{}", cfg.commune_code, cfg.seed).as_bytes());
        let start = Counters {
            birth_notifications: (base % 90) as u32 * 1000,
            death_notifications: ((base >> 8) % 90) as u32 * 1000,
            certificates: ((base >> 16) % 40) as u32 * 25,
            notices: ((base >> 24) % 40) as u32 * 10,
            patients: ((base >> 32) % 5000) as u32 * 100,
        };
        Generator {
            cfg,
            commune,
            province,
            facilities,
            rng,
            counters: vec![start; facilities.len()],
            latest: vn_to_utc(at(cfg.today, 23, 59)),
        }
    }

    /// Every event with all its versions. Events are generated in the order
    /// they happened, so each facility numbers its papers chronologically.
    pub fn run(&mut self) -> Vec<Vec<Version>> {
        // (time, Some(babies)) for a delivery, (time, None) for a death.
        let mut plan: Vec<(NaiveDateTime, Option<u8>)> =
            Vec::with_capacity(self.cfg.births + self.cfg.deaths);
        let mut left = self.cfg.births;
        while left > 0 {
            let babies = if left >= 2 && self.rng.gen_bool(0.015) {
                2
            } else {
                1
            };
            plan.push((self.event_time(100), Some(babies)));
            left -= usize::from(babies);
        }
        for _ in 0..self.cfg.deaths {
            plan.push((self.event_time(40), None));
        }
        plan.sort_by_key(|(time, _)| *time);

        let mut events = Vec::with_capacity(plan.len());
        for (time, babies) in plan {
            match babies {
                Some(babies) => {
                    for first in self.delivery(time, babies) {
                        events.push(self.history(first));
                    }
                }
                None => {
                    let first = self.death(time);
                    events.push(self.history(first));
                }
            }
        }
        events
    }

    fn facility_of(&mut self, weights: &[(FacilityKind, u32)]) -> usize {
        let candidates: Vec<(usize, u32)> = self
            .facilities
            .iter()
            .enumerate()
            .filter_map(|(i, f)| {
                weights
                    .iter()
                    .find(|(kind, _)| *kind == f.kind)
                    .map(|(_, w)| (i, *w))
            })
            .collect();
        *weighted(&mut self.rng, &candidates)
    }

    /// A Vietnamese wall-clock time of an event `max_days_ago` at most before
    /// today, and not later than 20:00 today (so its paper can be issued today).
    fn event_time(&mut self, max_days_ago: i64) -> NaiveDateTime {
        let days_ago = self.rng.gen_range(0..max_days_ago);
        let date = self.cfg.today - Duration::days(days_ago);
        let hour = if days_ago == 0 {
            self.rng.gen_range(0..20)
        } else {
            self.rng.gen_range(0..24)
        };
        at(date, hour, self.rng.gen_range(0..60))
    }

    /// When the paper for an event is signed: 0-3 days after it, mostly within
    /// hours; never before the event, never on an earlier UTC day than the
    /// event's own date, never after today.
    fn issue_time(&mut self, event: NaiveDateTime) -> DateTime<Utc> {
        let minutes = match self.rng.gen_range(0..10) {
            0..=6 => self.rng.gen_range(20..8 * 60),
            7 | 8 => self.rng.gen_range(8 * 60..36 * 60),
            _ => self.rng.gen_range(36 * 60..72 * 60),
        };
        let floor = vn_to_utc(event).max(event.date().and_time(NaiveTime::MIN).and_utc())
            + Duration::minutes(10);
        let wanted = (vn_to_utc(event) + Duration::minutes(minutes)).max(floor);
        self.not_after_today(floor, wanted)
    }

    /// `wanted`, or when that is after today's last minute, a time between
    /// `floor` and today's last minute (leaving room for later versions).
    fn not_after_today(&mut self, floor: DateTime<Utc>, wanted: DateTime<Utc>) -> DateTime<Utc> {
        if wanted <= self.latest {
            return wanted;
        }
        let room = (self.latest - floor).num_minutes();
        if room <= 0 {
            return self.latest;
        }
        floor + Duration::minutes(self.rng.gen_range(0..=room / 2))
    }

    /// A time for the next version, or `None` when `previous` is already today's last minute.
    fn later_than(&mut self, previous: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let minutes = self.rng.gen_range(90..10 * 24 * 60);
        let floor = previous + Duration::minutes(1);
        let next = self.not_after_today(floor, previous + Duration::minutes(minutes));
        (next > previous && next <= self.latest).then_some(next)
    }

    fn ethnicity(&mut self) -> String {
        let (kinh, minorities) = data::ethnic_mix(self.province.code);
        if self.rng.gen_range(0..1000) < kinh {
            "01".to_owned()
        } else {
            (*pick(&mut self.rng, minorities)).to_owned()
        }
    }

    fn address(&mut self) -> String {
        address_in(&mut self.rng, self.commune, self.province)
    }

    fn maybe<T>(&mut self, p: f64, make: impl FnOnce(&mut Self) -> T) -> Option<T> {
        if self.rng.gen_bool(p) {
            Some(make(self))
        } else {
            None
        }
    }

    fn header(
        &self,
        facility: usize,
        kind: EventKind,
        number: u32,
        issued_at: DateTime<Utc>,
    ) -> Notification {
        let code = match kind {
            EventKind::Birth => "GCS",
            EventKind::Death => "GBT",
        };
        Notification {
            schema: SCHEMA_VERSION,
            notification_id: format!("{}-{code}-{number:06}", self.facilities[facility].id()),
            version: 1,
            action: Action::Issue,
            kind,
            facility_id: self.facilities[facility].id().to_owned(),
            issued_at,
            commune_code: self.cfg.commune_code.clone(),
            birth: None,
            death: None,
            void_reason: None,
        }
    }

    fn midwife(&mut self, facility: usize) -> String {
        pick(&mut self.rng, &self.facilities[facility].midwives).clone()
    }

    fn doctor(&mut self, facility: usize) -> String {
        pick(&mut self.rng, &self.facilities[facility].doctors).clone()
    }

    /// The birth certificates of one delivery (twins are two certificates).
    fn delivery(&mut self, first_time: NaiveDateTime, babies: u8) -> Vec<Version> {
        let facility = self.facility_of(&[
            (FacilityKind::CommuneStation, 8),
            (FacilityKind::ProvincialGeneral, 25),
            (FacilityKind::ObstetricsPaediatrics, 40),
            (FacilityKind::RegionalCentre, 14),
        ]);
        let born_on = first_time.date();

        let age_band = *weighted(
            &mut self.rng,
            &[
                ((17, 19), 5),
                ((20, 24), 25),
                ((25, 29), 33),
                ((30, 34), 24),
                ((35, 39), 10),
                ((40, 45), 3),
            ],
        );
        let age = self.rng.gen_range(age_band.0..=age_band.1);
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

    fn cause(&mut self, age: i32) -> Cause {
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

    fn death(&mut self, death_time: NaiveDateTime) -> Version {
        let age_band = *weighted(
            &mut self.rng,
            &[
                ((0, 0), 15),
                ((1, 15), 10),
                ((16, 44), 70),
                ((45, 64), 200),
                ((65, 79), 330),
                ((80, 100), 375),
            ],
        );
        let max_age = (self.cfg.today.year() - 1901).max(0);
        let age = self.rng.gen_range(age_band.0..=age_band.1).min(max_age);
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

    /// The versions of one notification: the issue, then perhaps corrections
    /// (version 2, sometimes 3), then perhaps a void.
    fn history(&mut self, first: Version) -> Vec<Version> {
        let facility = first.facility;
        let mut versions = vec![first];
        if self.cfg.correction_rate > 0.0 && self.rng.gen_bool(self.cfg.correction_rate) {
            let corrections = if self.rng.gen_bool(0.2) { 2 } else { 1 };
            for _ in 0..corrections {
                let previous = &versions[versions.len() - 1].notification;
                let Some(issued_at) = self.later_than(previous.issued_at) else {
                    break;
                };
                let mut next = previous.clone();
                next.version += 1;
                next.action = Action::Correct;
                next.issued_at = issued_at;
                self.correct(facility, &mut next);
                versions.push(Version {
                    facility,
                    notification: next,
                });
            }
        }
        if self.cfg.void_rate > 0.0 && self.rng.gen_bool(self.cfg.void_rate) {
            let previous = &versions[versions.len() - 1].notification;
            if let Some(issued_at) = self.later_than(previous.issued_at) {
                let mut void = previous.clone();
                void.version += 1;
                void.action = Action::Void;
                void.issued_at = issued_at;
                void.birth = None;
                void.death = None;
                let reasons = match void.kind {
                    EventKind::Birth => data::BIRTH_VOID_REASONS,
                    EventKind::Death => data::DEATH_VOID_REASONS,
                };
                void.void_reason = Some((*pick(&mut self.rng, reasons)).to_owned());
                versions.push(Version {
                    facility,
                    notification: void,
                });
            }
        }
        versions
    }

    /// Changes one field as a facility's correction would.
    fn correct(&mut self, facility: usize, n: &mut Notification) {
        let issued_on = vn_date(n.issued_at);
        if let Some(b) = n.birth.as_mut() {
            let what = match self.rng.gen_range(0..100) {
                0..=39 => {
                    let year = b.birth_time.year();
                    match (&b.child_name, b.child_sex) {
                        (_, Sex::Undetermined) => {
                            b.child_sex = if self.rng.gen_bool(0.5) {
                                Sex::Male
                            } else {
                                Sex::Female
                            };
                            "giới tính của con"
                        }
                        (None, sex) => {
                            let surname = b
                                .father_name
                                .as_deref()
                                .map_or_else(
                                    || people::surname_of(&b.mother_name),
                                    people::surname_of,
                                )
                                .to_owned();
                            b.child_name =
                                Some(people::full_name(&mut self.rng, sex, year, Some(&surname)));
                            "bổ sung họ tên dự định đặt cho con"
                        }
                        (Some(name), sex) => {
                            let name = name.clone();
                            b.child_name = Some(self.respell(&name, sex, 2));
                            "họ tên dự định đặt cho con"
                        }
                    }
                }
                40..=64 => {
                    let delta = self.rng.gen_range(20..=300);
                    b.weight_grams = if self.rng.gen_bool(0.5) && b.weight_grams > delta + 600 {
                        b.weight_grams - delta
                    } else {
                        (b.weight_grams + delta).min(8000)
                    };
                    "cân nặng"
                }
                65..=84 => {
                    let old = b.mother_residence.clone();
                    while b.mother_residence == old {
                        b.mother_residence = self.address();
                    }
                    "nơi cư trú của mẹ"
                }
                _ => {
                    // The middle name was wrong; if the same one is drawn
                    // again, the given name was the slip.
                    let year = b.mother_birth_date.year();
                    let middle = people::middle_name(&mut self.rng, Sex::Female, year);
                    let fixed = replace_word(&b.mother_name, 1, middle);
                    let doubled = b.mother_name.split(' ').nth(2) == Some(middle);
                    b.mother_name = if fixed == b.mother_name || doubled {
                        self.respell(&fixed, Sex::Female, 2)
                    } else {
                        fixed
                    };
                    "họ tên người mẹ"
                }
            };
            b.certificate_issue_date = issued_on;
            b.notes = Some(match b.notes.take() {
                Some(previous) if !previous.starts_with("Cấp lại") => {
                    format!("{previous}. Cấp lại do sai {what}")
                }
                _ => format!("Cấp lại do sai {what}"),
            });
        }
        if let Some(d) = n.death.as_mut() {
            match self.rng.gen_range(0..100) {
                0..=34 => {
                    let age = d.death_time.year() - d.birth_date.year();
                    let old = d.icd10_code.clone();
                    let mut cause = self.cause(age);
                    for _ in 0..10 {
                        if Some(cause.icd10) != old.as_deref() {
                            break;
                        }
                        cause = self.cause(age);
                    }
                    d.cause_of_death = Some(cause.written.to_owned());
                    d.icd10_code = Some(cause.icd10.to_owned());
                    d.icd10_name = Some(cause.icd10_name.to_owned());
                }
                35..=59 => {
                    let old = d.permanent_address.clone();
                    while d.permanent_address == old {
                        d.permanent_address = self.address();
                    }
                }
                60..=79 => {
                    // A full date of birth found, in the same year (the ID number keeps it).
                    let year = d.birth_date.year();
                    let lo = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN);
                    let hi = NaiveDate::from_ymd_opt(year, 12, 31)
                        .unwrap_or(NaiveDate::MAX)
                        .min(d.death_time.date());
                    d.birth_date = PartialDate::Full(date_between(&mut self.rng, lo, hi));
                }
                _ => {
                    let name = d.name.clone();
                    d.name = self.respell(&name, d.sex, 2);
                }
            }
            let counters = &mut self.counters[facility];
            counters.notices += 1;
            if d.original_notice_number.is_none() {
                d.original_notice_number = Some(d.notice_number.clone());
                d.original_notice_book = Some(d.notice_book.clone());
            }
            d.notice_number = counters.notices.to_string();
            d.notice_book = format!("{:02}/{}", 1 + counters.notices / 500, issued_on.year());
            d.notice_issue_date = issued_on;
        }
    }

    /// The name with its word `index` (0 surname, 1 middle, 2 given) replaced
    /// by another of the same sex: a misspelt name corrected.
    fn respell(&mut self, name: &str, sex: Sex, index: usize) -> String {
        let words: Vec<&str> = name.split(' ').collect();
        let current = words.get(index).copied().unwrap_or("");
        // Spelling slips a clerk makes: tone placement, y/i, a dropped mark.
        const SLIPS: &[(&str, &str)] = &[
            ("Thủy", "Thuỷ"),
            ("Vỹ", "Vĩ"),
            ("Hòa", "Hoà"),
            ("Huy", "Uy"),
            ("Ngữ", "Ngự"),
            ("Tưởng", "Tường"),
            ("Hằng", "Hăng"),
            ("Phượng", "Phương"),
        ];
        if let Some((_, fixed)) = SLIPS.iter().find(|(slip, _)| *slip == current) {
            return replace_word(name, index, fixed);
        }
        let mut replacement = people::given_name(&mut self.rng, sex);
        while replacement == current {
            replacement = people::given_name(&mut self.rng, sex);
        }
        replace_word(name, index, replacement)
    }
}

fn replace_word(name: &str, index: usize, word: &str) -> String {
    let mut words: Vec<&str> = name.split(' ').collect();
    if let Some(slot) = words.get_mut(index) {
        *slot = word;
    }
    words.join(" ")
}
