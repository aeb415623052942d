//! Notifications appended to the communes' streams in the SQLite store,
//! and a page of a stream read back: the only writer of
//! `notification_event` and `commune_stream` (numbered in the append's own
//! IMMEDIATE transaction, so without a gap).

use hotich_common::sqlite::{to_i64, to_u64};
use rusqlite::{params, Connection, OptionalExtension};

use super::super::readings::{page_end, place_document, DocumentPlace, HeldVersion};
use super::super::*;
use super::pilot;
use crate::jurisdiction;

pub(super) fn append_one(
    tx: &rusqlite::Transaction<'_>,
    item: &Incoming,
    now: &str,
) -> Result<Appended> {
    let existing: Option<(String, i64, String)> = tx
        .prepare_cached(
            "SELECT commune, seq, envelope FROM notification_event WHERE notification_id = ?1 AND version = ?2",
        )?
        .query_row(params![item.notification_id, item.version], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    if let Some((commune, seq, envelope)) = existing {
        return Ok(if envelope == item.envelope {
            Appended::Duplicate {
                commune,
                seq: to_u64(seq),
            }
        } else {
            Appended::Conflict
        });
    }
    let event = NewEvent {
        notification_id: &item.notification_id,
        version: item.version,
        content_commune: item.content_commune.as_deref(),
        claimed_commune: &item.claimed_commune,
        envelope: &item.envelope,
        document: None,
        pilot: &item.pilot,
    };
    insert_event(tx, &event, now)
}

/// A new event: what routes it and what it holds.
struct NewEvent<'a> {
    notification_id: &'a str,
    version: u32,
    content_commune: Option<&'a str>,
    claimed_commune: &'a str,
    /// The JWS envelope; empty for a document.
    envelope: &'a str,
    document: Option<&'a IncomingDocument>,
    pilot: &'a PilotNotice,
}

/// Routes the event (every version follows its first one, see
/// [`jurisdiction::stream_for`]), takes the next number of that commune's
/// stream and inserts it, in `tx`.
fn insert_event(
    tx: &rusqlite::Transaction<'_>,
    event: &NewEvent<'_>,
    now: &str,
) -> Result<Appended> {
    let earlier: Option<String> = tx
        .prepare_cached(
            "SELECT commune FROM notification_event WHERE notification_id = ?1 ORDER BY version LIMIT 1",
        )?
        .query_row([event.notification_id], |r| r.get(0))
        .optional()?;
    let commune = jurisdiction::stream_for(
        earlier.as_deref(),
        event.content_commune,
        event.claimed_commune,
    )
    .to_owned();
    // The next number of this commune, taken in this transaction.
    let seq: i64 = tx
        .prepare_cached(
            "INSERT INTO commune_stream (commune, last_seq) VALUES (?1, 1)
             ON CONFLICT (commune) DO UPDATE SET last_seq = last_seq + 1
             RETURNING last_seq",
        )?
        .query_row([&commune], |r| r.get(0))?;
    let (format, bytes, sender) = match event.document {
        Some(d) => (
            d.format.code(),
            Some(d.document.as_slice()),
            d.sender_facility.as_deref(),
        ),
        None => ("jws", None, None),
    };
    tx.prepare_cached(
        "INSERT INTO notification_event (commune, seq, notification_id, version, envelope, received_at,
                                         format, document, sender_facility)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        commune,
        seq,
        event.notification_id,
        event.version,
        event.envelope,
        now,
        format,
        bytes,
        sender
    ])?;
    pilot::note_notification(
        tx,
        &commune,
        event.notification_id,
        event.version,
        event.pilot,
        now,
    )?;
    Ok(Appended::Stored {
        commune,
        seq: to_u64(seq),
    })
}

pub(super) fn append_document(
    tx: &rusqlite::Transaction<'_>,
    item: &IncomingDocument,
    now: &str,
) -> Result<(u32, Appended)> {
    let held: Vec<HeldVersion> = tx
        .prepare_cached(
            "SELECT version, commune, seq, document FROM notification_event
             WHERE notification_id = ?1 ORDER BY version",
        )?
        .query_map([&item.notification_id], |r| {
            Ok((r.get(0)?, r.get(1)?, to_u64(r.get(2)?), r.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let version = match place_document(&held, item) {
        DocumentPlace::Held(version, duplicate) => return Ok((version, duplicate)),
        DocumentPlace::Conflict(version) => return Ok((version, Appended::Conflict)),
        DocumentPlace::New(version) => version,
    };
    let event = NewEvent {
        notification_id: &item.notification_id,
        version,
        content_commune: item.content_commune.as_deref(),
        claimed_commune: &item.claimed_commune,
        envelope: "",
        document: Some(item),
        pilot: &item.pilot,
    };
    Ok((version, insert_event(tx, &event, now)?))
}

pub(super) fn events_after(
    conn: &Connection,
    commune: &str,
    after: u64,
    limit: u32,
    max_bytes: usize,
) -> Result<StoredPage> {
    let sizes = conn
        .prepare_cached(
            "SELECT seq, octet_length(envelope) + coalesce(octet_length(document), 0)
             FROM notification_event
             WHERE commune = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        )?
        .query_map(params![commune, to_i64(after), i64::from(limit) + 1], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<rusqlite::Result<Vec<(i64, i64)>>>()?;
    let (Some(last), has_more) = page_end(&sizes, limit, max_bytes) else {
        return Ok((Vec::new(), false));
    };
    // Events are never changed once stored: the range read now is the
    // one just measured.
    let mut stmt = conn.prepare_cached(
        "SELECT seq, notification_id, version, envelope, format, document, sender_facility,
                received_at
         FROM notification_event
         WHERE commune = ?1 AND seq > ?2 AND seq <= ?3 ORDER BY seq",
    )?;
    let events = stmt
        .query_map(params![commune, to_i64(after), last], |r| {
            Ok(StoredEvent {
                seq: to_u64(r.get("seq")?),
                notification_id: r.get("notification_id")?,
                version: r.get("version")?,
                envelope: r.get("envelope")?,
                format: r.get("format")?,
                document: r.get("document")?,
                sender_facility: r.get("sender_facility")?,
                received_at: r.get("received_at")?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((events, has_more))
}
