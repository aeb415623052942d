-- Accounts with a life cycle: a password a supervisor set (a new account's or a
-- reset's one-time password) must be changed at the next sign-in, and account
-- actions (and the installation's) join the hash-chained audit log.

ALTER TABLE officer ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0
    CHECK (must_change_password IN (0, 1));
-- When the officer last set their own password (NULL: never since creation or reset).
ALTER TABLE officer ADD COLUMN password_changed_at TEXT;

-- SQLite cannot widen a CHECK in place: the audit log is copied into a table
-- with the longer action list, entries unchanged (same seq, same hashes, so
-- the chain still verifies), and its append-only triggers are put back.
DROP TRIGGER audit_log_append_only_update;
DROP TRIGGER audit_log_append_only_delete;
CREATE TABLE audit_log_widened (
    seq            INTEGER PRIMARY KEY,
    at             TEXT NOT NULL,
    officer_id     TEXT NOT NULL,
    action         TEXT NOT NULL CHECK (action IN (
        'register', 'amend',
        'officer_create', 'password_change', 'password_reset',
        'officer_deactivate', 'officer_reactivate', 'role_change',
        'office_set_up', 'office_change', 'root_key_replace')),
    entity_id      TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL
) STRICT;
INSERT INTO audit_log_widened (seq, at, officer_id, action, entity_id, content_sha256, prev_hash, hash)
    SELECT seq, at, officer_id, action, entity_id, content_sha256, prev_hash, hash FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_widened RENAME TO audit_log;
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
