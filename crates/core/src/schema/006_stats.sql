-- Dashboard and period statistics (issue 7): what the figures look up, kept
-- on the case so that a period's figures scan one covering index each and
-- never read the (large) case rows or registration forms.

-- The day the case was registered (the form's registration date, the legal
-- one; `registered_at` is only when it was saved) and by whom, and when the
-- family was first contacted. Copied by the triggers below, in the
-- transaction of the registration or the attempt.
ALTER TABLE case_file ADD COLUMN registered_on TEXT;
ALTER TABLE case_file ADD COLUMN registered_by TEXT REFERENCES officer (id);
ALTER TABLE case_file ADD COLUMN first_attempt_at TEXT;

UPDATE case_file SET
    registered_on = (SELECT json_extract(r.form, '$.registration_date') FROM registration r WHERE r.case_id = case_file.id),
    registered_by = (SELECT r.officer_id FROM registration r WHERE r.case_id = case_file.id),
    first_attempt_at = (SELECT min(e.at) FROM case_event e WHERE e.case_id = case_file.id AND e.kind = 'attempt');

CREATE TRIGGER registration_day_on_case AFTER INSERT ON registration BEGIN
    UPDATE case_file SET registered_on = json_extract(new.form, '$.registration_date'), registered_by = new.officer_id
    WHERE id = new.case_id;
END;
CREATE TRIGGER first_attempt_on_case AFTER INSERT ON case_event WHEN new.kind = 'attempt' BEGIN
    UPDATE case_file SET first_attempt_at = new.at
    WHERE id = new.case_id AND (first_attempt_at IS NULL OR first_attempt_at > new.at);
END;

-- Cases received in a period: type, status, notification, first contact.
CREATE INDEX case_by_opened ON case_file (opened_at, kind, status, notification_id, first_attempt_at);
-- Cases registered in a period: on time, days from the event.
CREATE INDEX case_by_registered ON case_file (registered_on, kind, status, deadline, event_date)
    WHERE registered_on IS NOT NULL;
-- Registrations per officer this month.
CREATE INDEX case_by_registrar ON case_file (registered_by, registered_on) WHERE registered_by IS NOT NULL;
-- What the figures read of a case found by id (an attempt's).
CREATE INDEX case_facts ON case_file (id, kind, status, registered_on);

-- The dashboard's open cases by status and type, and their deadlines.
CREATE INDEX case_dashboard ON case_file (is_open, status, kind, deadline);
-- Open cases nobody has contacted yet, by when they arrived.
CREATE INDEX case_not_contacted ON case_file (is_open, opened_at) WHERE last_attempt_at IS NULL;

-- Attempts in a period (outcomes, cases worked), and this week's per officer.
CREATE INDEX case_event_attempt_time ON case_event (at, case_id, outcome) WHERE kind = 'attempt';
CREATE INDEX case_event_attempt_by_officer ON case_event (officer_id, at) WHERE kind = 'attempt';

-- Failed sync items per case.
CREATE INDEX outbox_by_state_case ON outbox (state, case_id);
