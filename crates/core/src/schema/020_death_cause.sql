-- Justice → Health (issue 18, item 1; health_loop.rs): the cause of death the
-- commune health station returned for a death this office registered, pulled
-- from the registry and verified again with the trust list; beside the
-- registration, never written over what the registrar entered.
CREATE TABLE death_cause (
    registration_id TEXT PRIMARY KEY REFERENCES registration (id),
    facility_id     TEXT NOT NULL,
    facility_name   TEXT NOT NULL,
    icd10           TEXT NOT NULL,
    text            TEXT NOT NULL,
    determined_by   TEXT NOT NULL,
    determined_on   TEXT NOT NULL,
    -- The station's signed envelope, as pulled.
    envelope        TEXT NOT NULL,
    received_at     TEXT NOT NULL
) STRICT;

-- How far the commune's causes were pulled, as sync_cursor for the stream.
CREATE TABLE cause_cursor (
    commune    TEXT PRIMARY KEY,
    after_seq  INTEGER NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
