-- Registrations, the register book numbering, amendments and the audit log.

-- One continuous sequence per year and kind (Circular 04/2020/TT-BTP Art. 29):
-- the next number is taken in the transaction that saves the registration,
-- so a rolled-back save leaves no gap.
CREATE TABLE register_counter (
    kind        TEXT NOT NULL CHECK (kind IN ('birth', 'death')),
    year        INTEGER NOT NULL,
    last_number INTEGER NOT NULL,
    PRIMARY KEY (kind, year)
) STRICT;

-- A registration as saved: never changed afterwards (see the triggers); a
-- correction is an amendment row.
CREATE TABLE registration (
    seq           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    case_id       TEXT NOT NULL UNIQUE REFERENCES case_file (id),
    kind          TEXT NOT NULL CHECK (kind IN ('birth', 'death')),
    year          INTEGER NOT NULL,
    number        INTEGER NOT NULL CHECK (number >= 1),
    book          TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    officer_id    TEXT NOT NULL REFERENCES officer (id),
    late          INTEGER NOT NULL CHECK (late IN (0, 1)),
    -- The form as saved (JSON), and the notification version it was based on.
    form          TEXT NOT NULL,
    notification_version INTEGER,
    UNIQUE (kind, year, number)
) STRICT;
CREATE TRIGGER registration_never_updated BEFORE UPDATE ON registration BEGIN
    SELECT RAISE(ABORT, 'a registration is corrected by an amendment, never updated');
END;
CREATE TRIGGER registration_never_deleted BEFORE DELETE ON registration BEGIN
    SELECT RAISE(ABORT, 'a registration is never deleted');
END;

-- Corrections: what changed, why, who, when, and the whole form after it.
CREATE TABLE amendment (
    seq             INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    registration_id TEXT NOT NULL REFERENCES registration (id),
    at              TEXT NOT NULL,
    officer_id      TEXT NOT NULL REFERENCES officer (id),
    reason          TEXT NOT NULL,
    changes         TEXT NOT NULL,
    form            TEXT NOT NULL
) STRICT;
CREATE INDEX amendment_by_registration ON amendment (registration_id, seq);
CREATE TRIGGER amendment_append_only_update BEFORE UPDATE ON amendment BEGIN
    SELECT RAISE(ABORT, 'amendment is append-only');
END;
CREATE TRIGGER amendment_append_only_delete BEFORE DELETE ON amendment BEGIN
    SELECT RAISE(ABORT, 'amendment is append-only');
END;

-- What duplicate detection looks up, from each registration's current form
-- (an index kept beside the record, rewritten by an amendment).
CREATE TABLE registration_key (
    registration_id TEXT PRIMARY KEY REFERENCES registration (id),
    kind            TEXT NOT NULL,
    personal_id     TEXT,
    name_folded     TEXT NOT NULL,
    birth_date      TEXT,
    event_date      TEXT NOT NULL,
    sex             TEXT NOT NULL,
    mother_folded   TEXT
) STRICT;
CREATE INDEX registration_key_personal_id ON registration_key (personal_id) WHERE personal_id IS NOT NULL;
CREATE INDEX registration_key_event ON registration_key (kind, event_date);

-- Every registration and amendment, each entry chained to the one before by
-- hash, so a row altered outside the app is found (`hotich audit verify`).
CREATE TABLE audit_log (
    seq            INTEGER PRIMARY KEY,
    at             TEXT NOT NULL,
    officer_id     TEXT NOT NULL,
    action         TEXT NOT NULL CHECK (action IN ('register', 'amend')),
    entity_id      TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
