-- The official yearly holiday schedules a supervisor imported (calendar.rs):
-- one row per year, the year's lines as the file gave them (a
-- hotich_calendar::Schedule written back). A year here replaces the shipped
-- schedule's and the Labour Code's computed days for that year.
CREATE TABLE holiday_schedule (
    year        INTEGER PRIMARY KEY,
    lines       TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL
) STRICT;
