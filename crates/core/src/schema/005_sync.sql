-- Sync with the central registry: the pull cursor, the outbox's sent/dead
-- bookkeeping, and a record of each sync run for the status view.

-- How far this workstation has applied its commune's notification stream.
-- Advanced in the same transaction as the page it applied.
CREATE TABLE sync_cursor (
    commune    TEXT PRIMARY KEY,
    after_seq  INTEGER NOT NULL CHECK (after_seq >= 0),
    updated_at TEXT NOT NULL
) STRICT;

-- When the server acknowledged a row, or when it refused it for good.
ALTER TABLE outbox ADD COLUMN sent_at TEXT;
ALTER TABLE outbox ADD COLUMN dead_at TEXT;
-- Per-case sync state and the "blocked behind a dead row" check.
CREATE INDEX outbox_by_case ON outbox (case_id, state);

-- Every sync run, its counts and how it ended.
CREATE TABLE sync_run (
    id           INTEGER PRIMARY KEY,
    started_at   TEXT NOT NULL,
    finished_at  TEXT NOT NULL,
    ok           INTEGER NOT NULL CHECK (ok IN (0, 1)),
    pulled       INTEGER NOT NULL,
    applied      INTEGER NOT NULL,
    quarantined  INTEGER NOT NULL,
    pushed       INTEGER NOT NULL,
    dead         INTEGER NOT NULL,
    error        TEXT
) STRICT;
