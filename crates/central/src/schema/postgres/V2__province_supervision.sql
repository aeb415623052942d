-- The province's supervision page: ../009_province_supervision.sql says
-- what each part is for.

ALTER TABLE pilot_notification ADD COLUMN issued_at TEXT;
ALTER TABLE pilot_notification ADD COLUMN subject_name TEXT;
ALTER TABLE pilot_notification ADD COLUMN subject_version INTEGER;
ALTER TABLE pilot_case ADD COLUMN last_contact_at TEXT;
ALTER TABLE pilot_case ADD COLUMN assignee TEXT;

CREATE TABLE province_officer (
    id            TEXT PRIMARY KEY,
    province      TEXT NOT NULL,
    login         TEXT NOT NULL UNIQUE,
    label         TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    revoked_at    TEXT
);

CREATE TABLE officer_session (
    token_sha256 TEXT PRIMARY KEY,
    officer_id   TEXT NOT NULL REFERENCES province_officer (id),
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);

CREATE TABLE refused_notice (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    commune     TEXT NOT NULL,
    reason      TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE INDEX refused_notice_by_commune ON refused_notice (commune, received_at);
