//! Dashboard, workload and period statistics on a real SQLite file, against
//! a small commune worked by hand through the Store API: every expected
//! figure below is counted from the story told in `commune()`.

mod common;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::fixture::{self, case_of, import_signed};
use common::{at, register_on};
use hotich_core::{
    AttemptInput, CaseFilter, CaseStatus, Channel, DashboardFigures, Figure, Officer, Outcome,
    StatusDecision, Store,
};
use hotich_protocol::samples::{birth, death};
use hotich_protocol::{Action, EventKind, Notification};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

struct Commune {
    _dir: tempfile::TempDir,
    store: Store,
    supervisor: Officer,
    lan: Officer,
    minh: Officer,
    cases: std::collections::BTreeMap<String, String>,
}

impl Commune {
    fn case(&self, label: &str) -> &str {
        &self.cases[label]
    }
}

fn import(store: &mut Store, n: &Notification, received: DateTime<Utc>) {
    let summary = import_signed(store, n, received);
    assert_eq!(summary.quarantined, 0, "{}", n.notification_id);
}

fn case_id_of(store: &Store, notification_id: &str) -> String {
    case_of(store, notification_id, day(2026, 12, 31))
}

/// A death on `died`, its notice received at `received`.
fn death_notice(number: u32, name: &str, died: NaiveDate, received: DateTime<Utc>) -> Notification {
    let mut n = death();
    n.notification_id = format!("19001-GBT-{number:06}");
    n.issued_at = received - Duration::hours(1);
    let d = n.death.as_mut().unwrap();
    d.name = name.into();
    d.id_number = Some(format!("0060480{number:05}"));
    d.notice_code = format!("{number:05}.GBT.19001.26");
    d.death_time = died.and_hms_opt(6, 30, 0).unwrap();
    d.notice_issue_date = died;
    n
}

/// A birth on `born` to `mother`, its certificate received at `received`.
fn birth_certificate(
    number: u32,
    mother: &str,
    born: NaiveDate,
    received: DateTime<Utc>,
) -> Notification {
    let mut n = birth();
    n.notification_id = format!("19001-GCS-{number:06}");
    n.issued_at = received - Duration::hours(1);
    let b = n.birth.as_mut().unwrap();
    b.mother_name = mother.into();
    b.episode_key = format!("LK-2026-{number:06}");
    b.birth_time = born.and_hms_opt(8, 15, 0).unwrap();
    b.certificate_issue_date = born;
    b.certificate_number = number.to_string();
    n
}

/// Imports a notification an hour after it was signed; the case gets `label`.
fn arrive(c: &mut Commune, label: &str, n: Notification) -> Notification {
    import(&mut c.store, &n, n.issued_at + Duration::hours(1));
    let id = case_id_of(&c.store, &n.notification_id);
    c.cases.insert(label.to_owned(), id);
    n
}

fn attempt(channel: Channel, outcome: Outcome, appointment: Option<NaiveDate>) -> AttemptInput {
    AttemptInput {
        channel,
        outcome,
        note: None,
        appointment_date: appointment,
        next_follow_up: None,
        corrects: None,
    }
}

/// One step of the commune's story. Births are worked by Minh, deaths by Lan.
enum Step {
    /// A birth certificate: number (the case is `B<number>`), mother, born, received.
    Birth(u32, &'static str, NaiveDate, DateTime<Utc>),
    /// A death notice: number (the case is `D<number>`), name, died, received.
    Death(u32, &'static str, NaiveDate, DateTime<Utc>),
    /// A phone attempt on a case; an appointment is set three days ahead.
    Attempt(&'static str, NaiveDate, Outcome),
    Register(&'static str, NaiveDate),
}

impl Commune {
    fn worker(&self, label: &str) -> Officer {
        if label.starts_with('B') {
            self.minh.clone()
        } else {
            self.lan.clone()
        }
    }

    fn take(&mut self, step: &Step) {
        match *step {
            Step::Birth(number, mother, born, received) => {
                let n = birth_certificate(number, mother, born, received);
                arrive(self, &format!("B{number}"), n);
            }
            Step::Death(number, name, died, received) => {
                let n = death_notice(number, name, died, received);
                arrive(self, &format!("D{number}"), n);
            }
            Step::Attempt(label, on, outcome) => {
                let who = self.worker(label);
                let appointment =
                    (outcome == Outcome::AppointmentSet).then_some(on + Duration::days(3));
                let case_id = self.case(label).to_owned();
                let input = attempt(Channel::Phone, outcome, appointment);
                self.store
                    .log_attempt(&who, &case_id, &input, at(on, 3), on)
                    .unwrap();
            }
            Step::Register(label, on) => {
                let (who, case_id) = (self.worker(label), self.case(label).to_owned());
                register_on(&mut self.store, &who, &case_id, on);
            }
        }
    }
}

/// The story of a small commune in October and November 2026. Deaths are
/// worked by Lan, births by Minh.
fn commune() -> Commune {
    use Outcome::{AppointmentSet, NoAnswer, Reached, WrongNumber};
    use Step::{Attempt, Birth, Death, Register};
    let d = |month: u32, day_of_month: u32| day(2026, month, day_of_month);
    // 17:30 UTC on a day is 00:30 on the next day in Vietnam.
    let half_past_midnight_after = |on: NaiveDate| at(on, 17) + Duration::minutes(30);
    let setup = at(day(2026, 9, 1), 3);
    let (dir, mut store, supervisor) = fixture::office(setup);
    let mut registrar = |username: &str, name: &str| {
        fixture::registrar(&mut store, &supervisor, username, name, setup)
    };
    let lan = registrar("lan", "Nguyễn Thị Lan");
    let minh = registrar("minh", "Trần Văn Minh");
    let mut c = Commune {
        _dir: dir,
        store,
        supervisor,
        lan: lan.clone(),
        minh,
        cases: Default::default(),
    };

    let births_and_early_deaths = [
        // Births (60 days).
        // B1: born Thu 3 Sep, deadline Mon 2 Nov; an attempt in October; registered 3 Nov: late, 61 days.
        Birth(1, "Hoàng Thị Phượng", d(9, 3), at(d(9, 4), 3)),
        Attempt("B1", d(10, 20), NoAnswer),
        Register("B1", d(11, 3)),
        // B2: born Tue 1 Sep: day 60 is Saturday 31 Oct, so the deadline is Monday
        // 2 Nov; registered that day: on time, 62 days.
        Birth(2, "Lê Thị Mai", d(9, 1), at(d(9, 2), 3)),
        Register("B2", d(11, 2)),
        // B5: born 20 Oct, received 21 Oct, registered 26 Oct: on time, 6 days (October).
        Birth(5, "Vũ Thị Lan", d(10, 20), at(d(10, 21), 3)),
        Register("B5", d(10, 26)),
        // B3: born 10 Nov, received 11 Nov; no answer 16 Nov (first contact after
        // 5 days), appointment set 17 Nov, registered 20 Nov: on time, 10 days.
        Birth(3, "Trần Thị Hoa", d(11, 10), at(d(11, 11), 3)),
        Attempt("B3", d(11, 16), NoAnswer),
        Attempt("B3", d(11, 17), AppointmentSet),
        Register("B3", d(11, 20)),
        // B4: born 20 Nov, received 25 Nov, never contacted.
        Birth(4, "Đỗ Thị Hạnh", d(11, 20), at(d(11, 25), 3)),
        // B6: born 25 Nov, received 26 Nov, wrong number the same day (0 days).
        Birth(6, "Phan Thị Thu", d(11, 25), at(d(11, 26), 3)),
        Attempt("B6", d(11, 26), WrongNumber),
        // B7: received 17:30 UTC on 30 Nov = 00:30 on 1 December in Vietnam: not November's.
        Birth(
            7,
            "Lý Thị Xuân",
            d(11, 28),
            half_past_midnight_after(d(11, 30)),
        ),
        // Deaths (15 days).
        // D2: died Tue 20 Oct (deadline Wed 4 Nov), received 21 Oct; no answer
        // 2 Nov, reached 3 Nov, registered 10 Nov: late, 21 days.
        Death(2, "Lò Văn Sáng", d(10, 20), at(d(10, 21), 3)),
        Attempt("D2", d(11, 2), NoAnswer),
        Attempt("D2", d(11, 3), Reached),
        Register("D2", d(11, 10)),
        // D1: died Mon 2 Nov (deadline Tue 17 Nov), received 3 Nov; reached 4 Nov
        // (1 day); registered on the deadline day 17 Nov: on time, 15 days.
        Death(1, "Đặng Văn Ngữ", d(11, 2), at(d(11, 3), 2)),
        Attempt("D1", d(11, 4), Reached),
        Register("D1", d(11, 17)),
    ];
    for step in &births_and_early_deaths {
        c.take(step);
    }
    // D3: died 5 Nov, received 6 Nov, appointment set 6 Nov, registered 9 Nov;
    // the facility voids the notice on 12 Nov and the review closes it as voided.
    let d3 = arrive(
        &mut c,
        "D3",
        death_notice(3, "Hà Văn Tâm", d(11, 5), at(d(11, 6), 2)),
    );
    c.take(&Attempt("D3", d(11, 6), AppointmentSet));
    c.take(&Register("D3", d(11, 9)));
    let void = Notification {
        version: 2,
        action: Action::Void,
        issued_at: at(d(11, 12), 2),
        birth: None,
        death: None,
        void_reason: Some("Cấp nhầm người".into()),
        ..d3
    };
    import(&mut c.store, &void, at(d(11, 12), 3));
    let d3_id = c.case("D3").to_owned();
    c.store
        .change_status(
            &lan,
            &d3_id,
            &StatusDecision {
                to: CaseStatus::Voided,
                reason: None,
                next_follow_up: None,
            },
            at(d(11, 12), 4),
            d(11, 12),
        )
        .unwrap();
    // D5: a death at home with no notice: opened by hand 12 Nov, registered the same day (2 days).
    let d5 = c
        .store
        .open_case_by_hand(
            &lan,
            EventKind::Death,
            "Nông Văn Thái",
            d(11, 10),
            at(d(11, 12), 2),
            d(11, 12),
        )
        .unwrap();
    c.cases.insert("D5".into(), d5);
    c.take(&Register("D5", d(11, 12)));
    // D4: died Mon 16 Nov (deadline Tue 1 Dec), received 17:30 UTC on 16 Nov =
    // 00:30 on 17 Nov in Vietnam; never contacted. Assigned to Lan.
    c.take(&Death(
        4,
        "Ma Văn Cường",
        d(11, 16),
        half_past_midnight_after(d(11, 16)),
    ));
    let d4 = c.case("D4").to_owned();
    let supervisor = c.supervisor.clone();
    c.store
        .assign(&supervisor, &[d4], Some(&lan.id), at(d(11, 17), 3))
        .unwrap();
    // D6: died 23 Nov, received 24 Nov, reached the same day (0 days); the
    // facility corrects the notice on 25 Nov: needs review.
    let d6 = arrive(
        &mut c,
        "D6",
        death_notice(6, "Bế Văn Hùng", d(11, 23), at(d(11, 24), 2)),
    );
    c.take(&Attempt("D6", d(11, 24), Reached));
    let correction = Notification {
        version: 2,
        action: Action::Correct,
        issued_at: at(d(11, 25), 2),
        ..d6
    };
    import(&mut c.store, &correction, at(d(11, 25), 3));
    c
}

fn outcome_count(stats: &hotich_core::KindStats, outcome: Outcome) -> u64 {
    stats
        .attempt_outcomes
        .iter()
        .find(|o| o.outcome == outcome)
        .unwrap()
        .count
}

type Days = Option<u32>;

/// A kind's registrations: (registered, on time, late), the median and 90th
/// percentile of days to registration, and the count in each days bucket.
fn registrations(k: &hotich_core::KindStats) -> ((u64, u64, u64), Days, Days, Vec<u64>) {
    let buckets = k.days_to_registration.iter().map(|b| b.count).collect();
    let counts = (k.registered, k.registered_on_time, k.registered_late);
    let days = (k.days_to_registration_median, k.days_to_registration_p90);
    (counts, days.0, days.1, buckets)
}

/// A kind's outreach: (contacted, median days to first contact), (cases
/// worked, registered after outreach), attempts, and the attempts that were
/// reached, no answer, appointment set and wrong number.
fn outreach(k: &hotich_core::KindStats) -> ((u64, Days), (u64, u64), u64, [u64; 4]) {
    let outcomes = [
        Outcome::Reached,
        Outcome::NoAnswer,
        Outcome::AppointmentSet,
        Outcome::WrongNumber,
    ]
    .map(|outcome| outcome_count(k, outcome));
    let worked = (k.cases_worked, k.registered_after_outreach);
    let contacted = (k.contacted, k.days_to_first_contact_median);
    (contacted, worked, k.attempts, outcomes)
}

fn november(c: &Commune) -> hotich_core::PeriodStats {
    c.store
        .period_stats(day(2026, 11, 1), day(2026, 11, 30))
        .unwrap()
}

/// Deaths and births side by side: each assertion reads `[deaths, births]`.
#[test]
fn november_counts_on_time_late_voided_and_outreach_against_the_case_deadline() {
    let stats = november(&commune());
    let (d, b) = (&stats.death, &stats.birth);
    let received =
        |k: &hotich_core::KindStats| (k.received, k.voided, k.opened_without_notification);
    // Deaths: D1, D4 (arrived 00:30 on 17 Nov local), D6; D2 arrived in
    // October, D3 was voided, D5 came without a notice. Births: B3, B4, B6;
    // B7 arrived on 1 December in Vietnam.
    assert_eq!([received(d), received(b)], [(3, 1, 1), (3, 0, 0)]);
    // Deaths: D1 on its deadline day and D5 on time, D2 late; D3's
    // registration is left out with its voided case. 2, 15, 21 days: half
    // within 15, 90% within 21.
    // Births (the case deadline with its weekend rule): B2 on its
    // weekend-moved deadline (62 days) is on time, B1 a day later is late
    // (61 days), B3 on time.
    assert_eq!(
        [registrations(d), registrations(b)],
        [
            ((3, 2, 1), Some(15), Some(21), vec![1, 1, 1, 0, 0, 0, 0]),
            ((3, 2, 1), Some(61), Some(62), vec![0, 1, 0, 0, 2, 0, 0]),
        ]
    );
    // Deaths: first contact: D1 after 1 day, D6 the same day; D4 never.
    // Worked in November: D1, D2, D6 (D3 voided); registered by 30 Nov: D1,
    // D2. Every attempt logged in November, D3's included: 3 reached, 1 no
    // answer, 1 appointment.
    // Births: contacted: B6 after 0 days and B3 after 5: the lower of the two
    // is the median by rank. B1's October attempt is outside; B3 and B6
    // worked, B3 registered; B3's no answer and appointment, B6's wrong number.
    assert_eq!(
        [outreach(d), outreach(b)],
        [
            ((2, Some(0)), (3, 2), 5, [3, 1, 1, 0]),
            ((2, Some(0)), (2, 1), 3, [0, 1, 1, 1]),
        ]
    );
    assert!((d.outreach_conversion.unwrap() - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(b.outreach_conversion, Some(0.5));
}

#[test]
fn monthly_trend_splits_the_period_by_office_month() {
    let c = commune();
    let stats = c
        .store
        .period_stats(day(2026, 10, 1), day(2026, 12, 1))
        .unwrap();
    let rows: Vec<(String, EventKind, u64, u64, u64)> = stats
        .monthly
        .iter()
        .map(|m| {
            (
                m.month.clone(),
                m.kind,
                m.received,
                m.registered,
                m.registered_on_time,
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            // October: B5 received and registered on time; D2 received.
            ("2026-10".into(), EventKind::Birth, 1, 1, 1),
            ("2026-10".into(), EventKind::Death, 1, 0, 0),
            ("2026-11".into(), EventKind::Birth, 3, 3, 2),
            ("2026-11".into(), EventKind::Death, 3, 3, 2),
            // 1 December: B7.
            ("2026-12".into(), EventKind::Birth, 1, 0, 0),
            ("2026-12".into(), EventKind::Death, 0, 0, 0),
        ]
    );
    // The totals are the months added up.
    assert_eq!(stats.birth.received, 5);
    assert_eq!(stats.death.registered, 3);
    // A period of one day: 17 November holds D1's registration on its deadline.
    let one_day = c
        .store
        .period_stats(day(2026, 11, 17), day(2026, 11, 17))
        .unwrap();
    assert_eq!(
        (
            one_day.death.registered,
            one_day.death.registered_on_time,
            one_day.death.received
        ),
        (1, 1, 1)
    );
    assert!(c
        .store
        .period_stats(day(2026, 11, 2), day(2026, 11, 1))
        .is_err());
}

/// Every figure is the total of the list it opens.
fn assert_opens_its_list(store: &Store, figure: &Figure, today: NaiveDate, what: &str) {
    let page = store
        .cases(
            &CaseFilter {
                limit: 1000,
                ..figure.filter.clone()
            },
            today,
        )
        .unwrap();
    assert_eq!(page.total, figure.count, "{what}");
    assert_eq!(page.rows.len() as u64, figure.count, "{what}");
}

fn assert_every_figure_opens_its_list(store: &Store, dashboard: &DashboardFigures) {
    let today = dashboard.today;
    for (figure, what) in [
        (&dashboard.open, "open"),
        (&dashboard.overdue, "overdue"),
        (&dashboard.no_contact_yet, "no contact"),
        (&dashboard.follow_up_due, "follow-up due"),
        (&dashboard.needs_review, "needs review"),
        (&dashboard.sync_failed, "sync failed"),
    ] {
        assert_opens_its_list(store, figure, today, what);
    }
    for line in &dashboard.open_by_status_and_type {
        let figure = Figure {
            count: line.count,
            filter: line.filter.clone(),
        };
        assert_opens_its_list(store, &figure, today, line.status.as_str());
    }
    for line in &dashboard.workload {
        assert_opens_its_list(store, &line.open, today, &line.username);
        assert_opens_its_list(store, &line.overdue, today, &line.username);
    }
}

/// Parks outbox rows of a case as the sync relay does when the registry refuses them.
fn refuse_sync(c: &Commune, label: &str, rows: u32) {
    let conn = c.store.file().raw_connection().unwrap();
    conn.execute(
        "UPDATE outbox SET state = 'dead', last_error = 'HTTP 422'
         WHERE id IN (SELECT id FROM outbox WHERE case_id = ?1 ORDER BY id LIMIT ?2)",
        rusqlite::params![c.case(label), rows],
    )
    .unwrap();
}

/// The commune on 2 December, the registry having refused two of D1's
/// outbox rows and one of B6's.
fn commune_after_refused_syncs() -> (Commune, NaiveDate) {
    let c = commune();
    refuse_sync(&c, "D1", 2);
    refuse_sync(&c, "B6", 1);
    (c, day(2026, 12, 2))
}

fn open_count(dashboard: &DashboardFigures, status: CaseStatus, kind: EventKind) -> u64 {
    dashboard
        .open_by_status_and_type
        .iter()
        .find(|f| f.status == status && f.kind == kind)
        .unwrap()
        .count
}

#[test]
fn the_supervisor_dashboard_counts_the_commune_and_each_number_opens_its_list() {
    let (c, today) = commune_after_refused_syncs();
    let dashboard = c.store.dashboard(&c.supervisor, today).unwrap();
    assert_eq!(dashboard.officer_id, None);
    // Open: B4, B7 new; B6 in outreach; D4 new; D6 needs review.
    assert_eq!(dashboard.open.count, 5);
    assert_eq!(open_count(&dashboard, CaseStatus::New, EventKind::Birth), 2);
    assert_eq!(
        open_count(&dashboard, CaseStatus::InOutreach, EventKind::Birth),
        1
    );
    assert_eq!(open_count(&dashboard, CaseStatus::New, EventKind::Death), 1);
    assert_eq!(
        open_count(&dashboard, CaseStatus::NeedsReview, EventKind::Death),
        1
    );
    assert_eq!(
        open_count(&dashboard, CaseStatus::Appointment, EventKind::Birth),
        0
    );
    assert_eq!(dashboard.open_by_status_and_type.len(), 8);
    // D4's deadline was 1 December.
    assert_eq!(dashboard.overdue.count, 1);
    // D4 (17 Nov) and B4 (25 Nov) wait past 2 working days; B7 (1 Dec) not yet.
    assert_eq!(dashboard.no_contact_yet.count, 2);
    // The filter lists exactly the rows the queue flags.
    let everything = fixture::case_rows(&c.store, CaseFilter::default(), today);
    let flagged: Vec<&str> = everything
        .iter()
        .filter(|r| r.no_contact_yet)
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(flagged, vec![c.case("D4"), c.case("B4")]);
    let listed = c
        .store
        .cases(&dashboard.no_contact_yet.filter, today)
        .unwrap();
    let listed: Vec<&str> = listed.rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(listed, flagged);
    // B6 (wrong number 26 Nov: again on 27 Nov) and D6 (reached 24 Nov: check on 26 Nov).
    assert_eq!(dashboard.follow_up_due.count, 2);
    assert_eq!(dashboard.needs_review.count, 1);
    assert_eq!(
        (dashboard.sync_failed.count, dashboard.dead_sync_items),
        (2, 3)
    );
    assert_every_figure_opens_its_list(&c.store, &dashboard);
    // The supervisor sees every active officer's line.
    let names: Vec<&str> = dashboard
        .workload
        .iter()
        .map(|w| w.username.as_str())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
}

#[test]
fn a_registrar_sees_only_their_own_figures() {
    let (c, today) = commune_after_refused_syncs();
    let lan = c.store.dashboard(&c.lan, today).unwrap();
    assert_eq!(lan.officer_id.as_deref(), Some(c.lan.id.as_str()));
    // Lan's open cases: D4 (assigned) and D6.
    assert_eq!(lan.open.count, 2);
    assert_eq!(lan.overdue.count, 1);
    assert_eq!(lan.no_contact_yet.count, 1);
    assert_eq!(lan.needs_review.count, 1);
    assert_eq!((lan.sync_failed.count, lan.dead_sync_items), (1, 2));
    assert_eq!(lan.workload.len(), 1);
    assert_eq!(lan.workload[0].officer_id, c.lan.id);
    assert_every_figure_opens_its_list(&c.store, &lan);
    let minh = c.store.dashboard(&c.minh, today).unwrap();
    assert_eq!((minh.open.count, minh.overdue.count), (1, 0));
    assert_eq!((minh.sync_failed.count, minh.dead_sync_items), (1, 1));
    assert_every_figure_opens_its_list(&c.store, &minh);
}

#[test]
fn workload_counts_this_weeks_attempts_and_this_months_registrations() {
    let c = commune();
    // Tuesday 17 November: the week began on Monday 16.
    let lines = c.store.workload(&c.supervisor, day(2026, 11, 17)).unwrap();
    let line = |username: &str| lines.iter().find(|l| l.username == username).unwrap();
    // Minh: B3's two attempts on 16 and 17 Nov; B2 (2 Nov) and B1 (3 Nov)
    // registered this month, B3 (20 Nov) not yet, B5 in October.
    assert_eq!(line("minh").attempts_this_week, 2);
    assert_eq!(line("minh").registrations_this_month, 2);
    // Lan: no attempt since Monday; D2, D3, D5 and D1 (on the 17th) registered.
    assert_eq!(line("lan").attempts_this_week, 0);
    assert_eq!(line("lan").registrations_this_month, 4);
    assert_eq!(line("lanhdao").attempts_this_week, 0);
    // Open now: Lan D4 and D6; Minh B6.
    assert_eq!((line("lan").open.count, line("minh").open.count), (2, 1));
    // A registrar reads only their own line.
    let own = c.store.workload(&c.minh, day(2026, 11, 17)).unwrap();
    assert_eq!(own.len(), 1);
    assert_eq!(own[0].username, "minh");
}

#[test]
fn the_period_report_is_the_supervisors_and_carries_the_same_figures_as_lines() {
    let c = commune();
    let (from, to) = (day(2026, 11, 1), day(2026, 11, 30));
    let refused = c.store.period_report(&c.lan, from, to).unwrap_err();
    assert_eq!(refused.code(), "forbidden");
    let report = c.store.period_report(&c.supervisor, from, to).unwrap();
    assert_eq!(report.stats, c.store.period_stats(from, to).unwrap());
    assert_eq!(report.lines, report.stats.report_lines());
    let received = report
        .lines
        .iter()
        .find(|line| line.label == "Thông báo nhận được")
        .unwrap();
    assert_eq!(received.death, report.stats.death.received.to_string());
    // Shares are written as a Vietnamese report writes them: "50,0%".
    let shares: Vec<&String> = report
        .lines
        .iter()
        .flat_map(|line| [&line.birth, &line.death])
        .filter(|value| value.ends_with('%'))
        .collect();
    assert!(!shares.is_empty(), "the report has shares");
    for share in shares {
        let number = share.trim_end_matches('%');
        assert!(
            number.contains(',') && !number.contains('.'),
            "{share} in the Vietnamese number format"
        );
    }
}

/// Migration 008 fills `attempt_fact` from the attempts already written; a
/// database upgraded with attempts in it must give the same figures.
#[test]
fn attempts_written_before_migration_8_count_once_it_has_run() {
    let c = commune();
    let (from, to) = (day(2026, 9, 1), day(2026, 11, 30));
    let before = c.store.period_stats(from, to).unwrap();
    assert!(before.death.attempts + before.birth.attempts > 0);
    let backfill = include_str!("../src/schema/008_attempt_facts.sql")
        .split(';')
        .map(str::trim)
        .find(|statement| {
            statement.contains("INSERT INTO attempt_fact")
                && statement.contains("FROM case_event e")
        })
        .expect("the migration's backfill");
    let raw = c.store.file().raw_connection().unwrap();
    raw.execute("DELETE FROM attempt_fact", []).unwrap();
    assert_ne!(c.store.period_stats(from, to).unwrap(), before);
    raw.execute(backfill, []).unwrap();
    assert_eq!(c.store.period_stats(from, to).unwrap(), before);
}
