-- The province's page reads every notification of its communes not voided:
-- the index of `../012_notices_by_commune.sql` (whose comment tells why),
-- covering, for index-only scans.
CREATE INDEX pilot_notification_by_commune
    ON pilot_notification (commune)
    INCLUDE (notification_id, kind, event_date, received_at, issued_at, subject_name)
    WHERE NOT voided;
