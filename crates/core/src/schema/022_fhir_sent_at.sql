-- When the facility sent each FHIR version (issue 15): the Bundle's
-- `timestamp`, NULL when it had none. Intake (intake/fhir.rs) numbers
-- versions as they arrive and refuses, to quarantine, a message sent before
-- one already held, so older content never lands over newer.
ALTER TABLE notification_fhir ADD COLUMN sent_at TEXT;
