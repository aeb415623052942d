-- A registrar's dashboard reads only their own open cases: by status and
-- type, past the deadline, not contacted yet. One covering index for all.
CREATE INDEX case_assignee_open ON case_file (assignee, is_open, status, kind, deadline, opened_at)
    WHERE assignee IS NOT NULL;
