-- A period's figures read attempts by the kind of their case and their
-- outcome. The kind of a case never changes, so each attempt's is kept here
-- beside its time (case_event stays append-only), written by a trigger in
-- the attempt's own transaction; case_seq finds the case by its rowid.
CREATE TABLE attempt_fact (
    event_id  TEXT PRIMARY KEY,
    at        TEXT NOT NULL,
    case_seq  INTEGER NOT NULL,
    case_kind TEXT NOT NULL,
    outcome   TEXT
) STRICT;

INSERT INTO attempt_fact (event_id, at, case_seq, case_kind, outcome)
    SELECT e.id, e.at, c.seq, c.kind, e.outcome
    FROM case_event e JOIN case_file c ON c.id = e.case_id
    WHERE e.kind = 'attempt';

CREATE INDEX attempt_fact_by_time ON attempt_fact (at, case_kind, outcome, case_seq);

CREATE TRIGGER attempt_fact_on_insert AFTER INSERT ON case_event WHEN NEW.kind = 'attempt' BEGIN
    INSERT INTO attempt_fact (event_id, at, case_seq, case_kind, outcome)
        SELECT NEW.id, NEW.at, c.seq, c.kind, NEW.outcome FROM case_file c WHERE c.id = NEW.case_id;
END;

-- The cases worked in a period are found by rowid: what the figures read
-- of each, without reading its whole row.
CREATE INDEX case_by_seq ON case_file (seq, kind, status, registered_on);
