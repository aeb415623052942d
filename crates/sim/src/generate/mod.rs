//! Births, deaths, their corrections and voids, as the notifications' versions.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use hotich_protocol::payload::SCHEMA_VERSION;
use hotich_protocol::reference::{Commune, Province};
use hotich_protocol::{Action, EventKind, Notification};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::data::{self, pick, weighted};
use crate::facility::{address_in, FacilityKind, SimFacility};
use crate::SimConfig;

mod birth;
mod correction;
mod death;

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
            birth_notifications: cfg.first_number.unwrap_or((base % 90) as u32 * 1000),
            death_notifications: cfg.first_number.unwrap_or(((base >> 8) % 90) as u32 * 1000),
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
            let days = self.cfg.days_back.map_or(100, i64::from);
            plan.push((self.event_time(days), Some(babies)));
            left -= usize::from(babies);
        }
        for _ in 0..self.cfg.deaths {
            let days = self.cfg.days_back.map_or(40, i64::from);
            plan.push((self.event_time(days), None));
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

    /// An age from `(youngest, oldest)` bands picked by weight, uniform within the band.
    fn age_in(&mut self, bands: &[((i32, i32), u32)]) -> i32 {
        let (youngest, oldest) = *weighted(&mut self.rng, bands);
        self.rng.gen_range(youngest..=oldest)
    }

    fn midwife(&mut self, facility: usize) -> String {
        pick(&mut self.rng, &self.facilities[facility].midwives).clone()
    }

    fn doctor(&mut self, facility: usize) -> String {
        pick(&mut self.rng, &self.facilities[facility].doctors).clone()
    }
}
