-- Official documents posted at the facility door (signed XML, FHIR),
-- relayed as posted: the stream keeps each one's format, bytes and
-- (for FHIR, or XML sent with a credential) the authenticated sender.
-- A JWS event keeps its envelope, as before (format 'jws').
ALTER TABLE notification_event ADD COLUMN format TEXT NOT NULL DEFAULT 'jws';
ALTER TABLE notification_event ADD COLUMN document BLOB;
ALTER TABLE notification_event ADD COLUMN sender_facility TEXT;

-- The registry's own X.509 trust (hotich-central trust ca|facility-cert|crl):
-- trust anchors, intermediates, facilities' signing certificates (MACSKCB)
-- and CRLs, one row each, kept as DER.
CREATE TABLE x509_entry (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('anchor', 'intermediate', 'facility', 'crl')),
    facility_code TEXT NOT NULL DEFAULT '',
    subject       TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    not_after     TEXT,
    der           BLOB NOT NULL,
    added_at      TEXT NOT NULL,
    UNIQUE (kind, facility_code, sha256)
) STRICT;

-- Facilities allowed to post over the authenticated channel (FHIR needs it):
-- only each token's SHA-256.
CREATE TABLE facility_sender (
    id            TEXT PRIMARY KEY,
    facility_code TEXT NOT NULL,
    fhir          INTEGER NOT NULL,
    token_sha256  TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    revoked_at    TEXT
) STRICT;
