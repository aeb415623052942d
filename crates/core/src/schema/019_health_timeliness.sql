-- When the central registry received each notification (sync.rs, from the
-- pulled stream's received_at): the health side's arrival, which the
-- timeliness statistics count working hours to (4 working hours, Decree
-- 63/2024/NĐ-CP, Art. 25). The earliest receipt of a notification is kept.
CREATE TABLE notification_arrival (
    notification_id      TEXT PRIMARY KEY,
    registry_received_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- The period's first versions by their signed issue time (stats/timeliness.rs).
CREATE INDEX notification_issued ON notification (version, issued_at);
