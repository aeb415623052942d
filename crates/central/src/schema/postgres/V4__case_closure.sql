-- A case closed without registration: the SQL of `../011_case_closure.sql`
-- (whose comment tells what it holds).
ALTER TABLE pilot_case ADD COLUMN closed_as TEXT;
ALTER TABLE pilot_case ADD COLUMN status_at TEXT;
