-- Where each CRL came from (issue 15): NULL for one a supervisor imported by
-- hand, the address for one fetched from a certificate's CRL distribution
-- point. The revocation evidence names it.
ALTER TABLE x509_crl ADD COLUMN source_url TEXT;
