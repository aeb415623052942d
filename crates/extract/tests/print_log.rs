//! Printing against a real SQLite store: the print log (who, when, which
//! paper, copies, reprints) with its outbox row, the day's batch with
//! progress, and verification of a paper, which fails when the register or
//! the code was changed.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use hotich_core::{DocumentKind, Officer, PrintLogEntry, PrintLogLine, Store};
use hotich_extract::{verify, Printed, VerificationOutcome};
use hotich_protocol::samples::{birth, death, now};
use hotich_protocol::{EventKind, Notification};
use unicode_normalization::UnicodeNormalization;

mod common;

use common::field_value;
use common::fixture::{self, case_of, import_signed};

struct Db {
    _dir: tempfile::TempDir,
    store: Store,
    supervisor: Officer,
    registrar: Officer,
    birth_id: String,
    death_id: String,
}

impl Db {
    /// The registrar prints `copies` of a paper of the registration of its
    /// own kind (the birth's or the death's) today.
    fn print(
        &mut self,
        document: DocumentKind,
        copies: u32,
        at: DateTime<Utc>,
    ) -> hotich_extract::Result<Printed> {
        let registration_id = match document.event_kind() {
            EventKind::Birth => self.birth_id.clone(),
            EventKind::Death => self.death_id.clone(),
        };
        self.print_of(&registration_id, document, copies, at)
    }

    /// The registrar prints `copies` of a paper of `registration_id` today.
    fn print_of(
        &mut self,
        registration_id: &str,
        document: DocumentKind,
        copies: u32,
        at: DateTime<Utc>,
    ) -> hotich_extract::Result<Printed> {
        hotich_extract::print(
            &mut self.store,
            &self.registrar,
            registration_id,
            document,
            copies,
            today(),
            at,
        )
    }
}

fn today() -> NaiveDate {
    now().date_naive()
}

fn import(store: &mut Store, n: &Notification) -> String {
    import_signed(store, n, now());
    case_of(store, &n.notification_id, today())
}

/// The signed QR text of the one copy the store holds, as stored.
fn stored_credential(db: &Db) -> String {
    db.store
        .file()
        .raw_connection()
        .unwrap()
        .query_row("SELECT credential FROM paper_copy", [], |row| row.get(0))
        .unwrap()
}

/// A store with one registered birth (its names typed in NFD) and one death.
fn open() -> Db {
    let (dir, mut store, supervisor) = fixture::office(now());
    let registrar = fixture::registrar(&mut store, &supervisor, "lan", "Nguyễn Thị Lan", now());
    let mut ids = Vec::new();
    for notification in [birth(), death()] {
        let case = import(&mut store, &notification);
        let mut form = store.registration_draft(&case, today()).unwrap();
        form.requester.id_type = Some(hotich_core::IdDocumentType::Cccd);
        form.requester.id_number = "019196004321".into();
        if form.requester.relationship.is_none() {
            form.requester.relationship = Some(hotich_core::Relationship::Child);
        }
        form.signer_name = "Phạm Văn Lãnh".nfd().collect();
        form.signer_title = "Chủ tịch".into();
        if let Some(b) = &mut form.birth {
            b.native_place = "Xã Bằng Thành, tỉnh Thái Nguyên".nfd().collect();
            b.father.birth_year = Some(1994);
            b.father.ethnicity = "Tày".into();
            b.father.nationality = "Việt Nam".into();
            b.father.residence = b.mother.residence.clone();
            b.child_name = b.child_name.nfd().collect();
        }
        ids.push(
            store
                .register(&registrar, &case, &form, now(), today())
                .unwrap()
                .id,
        );
    }
    let death_id = ids.pop().unwrap();
    let birth_id = ids.pop().unwrap();
    Db {
        _dir: dir,
        store,
        supervisor,
        registrar,
        birth_id,
        death_id,
    }
}

use fixture::count;

#[test]
fn each_print_is_logged_with_its_officer_copies_and_reprints() {
    let mut db = open();
    let first = db.print(DocumentKind::BirthCertificate, 1, now()).unwrap();
    assert!(first.pdf.starts_with(b"%PDF"));
    assert!(!first.entry.reprint);
    assert_eq!(first.entry.officer_name, "Nguyễn Thị Lan");
    assert_eq!(first.entry.copies, 1);
    assert_eq!(
        (first.entry.number, first.entry.book.as_str()),
        (1, "01/2026")
    );
    // Another paper of the same registration is a first print; the same paper again is a reprint.
    let extract = db.print(DocumentKind::BirthExtract, 3, now()).unwrap();
    assert!(!extract.entry.reprint);
    let later = now() + Duration::minutes(5);
    let again = db.print(DocumentKind::BirthCertificate, 1, later).unwrap();
    assert!(again.entry.reprint);
    // Each copy its own serial: a reprint never shares a code with the first print.
    assert_eq!(extract.codes.len(), 3);
    let mut codes = [
        first.codes.clone(),
        extract.codes.clone(),
        again.codes.clone(),
    ]
    .concat();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 5, "{codes:?}");
    for code in &codes {
        assert!(verify(&db.store, code).unwrap().matches(), "{code}");
    }

    let log = db.store.print_log(&db.supervisor).unwrap();
    let log: Vec<&PrintLogEntry> = log.iter().filter_map(PrintLogLine::printed).collect();
    let summary: Vec<(DocumentKind, u32, bool)> = log
        .iter()
        .map(|e| (e.document, e.copies, e.reprint))
        .collect();
    assert_eq!(
        summary,
        [
            (DocumentKind::BirthCertificate, 1, true),
            (DocumentKind::BirthExtract, 3, false),
            (DocumentKind::BirthCertificate, 1, false),
        ]
    );
    assert_eq!(log[0].printed_at, later.to_rfc3339());
    assert_eq!(
        count(
            &db.store,
            "SELECT count(*) FROM outbox WHERE kind = 'extract_print'"
        ),
        3
    );
    // Registrars print; only supervisors read the log.
    assert_eq!(
        db.store.print_log(&db.registrar).unwrap_err().code(),
        "forbidden"
    );
    // The log is append-only.
    let conn = db.store.file().raw_connection().unwrap();
    assert!(conn.execute("DELETE FROM print_log", []).is_err());
    assert!(conn.execute("UPDATE print_log SET copies = 9", []).is_err());
}

#[test]
fn refused_prints_leave_no_trace() {
    let mut db = open();
    let wrong = db
        .print_of(
            &db.death_id.clone(),
            DocumentKind::BirthCertificate,
            1,
            now(),
        )
        .unwrap_err();
    assert_eq!(wrong.code(), "wrong_document");
    let zero = db.print(DocumentKind::DeathExtract, 0, now()).unwrap_err();
    assert_eq!(zero.code(), "invalid_input");
    let unknown = db
        .print_of("no-such-id", DocumentKind::DeathExtract, 1, now())
        .unwrap_err();
    assert_eq!(unknown.code(), "registration_not_found");
    assert_eq!(count(&db.store, "SELECT count(*) FROM print_log"), 0);
    assert_eq!(
        count(
            &db.store,
            "SELECT count(*) FROM outbox WHERE kind = 'extract_print'"
        ),
        0
    );
}

#[test]
fn names_typed_in_nfd_print_and_store_in_nfc() {
    let mut db = open();
    let printed = db.print(DocumentKind::BirthCertificate, 1, now()).unwrap();
    let stored = db.store.print_by_code(&printed.codes[0]).unwrap().unwrap();
    for field in &stored.content {
        assert!(
            field.value.nfc().eq(field.value.chars()),
            "{} not NFC: {:?}",
            field.name,
            field.value
        );
    }
    assert_eq!(field_value(&stored.content, "Người ký"), "Phạm Văn Lãnh");
}

#[test]
fn a_paper_verifies_until_its_record_or_code_is_changed() {
    let mut db = open();
    let printed = db.print(DocumentKind::DeathExtract, 1, now()).unwrap();
    let credential = stored_credential(&db);

    let typed = verify(
        &db.store,
        &printed.codes[0].to_lowercase().replace('-', " "),
    )
    .unwrap();
    assert_eq!(
        typed.outcome,
        VerificationOutcome::Matches,
        "{}",
        typed.message
    );
    assert!(typed.message.starts_with("Khớp"), "{}", typed.message);
    let scanned = verify(&db.store, &credential).unwrap();
    assert_eq!(
        scanned.outcome,
        VerificationOutcome::Matches,
        "{}",
        scanned.message
    );

    let unknown = verify(&db.store, "AAAA-BBBB-CCCC-DDDD").unwrap();
    assert_eq!(unknown.outcome, VerificationOutcome::UnknownCode);

    // A QR with one character changed: its signature no longer holds.
    let position = credential.len() - 10;
    let swapped = if &credential[position..=position] == "A" {
        "B"
    } else {
        "A"
    };
    let tampered_qr = format!(
        "{}{swapped}{}",
        &credential[..position],
        &credential[position + 1..]
    );
    let verdict = verify(&db.store, &tampered_qr).unwrap();
    assert_eq!(verdict.outcome, VerificationOutcome::Differs);
    assert_eq!(verdict.differences[0].name, "Chữ ký mã QR", "{verdict:?}");

    // The register edited behind the app's back: the cause of death changed in SQLite.
    let conn = db.store.file().raw_connection().unwrap();
    conn.execute_batch(
        "DROP TRIGGER registration_never_updated;
         UPDATE registration SET form = json_set(form, '$.death.cause', 'Tai nạn giao thông');",
    )
    .unwrap();
    let verdict = verify(&db.store, &printed.codes[0]).unwrap();
    assert_eq!(verdict.outcome, VerificationOutcome::Differs);
    assert_eq!(verdict.differences.len(), 1, "{:?}", verdict.differences);
    let difference = &verdict.differences[0];
    assert_eq!(difference.name, "Nguyên nhân chết");
    assert_eq!(difference.record, "Tai nạn giao thông");
    assert!(
        verdict.message.contains("Nguyên nhân chết"),
        "{}",
        verdict.message
    );
}

#[test]
fn an_approved_amendment_after_printing_makes_the_old_paper_differ() {
    let mut db = open();
    let printed = db.print(DocumentKind::BirthExtract, 1, now()).unwrap();
    let mut form = db.store.registration(&db.birth_id).unwrap().current;
    form.birth.as_mut().unwrap().native_place = "Xã Chợ Đồn, tỉnh Thái Nguyên".into();
    let waiting = db
        .store
        .amend_registration(
            &db.registrar,
            &db.birth_id,
            &form,
            "Theo giấy tờ của cha",
            now(),
            today(),
        )
        .unwrap();
    // Waiting for the supervisor, it changes nothing the paper shows.
    let verdict = verify(&db.store, &printed.codes[0]).unwrap();
    assert_eq!(verdict.outcome, VerificationOutcome::Matches);
    db.store
        .decide_amendment(&db.supervisor, &waiting.amendments[0].id, true, "", now())
        .unwrap();
    let verdict = verify(&db.store, &printed.codes[0]).unwrap();
    assert_eq!(verdict.outcome, VerificationOutcome::Differs);
    assert_eq!(verdict.differences[0].name, "Quê quán");
    assert_eq!(
        verdict.differences[0].record,
        "Xã Chợ Đồn, tỉnh Thái Nguyên"
    );
    // A new print carries the amended content and verifies.
    let reprinted = db.print(DocumentKind::BirthExtract, 1, now()).unwrap();
    assert_ne!(reprinted.codes, printed.codes);
    assert!(reprinted.entry.reprint);
    assert!(verify(&db.store, &reprinted.codes[0]).unwrap().matches());
}

#[test]
fn the_days_batch_renders_every_paper_with_progress_then_records_them() {
    let mut db = open();
    let mut seen = Vec::new();
    let batch = hotich_extract::render_registered_on(
        &mut db.store,
        &db.registrar,
        today(),
        today(),
        now(),
        &mut |p| seen.push((p.done, p.total, p.document)),
    )
    .unwrap();
    assert_eq!(
        seen,
        [
            (1, 3, DocumentKind::BirthCertificate),
            (2, 3, DocumentKind::BirthExtract),
            (3, 3, DocumentKind::DeathExtract),
        ]
    );
    assert!(batch.pdf.starts_with(b"%PDF"));
    assert_eq!(batch.documents.len(), 3);
    assert_eq!(count(&db.store, "SELECT count(*) FROM print_log"), 0);
    let entries =
        hotich_extract::record_batch(&mut db.store, &db.registrar, &batch.documents, now())
            .unwrap();
    assert_eq!(entries.len(), 3);
    for prepared in &batch.documents {
        assert!(verify(&db.store, prepared.code().unwrap())
            .unwrap()
            .matches());
    }
    let other_day = hotich_extract::render_registered_on(
        &mut db.store,
        &db.registrar,
        today() - Duration::days(1),
        today(),
        now(),
        &mut |_| {},
    )
    .unwrap();
    assert!(other_day.documents.is_empty());
}

#[test]
fn a_saved_paper_is_logged_once_written_and_not_at_all_when_the_file_cannot_be() {
    let mut db = open();
    let request = hotich_extract::PaperRequest {
        registration_id: &db.birth_id,
        document: DocumentKind::BirthExtract,
        copies: 2,
    };
    let nowhere = db._dir.path().join("no-such-folder").join("giay.pdf");
    let refused = hotich_extract::save_paper_pdf(
        &mut db.store,
        &db.registrar,
        request,
        today(),
        now(),
        &nowhere,
    )
    .unwrap_err();
    assert_eq!(refused.code().to_string(), "write_failed");
    assert!(!nowhere.exists());
    assert_eq!(count(&db.store, "SELECT count(*) FROM print_log"), 0);

    let file = db._dir.path().join("giay.pdf");
    let saved = hotich_extract::save_paper_pdf(
        &mut db.store,
        &db.registrar,
        request,
        today(),
        now(),
        &file,
    )
    .unwrap();
    assert_eq!(std::fs::read(&file).unwrap(), saved.pdf);
    assert_eq!(saved.entry.copies, 2);
    assert_eq!(saved.entry.code, saved.codes[0]);
    assert_eq!(count(&db.store, "SELECT count(*) FROM print_log"), 1);
    assert_eq!(count(&db.store, "SELECT count(*) FROM paper_copy"), 2);

    // The window prints the same paper through its own dialog: issued, then
    // logged as a reprint once the officer says it came out.
    let issued =
        hotich_extract::issue_for_window(&mut db.store, &db.registrar, request, today(), now())
            .unwrap();
    assert_eq!(issued.pages.len(), 2);
    assert_eq!(count(&db.store, "SELECT count(*) FROM print_log"), 1);
    let again =
        hotich_extract::record_issued(&mut db.store, &db.registrar, &issued.papers, today(), now())
            .unwrap();
    assert!(again[0].reprint);
    assert_ne!(again[0].code, saved.codes[0]);
    assert_eq!(count(&db.store, "SELECT count(*) FROM print_log"), 2);
    assert_eq!(count(&db.store, "SELECT count(*) FROM paper_copy"), 4);
}

#[test]
fn the_days_batch_is_logged_whether_printed_by_the_window_or_saved_as_one_pdf() {
    let mut db = open();
    let nowhere = db._dir.path().join("no-such-folder").join("lo.pdf");
    let refused = hotich_extract::print_day(
        &mut db.store,
        &db.registrar,
        today(),
        today(),
        now(),
        &nowhere,
    )
    .unwrap_err();
    assert_eq!(refused.code().to_string(), "write_failed");
    assert_eq!(count(&db.store, "SELECT count(*) FROM print_log"), 0);

    let file = db._dir.path().join("lo.pdf");
    let saved =
        hotich_extract::print_day(&mut db.store, &db.registrar, today(), today(), now(), &file)
            .unwrap();
    assert_eq!(saved.len(), 3);
    assert!(std::fs::read(&file).unwrap().starts_with(b"%PDF"));
    let issued = hotich_extract::issue_registered_for_window(
        &mut db.store,
        &db.registrar,
        today(),
        today(),
        now(),
    )
    .unwrap();
    assert_eq!(issued.pages.len(), 3);
    let printed =
        hotich_extract::record_issued(&mut db.store, &db.registrar, &issued.papers, today(), now())
            .unwrap();
    assert_eq!(printed.len(), 3);
    assert!(printed
        .iter()
        .all(|entry| entry.reprint && entry.copies == 1));
    assert_eq!(count(&db.store, "SELECT count(*) FROM print_log"), 6);
}

#[test]
fn a_period_export_takes_its_format_from_the_file_extension() {
    let db = open();
    let (from, to) = (today() - Duration::days(30), today());
    let export = |name: &str| {
        let path = db._dir.path().join(name);
        let written = hotich_extract::export_period(
            &db.store,
            &db.supervisor,
            from,
            to,
            today(),
            &path,
            now(),
        );
        (path, written)
    };
    let (csv, written) = export("thong-ke.csv");
    match written.unwrap() {
        hotich_extract::PeriodExport::Table(summary) => {
            assert_eq!(summary.format, hotich_core::ExportFormat::Csv);
            assert_eq!(summary.path, csv.display().to_string());
            assert!(summary.cases >= 2, "{summary:?}");
        }
        other => panic!("a CSV is a table: {other:?}"),
    }
    let (xlsx, written) = export("thong-ke.XLSX");
    assert!(matches!(
        written.unwrap(),
        hotich_extract::PeriodExport::Table(summary) if summary.format == hotich_core::ExportFormat::Xlsx
    ));
    assert!(xlsx.exists());
    let (pdf, written) = export("bao-cao.PDF");
    match written.unwrap() {
        hotich_extract::PeriodExport::Report { path, pages } => {
            assert_eq!(path, pdf.display().to_string());
            assert!(pages >= 1);
            assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
        }
        other => panic!("a PDF is the report: {other:?}"),
    }
    let (odt, written) = export("thong-ke.odt");
    assert_eq!(written.unwrap_err().code().to_string(), "invalid_input");
    assert!(!odt.exists());
    // Statistics are the supervisors': a registrar is refused whatever the format.
    let refused = hotich_extract::export_period(
        &db.store,
        &db.registrar,
        from,
        to,
        today(),
        &db._dir.path().join("x.pdf"),
        now(),
    );
    assert_eq!(refused.unwrap_err().code().to_string(), "forbidden");
}

/// The field and reason an `invalid_input` error names.
fn refused_input(error: &hotich_extract::ExtractError) -> (String, String) {
    assert_eq!(error.code(), "invalid_input", "{error}");
    let params = error.params();
    (params["field"].clone(), params["reason"].clone())
}

#[test]
fn a_blank_serial_is_used_once_whether_printed_on_or_spoiled() {
    let mut db = open();
    let blank = |serial| hotich_extract::BlankRequest {
        registration_id: "",
        serial,
        printer: None,
    };
    let birth_id = db.birth_id.clone();
    let file = db._dir.path().join("phoi.pdf");
    let printed = hotich_extract::print_on_blank(
        &mut db.store,
        &db.registrar,
        hotich_extract::BlankRequest {
            registration_id: &birth_id,
            ..blank(" ab 0001 ")
        },
        today(),
        now(),
        Some(&file),
    )
    .unwrap();
    assert_eq!(printed.blank_serial.as_deref(), Some("AB0001"));
    assert_eq!(printed.document, DocumentKind::BirthCertificate);
    assert!(std::fs::read(&file).unwrap().starts_with(b"%PDF"));

    let spoiled = hotich_extract::record_spoiled_blank(
        &mut db.store,
        &db.registrar,
        "AB0002",
        "  Kẹt giấy,   mực nhòe ",
        now() + Duration::minutes(1),
    )
    .unwrap();
    assert_eq!(
        (spoiled.blank_serial.as_str(), spoiled.reason.as_str()),
        ("AB0002", "Kẹt giấy, mực nhòe")
    );
    assert_eq!(spoiled.officer_name, "Nguyễn Thị Lan");
    let lines_before = count(&db.store, "SELECT count(*) FROM print_log");
    let outbox_before = count(&db.store, "SELECT count(*) FROM outbox");

    // Each serial again, printed or spoiled, is refused naming the field and when.
    let window = |db: &mut Db, serial| {
        hotich_extract::print_on_blank(
            &mut db.store,
            &db.registrar,
            hotich_extract::BlankRequest {
                registration_id: &birth_id,
                ..blank(serial)
            },
            today(),
            now(),
            None,
        )
        .unwrap_err()
    };
    let again = window(&mut db, "ab0001");
    assert_eq!(
        refused_input(&again),
        ("blank_serial".into(), "serial_printed".into())
    );
    assert!(again.message(hotich_core::Lang::Vi).contains("AB0001"));
    let reused = window(&mut db, "AB0002");
    assert_eq!(refused_input(&reused).1, "serial_spoiled");
    let spoil_printed =
        hotich_extract::record_spoiled_blank(&mut db.store, &db.registrar, "AB0001", "Hỏng", now())
            .unwrap_err();
    assert_eq!(refused_input(&spoil_printed).1, "serial_printed");
    // Malformed input and a blank for another paper change nothing either.
    assert_eq!(
        refused_input(&window(&mut db, "AB#3")).1,
        "serial_characters"
    );
    assert_eq!(refused_input(&window(&mut db, "  ")).1, "required");
    let no_reason =
        hotich_extract::record_spoiled_blank(&mut db.store, &db.registrar, "AB0003", " ", now())
            .unwrap_err();
    assert_eq!(
        refused_input(&no_reason),
        ("spoiled_reason".into(), "required".into())
    );
    let death_id = db.death_id.clone();
    let death = hotich_extract::print_on_blank(
        &mut db.store,
        &db.registrar,
        hotich_extract::BlankRequest {
            registration_id: &death_id,
            ..blank("AB0004")
        },
        today(),
        now(),
        None,
    )
    .unwrap_err();
    assert_eq!(death.code(), "wrong_document");
    assert_eq!(
        count(&db.store, "SELECT count(*) FROM print_log"),
        lines_before
    );
    assert_eq!(
        count(&db.store, "SELECT count(*) FROM outbox"),
        outbox_before
    );

    // The log shows both lines, newest first; the spoiled one has its outbox row.
    let log = db.store.print_log(&db.supervisor).unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].spoiled(), Some(&spoiled));
    assert_eq!(log[1].printed(), Some(&printed));
    assert_eq!(
        count(
            &db.store,
            "SELECT count(*) FROM outbox WHERE kind = 'blank_spoiled' AND case_id IS NULL"
        ),
        1
    );
    // Plain-A4 prints carry no serial and may still be printed many times.
    let plain = db.print(DocumentKind::BirthCertificate, 2, now()).unwrap();
    assert_eq!(plain.entry.blank_serial, None);
    assert!(plain.entry.reprint);
    // The spoiled line is never edited.
    let conn = db.store.file().raw_connection().unwrap();
    assert!(conn
        .execute(
            "UPDATE print_log SET spoiled_reason = 'x' WHERE outcome = 'spoiled'",
            []
        )
        .is_err());
}

#[test]
fn calibration_is_saved_per_printer_and_shifts_the_blank_print() {
    let mut db = open();
    let calibrate = |db: &mut Db, printer: &str, x: f64, y: f64| {
        db.store
            .save_printer_calibration(&db.registrar, printer, x, y, now())
            .map_err(hotich_extract::ExtractError::from)
    };
    let saved = calibrate(&mut db, " Canon LBP ", 2.04, -1.5).unwrap();
    assert_eq!(
        (saved.printer.as_str(), saved.offset_x_mm, saved.offset_y_mm),
        ("Canon LBP", 2.0, -1.5)
    );
    calibrate(&mut db, "HP", 0.5, 0.5).unwrap();
    calibrate(&mut db, "HP", -3.0, 4.0).unwrap();
    for (printer, x, y, field) in [
        ("Canon LBP", 10.5, 0.0, "offset_x"),
        ("Canon LBP", 0.0, -12.0, "offset_y"),
        ("Canon LBP", f64::NAN, 0.0, "offset_x"),
        ("  ", 1.0, 1.0, "printer_name"),
    ] {
        let error = calibrate(&mut db, printer, x, y).unwrap_err();
        assert_eq!(refused_input(&error).0, field);
    }
    let offsets: Vec<(String, f64, f64)> = db
        .store
        .printer_calibrations()
        .unwrap()
        .into_iter()
        .map(|c| (c.printer, c.offset_x_mm, c.offset_y_mm))
        .collect();
    assert_eq!(
        offsets,
        [("Canon LBP".into(), 2.0, -1.5), ("HP".into(), -3.0, 4.0)]
    );
    assert_eq!(
        db.store.printer_calibration("Epson").unwrap().offset_x_mm,
        0.0
    );

    // The same value lands 2 mm right and 1.5 mm higher on the calibrated printer
    // (the preview's y grows downwards).
    let name_at = |printer: Option<&str>| {
        let preview =
            hotich_extract::blank_preview(&db.store, &db.birth_id, printer, today()).unwrap();
        // The first value drawn: the register number.
        let start = preview.svg.find("<text").expect("values are printed");
        let tag = &preview.svg[start..];
        let number = |attribute: &str| -> f32 {
            let start = tag.find(attribute).unwrap() + attribute.len();
            tag[start..].split('"').next().unwrap().parse().unwrap()
        };
        (number(" x=\""), number(" y=\""))
    };
    let (plain_x, plain_y) = name_at(None);
    let (x, y) = name_at(Some("Canon LBP"));
    assert!((x - plain_x - 2.0).abs() < 0.01, "{plain_x} -> {x}");
    assert!((y - plain_y + 1.5).abs() < 0.01, "{plain_y} -> {y}");
    let test_page = hotich_extract::test_page_svg(&db.store, "Canon LBP").unwrap();
    assert!(test_page.contains("Máy in: Canon LBP") && test_page.contains("+2.0 mm"));
}

#[test]
fn the_window_records_only_copies_this_office_issued_for_the_paper_as_it_stands() {
    let mut db = open();
    let request = hotich_extract::PaperRequest::new(&db.death_id, DocumentKind::DeathExtract, 1);
    let issued =
        hotich_extract::issue_for_window(&mut db.store, &db.registrar, request, today(), now())
            .unwrap();
    let refused = |db: &mut Db, papers: &[hotich_extract::IssuedPaper]| {
        let error =
            hotich_extract::record_issued(&mut db.store, &db.registrar, papers, today(), now())
                .unwrap_err();
        assert_eq!(error.code().to_string(), "invalid_input", "{error}");
        assert_eq!(count(&db.store, "SELECT count(*) FROM print_log"), 0);
    };
    // The death's copy sent back as the birth's paper.
    let mut moved = issued.papers.clone();
    moved[0].registration_id = db.birth_id.clone();
    moved[0].document = DocumentKind::BirthExtract;
    refused(&mut db, &moved);
    // A code that is not the credential's.
    let mut recoded = issued.papers.clone();
    recoded[0].copies[0].code = "AAAA-BBBB-CCCC-DDDD".into();
    refused(&mut db, &recoded);
    // Another day's issue.
    let error = hotich_extract::record_issued(
        &mut db.store,
        &db.registrar,
        &issued.papers,
        today() + Duration::days(1),
        now(),
    )
    .unwrap_err();
    assert_eq!(error.code().to_string(), "invalid_input");
    // As issued: recorded, with exactly that credential.
    let entries =
        hotich_extract::record_issued(&mut db.store, &db.registrar, &issued.papers, today(), now())
            .unwrap();
    assert_eq!(entries[0].code, issued.papers[0].copies[0].code);
    let kept = stored_credential(&db);
    assert_eq!(kept, issued.papers[0].copies[0].credential);
}

#[test]
fn a_preview_is_not_a_paper() {
    let db = open();
    let preview =
        hotich_extract::prepare(&db.store, &db.death_id, DocumentKind::DeathExtract, today())
            .unwrap();
    assert!(preview.is_preview());
    let page = preview.preview().unwrap();
    assert_eq!(page.code, None);
    assert!(
        page.svg.contains(hotich_extract::PREVIEW_MARK),
        "the preview mark"
    );
    assert!(page.svg.contains(hotich_extract::render::PREVIEW_CODE));
    let dark_squares = preview
        .pages()
        .unwrap()
        .remove(0)
        .into_iter()
        .filter(|mark| matches!(mark, hotich_extract::render::Mark::Fill { .. }))
        .count();
    assert_eq!(dark_squares, 0, "no QR on a preview");
}
