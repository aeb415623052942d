-- An amendment (cải chính) a registrar records takes effect only once a
-- supervisor (the Chairman, who signs its extract) approves it (issue 16;
-- Civil Status Law 2014 Art. 28(2)): one decision per amendment, approved or
-- rejected, never changed. registration/amendment.rs writes it. Until its
-- decision, an amendment changes nothing: the register, its search keys, the
-- papers and the registry see the form of the last approved one.
CREATE TABLE amendment_decision (
    amendment_id    TEXT PRIMARY KEY REFERENCES amendment (id),
    decision        TEXT NOT NULL CHECK (decision IN ('approved', 'rejected')),
    officer_id      TEXT NOT NULL REFERENCES officer (id),
    at              TEXT NOT NULL,
    -- Why it was rejected (required then), or the approver's note.
    note            TEXT NOT NULL,
    -- 1: an amendment recorded before approvals existed, which took effect
    -- at once; its decision has no audit entry of its own.
    before_approval INTEGER NOT NULL DEFAULT 0 CHECK (before_approval IN (0, 1))
) STRICT;
CREATE TRIGGER amendment_decision_append_only_update BEFORE UPDATE ON amendment_decision BEGIN
    SELECT RAISE(ABORT, 'amendment_decision is append-only');
END;
CREATE TRIGGER amendment_decision_append_only_delete BEFORE DELETE ON amendment_decision BEGIN
    SELECT RAISE(ABORT, 'amendment_decision is append-only');
END;

INSERT INTO amendment_decision (amendment_id, decision, officer_id, at, note, before_approval)
SELECT id, 'approved', officer_id, at, '', 1 FROM amendment;
