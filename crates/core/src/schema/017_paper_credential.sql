-- Printed papers anyone can verify (issue 17).
--
-- The office's paper-signing keys, written only by paper.rs. The seed is
-- the Ed25519 private key: it lives here, in the encrypted store, and
-- nowhere else. The newest key not retired signs; the registry's
-- certificate of it (a signed envelope, JSON) arrives with enrolment.
CREATE TABLE paper_key (
    key_id      TEXT PRIMARY KEY,
    seed        BLOB NOT NULL CHECK (length(seed) = 32),
    public_key  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    certificate TEXT,
    retired_at  TEXT
) STRICT;

-- One row per printed copy, written only by print_log.rs in the print's
-- transaction: its serial (as the code read out on the phone) and the
-- signed credential its QR carries, exactly as printed.
CREATE TABLE paper_copy (
    serial      TEXT PRIMARY KEY,
    print_id    TEXT NOT NULL REFERENCES print_log (id),
    copy_number INTEGER NOT NULL CHECK (copy_number >= 1),
    credential  TEXT NOT NULL,
    UNIQUE (print_id, copy_number)
) STRICT;
CREATE TRIGGER paper_copy_append_only_update BEFORE UPDATE ON paper_copy BEGIN
    SELECT RAISE(ABORT, 'paper_copy is append-only');
END;
CREATE TRIGGER paper_copy_append_only_delete BEFORE DELETE ON paper_copy BEGIN
    SELECT RAISE(ABORT, 'paper_copy is append-only');
END;

-- A copy withdrawn by a supervisor (reported lost, stolen, issued in
-- error), written only by print_log.rs with its audit entry and outbox row:
-- the registry answers `withdrawn` for it once pushed. Never changed.
CREATE TABLE paper_withdrawal (
    serial       TEXT PRIMARY KEY REFERENCES paper_copy (serial),
    withdrawn_at TEXT NOT NULL,
    officer_id   TEXT NOT NULL REFERENCES officer (id),
    reason       TEXT NOT NULL
) STRICT;
CREATE TRIGGER paper_withdrawal_append_only_update BEFORE UPDATE ON paper_withdrawal BEGIN
    SELECT RAISE(ABORT, 'paper_withdrawal is append-only');
END;
CREATE TRIGGER paper_withdrawal_append_only_delete BEFORE DELETE ON paper_withdrawal BEGIN
    SELECT RAISE(ABORT, 'paper_withdrawal is append-only');
END;
