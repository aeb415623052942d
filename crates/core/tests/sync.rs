//! The store's side of sync on a real SQLite file: a pulled page and its
//! cursor in one transaction, replays as no-ops, pulled corrections under
//! outreach, and the outbox bookkeeping (sent, dead, blocked per case).

use chrono::Duration;
use hotich_core::{
    AttemptInput, CaseFilter, CaseStatus, Channel, Officer, Outcome, PulledEvent, Store, SyncState,
};
use hotich_protocol::samples::{birth, death, facility_signer, now, sign};
use hotich_protocol::Notification;
use serde_json::value::RawValue;

mod common;

use common::fixture::{self, count, COMMUNE};

fn open() -> (tempfile::TempDir, Store, Officer) {
    fixture::office(now())
}

fn envelope(n: &Notification) -> Box<RawValue> {
    RawValue::from_string(String::from_utf8(sign(n, &facility_signer())).unwrap()).unwrap()
}

fn pull(store: &mut Store, after: u64, envelopes: &[Box<RawValue>]) -> hotich_core::PageApplied {
    let events: Vec<PulledEvent<'_>> = envelopes
        .iter()
        .enumerate()
        .map(|(i, e)| PulledEvent {
            seq: after + 1 + i as u64,
            envelope: e,
            receipt: None,
        })
        .collect();
    store
        .apply_pulled_page(
            COMMUNE,
            after,
            &events,
            after + envelopes.len() as u64,
            now(),
        )
        .unwrap()
}

fn attempt() -> AttemptInput {
    AttemptInput {
        channel: Channel::Phone,
        outcome: Outcome::NoAnswer,
        note: None,
        appointment_date: None,
        next_follow_up: None,
        corrects: None,
    }
}

#[test]
fn a_page_and_its_cursor_are_applied_together_and_a_replay_changes_nothing() {
    let (_dir, mut store, _) = open();
    assert_eq!(store.sync_cursor(COMMUNE).unwrap(), 0);
    let mut tampered = String::from_utf8(sign(&birth(), &facility_signer())).unwrap();
    tampered = tampered.replacen("\"payload\":\"", "\"payload\":\"x", 1);
    let page = vec![
        envelope(&death()),
        envelope(&birth()),
        RawValue::from_string(tampered).unwrap(),
    ];
    let applied = pull(&mut store, 0, &page);
    assert!(applied.applied);
    assert_eq!(applied.cursor, 3);
    assert_eq!(
        (applied.summary.imported, applied.summary.quarantined),
        (2, 1)
    );
    assert_eq!(store.sync_cursor(COMMUNE).unwrap(), 3);
    assert_eq!(count(&store, "SELECT count(*) FROM quarantine"), 1);

    // The same page again (a run killed after the commit, before it learned so).
    let replay = pull(&mut store, 0, &page);
    assert!(!replay.applied);
    assert_eq!(replay.cursor, 3);
    assert_eq!(count(&store, "SELECT count(*) FROM notification"), 2);
    assert_eq!(count(&store, "SELECT count(*) FROM quarantine"), 1);
    assert_eq!(store.sync_cursor(COMMUNE).unwrap(), 3);
}

#[test]
fn a_pulled_correction_after_outreach_flags_the_case_for_review() {
    let (_dir, mut store, boss) = open();
    let n = death();
    pull(&mut store, 0, &[envelope(&n)]);
    let case = store
        .cases(&CaseFilter::default(), now().date_naive())
        .unwrap()
        .rows[0]
        .id
        .clone();
    store
        .log_attempt(&boss, &case, &attempt(), now(), now().date_naive())
        .unwrap();
    let mut corrected = Notification {
        version: 2,
        action: hotich_protocol::Action::Correct,
        issued_at: n.issued_at + Duration::hours(1),
        ..n
    };
    corrected.death.as_mut().unwrap().name = "Lò Văn Sáng".into();
    let applied = pull(&mut store, 1, &[envelope(&corrected)]);
    assert_eq!(applied.summary.updated, 1);
    let row = store.case(&case, now().date_naive()).unwrap();
    assert_eq!(row.status, CaseStatus::NeedsReview);
    assert_eq!(row.name, "Lò Văn Sáng");
    // The attempt is still on the timeline, and still in the outbox.
    let history = store.case_history(&case).unwrap();
    assert!(history
        .iter()
        .any(|e| e.kind == hotich_core::TimelineKind::Attempt));
    assert!(count(&store, "SELECT count(*) FROM outbox") >= 1);
}

/// The sync state the queue shows on a case's row.
fn queue_state(store: &Store, case_id: &str) -> SyncState {
    store
        .cases(&CaseFilter::default(), now().date_naive())
        .unwrap()
        .rows
        .into_iter()
        .find(|row| row.id == case_id)
        .unwrap()
        .sync_state
}

#[test]
fn the_outbox_goes_in_id_order_and_a_dead_row_blocks_only_its_own_case() {
    let (_dir, mut store, boss) = open();
    let mut b = birth();
    b.notification_id = format!("{}-GCS-000777", b.facility_id);
    pull(&mut store, 0, &[envelope(&death()), envelope(&b)]);
    let cases: Vec<String> = store
        .cases(&CaseFilter::default(), now().date_naive())
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(cases.len(), 2);
    for case in [&cases[0], &cases[1], &cases[0]] {
        store
            .log_attempt(&boss, case, &attempt(), now(), now().date_naive())
            .unwrap();
    }
    let pending = store.outbox_pending(100).unwrap();
    assert!(pending.len() >= 3);
    assert!(pending.windows(2).all(|w| w[0].id < w[1].id), "id order");
    assert_eq!(
        store.case_sync_state(&cases[0]).unwrap().state,
        SyncState::Waiting
    );
    assert_eq!(queue_state(&store, &cases[0]), SyncState::Waiting);

    // The first row of case 0 is refused: the later rows of case 0 wait, case 1's go on.
    let first = pending
        .iter()
        .find(|r| r.case_id.as_deref() == Some(cases[0].as_str()))
        .unwrap();
    assert!(store
        .outbox_mark_dead(&first.id, "422: invalid_event: kind", now())
        .unwrap());
    let after = store.outbox_pending(100).unwrap();
    assert!(after
        .iter()
        .all(|r| r.case_id.as_deref() != Some(cases[0].as_str())));
    assert!(after
        .iter()
        .any(|r| r.case_id.as_deref() == Some(cases[1].as_str())));
    for row in &after {
        assert!(store.outbox_mark_sent(&row.id, now()).unwrap());
        // Marking twice is harmless (a resend after a crash).
        assert!(!store.outbox_mark_sent(&row.id, now()).unwrap());
    }
    assert_eq!(
        store.case_sync_state(&cases[1]).unwrap().state,
        SyncState::Sent
    );
    let failed = store.case_sync_state(&cases[0]).unwrap();
    assert_eq!(failed.state, SyncState::Failed);
    // The queue's rows say the same as the case panel.
    assert_eq!(queue_state(&store, &cases[0]), SyncState::Failed);
    assert_eq!(queue_state(&store, &cases[1]), SyncState::Sent);
    assert_eq!(failed.failed, 1);
    assert!(failed.waiting >= 1);
    assert_eq!(failed.reason.as_deref(), Some("422: invalid_event: kind"));
    let status = store.sync_status().unwrap();
    assert_eq!(status.dead.len(), 1);
    assert_eq!(status.dead[0].id, first.id);
    assert_eq!(status.waiting, u64::from(failed.waiting));
    assert_eq!(status.cursor, Some(2));

    // Put back in line, the refused row goes first again.
    assert!(store.outbox_retry_dead(&first.id).unwrap());
    assert_eq!(store.outbox_pending(100).unwrap()[0].id, first.id);
}

#[test]
fn the_server_url_is_a_setting_and_must_be_http() {
    let (_dir, store, _) = open();
    assert_eq!(store.sync_server().unwrap(), None);
    assert!(store.set_sync_server("ftp://x").is_err());
    store.set_sync_server("http://127.0.0.1:8787/").unwrap();
    assert_eq!(
        store.sync_server().unwrap().as_deref(),
        Some("http://127.0.0.1:8787")
    );
}
