-- Commune offices' paper-signing keys (issue 17): a workstation submits
-- its public key (`PUT /v1/paper-keys/{key_id}`); the operator certifies it
-- with the registry root (`hotich-central paper-key certify`), offline
-- from the server's point of view: the root's private key never lives here.
-- Certified keys not revoked, with the revoked ids, are what
-- `GET /v1/paper-trust` publishes. Only public keys and certificates.
CREATE TABLE paper_key (
    key_id         TEXT PRIMARY KEY,
    commune        TEXT NOT NULL,
    workstation_id TEXT NOT NULL REFERENCES workstation (id),
    public_key     TEXT NOT NULL,
    submitted_at   TEXT NOT NULL,
    certificate    TEXT,
    certified_at   TEXT,
    revoked_at     TEXT
) STRICT;
CREATE INDEX paper_key_by_commune ON paper_key (commune);
