-- The central registry's embedded database (hotich-central serve --db FILE).

CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Signed facility trust lists, newest sequence in force.
CREATE TABLE trust_list (
    sequence    INTEGER PRIMARY KEY,
    raw         TEXT NOT NULL,
    imported_at TEXT NOT NULL
) STRICT;
CREATE TABLE facility_key (
    key_id TEXT PRIMARY KEY,
    body   TEXT NOT NULL
) STRICT;

-- The last sequence number given in each commune's stream.
CREATE TABLE commune_stream (
    commune  TEXT PRIMARY KEY,
    last_seq INTEGER NOT NULL
) STRICT;

-- Each commune's notification stream: gap-free seq per commune.
CREATE TABLE notification_event (
    commune         TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    notification_id TEXT NOT NULL,
    version         INTEGER NOT NULL,
    envelope        TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    PRIMARY KEY (commune, seq),
    UNIQUE (notification_id, version)
) STRICT;

-- Workstations allowed to sync; only the SHA-256 of each token is kept.
CREATE TABLE workstation (
    id           TEXT PRIMARY KEY,
    commune      TEXT NOT NULL,
    label        TEXT NOT NULL,
    token_sha256 TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT
) STRICT;

-- What workstations pushed (outreach, registrations): stored once per id.
CREATE TABLE pushed_event (
    id             TEXT PRIMARY KEY,
    workstation_id TEXT NOT NULL REFERENCES workstation (id),
    commune        TEXT NOT NULL,
    case_id        TEXT,
    kind           TEXT NOT NULL,
    body           TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    received_at    TEXT NOT NULL
) STRICT;
CREATE INDEX pushed_event_by_commune ON pushed_event (commune, id);
