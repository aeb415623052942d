//! A notification's later versions: corrections and voids.

use chrono::{Datelike, NaiveDate};
use hotich_protocol::{Action, EventKind, Notification, PartialDate, Sex};
use rand::Rng;

use super::{vn_date, Generator, Version};
use crate::data::{self, pick};
use crate::people::{self, date_between};

impl Generator<'_> {
    /// The versions of one notification: the issue, then perhaps corrections
    /// (version 2, sometimes 3), then perhaps a void.
    pub(super) fn history(&mut self, first: Version) -> Vec<Version> {
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
