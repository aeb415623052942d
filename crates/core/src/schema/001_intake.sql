-- Intake of signed health notifications and the cases opened from them.

CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Every trust list applied, newest sequence wins.
CREATE TABLE trust_list (
    sequence    INTEGER PRIMARY KEY,
    issuer      TEXT NOT NULL,
    issued_at   TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    raw         TEXT NOT NULL
) STRICT;

-- The keys of the newest trust list.
CREATE TABLE facility_key (
    key_id              TEXT PRIMARY KEY,
    facility_id         TEXT NOT NULL,
    name                TEXT NOT NULL,
    address             TEXT NOT NULL,
    commune_code        TEXT NOT NULL,
    algorithm           TEXT NOT NULL,
    public_key          TEXT NOT NULL,
    valid_from          TEXT NOT NULL,
    valid_until         TEXT NOT NULL,
    trust_list_sequence INTEGER NOT NULL REFERENCES trust_list (sequence)
) STRICT;

-- Every verified version of every notification, with the signed parts kept
-- byte for byte as received. Append-only: the health sector owns this stream.
-- A rowid table: rows of ~2 KB are too large for WITHOUT ROWID to pay off.
CREATE TABLE notification (
    seq             INTEGER PRIMARY KEY,
    notification_id TEXT NOT NULL,
    version         INTEGER NOT NULL CHECK (version >= 1),
    action          TEXT NOT NULL CHECK (action IN ('issue', 'correct', 'void')),
    kind            TEXT NOT NULL CHECK (kind IN ('birth', 'death')),
    facility_id     TEXT NOT NULL,
    key_id          TEXT NOT NULL,
    -- The trust-list entry that verified it, as it was then: the case shows
    -- it and checks the signature again with it.
    facility_name    TEXT NOT NULL,
    facility_address TEXT NOT NULL,
    public_key       TEXT NOT NULL,
    key_valid_from   TEXT NOT NULL,
    key_valid_until  TEXT NOT NULL,
    issued_at       TEXT NOT NULL,
    commune_code    TEXT NOT NULL,
    protected       TEXT NOT NULL,
    payload         TEXT NOT NULL,
    signature       TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    UNIQUE (notification_id, version)
) STRICT;

-- One event that must be registered.
CREATE TABLE case_file (
    seq                  INTEGER PRIMARY KEY,
    id                   TEXT NOT NULL UNIQUE,
    kind                 TEXT NOT NULL CHECK (kind IN ('birth', 'death')),
    notification_id      TEXT UNIQUE,
    -- The newest version received (a void included) ...
    notification_version INTEGER,
    -- ... and the newest one with content, which the case shows.
    content_version      INTEGER,
    status               TEXT NOT NULL CHECK (status IN ('new', 'in_outreach', 'appointment', 'registered',
                                'registered_elsewhere', 'not_registrable', 'voided', 'needs_review')),
    is_open              INTEGER NOT NULL GENERATED ALWAYS AS
                             (status IN ('new', 'in_outreach', 'appointment', 'needs_review')) VIRTUAL,
    subject_name         TEXT NOT NULL,
    name_folded          TEXT NOT NULL,
    event_date           TEXT NOT NULL,
    deadline             TEXT NOT NULL,
    facility_id          TEXT,
    facility_name        TEXT,
    opened_at            TEXT NOT NULL,
    updated_at           TEXT NOT NULL
) STRICT;

-- The queue: open cases first, the most urgent deadline first.
CREATE INDEX case_queue ON case_file (is_open DESC, deadline, seq);
CREATE INDEX case_kind_queue ON case_file (kind, is_open DESC, deadline, seq);
CREATE INDEX case_status_queue ON case_file (status, is_open DESC, deadline, seq);

-- Name search: every word-suffix of the folded name ("nguyen van an",
-- "van an", "an"), so consecutive words typed from any word on are one B-tree
-- range scan. name_offset holds the character positions to cut at. Each key
-- carries the case's queue columns, so a search filters and sorts its matches
-- without reading the cases.
CREATE TABLE name_offset (n INTEGER PRIMARY KEY) STRICT;
INSERT INTO name_offset (n)
    WITH RECURSIVE o (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM o WHERE n < 1024)
    SELECT n FROM o;
CREATE TABLE case_name_key (
    key      TEXT NOT NULL,
    seq      INTEGER NOT NULL,
    kind     TEXT NOT NULL,
    status   TEXT NOT NULL,
    is_open  INTEGER NOT NULL,
    deadline TEXT NOT NULL,
    PRIMARY KEY (key, seq)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER case_file_name_key_insert AFTER INSERT ON case_file BEGIN
    INSERT OR IGNORE INTO case_name_key (key, seq, kind, status, is_open, deadline)
        SELECT substr(new.name_folded, n), new.seq, new.kind, new.status, new.is_open, new.deadline
        FROM name_offset
        WHERE n <= length(new.name_folded) AND (n = 1 OR substr(new.name_folded, n - 1, 1) = ' ');
END;
CREATE TRIGGER case_file_name_key_update AFTER UPDATE OF name_folded, kind, status, deadline ON case_file BEGIN
    DELETE FROM case_name_key WHERE seq = old.seq AND key IN
        (SELECT substr(old.name_folded, n) FROM name_offset
         WHERE n <= length(old.name_folded) AND (n = 1 OR substr(old.name_folded, n - 1, 1) = ' '));
    INSERT OR IGNORE INTO case_name_key (key, seq, kind, status, is_open, deadline)
        SELECT substr(new.name_folded, n), new.seq, new.kind, new.status, new.is_open, new.deadline
        FROM name_offset
        WHERE n <= length(new.name_folded) AND (n = 1 OR substr(new.name_folded, n - 1, 1) = ' ');
END;
CREATE TRIGGER case_file_name_key_delete AFTER DELETE ON case_file BEGIN
    DELETE FROM case_name_key WHERE seq = old.seq AND key IN
        (SELECT substr(old.name_folded, n) FROM name_offset
         WHERE n <= length(old.name_folded) AND (n = 1 OR substr(old.name_folded, n - 1, 1) = ' '));
END;

-- Envelopes that failed verification, kept with their reason. The same bytes
-- quarantined twice stay one row.
CREATE TABLE quarantine (
    id              INTEGER PRIMARY KEY,
    received_at     TEXT NOT NULL,
    source          TEXT NOT NULL,
    notification_id TEXT,
    version         INTEGER,
    reason          TEXT NOT NULL,
    detail          TEXT NOT NULL,
    raw_sha256      TEXT NOT NULL UNIQUE,
    raw             BLOB NOT NULL
) STRICT;
