-- The Justice-Health pilot's figures (issue 18, item 4; storage/sqlite/pilot.rs),
-- kept as notifications are relayed and rows pushed, so a province's report
-- reads a few indexed rows per event instead of every envelope. What was
-- relayed or pushed before this version is not counted: the envelopes'
-- facts are not readable in SQL, and earlier pushed rows carry neither the
-- notification id nor the event date.

-- Each notification relayed, as it first carried content: the event, the
-- day it arrived and whether it identifies its person completely
-- (hotich_protocol::pilot::identification_complete); voided when a void
-- version came (a void that came first leaves the content columns empty).
CREATE TABLE pilot_notification (
    notification_id         TEXT PRIMARY KEY,
    commune                 TEXT NOT NULL,
    kind                    TEXT,
    event_date              TEXT,
    received_at             TEXT,
    identification_complete INTEGER,
    voided                  INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX pilot_notification_by_event ON pilot_notification (event_date, commune);

-- Each workstation case the pushed rows speak of: the notification it came
-- from (none: opened by hand), the first attempt to contact the family, and
-- its registration (the event, its deadline, the registration's date).
CREATE TABLE pilot_case (
    case_id          TEXT PRIMARY KEY,
    commune          TEXT NOT NULL,
    notification_id  TEXT,
    first_contact_at TEXT,
    registration_id  TEXT,
    kind             TEXT,
    event_date       TEXT,
    deadline         TEXT,
    registered_on    TEXT
) STRICT;
-- A province's report reads its communes' cases from this index alone.
CREATE INDEX pilot_case_by_commune ON pilot_case (commune, notification_id, first_contact_at, registration_id,
                                                  kind, event_date, deadline, registered_on);
