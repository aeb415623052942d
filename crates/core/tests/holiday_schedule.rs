//! The office calendar on a real SQLite file (issue 18, item 2): a deadline
//! moves past Tết; an imported official schedule moves it again (its
//! make-up Saturday counts as a working day) and is kept across a restart; a
//! notification taken in afterwards is counted with it; a malformed file is
//! refused naming its line and changes nothing; only a supervisor imports,
//! and the import is audited.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use common::fixture::{self, case_of, import_signed};
use hotich_core::calendar::CalendarSource;
use hotich_core::{AuditAction, AuditFilter, CoreError, ErrorCode, FileRefusal, Lang};
use hotich_protocol::samples::{death, now};
use hotich_protocol::EventKind;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// 2027 as a government might decide it: Friday 5 February worked, Tết off
/// from Monday 8 to Friday 12, Saturday 13 worked to make up for it.
const SCHEDULE_2027: &str = "\
# Lịch nghỉ lễ 2027 (thử)
2027-01-01\toff\tTết Dương lịch
2027-02-08\toff\tTết Nguyên đán
2027-02-09\toff\tTết Nguyên đán
2027-02-10\toff\tTết Nguyên đán
2027-02-11\toff\tTết Nguyên đán
2027-02-12\toff\tTết Nguyên đán
2027-02-13\twork\tLàm bù
2027-04-16\toff\tGiỗ Tổ Hùng Vương
2027-04-30\toff\tNgày Chiến thắng
2027-05-03\toff\tNghỉ bù 1/5
2027-09-02\toff\tQuốc khánh
2027-09-03\toff\tQuốc khánh
";

fn audit_entries(store: &hotich_core::Store, actor: &hotich_core::Officer) -> usize {
    store
        .audit_entries(
            actor,
            &AuditFilter {
                action: Some(AuditAction::HolidayScheduleImport),
                ..AuditFilter::default()
            },
        )
        .unwrap()
        .len()
}

#[test]
fn a_death_before_tet_is_due_after_it_and_an_imported_schedule_moves_the_deadline() {
    let today = date(2027, 1, 26);
    let at = Utc.with_ymd_and_hms(2027, 1, 26, 3, 0, 0).unwrap();
    let (_dir, mut store, supervisor) = fixture::office(at);
    let case = store
        .open_case_by_hand(
            &supervisor,
            EventKind::Death,
            "Lò Văn Pó",
            date(2027, 1, 24),
            at,
            today,
        )
        .unwrap();
    // 24 January + 15 days = Monday 8 February, inside Tết (5-9 February and
    // the two days made up for its weekend): Friday 12 February.
    let as_the_labour_code_has_it = |store: &hotich_core::Store| {
        assert_eq!(
            store.case(&case, today).unwrap().deadline,
            date(2027, 2, 12)
        );
        assert_eq!(
            store.calendar_year(2027).unwrap().source,
            CalendarSource::LabourCode
        );
    };
    as_the_labour_code_has_it(&store);

    // A registrar may not import.
    let lan = fixture::registrar(&mut store, &supervisor, "lan", "Nguyễn Thị Lan", at);
    let refused = store
        .import_holiday_schedule(&lan, "lich-2027.tsv", SCHEDULE_2027, at)
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden);

    // A malformed line refuses the whole file, naming the line; nothing changes.
    let broken = SCHEDULE_2027.replace("2027-02-13\twork", "2027-02-13\tlam");
    let refused = store
        .import_holiday_schedule(&supervisor, "lich-2027.tsv", &broken, at)
        .unwrap_err();
    match &refused {
        CoreError::InvalidFile {
            reason,
            params,
            path,
        } => {
            assert_eq!(*reason, FileRefusal::ScheduleBadKind);
            assert_eq!(params.get("line").map(String::as_str), Some("8"));
            assert_eq!(path, "lich-2027.tsv");
        }
        other => panic!("expected the file refused, got {other:?}"),
    }
    let message = refused.message(Lang::Vi);
    assert!(
        message.contains("lich-2027.tsv") && message.contains("dòng 8"),
        "{message}"
    );
    as_the_labour_code_has_it(&store);
    assert_eq!(audit_entries(&store, &supervisor), 0);

    // Imported: Monday 8 to Friday 12 off, Saturday 13 worked: the deadline
    // is that Saturday.
    let imported = store
        .import_holiday_schedule(&supervisor, "lich-2027.tsv", SCHEDULE_2027, at)
        .unwrap();
    assert_eq!(imported.years, [2027]);
    assert_eq!(imported.deadlines_moved, 1);
    assert_eq!(
        store.case(&case, today).unwrap().deadline,
        date(2027, 2, 13)
    );
    let year = store.calendar_year(2027).unwrap();
    assert!(
        matches!(&year.source, CalendarSource::Imported { by, .. } if by == "Phạm Văn Lãnh"),
        "{:?}",
        year.source
    );
    let saturday = year
        .days
        .iter()
        .find(|d| d.date == date(2027, 2, 13))
        .unwrap();
    assert!(saturday.working);
    assert_eq!(audit_entries(&store, &supervisor), 1);
    assert_eq!(store.verify_audit_log().unwrap().problem, None);

    // Kept across a restart.
    let file = store.file();
    drop(store);
    let store = file.open().unwrap();
    assert_eq!(
        store.case(&case, today).unwrap().deadline,
        date(2027, 2, 13)
    );
    assert!(store.calendar().is_working_day(date(2027, 2, 5)));
}

#[test]
fn a_notification_taken_in_after_an_import_is_due_by_the_imported_calendar() {
    let (_dir, mut store, supervisor) = fixture::office(now());
    // The sample death: 18 November 2026 + 15 = Thursday 3 December, a
    // working day by the Labour Code; this schedule makes it a day off.
    let schedule = "\
2026-01-01 off x
2026-02-16 off x
2026-02-17 off x
2026-02-18 off x
2026-02-19 off x
2026-02-20 off x
2026-04-27 off x
2026-04-30 off x
2026-05-01 off x
2026-09-01 off x
2026-09-02 off x
2026-12-03 off x
";
    store
        .import_holiday_schedule(&supervisor, "lich-2026.tsv", schedule, now())
        .unwrap();
    let notification = death();
    import_signed(&mut store, &notification, now());
    let today = now().date_naive();
    let case = case_of(&store, &notification.notification_id, today);
    assert_eq!(
        store.case(&case, today).unwrap().deadline,
        date(2026, 12, 4)
    );
}
