//! The outbox body of a timeline entry: the sorted map it replaced.

use super::*;

#[test]
fn a_case_event_body_is_the_sorted_json_map_it_replaced() {
    let day = NaiveDate::from_ymd_opt(2026, 11, 30);
    let body = CaseEventBody {
        appointment_date: day,
        assignee: Some("o-2"),
        assignee_name: None,
        at: "2026-11-30T01:02:03+00:00",
        case_id: "c-1",
        case_open: None,
        channel: Some(Channel::Phone),
        corrects: None,
        event_id: "e-1",
        from_status: Some(CaseStatus::New),
        kind: "attempt",
        next_follow_up: None,
        note: Some("gọi lại \"chiều\""),
        notification_id: None,
        notification_version: Some(2),
        officer_id: "o-1",
        outcome: Some(Outcome::AppointmentSet),
        to_status: Some(CaseStatus::Appointment),
    };
    let map = serde_json::json!({
        "event_id": "e-1", "case_id": "c-1", "at": "2026-11-30T01:02:03+00:00",
        "officer_id": "o-1", "kind": "attempt", "channel": Some(Channel::Phone),
        "outcome": Some(Outcome::AppointmentSet), "note": Some("gọi lại \"chiều\""),
        "next_follow_up": None::<NaiveDate>, "appointment_date": day,
        "from_status": Some(CaseStatus::New), "to_status": Some(CaseStatus::Appointment),
        "assignee": Some("o-2"), "notification_version": Some(2), "corrects": None::<&str>,
    });
    let text = serde_json::to_string(&body).unwrap();
    // The same fields and values as the map it replaced (compared as JSON:
    // the map's key order depends on serde_json's `preserve_order`, which
    // the desktop build turns on), and always in one order, sorted by key.
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&text).unwrap(),
        map
    );
    // The keys as written, which must be sorted.
    let keys_of = |text: &str| -> Vec<String> {
        let keys: Vec<String> = match serde_json::from_str::<serde_json::Value>(text).unwrap() {
            serde_json::Value::Object(fields) => fields.keys().cloned().collect(),
            other => panic!("not an object: {other}"),
        };
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        keys
    };
    assert_eq!(keys_of(&text).len(), 15);

    // An attempt names its notification, in its sorted place.
    let attempt = CaseEventBody {
        notification_id: Some("19001-GBT-000001"),
        ..body
    };
    let text = serde_json::to_string(&attempt).unwrap();
    assert_eq!(keys_of(&text).len(), 16);
    assert!(
        text.contains(r#""notification_id":"19001-GBT-000001""#),
        "{text}"
    );

    // A change of status says whether the case is still open, in its place.
    let closed = CaseEventBody {
        kind: "status",
        case_open: Some(CaseStatus::NotRegistrable.is_open()),
        to_status: Some(CaseStatus::NotRegistrable),
        ..attempt
    };
    let text = serde_json::to_string(&closed).unwrap();
    assert_eq!(keys_of(&text).len(), 17);
    assert!(
        text.contains(r#""case_id":"c-1","case_open":false,"#),
        "{text}"
    );
}
