-- HL7 FHIR R4 vital records taken in (issue 15): beside each notification
-- version that came as FHIR, the received bytes (the JWS envelope, or the
-- FHIR file the central registry relayed), how the sender was authenticated
-- and what the model does not hold. intake.rs (intake/fhir.rs) writes it.
CREATE TABLE notification_fhir (
    notification_id  TEXT NOT NULL,
    version          INTEGER NOT NULL,
    -- `jws:KEYID` (a trust-list key signed the envelope) or
    -- `registry:MACSKCB` (the registry attested the facility's channel).
    authenticated_by TEXT NOT NULL CHECK (authenticated_by LIKE 'jws:%' OR authenticated_by LIKE 'registry:%'),
    -- The VRDR MessageHeader.id: the same message again is a re-send.
    message_id       TEXT,
    -- JSON array of [FHIR path, value], sorted by path.
    extras           TEXT NOT NULL,
    original         BLOB NOT NULL,
    PRIMARY KEY (notification_id, version),
    FOREIGN KEY (notification_id, version) REFERENCES notification (notification_id, version)
) STRICT;
