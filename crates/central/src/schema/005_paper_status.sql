-- Printed papers' public status (issue 17): what `GET /v1/papers/{serial}`
-- answers from, kept by the storage as workstations push their print log.
-- A copy is known from its `extract_print` row, withdrawn by a
-- `paper_withdrawn` row of the same commune; a registration amended after a
-- copy was printed makes that copy `superseded` (its `amendment` rows).
-- No personal data: serials, registration ids and times.
CREATE TABLE paper_copy (
    serial          TEXT PRIMARY KEY,
    commune         TEXT NOT NULL,
    registration_id TEXT NOT NULL,
    printed_at      TEXT NOT NULL,
    withdrawn_at    TEXT
) STRICT;
CREATE INDEX paper_copy_by_registration ON paper_copy (commune, registration_id);

CREATE TABLE registration_amended (
    commune         TEXT NOT NULL,
    registration_id TEXT NOT NULL,
    amended_at      TEXT NOT NULL,
    PRIMARY KEY (commune, registration_id)
) STRICT;

-- What was pushed before this version, in the order it arrived.
INSERT OR IGNORE INTO paper_copy (serial, commune, registration_id, printed_at)
SELECT serials.value, e.commune, json_extract(e.body, '$.registration_id'), e.created_at
FROM pushed_event e, json_each(e.body, '$.serials') AS serials
WHERE e.kind = 'extract_print' AND json_extract(e.body, '$.registration_id') IS NOT NULL;

INSERT INTO registration_amended (commune, registration_id, amended_at)
SELECT commune, json_extract(body, '$.registration_id'), max(created_at)
FROM pushed_event
WHERE kind = 'amendment' AND json_extract(body, '$.registration_id') IS NOT NULL
GROUP BY commune, json_extract(body, '$.registration_id');

UPDATE paper_copy SET withdrawn_at = (
    SELECT min(e.created_at) FROM pushed_event e
    WHERE e.kind = 'paper_withdrawn' AND e.commune = paper_copy.commune
      AND json_extract(e.body, '$.serial') = paper_copy.serial);
