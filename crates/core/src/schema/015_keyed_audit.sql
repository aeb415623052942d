-- One audit trail for every act that matters, keyed (issue 16, item 4).
-- Entries written from now on are chained with an HMAC-SHA256 under a key
-- derived from the store key (`keyed = 1`); the entries before keep their
-- SHA-256 links (`keyed = 0`) and the first keyed entry chains onto their
-- head, so the whole chain is covered by the key from then on.
-- The action list is no longer a CHECK: the chain's MAC covers the action,
-- `audit::AuditAction` is the one list, and a new act needs no table rebuild.
-- The table is rebuilt one last time for that, entries unchanged (same seq,
-- same hashes), its append-only triggers put back.
DROP TRIGGER audit_log_append_only_update;
DROP TRIGGER audit_log_append_only_delete;
CREATE TABLE audit_log_keyed (
    seq            INTEGER PRIMARY KEY,
    at             TEXT NOT NULL,
    officer_id     TEXT NOT NULL,
    action         TEXT NOT NULL,
    entity_id      TEXT NOT NULL,
    -- The SHA-256 of the row the act wrote, or the act's detail (a status
    -- code, a count, a file's digest; never personal data). Was `content_sha256`.
    content        TEXT NOT NULL,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL,
    keyed          INTEGER NOT NULL DEFAULT 0 CHECK (keyed IN (0, 1))
) STRICT;
INSERT INTO audit_log_keyed (seq, at, officer_id, action, entity_id, content, prev_hash, hash)
    SELECT seq, at, officer_id, action, entity_id, content_sha256, prev_hash, hash FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_keyed RENAME TO audit_log;
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- The supervisor's reading of the trail: by act, by officer, by case or record.
CREATE INDEX audit_log_by_action ON audit_log (action, seq);
CREATE INDEX audit_log_by_officer ON audit_log (officer_id, seq);
CREATE INDEX audit_log_by_entity ON audit_log (entity_id, seq);
-- Prints are audited from this version on: the prints already in the log
-- have no entry, and `audit verify` asks one only of those after them.
INSERT INTO setting (key, value)
    SELECT 'audit_prints_after_seq', CAST(coalesce(max(seq), 0) AS TEXT) FROM print_log;
