-- The province's supervision page (issue 19, item 4; province/ and
-- handlers/province.rs): what it reads besides the pilot's facts, and the
-- provincial officers who read it.

-- A notification's issue time (the health side's 4 working hours) and the
-- person it is about (the overdue list) as its newest version names them
-- (`subject_version`: versions may arrive in any order), kept as it is relayed.
ALTER TABLE pilot_notification ADD COLUMN issued_at TEXT;
ALTER TABLE pilot_notification ADD COLUMN subject_name TEXT;
ALTER TABLE pilot_notification ADD COLUMN subject_version INTEGER;
-- A case's latest attempt and the officer holding it (a pushed
-- `case_assignment` row names them).
ALTER TABLE pilot_case ADD COLUMN last_contact_at TEXT;
ALTER TABLE pilot_case ADD COLUMN assignee TEXT;

-- Provincial justice officers: their province, their login and an Argon2id
-- hash of their password; revoked ones sign in no more.
CREATE TABLE province_officer (
    id            TEXT PRIMARY KEY,
    province      TEXT NOT NULL,
    login         TEXT NOT NULL UNIQUE,
    label         TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    revoked_at    TEXT
) STRICT;

-- A signed-in officer's session: only the SHA-256 of its cookie, until it
-- expires or the officer signs out.
CREATE TABLE officer_session (
    token_sha256 TEXT PRIMARY KEY,
    officer_id   TEXT NOT NULL REFERENCES province_officer (id),
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
) STRICT;

-- Records refused at the facility door whose commune could be read (the
-- commune should ask its facility again): the reason's code, no content.
CREATE TABLE refused_notice (
    id          INTEGER PRIMARY KEY,
    commune     TEXT NOT NULL,
    reason      TEXT NOT NULL,
    received_at TEXT NOT NULL
) STRICT;
CREATE INDEX refused_notice_by_commune ON refused_notice (commune, received_at);
