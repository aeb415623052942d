-- Sign-in throttling on the province's page (`province::sign_in`): an
-- officer's consecutive wrong passwords, and until when their sign-in is
-- refused after too many (any registry process reads the same).
ALTER TABLE province_officer ADD COLUMN failed_sign_ins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE province_officer ADD COLUMN locked_until TEXT;
