//! Six simulated months of a commune (about 3,000 births and 1,500 deaths
//! from `hotich_sim`, with corrections and voids), worked day by day through
//! the Store API with seeded random choices: attempts, appointments,
//! reviews, registrations on time and late. The period statistics and the
//! dashboard must match what this test computes, in plain Rust, from what it
//! did itself.

mod common;

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Days, NaiveDate, Timelike, Weekday};
use hotich_core::{
    AttemptInput, CaseFilter, CaseStatus, Channel, KindStats, Officer, Outcome, PeriodStats,
    StatusDecision, Store,
};
use hotich_protocol::{Action, EventKind, SignedEnvelope};
use hotich_sim::{simulate, vn_date, SimConfig};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use common::fixture;
use common::{at, register_on};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Monday to Friday, less the public holidays of the six months, listed here
/// by hand: Quốc khánh, Wednesday 2 September 2026, and the day beside it
/// (Tuesday 1st; Labour Code 2019, Art. 112(1)).
fn is_working_day(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
        && d != day(2026, 9, 1)
        && d != day(2026, 9, 2)
}

/// The legal deadline, counted here on its own: 60 or 15 days after the
/// event, moved past a weekend or holiday to the next working day.
fn deadline_of(kind: EventKind, event: NaiveDate) -> NaiveDate {
    let mut last = event + Days::new(if kind == EventKind::Birth { 60 } else { 15 });
    while !is_working_day(last) {
        last = last + Days::new(1);
    }
    last
}

fn add_working_days(mut d: NaiveDate, n: u32) -> NaiveDate {
    for _ in 0..n {
        d = d + Days::new(1);
        while !is_working_day(d) {
            d = d + Days::new(1);
        }
    }
    d
}

/// What the test knows of a case from what it did.
#[derive(Debug)]
struct Worked {
    kind: EventKind,
    notification_id: String,
    received: NaiveDate,
    attempts: Vec<(NaiveDate, Outcome)>,
    registered_on: Option<NaiveDate>,
    appointment: Option<NaiveDate>,
    next_follow_up: Option<NaiveDate>,
    officer: usize,
}

/// Six monthly simulations (each spreads births over 100 days and deaths over
/// 40 days before its last day), merged in signing order.
fn six_months() -> (Vec<u8>, Vec<SignedEnvelope>) {
    let month_ends = [
        day(2026, 6, 30),
        day(2026, 7, 31),
        day(2026, 8, 31),
        day(2026, 9, 30),
        day(2026, 10, 31),
        day(2026, 11, 30),
    ];
    let mut envelopes = Vec::new();
    let mut trust = Vec::new();
    for (index, end) in month_ends.into_iter().enumerate() {
        let mut config = SimConfig::new("01864", 500, 250, end);
        config.seed = 7_100 + index as u64;
        let out = simulate(&config).unwrap();
        trust = serde_json::to_vec(&out.trust_list).unwrap();
        envelopes.extend(out.notifications);
    }
    let signed_at = |e: &SignedEnvelope| hotich_sim::decode(e).unwrap().issued_at;
    envelopes.sort_by_key(signed_at);
    (trust, envelopes)
}

/// The nearest-rank percentile of `values`, counted here on its own.
fn percentile(values: &mut [u32], percent: usize) -> Option<u32> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let rank = (values.len() * percent).div_ceil(100).max(1);
    Some(values[rank - 1])
}

fn within(d: NaiveDate, from: NaiveDate, to: NaiveDate) -> bool {
    from <= d && d <= to
}

/// The figures the store must give for [from, to], from the test's own record.
fn expected(
    kind: EventKind,
    cases: &HashMap<String, Worked>,
    voided: &HashMap<String, bool>,
    event_dates: &HashMap<String, NaiveDate>,
    from: NaiveDate,
    to: NaiveDate,
) -> KindStats {
    let mut stats = KindStats::empty(kind);
    let mut days_to_registration = Vec::new();
    let mut days_to_contact = Vec::new();
    for (id, case) in cases.iter().filter(|(_, c)| c.kind == kind) {
        let is_voided = voided[id];
        let event = event_dates[&case.notification_id];
        if within(case.received, from, to) {
            if is_voided {
                stats.voided += 1;
            } else {
                stats.received += 1;
                if let Some((first, _)) = case.attempts.first() {
                    stats.contacted += 1;
                    days_to_contact.push((*first - case.received).num_days() as u32);
                }
            }
        }
        if let Some(on) = case
            .registered_on
            .filter(|on| within(*on, from, to) && !is_voided)
        {
            stats.registered += 1;
            if on <= deadline_of(kind, event) {
                stats.registered_on_time += 1;
            } else {
                stats.registered_late += 1;
            }
            days_to_registration.push((on - event).num_days() as u32);
        }
        let attempts_in_period: Vec<_> = case
            .attempts
            .iter()
            .filter(|(d, _)| within(*d, from, to))
            .collect();
        for (_, outcome) in &attempts_in_period {
            stats.attempts += 1;
            stats
                .attempt_outcomes
                .iter_mut()
                .find(|o| o.outcome == *outcome)
                .unwrap()
                .count += 1;
        }
        if !attempts_in_period.is_empty() && !is_voided {
            stats.cases_worked += 1;
            if case.registered_on.is_some_and(|on| on <= to) {
                stats.registered_after_outreach += 1;
            }
        }
    }
    stats.days_to_registration = hotich_core::stats::DAYS_BUCKETS
        .iter()
        .map(|&(min_days, max_days)| hotich_core::DaysBucket {
            min_days,
            max_days,
            count: days_to_registration
                .iter()
                .filter(|&&d| d >= min_days && max_days.is_none_or(|max| d <= max))
                .count() as u64,
        })
        .collect();
    stats.days_to_registration_median = percentile(&mut days_to_registration, 50);
    stats.days_to_registration_p90 = percentile(&mut days_to_registration, 90);
    stats.days_to_first_contact_median = percentile(&mut days_to_contact, 50);
    stats.outreach_conversion = (stats.cases_worked > 0)
        .then(|| stats.registered_after_outreach as f64 / stats.cases_worked as f64);
    stats
}

/// A notification as the facility issued it: its type, when it was signed,
/// and when it arrived (the end of its day, as the import below takes it in).
struct Issued {
    kind: EventKind,
    issued_at: chrono::DateTime<chrono::Utc>,
    arrived_at: chrono::DateTime<chrono::Utc>,
}

/// Minutes of the office's default hours (7:30-11:30, 13:30-17:00) between
/// two instants of the same office day, counted here on their own.
fn office_minutes_same_day(
    from: chrono::DateTime<chrono::Utc>,
    to: chrono::DateTime<chrono::Utc>,
) -> u32 {
    let local = |t: chrono::DateTime<chrono::Utc>| t + chrono::Duration::hours(7);
    let (from, to) = (local(from), local(to));
    assert_eq!(
        from.date_naive(),
        to.date_naive(),
        "issued and taken in on one office day"
    );
    if !is_working_day(from.date_naive()) {
        return 0;
    }
    let minute = |t: chrono::DateTime<chrono::Utc>| t.hour() * 60 + t.minute();
    let (start, end) = (minute(from), minute(to));
    [(7 * 60 + 30, 11 * 60 + 30), (13 * 60 + 30, 17 * 60)]
        .iter()
        .map(|&(open, close)| end.min(close).saturating_sub(start.max(open)))
        .sum()
}

/// The health side's timeliness the store must give for [from, to]: each
/// first issue of the period, within 4 working hours or not, and the median.
fn expect_timeliness(stats: &mut KindStats, issued: &[Issued], from: NaiveDate, to: NaiveDate) {
    let mut minutes: Vec<u32> = issued
        .iter()
        .filter(|n| n.kind == stats.kind && within(vn_date(n.issued_at), from, to))
        .map(|n| office_minutes_same_day(n.issued_at, n.arrived_at))
        .collect();
    stats.issued_by_health = minutes.len() as u64;
    stats.sent_in_time = minutes.iter().filter(|&&m| m <= 4 * 60).count() as u64;
    stats.working_minutes_to_arrival_median = percentile(&mut minutes, 50);
}

fn expected_months(
    cases: &HashMap<String, Worked>,
    voided: &HashMap<String, bool>,
    event_dates: &HashMap<String, NaiveDate>,
    from: NaiveDate,
    to: NaiveDate,
) -> BTreeMap<(String, &'static str), (u64, u64, u64)> {
    let mut months = BTreeMap::new();
    let month = |d: NaiveDate| d.format("%Y-%m").to_string();
    for (id, case) in cases {
        if voided[id] {
            continue;
        }
        let kind = case.kind.as_str();
        if within(case.received, from, to) {
            months
                .entry((month(case.received), kind))
                .or_insert((0, 0, 0))
                .0 += 1;
        }
        if let Some(on) = case.registered_on.filter(|on| within(*on, from, to)) {
            let line = months.entry((month(on), kind)).or_insert((0, 0, 0));
            line.1 += 1;
            if on <= deadline_of(case.kind, event_dates[&case.notification_id]) {
                line.2 += 1;
            }
        }
    }
    months
}

fn months_of(stats: &PeriodStats) -> BTreeMap<(String, &'static str), (u64, u64, u64)> {
    stats
        .monthly
        .iter()
        .filter(|m| m.received + m.registered > 0)
        .map(|m| {
            (
                (m.month.clone(), m.kind.as_str()),
                (m.received, m.registered, m.registered_on_time),
            )
        })
        .collect()
}

fn assert_kind_stats(got: &KindStats, want: &KindStats, what: &str) {
    // Floats compared apart; everything else field by field through Debug.
    let strip = |s: &KindStats| KindStats {
        outreach_conversion: None,
        ..s.clone()
    };
    assert_eq!(
        format!("{:?}", strip(got)),
        format!("{:?}", strip(want)),
        "{what}"
    );
    match (got.outreach_conversion, want.outreach_conversion) {
        (Some(g), Some(w)) => assert!((g - w).abs() < 1e-12, "{what}: {g} != {w}"),
        (g, w) => assert_eq!(g, w, "{what}"),
    }
}

fn outcome_for(rng: &mut ChaCha8Rng) -> Outcome {
    match rng.gen_range(0..100) {
        0..=34 => Outcome::Reached,
        35..=59 => Outcome::NoAnswer,
        60..=64 => Outcome::WrongNumber,
        65..=84 => Outcome::AppointmentSet,
        85..=89 => Outcome::Refused,
        90..=93 => Outcome::MovedAway,
        94..=96 => Outcome::RegisteredElsewhere,
        _ => Outcome::Other,
    }
}

/// One case's turn on a working day: review, register, or try to reach the family.
fn work(
    store: &mut Store,
    officer: &Officer,
    id: &str,
    case: &mut Worked,
    status: CaseStatus,
    today: NaiveDate,
    rng: &mut ChaCha8Rng,
) {
    let decide = |store: &mut Store, to: CaseStatus| {
        store.change_status(
            officer,
            id,
            &StatusDecision {
                to,
                reason: None,
                next_follow_up: None,
            },
            at(today, 2),
            today,
        )
    };
    match status {
        CaseStatus::NeedsReview => {
            // Half the reviews happen the same day. A withdrawn notice is
            // closed as voided; otherwise outreach goes on (a registered case
            // stays registered, for a person to look at).
            let reviewed = rng.gen_bool(0.5);
            let voided = reviewed && decide(store, CaseStatus::Voided).is_ok();
            if reviewed && !voided && case.registered_on.is_none() {
                decide(store, CaseStatus::InOutreach).unwrap();
                case.next_follow_up = Some(add_working_days(today, 1));
                case.appointment = None;
            }
        }
        CaseStatus::New | CaseStatus::InOutreach | CaseStatus::Appointment => {
            let appointment_day = case.appointment.is_some_and(|d| d <= today);
            let walks_in = rng.gen_bool(0.03);
            if (status == CaseStatus::Appointment && appointment_day && rng.gen_bool(0.8))
                || walks_in
            {
                register_on(store, officer, id, today);
                case.registered_on = Some(today);
                return;
            }
            let due = case.next_follow_up.is_none_or(|d| d <= today);
            let chance = if status == CaseStatus::New { 0.6 } else { 0.5 };
            if !due || !rng.gen_bool(chance) {
                return;
            }
            let outcome = outcome_for(rng);
            let appointment = (outcome == Outcome::AppointmentSet)
                .then(|| today + Days::new(rng.gen_range(1..=5)));
            let input = AttemptInput {
                channel: Channel::ALL[rng.gen_range(0..Channel::ALL.len())],
                outcome,
                note: (outcome == Outcome::RegisteredElsewhere)
                    .then(|| "Gia đình đã đăng ký tại xã nơi cư trú của cha".to_owned()),
                appointment_date: appointment,
                next_follow_up: None,
                corrects: None,
            };
            store
                .log_attempt(officer, id, &input, at(today, 2), today)
                .unwrap();
            case.attempts.push((today, outcome));
            case.appointment = appointment;
            case.next_follow_up = hotich_core::lifecycle::proposed_follow_up(
                store.calendar(),
                outcome,
                today,
                appointment,
            );
        }
        _ => {}
    }
}

/// A database directory in memory when the machine has one: the suite
/// commits ~20,000 transactions and fsync is not what it tests.
fn scratch_dir() -> tempfile::TempDir {
    match tempfile::tempdir_in("/dev/shm") {
        Ok(dir) => dir,
        Err(_) => tempfile::tempdir().unwrap(),
    }
}

#[test]
fn six_simulated_months_give_the_figures_counted_from_what_was_done() {
    let (trust, envelopes) = six_months();
    let start = vn_date(hotich_sim::decode(&envelopes[0]).unwrap().issued_at);
    let (_dir, mut store, supervisor) = fixture::office_in(scratch_dir(), &trust, at(start, 1));
    let officers: Vec<Officer> = ["lan", "minh", "hoa"]
        .iter()
        .map(|username| {
            let name = format!("Cán bộ {username}");
            fixture::registrar(&mut store, &supervisor, username, &name, at(start, 1))
        })
        .collect();

    // The newest content of each notification gives its event's date; what
    // the facility sent last decides nothing here (the store's status does).
    let mut event_dates: HashMap<String, (u32, NaiveDate)> = HashMap::new();
    for envelope in &envelopes {
        let n = hotich_sim::decode(envelope).unwrap();
        if n.action == Action::Void {
            continue;
        }
        let date = n.event_date().unwrap();
        let entry = event_dates
            .entry(n.notification_id.clone())
            .or_insert((n.version, date));
        if n.version >= entry.0 {
            *entry = (n.version, date);
        }
    }
    let event_dates: HashMap<String, NaiveDate> = event_dates
        .into_iter()
        .map(|(id, (_, d))| (id, d))
        .collect();

    let mut by_day: BTreeMap<NaiveDate, Vec<&SignedEnvelope>> = BTreeMap::new();
    let mut issued = Vec::new();
    for envelope in &envelopes {
        let n = hotich_sim::decode(envelope).unwrap();
        if n.version == 1 && n.action == Action::Issue {
            issued.push(Issued {
                kind: n.kind,
                issued_at: n.issued_at,
                arrived_at: at(vn_date(n.issued_at), 16) + chrono::Duration::minutes(59),
            });
        }
        by_day
            .entry(vn_date(n.issued_at))
            .or_default()
            .push(envelope);
    }
    let last_day = day(2026, 11, 30);
    let mut rng = ChaCha8Rng::seed_from_u64(20_261_130);
    let mut cases: HashMap<String, Worked> = HashMap::new();
    let mut last_seq = 0_i64;
    let reader = store.file().raw_connection().unwrap();

    let mut today = start;
    while today <= last_day {
        // The day's work, in the morning, on the cases already received.
        if is_working_day(today) {
            // Where each case stands after the facilities' latest versions
            // (read beside the store: the open ones, and registered cases
            // whose notice changed, for review).
            let mut standing = reader
                .prepare_cached("SELECT id, status FROM case_file WHERE is_open = 1 ORDER BY id")
                .unwrap();
            let open: Vec<(String, String)> = standing
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            for (id, status) in open {
                let status = CaseStatus::parse(&status).unwrap();
                let case = cases.get_mut(&id).unwrap();
                work(
                    &mut store,
                    &officers[case.officer],
                    &id,
                    case,
                    status,
                    today,
                    &mut rng,
                );
            }
        }
        // The day's notifications arrive by its end (23:00 in Vietnam).
        if let Some(todays) = by_day.get(&today) {
            let file = serde_json::to_vec(todays).unwrap();
            let end_of_day = at(today, 16) + chrono::Duration::minutes(59);
            let summary = store
                .import_bytes(&file, "sync", end_of_day, &mut |_| {})
                .unwrap();
            assert_eq!(
                summary.quarantined, 0,
                "{today}: a notification id reused across the simulations"
            );
        }
        let mut new_cases = reader
            .prepare_cached(
                "SELECT seq, id, notification_id, kind FROM case_file WHERE seq > ?1 ORDER BY seq",
            )
            .unwrap();
        let rows = new_cases
            .query_map([last_seq], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                ))
            })
            .unwrap();
        for row in rows {
            let (seq, id, notification_id, kind) = row.unwrap();
            last_seq = seq;
            let officer = cases.len() % officers.len();
            cases.insert(
                id,
                Worked {
                    kind: if kind == "birth" {
                        EventKind::Birth
                    } else {
                        EventKind::Death
                    },
                    notification_id,
                    received: today,
                    attempts: Vec::new(),
                    registered_on: None,
                    appointment: None,
                    next_follow_up: None,
                    officer,
                },
            );
        }
        today = today + Days::new(1);
    }

    let births = cases
        .values()
        .filter(|c| c.kind == EventKind::Birth)
        .count();
    let deaths = cases.len() - births;
    assert!((2_800..=3_200).contains(&births), "{births} births");
    assert!((1_400..=1_600).contains(&deaths), "{deaths} deaths");
    let voided: HashMap<String, bool> = cases
        .keys()
        .map(|id| {
            (
                id.clone(),
                store.case(id, last_day).unwrap().status == CaseStatus::Voided,
            )
        })
        .collect();
    let registered = cases.values().filter(|c| c.registered_on.is_some()).count();
    let attempts: usize = cases.values().map(|c| c.attempts.len()).sum();
    eprintln!("{births} births, {deaths} deaths, {registered} registered, {attempts} attempts");

    for (from, to) in [
        (day(2026, 6, 1), day(2026, 11, 30)),
        (day(2026, 9, 1), day(2026, 9, 30)),
        (day(2026, 10, 15), day(2026, 11, 14)),
    ] {
        let stats = store.period_stats(from, to).unwrap();
        for kind in [EventKind::Birth, EventKind::Death] {
            let mut want = expected(kind, &cases, &voided, &event_dates, from, to);
            expect_timeliness(&mut want, &issued, from, to);
            assert_kind_stats(stats.of(kind), &want, &format!("{kind:?} {from}..{to}"));
        }
        assert_eq!(
            months_of(&stats),
            expected_months(&cases, &voided, &event_dates, from, to),
            "{from}..{to}"
        );
    }
    let whole = store.period_stats(day(2026, 6, 1), last_day).unwrap();
    assert!(whole.birth.registered_late > 0 && whole.death.registered_late > 0);
    assert!(
        whole.birth.voided + whole.death.voided > 0,
        "the simulation voids some notices"
    );

    // The dashboard on the last day, against the test's own record.
    let dashboard = store.dashboard(&supervisor, last_day).unwrap();
    let open: Vec<(&String, &Worked)> = cases
        .iter()
        .filter(|(id, _)| store.case(id, last_day).unwrap().status.is_open())
        .collect();
    assert_eq!(dashboard.open.count, open.len() as u64);
    let overdue = open
        .iter()
        .filter(|(_, c)| deadline_of(c.kind, event_dates[&c.notification_id]) < last_day)
        .count();
    assert_eq!(dashboard.overdue.count, overdue as u64);
    let not_contacted = open
        .iter()
        .filter(|(_, c)| c.attempts.is_empty() && add_working_days(c.received, 2) < last_day)
        .count();
    assert_eq!(dashboard.no_contact_yet.count, not_contacted as u64);
    let total_listed = store
        .cases(
            &CaseFilter {
                overdue_only: true,
                ..Default::default()
            },
            last_day,
        )
        .unwrap()
        .total;
    assert_eq!(
        total_listed,
        dashboard.overdue.count.min(hotich_core::queue::COUNT_LIMIT)
    );
}
