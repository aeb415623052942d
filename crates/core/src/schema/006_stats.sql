-- Dashboard and period statistics (issue 7): what the figures look up.

-- The day a registration was made, as entered on the form (the legal date;
-- `registered_at` is only when it was saved). Virtual: computed from the
-- immutable form, so existing rows need no update.
ALTER TABLE registration ADD COLUMN registered_on TEXT
    GENERATED ALWAYS AS (json_extract(form, '$.registration_date')) VIRTUAL;
CREATE INDEX registration_by_day ON registration (registered_on, case_id);

-- Cases received in a period, by type and status.
CREATE INDEX case_by_opened ON case_file (opened_at, kind, status);

-- The dashboard's open cases by status and type, and their deadlines.
CREATE INDEX case_dashboard ON case_file (is_open, status, kind, deadline);

-- Open cases nobody has contacted yet, by when they arrived.
CREATE INDEX case_not_contacted ON case_file (is_open, opened_at) WHERE last_attempt_at IS NULL;

-- Attempts in a period (outcomes, cases worked), and the first attempt of a case.
CREATE INDEX case_event_attempt_time ON case_event (at, case_id, outcome) WHERE kind = 'attempt';
CREATE INDEX case_event_attempt_by_case ON case_event (case_id, at) WHERE kind = 'attempt';
CREATE INDEX case_event_attempt_by_officer ON case_event (officer_id, at) WHERE kind = 'attempt';

-- Registrations per officer this month.
CREATE INDEX registration_by_officer ON registration (officer_id, registered_on);

-- Failed sync items per case.
CREATE INDEX outbox_by_state_case ON outbox (state, case_id);
