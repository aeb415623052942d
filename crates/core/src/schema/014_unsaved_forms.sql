-- A registration or amendment form as an officer typed it, until it is saved
-- or discarded (issue 16): kept in the database, with the register, not in
-- the webview's storage, so it survives a lock or a restart and is protected
-- as the register is. registration/unsaved.rs writes it.
CREATE TABLE unsaved_form (
    officer_id  TEXT NOT NULL REFERENCES officer (id),
    case_id     TEXT NOT NULL REFERENCES case_file (id),
    -- `register` (the registration of the case) or `amend` (its amendment).
    mode        TEXT NOT NULL CHECK (mode IN ('register', 'amend')),
    -- The window's own shape of the form (JSON object), opaque to the core.
    body        TEXT NOT NULL CHECK (json_valid(body) AND json_type(body) = 'object'),
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (officer_id, case_id, mode)
) STRICT, WITHOUT ROWID;
