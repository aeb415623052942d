//! The figures of the Ministries of Justice and Health pilot of integrated
//! mortality data (issue 18, item 4), worked out from one [`PilotCase`] per
//! event: the workstation builds the rows of its commune from its own tables,
//! the registry those of a province from what it relayed and what the
//! workstations pushed, and both call [`PilotFigures::compute`], so a commune
//! and its province count alike.
//!
//! The period is a cohort: the events (births, deaths) that happened in it,
//! followed to the day the figures are made (a death of the period registered
//! after it still counts as registered). Days are whole office days (Vietnam
//! time) between two dates.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::personal_id::check_personal_id;
use crate::{reference, EventKind, Notification, PartialDate, Sex};

/// What is known of one event for the pilot's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PilotCase {
    #[serde(rename = "type")]
    pub kind: EventKind,
    pub event_date: NaiveDate,
    /// Notified by a health facility (and not voided since); None: the
    /// office opened the case by hand (a death at home, a family that came).
    pub notified: Option<NotifiedFacts>,
    /// The office day the family was first contacted.
    pub first_contact_on: Option<NaiveDate>,
    pub registration: Option<RegisteredFacts>,
}

/// The health notification of an event, as it first arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifiedFacts {
    /// The office day the registry received it (a file imported at the desk:
    /// the day the office took it in).
    pub arrived_on: NaiveDate,
    /// See [`identification_complete`].
    pub identification_complete: bool,
}

/// The registration of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisteredFacts {
    pub registered_on: NaiveDate,
    /// The last day on which it was on time ([`crate::legal::registration_deadline`]).
    pub deadline: NaiveDate,
    /// A death whose registration reached the registry, which shares it with
    /// the commune health station (Justice → Health).
    pub shared_with_health: bool,
    /// The office day the registry received the cause the station determined.
    pub cause_returned_on: Option<NaiveDate>,
}

/// The pilot's lines for one type of event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PilotKindFigures {
    #[serde(rename = "type")]
    pub kind: EventKind,
    /// Events of the period notified by health (voided notifications left out).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub notified: u64,
    /// Of `notified`: the family was contacted.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub families_contacted: u64,
    /// Of `families_contacted`: registered.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub registered_after_outreach: u64,
    /// Of `notified`: not registered (yet).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub notified_not_registered: u64,
    /// Events of the period registered, notified or not.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub registered: u64,
    /// Of `registered`: on or before the deadline.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub registered_on_time: u64,
    /// Days from the event to its registration, over `registered`.
    pub days_to_registration_mean: Option<f64>,
    /// ... the median (the lower middle value of an even count).
    pub days_to_registration_median: Option<u32>,
    /// Days from the event to the health notification's arrival, over `notified`.
    pub days_to_health_data_mean: Option<f64>,
    /// Of `notified`: with complete personal identification ([`identification_complete`]).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub identification_complete: u64,
    /// Registered deaths shared with the health station (zero for births).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub shared_with_health: u64,
    /// Of `shared_with_health`: the station returned the cause.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub causes_returned: u64,
    /// Days from the registration to the cause's return, over `causes_returned`.
    pub days_to_cause_mean: Option<f64>,
}

/// The pilot's figures of a period, births and deaths.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PilotFigures {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub from: NaiveDate,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub to: NaiveDate,
    pub birth: PilotKindFigures,
    pub death: PilotKindFigures,
}

/// `GET /v1/reports/pilot` answer: the pilot's figures of a province, as
/// the registry counts them from what it relayed and what the communes'
/// workstations pushed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ProvincePilotReport {
    pub province_code: String,
    /// "Thành phố Hà Nội".
    pub province_name: String,
    /// Communes of the province.
    pub communes: u32,
    /// Of `communes`: those with a workstation that ever synced.
    pub communes_syncing: u32,
    /// The least recent last sync among those workstations: the figures
    /// hold what had reached the registry by then, no later.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub oldest_sync: Option<chrono::DateTime<chrono::Utc>>,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub made_at: chrono::DateTime<chrono::Utc>,
    pub figures: PilotFigures,
}

/// Sums and counts of one kind as the rows go by.
#[derive(Default)]
struct Tally {
    notified: u64,
    contacted: u64,
    registered_after_outreach: u64,
    notified_not_registered: u64,
    registered: u64,
    on_time: u64,
    registration_days: Vec<u32>,
    health_data_days: i64,
    identification_complete: u64,
    shared: u64,
    causes: u64,
    cause_days: i64,
}

fn days(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days().max(0)
}

fn mean(sum: i64, count: u64) -> Option<f64> {
    (count > 0).then(|| sum as f64 / count as f64)
}

impl Tally {
    fn add(&mut self, case: &PilotCase) {
        if let Some(notified) = &case.notified {
            self.notified += 1;
            self.health_data_days += days(case.event_date, notified.arrived_on);
            self.identification_complete += u64::from(notified.identification_complete);
            let contacted = case.first_contact_on.is_some();
            self.contacted += u64::from(contacted);
            match &case.registration {
                Some(_) if contacted => self.registered_after_outreach += 1,
                Some(_) => {}
                None => self.notified_not_registered += 1,
            }
        }
        if let Some(registration) = &case.registration {
            self.registered += 1;
            self.on_time += u64::from(registration.registered_on <= registration.deadline);
            let elapsed = days(case.event_date, registration.registered_on);
            self.registration_days
                .push(u32::try_from(elapsed).unwrap_or(u32::MAX));
            if registration.shared_with_health {
                self.shared += 1;
                if let Some(returned) = registration.cause_returned_on {
                    self.causes += 1;
                    self.cause_days += days(registration.registered_on, returned);
                }
            }
        }
    }

    fn figures(mut self, kind: EventKind) -> PilotKindFigures {
        self.registration_days.sort_unstable();
        let median = self
            .registration_days
            .len()
            .checked_sub(1)
            .map(|last| self.registration_days[last / 2]);
        let registration_sum: i64 = self.registration_days.iter().map(|&d| i64::from(d)).sum();
        PilotKindFigures {
            kind,
            notified: self.notified,
            families_contacted: self.contacted,
            registered_after_outreach: self.registered_after_outreach,
            notified_not_registered: self.notified_not_registered,
            registered: self.registered,
            registered_on_time: self.on_time,
            days_to_registration_mean: mean(registration_sum, self.registered),
            days_to_registration_median: median,
            days_to_health_data_mean: mean(self.health_data_days, self.notified),
            identification_complete: self.identification_complete,
            shared_with_health: self.shared,
            causes_returned: self.causes,
            days_to_cause_mean: mean(self.cause_days, self.causes),
        }
    }
}

impl PilotFigures {
    /// The figures of the events that happened in [from, to] (both days
    /// included) among `cases`; the others are passed over.
    pub fn compute<'a>(
        from: NaiveDate,
        to: NaiveDate,
        cases: impl IntoIterator<Item = &'a PilotCase>,
    ) -> PilotFigures {
        let (mut births, mut deaths) = (Tally::default(), Tally::default());
        for case in cases {
            if case.event_date < from || case.event_date > to {
                continue;
            }
            match case.kind {
                EventKind::Birth => births.add(case),
                EventKind::Death => deaths.add(case),
            }
        }
        PilotFigures {
            from,
            to,
            birth: births.figures(EventKind::Birth),
            death: deaths.figures(EventKind::Death),
        }
    }

    /// The figures of a period without any event.
    pub fn empty(from: NaiveDate, to: NaiveDate) -> PilotFigures {
        PilotFigures::compute(from, to, &[])
    }

    pub fn of(&self, kind: EventKind) -> &PilotKindFigures {
        match kind {
            EventKind::Birth => &self.birth,
            EventKind::Death => &self.death,
        }
    }
}

/// Whether a notification identifies its person completely, as the pilot
/// counted it: the 12-digit personal identification number valid in
/// structure ([`check_personal_id`]: Decree 137/2015/NĐ-CP, Art. 13), the
/// full name, the whole date of birth and the commune of permanent residence
/// (one the reference list knows). A death notice about the deceased; a
/// birth certificate about the mother (the child has no number yet).
pub fn identification_complete(notification: &Notification) -> bool {
    let known_commune = |code: &str| reference::commune(code).is_some();
    let whole_date = |date: &PartialDate| matches!(date, PartialDate::Full(_));
    let valid_id = |id: Option<&String>, sex: Sex, birth: &PartialDate| {
        id.is_some_and(|id| check_personal_id(id, sex, birth.year()).is_ok())
    };
    match (&notification.death, &notification.birth) {
        (Some(death), _) => {
            !death.name.trim().is_empty()
                && whole_date(&death.birth_date)
                && valid_id(death.id_number.as_ref(), death.sex, &death.birth_date)
                && known_commune(&death.permanent_commune_code)
        }
        (None, Some(birth)) => {
            !birth.mother_name.trim().is_empty()
                && whole_date(&birth.mother_birth_date)
                && valid_id(
                    birth.mother_id_number.as_ref(),
                    Sex::Female,
                    &birth.mother_birth_date,
                )
                && known_commune(&birth.residence_commune_code)
        }
        (None, None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn death(event: NaiveDate) -> PilotCase {
        PilotCase {
            kind: EventKind::Death,
            event_date: event,
            notified: None,
            first_contact_on: None,
            registration: None,
        }
    }

    fn notified(arrived_on: NaiveDate, complete: bool) -> Option<NotifiedFacts> {
        Some(NotifiedFacts {
            arrived_on,
            identification_complete: complete,
        })
    }

    fn registered(
        on: NaiveDate,
        deadline: NaiveDate,
        cause: Option<NaiveDate>,
    ) -> Option<RegisteredFacts> {
        Some(RegisteredFacts {
            registered_on: on,
            deadline,
            shared_with_health: true,
            cause_returned_on: cause,
        })
    }

    #[test]
    fn each_line_counts_its_cohort() {
        let cases = [
            // Notified on the 3rd, contacted, registered on the 10th (on time), cause on the 14th.
            PilotCase {
                notified: notified(day(6, 3), true),
                first_contact_on: Some(day(6, 4)),
                registration: registered(day(6, 10), day(6, 16), Some(day(6, 14))),
                ..death(day(6, 1))
            },
            // Notified late (the 12th), incomplete, contacted, never registered.
            PilotCase {
                notified: notified(day(6, 12), false),
                first_contact_on: Some(day(6, 13)),
                ..death(day(6, 2))
            },
            // Notified, came on their own on the 30th: late, no cause yet.
            PilotCase {
                notified: notified(day(6, 5), true),
                registration: registered(day(6, 30), day(6, 20), None),
                ..death(day(6, 5))
            },
            // Opened by hand: registered on the 21st, cause on the 22nd.
            PilotCase {
                registration: registered(day(6, 21), day(6, 25), Some(day(6, 22))),
                ..death(day(6, 10))
            },
            // Outside the period.
            PilotCase {
                notified: notified(day(7, 1), true),
                ..death(day(7, 1))
            },
        ];
        let figures = PilotFigures::compute(day(6, 1), day(6, 30), &cases);
        let d = &figures.death;
        assert_eq!(d.notified, 3);
        assert_eq!(d.families_contacted, 2);
        assert_eq!(d.registered_after_outreach, 1);
        assert_eq!(d.notified_not_registered, 1);
        assert_eq!(d.registered, 3);
        assert_eq!(d.registered_on_time, 2);
        // 9, 25 and 11 days: mean 15, median 11.
        assert_eq!(d.days_to_registration_mean, Some(15.0));
        assert_eq!(d.days_to_registration_median, Some(11));
        // 2, 10 and 0 days.
        assert_eq!(d.days_to_health_data_mean, Some(4.0));
        assert_eq!(d.identification_complete, 2);
        assert_eq!(d.shared_with_health, 3);
        assert_eq!(d.causes_returned, 2);
        // 4 and 1 days.
        assert_eq!(d.days_to_cause_mean, Some(2.5));
        assert_eq!(figures.birth.notified, 0);
        assert_eq!(figures.birth.days_to_registration_mean, None);
    }

    #[test]
    fn complete_identification_needs_every_part() {
        let sim = crate::samples::death();
        assert!(identification_complete(&sim), "the sample is complete");
        let mut no_id = sim.clone();
        no_id.death.as_mut().unwrap().id_number = None;
        assert!(!identification_complete(&no_id));
        let mut bad_id = sim.clone();
        bad_id.death.as_mut().unwrap().id_number = Some("12345".into());
        assert!(!identification_complete(&bad_id));
        let mut year_only = sim.clone();
        let year = year_only.death.as_ref().unwrap().birth_date.year();
        year_only.death.as_mut().unwrap().birth_date = PartialDate::Year(year);
        assert!(!identification_complete(&year_only));
        let mut no_commune = sim;
        no_commune.death.as_mut().unwrap().permanent_commune_code = "99999".into();
        assert!(!identification_complete(&no_commune));
    }
}
