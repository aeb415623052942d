-- Workstation tokens with a life (hotich-central workstation add --expires,
-- list, revoke, rotate): an optional expiry, when the token was last
-- replaced, and when it was last used (to the minute).
ALTER TABLE workstation ADD COLUMN expires_at TEXT;
ALTER TABLE workstation ADD COLUMN rotated_at TEXT;
ALTER TABLE workstation ADD COLUMN last_used_at TEXT;
