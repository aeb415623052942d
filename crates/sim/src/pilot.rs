//! The pilot scenario (issue 18, item 5): six months of a province's deaths
//! as the Ministries of Justice and Health pilot saw them, scripted from the
//! signed death notices the simulator issued. For each notice, when each
//! version reached the registry (mostly within hours of its issue, some a
//! day or days later); for each family, whether and when the commune's
//! officer reached them, and whether and when the death was registered (some
//! families never come); deaths at home that no notice announced, registered
//! when the family came; and for each registered death, whether and when the
//! commune health station returned its cause. Everything is drawn from the
//! seed: the figures come from playing the script (`hotich-central simulate
//! --scenario pilot`), never from constants.
//!
//! The script also keeps a ledger, one [`LedgerEntry`] per event: what
//! happened, as the simulator decided it, for a test to count on its own.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use hotich_calendar::OfficeCalendar;
use hotich_protocol::health_loop::CauseOfDeath;
use hotich_protocol::legal::registration_deadline;
use hotich_protocol::{Action, EventKind, Notification, PartialDate, Sex, SignedEnvelope};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use serde_json::{json, Value};

use crate::generate::{vn_date, vn_to_utc};
use crate::{decode, health_station, people};

/// Shares of the families and offices, as the pilot reported them roughly:
/// of 1,449 deaths notified, 528 registered after the families were contacted.
const CONTACTED: f64 = 0.88;
const REGISTERED_AFTER_CONTACT: f64 = 0.42;
/// Families never contacted who came on their own.
const CAME_UNCONTACTED: f64 = 0.25;
/// Deaths at home with no notice, for each notified death.
const UNNOTIFIED_PER_NOTIFIED: f64 = 0.15;
/// Registered deaths whose cause the station returned (if in time).
const CAUSE_RETURNED: f64 = 0.9;

/// What the scenario covers.
#[derive(Debug, Clone, PartialEq)]
pub struct PilotConfig {
    pub today: NaiveDate,
    /// Events happen within this many days before today.
    pub days: u32,
    pub seed: u64,
}

/// A notice version and the instant the registry received it.
#[derive(Debug, Clone)]
pub struct Arrival {
    pub at: DateTime<Utc>,
    pub envelope: SignedEnvelope,
}

/// One attempt to reach a family.
#[derive(Debug, Clone)]
pub struct ScriptedAttempt {
    pub at: DateTime<Utc>,
    pub outcome: &'static str,
}

/// A death registered at the commune, and the cause its station returned.
#[derive(Debug, Clone)]
pub struct ScriptedRegistration {
    pub id: String,
    pub at: DateTime<Utc>,
    pub on: NaiveDate,
    pub deadline: NaiveDate,
    /// The number in the commune's register book of its year.
    pub number: u32,
    pub cause: Option<(DateTime<Utc>, CauseOfDeath)>,
}

/// The deceased as the registration form gives them.
#[derive(Debug, Clone, Serialize)]
pub struct Deceased {
    pub full_name: String,
    pub birth_date: PartialDate,
    pub sex: Sex,
    pub personal_id: String,
    pub death_date: NaiveDate,
    pub death_place: String,
    pub last_residence: String,
}

/// One event of the script, at one commune.
#[derive(Debug, Clone)]
pub struct ScriptedCase {
    pub commune: String,
    pub case_id: String,
    pub notification_id: Option<String>,
    /// The event's date as the case shows it (the newest notice's).
    pub event_date: NaiveDate,
    pub deceased: Deceased,
    pub attempts: Vec<ScriptedAttempt>,
    pub registration: Option<ScriptedRegistration>,
}

impl ScriptedCase {
    /// The officer of the commune's workstation.
    pub fn officer_id(&self) -> String {
        format!("thi-diem-{}", self.commune)
    }

    /// The outbox row of attempt `index`, as the workstation writes it
    /// (`case_attempt`; outreach's timeline entry).
    pub fn attempt_body(&self, index: usize) -> Option<Value> {
        let attempt = self.attempts.get(index)?;
        Some(json!({
            "appointment_date": null, "assignee": null, "at": attempt.at.to_rfc3339(),
            "case_id": self.case_id, "channel": "phone", "corrects": null,
            "event_id": format!("{}-a{index}", self.case_id), "from_status": null,
            "kind": "attempt", "next_follow_up": null, "note": null,
            "notification_id": self.notification_id, "notification_version": null,
            "officer_id": self.officer_id(), "outcome": attempt.outcome, "to_status": null,
        }))
    }

    /// The registration's outbox row, as the workstation's `register` writes it.
    pub fn registration_body(&self) -> Option<Value> {
        let registration = self.registration.as_ref()?;
        Some(json!({
            "registration_id": registration.id, "case_id": self.case_id, "type": "death",
            "year": chrono::Datelike::year(&registration.on), "number": registration.number,
            "book": format!("{}/TLKT", chrono::Datelike::year(&registration.on)),
            "officer_id": self.officer_id(),
            "form": {
                "registration_date": registration.on,
                "death": self.deceased,
            },
            "event_date": self.event_date, "deadline": registration.deadline,
            "notification_id": self.notification_id,
        }))
    }
}

/// What the simulator decided about one event, for a test to count on its own.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerEntry {
    #[serde(rename = "type")]
    pub kind: EventKind,
    pub commune: String,
    pub notification_id: Option<String>,
    /// A void version of the notice came: no event to register.
    pub voided: bool,
    /// The notice's version that reached the registry first, with content.
    pub first_notice: Option<Notification>,
    pub first_notice_arrived_at: Option<DateTime<Utc>>,
    /// The event's date as the case shows it.
    pub event_date: NaiveDate,
    /// The person, as the newest version with content names them (a
    /// correction may respell the name).
    pub subject_name: Option<String>,
    pub first_contact_at: Option<DateTime<Utc>>,
    pub registered_on: Option<NaiveDate>,
    pub deadline: Option<NaiveDate>,
    pub cause_returned_at: Option<DateTime<Utc>>,
}

/// The script: every arrival in time order, every case, and the ledger.
#[derive(Debug, Clone)]
pub struct PilotScript {
    pub arrivals: Vec<Arrival>,
    pub cases: Vec<ScriptedCase>,
    pub ledger: Vec<LedgerEntry>,
}

/// 23:59 on `day`, Vietnamese time.
fn end_of(day: NaiveDate) -> DateTime<Utc> {
    vn_to_utc(day.and_time(NaiveTime::from_hms_opt(23, 59, 0).unwrap_or(NaiveTime::MIN)))
}

/// `day` at `hour`:`minute`, Vietnamese time.
fn on(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    vn_to_utc(day.and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN)))
}

/// A UUID-shaped id drawn from the seed.
fn id_of(rng: &mut ChaCha8Rng) -> String {
    let (a, b): (u64, u64) = (rng.gen(), rng.gen());
    let hex = format!("{a:016x}{b:016x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

struct Scripter<'a> {
    calendar: OfficeCalendar,
    rng: ChaCha8Rng,
    /// The station of each commune (MACSKCB).
    stations: &'a BTreeMap<String, String>,
    last: DateTime<Utc>,
}

impl Scripter<'_> {
    /// When the registry receives a version issued at `issued`: most within
    /// hours, some a day later, a few days later.
    fn arrival(&mut self, issued: DateTime<Utc>) -> DateTime<Utc> {
        let minutes = match self.rng.gen_range(0..100) {
            0..=79 => self.rng.gen_range(5..180),
            80..=91 => self.rng.gen_range(240..1440),
            _ => self.rng.gen_range(1440..5 * 1440),
        };
        (issued + Duration::minutes(minutes)).min(self.last)
    }

    /// An office time on `day` or the next working day.
    fn office_time(&mut self, day: NaiveDate) -> DateTime<Utc> {
        let day = self.calendar.working_day_on_or_after(day);
        on(day, self.rng.gen_range(8..16), self.rng.gen_range(0..60))
    }

    /// The family's attempts from `first` (one to three, a few days apart;
    /// the last one reaches them), none after today.
    fn attempts(&mut self, first: DateTime<Utc>) -> Vec<ScriptedAttempt> {
        let count = self.rng.gen_range(1..=3);
        let mut at = first;
        let mut attempts = Vec::new();
        for i in 0..count {
            if at > self.last {
                break;
            }
            let outcome = if i + 1 == count {
                "reached"
            } else {
                "no_answer"
            };
            attempts.push(ScriptedAttempt { at, outcome });
            let next = vn_date(at) + Duration::days(self.rng.gen_range(1..=4));
            at = self.office_time(next);
        }
        attempts
    }

    /// When the family registers the death of `event_date`, not before
    /// `not_before`; None when that is after today.
    fn registration_day(
        &mut self,
        event_date: NaiveDate,
        not_before: NaiveDate,
    ) -> Option<DateTime<Utc>> {
        let days = match self.rng.gen_range(0..100) {
            0..=59 => self.rng.gen_range(2..=12),
            60..=87 => self.rng.gen_range(13..=15),
            _ => self.rng.gen_range(16..=45),
        };
        let day = (event_date + Duration::days(days)).max(not_before);
        Some(self.office_time(day)).filter(|at| *at <= self.last)
    }

    fn registration(
        &mut self,
        commune: &str,
        at: DateTime<Utc>,
        event_date: NaiveDate,
    ) -> ScriptedRegistration {
        let id = id_of(&mut self.rng);
        let on = vn_date(at);
        let cause = match self.stations.get(commune) {
            Some(station) if self.rng.gen_bool(CAUSE_RETURNED) => {
                let returned = at
                    + Duration::days(self.rng.gen_range(2..=12))
                    + Duration::minutes(self.rng.gen_range(0..480));
                (returned <= self.last)
                    .then(|| (returned, health_station::cause_of(&id, on, station)))
            }
            _ => None,
        };
        ScriptedRegistration {
            id,
            at,
            on,
            deadline: registration_deadline(&self.calendar, EventKind::Death, event_date),
            number: 0,
            cause,
        }
    }
}

fn deceased_of(notification: &Notification) -> Option<Deceased> {
    let death = notification.death.as_ref()?;
    Some(Deceased {
        full_name: death.name.clone(),
        birth_date: death.birth_date,
        sex: death.sex,
        personal_id: death.id_number.clone().unwrap_or_default(),
        death_date: death.death_time.date(),
        death_place: death
            .current_address
            .clone()
            .unwrap_or_else(|| death.permanent_address.clone()),
        last_residence: death.permanent_address.clone(),
    })
}

/// Scripts the pilot from the death notices the simulator issued for the
/// communes of `stations` (each commune's health station), signed versions
/// in any order.
pub fn script(
    cfg: &PilotConfig,
    notices: &[SignedEnvelope],
    stations: &BTreeMap<String, String>,
) -> PilotScript {
    let mut s = Scripter {
        calendar: OfficeCalendar::labour_code_only(),
        rng: ChaCha8Rng::seed_from_u64(cfg.seed ^ 0x0070_696c_6f74),
        stations,
        last: end_of(cfg.today),
    };
    // Each notice's versions with their arrival, by notification id.
    let mut by_id: BTreeMap<String, Vec<(DateTime<Utc>, Notification)>> = BTreeMap::new();
    let mut arrivals = Vec::with_capacity(notices.len());
    for envelope in notices {
        let Some(notification) = decode(envelope) else {
            continue;
        };
        let at = s.arrival(notification.issued_at);
        arrivals.push(Arrival {
            at,
            envelope: envelope.clone(),
        });
        by_id
            .entry(notification.notification_id.clone())
            .or_default()
            .push((at, notification));
    }
    arrivals.sort_by_key(|a| a.at);

    let mut cases = Vec::new();
    let mut ledger = Vec::new();
    for (notification_id, mut versions) in by_id {
        versions.sort_by_key(|(at, n)| (*at, n.version));
        let voided = versions.iter().any(|(_, n)| n.action == Action::Void);
        let Some((first_at, first)) = versions
            .iter()
            .find(|(_, n)| n.action != Action::Void)
            .cloned()
        else {
            continue;
        };
        // The case shows the newest version with content.
        let Some(newest) = versions
            .iter()
            .filter(|(_, n)| n.action != Action::Void)
            .max_by_key(|(_, n)| n.version)
            .map(|(_, n)| n.clone())
        else {
            continue;
        };
        let (Some(event_date), Some(deceased)) = (newest.event_date(), deceased_of(&newest)) else {
            continue;
        };
        let commune = newest
            .death
            .as_ref()
            .map(|d| d.permanent_commune_code.clone())
            .unwrap_or_default();
        let mut case = ScriptedCase {
            commune: commune.clone(),
            case_id: id_of(&mut s.rng),
            notification_id: Some(notification_id.clone()),
            event_date,
            deceased,
            attempts: Vec::new(),
            registration: None,
        };
        if !voided {
            if s.rng.gen_bool(CONTACTED) {
                let hours = s.rng.gen_range(2..72);
                let first_contact = first_at + Duration::hours(hours);
                let first_contact = s.office_time(vn_date(first_contact));
                case.attempts = s.attempts(first_contact.max(first_at));
            }
            let registers = if case.attempts.is_empty() {
                s.rng.gen_bool(CAME_UNCONTACTED)
            } else {
                s.rng.gen_bool(REGISTERED_AFTER_CONTACT)
            };
            if registers {
                let not_before = case
                    .attempts
                    .last()
                    .map_or(vn_date(first_at), |a| vn_date(a.at));
                if let Some(at) = s.registration_day(event_date, not_before) {
                    case.registration = Some(s.registration(&commune, at, event_date));
                }
            }
        }
        ledger.push(LedgerEntry {
            kind: EventKind::Death,
            commune,
            notification_id: Some(notification_id),
            voided,
            first_notice: Some(first),
            first_notice_arrived_at: Some(first_at),
            event_date,
            subject_name: newest.subject_name(),
            first_contact_at: case.attempts.first().map(|a| a.at),
            registered_on: case.registration.as_ref().map(|r| r.on),
            deadline: case.registration.as_ref().map(|r| r.deadline),
            cause_returned_at: case
                .registration
                .as_ref()
                .and_then(|r| r.cause.as_ref().map(|(at, _)| *at)),
        });
        if !voided {
            cases.push(case);
        }
    }

    // Deaths at home that no notice announced: the family came.
    let communes: Vec<String> = stations.keys().cloned().collect();
    let unnotified = (ledger.len() as f64 * UNNOTIFIED_PER_NOTIFIED).round() as usize;
    for _ in 0..unnotified {
        if communes.is_empty() {
            break;
        }
        let commune = communes[s.rng.gen_range(0..communes.len())].clone();
        let event_date = cfg.today - Duration::days(s.rng.gen_range(0..i64::from(cfg.days)));
        let sex = if s.rng.gen_bool(0.55) {
            Sex::Male
        } else {
            Sex::Female
        };
        let age = s.rng.gen_range(55..95);
        let birth = event_date - Duration::days(age * 365 + s.rng.gen_range(0..365));
        let year = chrono::Datelike::year(&birth);
        let province =
            hotich_protocol::reference::commune(&commune).map_or("01", |c| c.province_code);
        let deceased = Deceased {
            full_name: people::full_name(&mut s.rng, sex, year, None),
            birth_date: PartialDate::Full(birth),
            sex,
            personal_id: people::personal_id(&mut s.rng, province, sex, year),
            death_date: event_date,
            death_place: "Tại nhà".to_owned(),
            last_residence: "Tại xã".to_owned(),
        };
        let Some(at) = s.registration_day(event_date, event_date) else {
            continue;
        };
        let registration = s.registration(&commune, at, event_date);
        ledger.push(LedgerEntry {
            kind: EventKind::Death,
            commune: commune.clone(),
            notification_id: None,
            voided: false,
            first_notice: None,
            first_notice_arrived_at: None,
            event_date,
            subject_name: Some(deceased.full_name.clone()),
            first_contact_at: None,
            registered_on: Some(registration.on),
            deadline: Some(registration.deadline),
            cause_returned_at: registration.cause.as_ref().map(|(at, _)| *at),
        });
        cases.push(ScriptedCase {
            commune,
            case_id: id_of(&mut s.rng),
            notification_id: None,
            event_date,
            deceased,
            attempts: Vec::new(),
            registration: Some(registration),
        });
    }

    // Register books: each commune's deaths of a year numbered as registered.
    let mut order: Vec<(DateTime<Utc>, usize)> = cases
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.registration.as_ref().map(|r| (r.at, i)))
        .collect();
    order.sort();
    let mut counters: BTreeMap<(String, i32), u32> = BTreeMap::new();
    for (_, i) in order {
        let case = &mut cases[i];
        if let Some(registration) = case.registration.as_mut() {
            let year = chrono::Datelike::year(&registration.on);
            let next = counters.entry((case.commune.clone(), year)).or_insert(0);
            *next += 1;
            registration.number = *next;
        }
    }
    PilotScript {
        arrivals,
        cases,
        ledger,
    }
}
