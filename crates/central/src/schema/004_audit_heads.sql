-- The audit chain's head each workstation last reported with a push (issue
-- 16): the highest seen is kept; a head that goes backwards (a lower
-- position, or the same position with another hash) is flagged with what was
-- reported, for the operator (`hotich-central workstation list`). A cut
-- chain shows here; so does a restored backup, which the operator then
-- confirms with the commune.
CREATE TABLE workstation_audit_head (
    workstation_id TEXT PRIMARY KEY REFERENCES workstation (id),
    seq            INTEGER NOT NULL CHECK (seq >= 1),
    hash           TEXT NOT NULL,
    reported_at    TEXT NOT NULL,
    went_back_at   TEXT,
    went_back_seq  INTEGER,
    went_back_hash TEXT
) STRICT;
