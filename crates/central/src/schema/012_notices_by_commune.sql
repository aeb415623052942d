-- The province's page reads every notification of its communes not voided
-- (`province.rs` `supervision_rows`): without an index by commune that was
-- a scan of the whole country's notifications (a second for the largest
-- province on a year's data). Covering, so the rows come from the index.
CREATE INDEX pilot_notification_by_commune
    ON pilot_notification (commune, notification_id, kind, event_date, received_at, issued_at,
                           subject_name)
    WHERE voided = 0;
