-- A case its workstation closed without registering it (registered in
-- another commune, not registrable): the status it was closed as, none when
-- it is open again, as the newest pushed change of status (`status_at`)
-- says. The province's page counts such a case neither open nor overdue.
ALTER TABLE pilot_case ADD COLUMN closed_as TEXT;
ALTER TABLE pilot_case ADD COLUMN status_at TEXT;
