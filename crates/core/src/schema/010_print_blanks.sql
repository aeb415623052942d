-- The Giấy khai sinh printed on the Ministry of Justice's numbered
-- pre-printed blank (phôi): the print log gains the blank's serial and an
-- outcome. A blank spoiled in the printer (or otherwise) is its own line
-- (outcome 'spoiled', its serial, a reason, who and when), never an edit of
-- an earlier line; a serial is used once in the office, printed or spoiled.
-- A spoiled line names no registration, so the registration's columns
-- become nullable: SQLite changes a column's constraints only by rebuilding
-- the table (nothing references print_log, and the implicit delete of
-- DROP TABLE fires no trigger).

CREATE TABLE print_log_rebuilt (
    seq             INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    registration_id TEXT REFERENCES registration (id),
    document        TEXT NOT NULL CHECK (document IN ('birth-certificate', 'birth-extract', 'death-extract')),
    printed_at      TEXT NOT NULL,
    officer_id      TEXT NOT NULL REFERENCES officer (id),
    copies          INTEGER NOT NULL CHECK (copies >= 1),
    reprint         INTEGER NOT NULL CHECK (reprint IN (0, 1)),
    issue_date      TEXT,
    code            TEXT,
    content_sha256  TEXT,
    content         TEXT,
    -- The serial number printed on the blank; NULL for a plain-A4 print.
    blank_serial    TEXT CHECK (blank_serial IS NULL OR length(blank_serial) BETWEEN 1 AND 32),
    outcome         TEXT NOT NULL DEFAULT 'printed' CHECK (outcome IN ('printed', 'spoiled')),
    spoiled_reason  TEXT,
    CHECK (
        (outcome = 'printed' AND registration_id IS NOT NULL AND issue_date IS NOT NULL
            AND code IS NOT NULL AND content_sha256 IS NOT NULL AND content IS NOT NULL
            AND spoiled_reason IS NULL)
        OR (outcome = 'spoiled' AND registration_id IS NULL AND blank_serial IS NOT NULL
            AND length(trim(spoiled_reason)) > 0 AND copies = 1 AND reprint = 0)
    ),
    -- One blank is one sheet of the Giấy khai sinh.
    CHECK (blank_serial IS NULL OR (document = 'birth-certificate' AND copies = 1))
) STRICT;

INSERT INTO print_log_rebuilt (seq, id, registration_id, document, printed_at, officer_id, copies,
                               reprint, issue_date, code, content_sha256, content)
SELECT seq, id, registration_id, document, printed_at, officer_id, copies,
       reprint, issue_date, code, content_sha256, content
FROM print_log;

DROP TABLE print_log;
ALTER TABLE print_log_rebuilt RENAME TO print_log;

CREATE INDEX print_log_by_code ON print_log (code);
CREATE INDEX print_log_by_document ON print_log (registration_id, document);
-- A serial is used once in the office, whatever the outcome.
CREATE UNIQUE INDEX print_log_blank_serial ON print_log (blank_serial) WHERE blank_serial IS NOT NULL;
-- The triggers went with the old table: the log stays append-only.
CREATE TRIGGER print_log_append_only_update BEFORE UPDATE ON print_log
BEGIN SELECT RAISE(ABORT, 'print_log is append-only'); END;
CREATE TRIGGER print_log_append_only_delete BEFORE DELETE ON print_log
BEGIN SELECT RAISE(ABORT, 'print_log is append-only'); END;

-- Where each printer puts the page relative to the blank's printed fields:
-- the offsets (mm; x to the right, y downwards) every blank print on that
-- printer is shifted by. Written only by print_calibration.rs.
CREATE TABLE print_calibration (
    printer     TEXT PRIMARY KEY CHECK (length(printer) BETWEEN 1 AND 100),
    offset_x_mm REAL NOT NULL CHECK (offset_x_mm BETWEEN -10.0 AND 10.0),
    offset_y_mm REAL NOT NULL CHECK (offset_y_mm BETWEEN -10.0 AND 10.0),
    updated_at  TEXT NOT NULL,
    officer_id  TEXT NOT NULL REFERENCES officer (id)
) STRICT;
