//! Notifications appended to the communes' streams in the PostgreSQL store
//! (the concurrency rules are in `../postgres.rs`'s doc), and a page of a
//! stream read back: the only writer of `notification_event` and
//! `stream_counter`.

use ::postgres::GenericClient;

use super::super::readings::{page_end, place_document, DocumentPlace, HeldVersion};
use super::super::{
    Appended, Incoming, IncomingDocument, PilotNotice, Result, StoredEvent, StoredPage,
};
use super::{pilot, to_i64, to_u64, version_i32, Db, Tx};
use crate::jurisdiction;

/// The next number of `stream`, taken in `tx` (see the module's doc).
pub(super) fn next_seq(tx: &mut Tx<'_, '_>, stream: &str) -> Result<i64> {
    Ok(tx
        .query_one(
            "INSERT INTO stream_counter (stream, last_seq) VALUES ($1, 1)
             ON CONFLICT (stream) DO UPDATE SET last_seq = stream_counter.last_seq + 1
             RETURNING last_seq",
            &[&stream],
        )?
        .try_get(0)?)
}

/// Serializes the appends of these notification ids across processes until
/// `tx` ends: each id's transaction-scoped advisory lock, taken in one
/// order (sorted, each once) before any append, so two batches sharing ids
/// never wait on each other in a cycle (a deadlock PostgreSQL would only
/// break after a second, failing one batch).
pub(super) fn lock_notifications<'i>(
    tx: &mut Tx<'_, '_>,
    ids: impl IntoIterator<Item = &'i str>,
) -> Result<()> {
    let ids: std::collections::BTreeSet<&str> = ids.into_iter().collect();
    for id in ids {
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            &[&id],
        )?;
    }
    Ok(())
}

/// The versions held for a notification id, oldest first: (version,
/// commune, seq, envelope, document).
type Held = (u32, String, u64, String, Option<Vec<u8>>);

fn held_versions(tx: &mut Tx<'_, '_>, notification_id: &str) -> Result<Vec<Held>> {
    tx.query(
        "SELECT version, commune, seq, envelope, document FROM notification_event
         WHERE notification_id = $1 ORDER BY version",
        &[&notification_id],
    )?
    .iter()
    .map(|r| {
        let version: i32 = r.try_get(0)?;
        Ok((
            u32::try_from(version).unwrap_or(0),
            r.try_get(1)?,
            to_u64(r.try_get(2)?),
            r.try_get(3)?,
            r.try_get(4)?,
        ))
    })
    .collect()
}

/// Appends one notification; its id is locked (`lock_notifications`).
pub(super) fn append_one(tx: &mut Tx<'_, '_>, item: &Incoming, now: &str) -> Result<Appended> {
    let version = version_i32(item.version)?;
    let held = held_versions(tx, &item.notification_id)?;
    if let Some((_, commune, seq, envelope, _)) = held.iter().find(|h| h.0 == item.version) {
        return Ok(if *envelope == item.envelope {
            Appended::Duplicate {
                commune: commune.clone(),
                seq: *seq,
            }
        } else {
            Appended::Conflict
        });
    }
    let event = NewEvent {
        notification_id: &item.notification_id,
        version,
        content_commune: item.content_commune.as_deref(),
        claimed_commune: &item.claimed_commune,
        envelope: &item.envelope,
        document: None,
        pilot: &item.pilot,
    };
    let earlier = held.first().map(|h| h.1.as_str());
    insert_event(tx, &event, earlier, now)
}

/// A new event: what routes it and what it holds.
struct NewEvent<'a> {
    notification_id: &'a str,
    version: i32,
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
    tx: &mut Tx<'_, '_>,
    event: &NewEvent<'_>,
    earlier: Option<&str>,
    now: &str,
) -> Result<Appended> {
    let commune =
        jurisdiction::stream_for(earlier, event.content_commune, event.claimed_commune).to_owned();
    let (format, bytes, sender) = match event.document {
        Some(d) => (
            d.format.code(),
            Some(d.document.as_slice()),
            d.sender_facility.as_deref(),
        ),
        None => ("jws", None, None),
    };
    // The commune's next number and the event, in one statement (see
    // `next_seq`: the counter's row stays locked until the commit).
    let seq: i64 = tx
        .query_one(
            "WITH next AS (
                 INSERT INTO stream_counter (stream, last_seq) VALUES ($1, 1)
                 ON CONFLICT (stream) DO UPDATE SET last_seq = stream_counter.last_seq + 1
                 RETURNING last_seq)
             INSERT INTO notification_event (commune, seq, notification_id, version, envelope,
                                             received_at, format, document, sender_facility)
             SELECT $2, last_seq, $3, $4, $5, $6, $7, $8, $9 FROM next
             RETURNING seq",
            &[
                &format!("notification/{commune}"),
                &commune,
                &event.notification_id,
                &event.version,
                &event.envelope,
                &now,
                &format,
                &bytes,
                &sender,
            ],
        )?
        .try_get(0)?;
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
    tx: &mut Tx<'_, '_>,
    item: &IncomingDocument,
    now: &str,
) -> Result<(u32, Appended)> {
    let versions = held_versions(tx, &item.notification_id)?;
    let held: Vec<HeldVersion> = versions
        .iter()
        .map(|(version, commune, seq, _, document)| {
            (*version, commune.clone(), *seq, document.clone())
        })
        .collect();
    let version = match place_document(&held, item) {
        DocumentPlace::Held(version, duplicate) => return Ok((version, duplicate)),
        DocumentPlace::Conflict(version) => return Ok((version, Appended::Conflict)),
        DocumentPlace::New(version) => version,
    };
    let event = NewEvent {
        notification_id: &item.notification_id,
        version: version_i32(version)?,
        content_commune: item.content_commune.as_deref(),
        claimed_commune: &item.claimed_commune,
        envelope: "",
        document: Some(item),
        pilot: &item.pilot,
    };
    let earlier = versions.first().map(|h| h.1.as_str());
    Ok((version, insert_event(tx, &event, earlier, now)?))
}

pub(super) fn events_after(
    client: &mut Db<'_, impl GenericClient>,
    commune: &str,
    after: u64,
    limit: u32,
    max_bytes: usize,
) -> Result<StoredPage> {
    // octet_length reads a stored value's size without its content.
    let sizes = client
        .query(
            "SELECT seq, octet_length(envelope) + coalesce(octet_length(document), 0)
             FROM notification_event
             WHERE commune = $1 AND seq > $2 ORDER BY seq LIMIT $3",
            &[&commune, &to_i64(after), &(i64::from(limit) + 1)],
        )?
        .iter()
        .map(|r| -> Result<(i64, i64)> { Ok((r.try_get(0)?, i64::from(r.try_get::<_, i32>(1)?))) })
        .collect::<Result<Vec<_>>>()?;
    let (Some(last), has_more) = page_end(&sizes, limit, max_bytes) else {
        return Ok((Vec::new(), false));
    };
    // Events are never changed once stored: the range read now is the
    // one just measured.
    let rows = client.query(
        "SELECT seq, notification_id, version, envelope, format, document, sender_facility,
                received_at
         FROM notification_event
         WHERE commune = $1 AND seq > $2 AND seq <= $3 ORDER BY seq",
        &[&commune, &to_i64(after), &last],
    )?;
    let events = rows
        .iter()
        .map(|r| -> Result<StoredEvent> {
            let version: i32 = r.try_get("version")?;
            Ok(StoredEvent {
                seq: to_u64(r.try_get("seq")?),
                notification_id: r.try_get("notification_id")?,
                version: u32::try_from(version).unwrap_or(0),
                envelope: r.try_get("envelope")?,
                format: r.try_get("format")?,
                document: r.try_get("document")?,
                sender_facility: r.try_get("sender_facility")?,
                received_at: r.try_get("received_at")?,
            })
        })
        .collect::<Result<_>>()?;
    Ok((events, has_more))
}
