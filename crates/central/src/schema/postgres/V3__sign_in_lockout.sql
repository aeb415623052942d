-- Sign-in throttling on the province's page: the SQL of
-- `../010_sign_in_lockout.sql` (whose comment tells what it holds).
ALTER TABLE province_officer ADD COLUMN failed_sign_ins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE province_officer ADD COLUMN locked_until TEXT;
