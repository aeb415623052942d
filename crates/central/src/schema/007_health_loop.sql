-- Justice → Health (issue 18, item 1). The commune health station each
-- commune's registered deaths are shared with (its facility code, MACSKCB),
-- set by the operator: `hotich-central health-station set`.
CREATE TABLE commune_health_station (
    commune     TEXT PRIMARY KEY,
    facility_id TEXT NOT NULL,
    set_at      TEXT NOT NULL
) STRICT;
CREATE INDEX commune_health_station_by_facility ON commune_health_station (facility_id, commune);

-- Deaths registered at a commune, one per pushed `registration` row of type
-- death, numbered as they arrived: what the stations pull (each its own
-- communes'). The facts are read from the pushed row (storage/sqlite/health_loop.rs).
CREATE TABLE shared_death (
    seq             INTEGER PRIMARY KEY,
    registration_id TEXT NOT NULL UNIQUE,
    commune         TEXT NOT NULL,
    pushed_event_id TEXT NOT NULL REFERENCES pushed_event (id),
    shared_at       TEXT NOT NULL
) STRICT;
CREATE INDEX shared_death_by_commune ON shared_death (commune, seq);

-- The cause of death a station returned, its signed envelope as posted, one
-- per registration; numbered per commune for the workstation's pull.
CREATE TABLE death_cause (
    registration_id TEXT PRIMARY KEY REFERENCES shared_death (registration_id),
    commune         TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    facility_id     TEXT NOT NULL,
    envelope        TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    UNIQUE (commune, seq)
) STRICT;

-- Deaths pushed before this version, in the order they arrived.
INSERT OR IGNORE INTO shared_death (registration_id, commune, pushed_event_id, shared_at)
SELECT json_extract(body, '$.registration_id'), commune, id, received_at
FROM pushed_event
WHERE kind = 'registration' AND json_extract(body, '$.type') = 'death'
  AND json_extract(body, '$.registration_id') IS NOT NULL
ORDER BY received_at, id;
