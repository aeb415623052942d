-- Printed extracts: every print of a Giấy khai sinh, Trích lục khai sinh or
-- Trích lục khai tử, who printed it, when, how many copies, and what it said.

CREATE TABLE print_log (
    seq             INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    registration_id TEXT NOT NULL REFERENCES registration (id),
    document        TEXT NOT NULL CHECK (document IN ('birth-certificate', 'birth-extract', 'death-extract')),
    printed_at      TEXT NOT NULL,
    officer_id      TEXT NOT NULL REFERENCES officer (id),
    copies          INTEGER NOT NULL CHECK (copies >= 1),
    -- The same document of the same registration was printed before.
    reprint         INTEGER NOT NULL CHECK (reprint IN (0, 1)),
    issue_date      TEXT NOT NULL,
    -- The verification code printed on the paper (and in its QR code).
    code            TEXT NOT NULL,
    -- SHA-256 of the printed content, and that content (JSON: name -> value
    -- in print order), so a verification names what differs.
    content_sha256  TEXT NOT NULL,
    content         TEXT NOT NULL
) STRICT;
CREATE INDEX print_log_by_code ON print_log (code);
CREATE INDEX print_log_by_document ON print_log (registration_id, document);
CREATE TRIGGER print_log_append_only_update BEFORE UPDATE ON print_log BEGIN
    SELECT RAISE(ABORT, 'print_log is append-only');
END;
CREATE TRIGGER print_log_append_only_delete BEFORE DELETE ON print_log BEGIN
    SELECT RAISE(ABORT, 'print_log is append-only');
END;
