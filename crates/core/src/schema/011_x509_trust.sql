-- The health sector's official signed XML (issue 15): the X.509 trust a
-- supervisor manages (x509_trust.rs writes the first three tables), and what
-- intake keeps of each XML notification beside its `notification` row
-- (intake.rs writes `notification_xml`). Shipped empty for a real office.

-- Trust anchors (self-signed roots) and intermediates, as imported.
CREATE TABLE x509_certificate (
    id        INTEGER PRIMARY KEY,
    role      TEXT NOT NULL CHECK (role IN ('anchor', 'intermediate')),
    subject   TEXT NOT NULL,
    -- SHA-256 of the DER, hex: one row per certificate.
    sha256    TEXT NOT NULL UNIQUE,
    not_after TEXT NOT NULL,
    der       BLOB NOT NULL,
    added_by  TEXT NOT NULL,
    added_at  TEXT NOT NULL
) STRICT;

-- The signing certificates registered for a facility (MACSKCB): a valid
-- certificate of hospital A cannot sign for hospital B.
CREATE TABLE facility_certificate (
    id            INTEGER PRIMARY KEY,
    facility_code TEXT NOT NULL,
    subject       TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    not_after     TEXT NOT NULL,
    der           BLOB NOT NULL,
    added_by      TEXT NOT NULL,
    added_at      TEXT NOT NULL,
    UNIQUE (facility_code, sha256)
) STRICT;

-- Certificate revocation lists the supervisor imported.
CREATE TABLE x509_crl (
    id          INTEGER PRIMARY KEY,
    issuer      TEXT NOT NULL,
    this_update TEXT NOT NULL,
    next_update TEXT,
    sha256      TEXT NOT NULL UNIQUE,
    der         BLOB NOT NULL,
    added_by    TEXT NOT NULL,
    added_at    TEXT NOT NULL
) STRICT;

-- An XML notification version: the received file byte for byte, what was
-- checked (signature profile, certificate chain, revocation and its source,
-- receipt time: JSON), the official fields the model does not hold (JSON
-- pairs, in document order), and whether revocation is still to be checked.
CREATE TABLE notification_xml (
    notification_id TEXT NOT NULL,
    version         INTEGER NOT NULL,
    format          TEXT NOT NULL CHECK (format IN ('HSDLGBT', 'HSDLGCS', 'GIAMDINHHS')),
    facility_code   TEXT NOT NULL,
    revocation      TEXT NOT NULL CHECK (revocation IN ('checked', 'not_checked', 'revoked')),
    evidence        TEXT NOT NULL,
    extras          TEXT NOT NULL,
    original        BLOB NOT NULL,
    PRIMARY KEY (notification_id, version),
    FOREIGN KEY (notification_id, version) REFERENCES notification (notification_id, version)
) STRICT;
CREATE INDEX notification_xml_unchecked ON notification_xml (revocation) WHERE revocation = 'not_checked';

-- The audit log takes the X.509 trust changes too: the table is rebuilt with
-- the longer action list as in 009, entries unchanged (same seq, same
-- hashes, so the chain still verifies), its append-only triggers put back.
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
        'office_set_up', 'office_change', 'root_key_replace',
        'certificate_add', 'certificate_remove', 'crl_add')),
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
