-- The pilot's figures (issue 18, item 4; stats/pilot.rs): whether a
-- notification version identifies its person completely
-- (hotich_protocol::pilot::identification_complete), worked out by intake
-- as it stores the version, so a year's report decodes no payload. Versions
-- stored before this one leave it NULL: the report reads their payload.
ALTER TABLE notification ADD COLUMN identification_complete INTEGER;
