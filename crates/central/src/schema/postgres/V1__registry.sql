-- The central registry on PostgreSQL (hotich-central serve --database
-- postgres://…): the tables of the SQLite schema (../schema.sql and
-- 002-008) as they stand at 008, one migration. Times are kept as the same
-- RFC 3339 text the SQLite store keeps, so both back-ends answer with the
-- same bytes. Migrations run through refinery under an advisory lock
-- (storage/postgres.rs); never edit a released one, add V2.

CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Signed facility trust lists, newest sequence in force.
CREATE TABLE trust_list (
    sequence    BIGINT PRIMARY KEY,
    raw         TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
CREATE TABLE facility_key (
    key_id TEXT PRIMARY KEY,
    body   TEXT NOT NULL
);

-- The last number given in each numbered stream: a commune's
-- notifications ('notification/<commune>'), its returned causes
-- ('cause/<commune>'), the deaths shared with health ('shared_death').
-- Taking a number updates the stream's row, which holds its lock until the
-- transaction ends: writers of one stream queue, a rolled-back insert
-- gives its number back, and numbers become visible in order.
CREATE TABLE stream_counter (
    stream   TEXT PRIMARY KEY,
    last_seq BIGINT NOT NULL
);

-- Each commune's notification stream: gap-free seq per commune.
CREATE TABLE notification_event (
    commune         TEXT NOT NULL,
    seq             BIGINT NOT NULL,
    notification_id TEXT NOT NULL,
    version         INTEGER NOT NULL,
    envelope        TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    format          TEXT NOT NULL DEFAULT 'jws',
    document        BYTEA,
    sender_facility TEXT,
    PRIMARY KEY (commune, seq),
    UNIQUE (notification_id, version)
);

-- Workstations allowed to sync; only the SHA-256 of each token is kept.
CREATE TABLE workstation (
    id           TEXT PRIMARY KEY,
    commune      TEXT NOT NULL,
    label        TEXT NOT NULL,
    token_sha256 TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT,
    expires_at   TEXT,
    rotated_at   TEXT,
    last_used_at TEXT
);

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
);
CREATE INDEX pushed_event_by_commune ON pushed_event (commune, id);

-- The registry's own X.509 trust (hotich-central trust ca|facility-cert|crl).
CREATE TABLE x509_entry (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('anchor', 'intermediate', 'facility', 'crl')),
    facility_code TEXT NOT NULL DEFAULT '',
    subject       TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    not_after     TEXT,
    der           BYTEA NOT NULL,
    added_at      TEXT NOT NULL,
    UNIQUE (kind, facility_code, sha256)
);

-- Facilities allowed to post over the authenticated channel: only each
-- token's SHA-256.
CREATE TABLE facility_sender (
    id            TEXT PRIMARY KEY,
    facility_code TEXT NOT NULL,
    fhir          BOOLEAN NOT NULL,
    token_sha256  TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    revoked_at    TEXT
);

-- The audit chain's head each workstation last reported with a push.
CREATE TABLE workstation_audit_head (
    workstation_id TEXT PRIMARY KEY REFERENCES workstation (id),
    seq            BIGINT NOT NULL CHECK (seq >= 1),
    hash           TEXT NOT NULL,
    reported_at    TEXT NOT NULL,
    went_back_at   TEXT,
    went_back_seq  BIGINT,
    went_back_hash TEXT
);

-- Printed papers' public status (GET /v1/papers/{serial}).
CREATE TABLE paper_copy (
    serial          TEXT PRIMARY KEY,
    commune         TEXT NOT NULL,
    registration_id TEXT NOT NULL,
    printed_at      TEXT NOT NULL,
    withdrawn_at    TEXT
);
CREATE INDEX paper_copy_by_registration ON paper_copy (commune, registration_id);

CREATE TABLE registration_amended (
    commune         TEXT NOT NULL,
    registration_id TEXT NOT NULL,
    amended_at      TEXT NOT NULL,
    PRIMARY KEY (commune, registration_id)
);

-- Commune offices' paper-signing keys: only public keys and certificates.
CREATE TABLE paper_key (
    key_id         TEXT PRIMARY KEY,
    commune        TEXT NOT NULL,
    workstation_id TEXT NOT NULL REFERENCES workstation (id),
    public_key     TEXT NOT NULL,
    submitted_at   TEXT NOT NULL,
    certificate    TEXT,
    certified_at   TEXT,
    revoked_at     TEXT
);
CREATE INDEX paper_key_by_commune ON paper_key (commune);

-- Justice → Health: each commune's health station, the deaths shared with
-- it (numbered through stream_counter 'shared_death'), the causes returned
-- (numbered per commune through 'cause/<commune>').
CREATE TABLE commune_health_station (
    commune     TEXT PRIMARY KEY,
    facility_id TEXT NOT NULL,
    set_at      TEXT NOT NULL
);
CREATE INDEX commune_health_station_by_facility ON commune_health_station (facility_id, commune);

CREATE TABLE shared_death (
    seq             BIGINT PRIMARY KEY,
    registration_id TEXT NOT NULL UNIQUE,
    commune         TEXT NOT NULL,
    pushed_event_id TEXT NOT NULL REFERENCES pushed_event (id),
    shared_at       TEXT NOT NULL
);
CREATE INDEX shared_death_by_commune ON shared_death (commune, seq);

CREATE TABLE death_cause (
    registration_id TEXT PRIMARY KEY REFERENCES shared_death (registration_id),
    commune         TEXT NOT NULL,
    seq             BIGINT NOT NULL,
    facility_id     TEXT NOT NULL,
    envelope        TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    UNIQUE (commune, seq)
);

-- The Justice-Health pilot's facts (storage/postgres/pilot.rs).
CREATE TABLE pilot_notification (
    notification_id         TEXT PRIMARY KEY,
    commune                 TEXT NOT NULL,
    kind                    TEXT,
    event_date              TEXT,
    received_at             TEXT,
    identification_complete BOOLEAN,
    voided                  BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX pilot_notification_by_event ON pilot_notification (event_date, commune);

CREATE TABLE pilot_case (
    case_id          TEXT PRIMARY KEY,
    commune          TEXT NOT NULL,
    notification_id  TEXT,
    first_contact_at TEXT,
    registration_id  TEXT,
    kind             TEXT,
    event_date       TEXT,
    deadline         TEXT,
    registered_on    TEXT
);
CREATE INDEX pilot_case_by_commune ON pilot_case (commune) INCLUDE (notification_id, first_contact_at,
    registration_id, kind, event_date, deadline, registered_on);
