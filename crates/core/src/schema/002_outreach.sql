-- Officers, assignment, family outreach, the case timeline and the outbox.

-- Local accounts. Passwords are argon2id PHC strings, never clear text.
-- Failed sign-ins are counted here so a restart does not reset the lock-out.
CREATE TABLE officer (
    id              TEXT PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE,
    full_name       TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('registrar', 'supervisor')),
    password_hash   TEXT NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    failed_sign_ins INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT,
    created_at      TEXT NOT NULL,
    created_by      TEXT REFERENCES officer (id)
) STRICT;

ALTER TABLE case_file ADD COLUMN assignee TEXT REFERENCES officer (id);
-- Day the next contact is due, and the appointment the family agreed to.
ALTER TABLE case_file ADD COLUMN next_follow_up TEXT;
ALTER TABLE case_file ADD COLUMN appointment_date TEXT;
-- When the last outreach attempt was logged (NULL: nobody contacted yet).
ALTER TABLE case_file ADD COLUMN last_attempt_at TEXT;

-- "My cases": one officer's queue, by urgency.
CREATE INDEX case_assignee_queue ON case_file (assignee, is_open DESC, deadline, next_follow_up, seq);
-- "Due today": open cases by follow-up day.
CREATE INDEX case_follow_up_queue ON case_file (next_follow_up, deadline, seq) WHERE next_follow_up IS NOT NULL;

-- The case timeline: every attempt, status change, assignment and new
-- notification version, with who and when. Append-only: a mistake is
-- corrected by a later entry that names it in `corrects`.
CREATE TABLE case_event (
    seq                  INTEGER PRIMARY KEY,
    id                   TEXT NOT NULL UNIQUE,
    case_id              TEXT NOT NULL REFERENCES case_file (id),
    at                   TEXT NOT NULL,
    -- NULL for what the health sector did (a new version, a void).
    officer_id           TEXT REFERENCES officer (id),
    kind                 TEXT NOT NULL CHECK (kind IN ('attempt', 'status', 'assignment', 'notification')),
    channel              TEXT CHECK (channel IN ('phone', 'home_visit', 'message', 'village_head')),
    outcome              TEXT CHECK (outcome IN ('reached', 'no_answer', 'wrong_number', 'appointment_set',
                                                 'refused', 'moved_away', 'registered_elsewhere', 'other')),
    note                 TEXT,
    next_follow_up       TEXT,
    appointment_date     TEXT,
    from_status          TEXT,
    to_status            TEXT,
    assignee             TEXT REFERENCES officer (id),
    -- The notification version the officer was looking at.
    notification_version INTEGER,
    corrects             TEXT REFERENCES case_event (id)
) STRICT;
CREATE INDEX case_event_by_case ON case_event (case_id, seq);
CREATE TRIGGER case_event_append_only_update BEFORE UPDATE ON case_event BEGIN
    SELECT RAISE(ABORT, 'case_event is append-only');
END;
CREATE TRIGGER case_event_append_only_delete BEFORE DELETE ON case_event BEGIN
    SELECT RAISE(ABORT, 'case_event is append-only');
END;

-- A newer version or a void reaching a case is on its timeline too.
CREATE TRIGGER case_file_new_version AFTER UPDATE OF notification_version ON case_file
WHEN new.notification_version > old.notification_version BEGIN
    INSERT INTO case_event (id, case_id, at, kind, from_status, to_status, notification_version)
    VALUES (lower(hex(randomblob(16))), new.id, new.updated_at, 'notification', old.status, new.status,
            new.notification_version);
END;

-- Local writes waiting to reach the central registry (sent by the sync
-- relay in id order; ids are UUIDv7 so they sort by time).
CREATE TABLE outbox (
    id         TEXT PRIMARY KEY,
    case_id    TEXT REFERENCES case_file (id),
    kind       TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    state      TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'sending', 'sent', 'dead')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
) STRICT;
CREATE INDEX outbox_waiting ON outbox (state, id);

-- Texts officers edit: call scripts, messages, checklists (minijinja).
CREATE TABLE template (
    key        TEXT PRIMARY KEY,
    body       TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT REFERENCES officer (id)
) STRICT;
