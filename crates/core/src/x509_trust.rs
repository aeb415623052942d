//! The X.509 trust the health sector's signed XML is checked against:
//! trust anchors and intermediates, the signing certificates registered for
//! each facility (MACSKCB), and imported CRLs. A supervisor manages them;
//! every change is audited in the same transaction. Shipped empty for a real
//! office.
//!
//! The only writer of `x509_certificate`, `facility_certificate` and
//! `x509_crl`. A new CRL has intake re-check the notifications taken in
//! without a revocation check ([`crate::intake`] writes `notification_xml`).

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};
use hotich_health::trust::{crl_distribution_points, crl_from, crl_in_force, name_text, CrlOrigin};
use hotich_health::trust_files::{read_certificates, read_crl, CertificateFile, CrlFile};
use hotich_health::{FacilityCertificates, TrustStore};
use openssl::x509::{X509Crl, X509NameRef, X509};
use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::audit::{self, AuditAction};
use crate::error::{
    invalid, invalid_with, refused_file, CoreError, FileRefusal, ForbiddenAction, InputField,
    InputReason, Result,
};
use crate::officer::Officer;
use crate::sql::from_row;
use crate::store::Store;

/// What every listed certificate shows: whose it is, its fingerprint, until
/// when it is valid, and who added it when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CertificateFacts {
    pub subject: String,
    /// SHA-256 of the DER, hex.
    pub sha256: String,
    pub not_after: String,
    /// The supervisor's username.
    pub added_by: String,
    pub added_at: String,
}

/// A trust anchor or intermediate, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TrustCertificate {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    /// `anchor` (self-signed root, trusted) or `intermediate` (only used to
    /// build paths).
    pub role: String,
    #[serde(flatten)]
    pub facts: CertificateFacts,
}

/// A signing certificate registered for a facility.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FacilityCertificate {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    /// MACSKCB.
    pub facility_code: String,
    #[serde(flatten)]
    pub facts: CertificateFacts,
}

/// An imported CRL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CrlEntry {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub issuer: String,
    pub this_update: String,
    pub next_update: Option<String>,
    pub sha256: String,
    pub added_by: String,
    pub added_at: String,
    /// The CRL distribution point it was fetched from; None when a
    /// supervisor imported it by hand.
    pub source_url: Option<String>,
}

/// A CRL distribution point to fetch from: named by a held intermediate or
/// facility certificate whose issuer has no CRL in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CrlFetchTarget {
    pub url: String,
    /// The issuer whose CRL is missing or past its next update.
    pub issuer: String,
}

/// Who a fetched CRL is recorded as added by (the audit log's officer
/// column): no officer chose it, a held certificate named where it is.
pub const CRL_FETCHED_BY: &str = "crl_distribution_point";

/// Which list [`Store::remove_x509`] removes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum X509Entry {
    /// A trust anchor or intermediate.
    TrustCertificate,
    FacilityCertificate,
}

/// What a new CRL changed for the notifications taken in with "valid
/// signature, revocation not checked".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct RevocationRecheck {
    /// Now checked: the flag is cleared.
    pub cleared: u64,
    /// The signer's certificate is now revoked: flagged `revoked`, the case
    /// kept for the officer to review.
    pub revoked: u64,
    /// Still without a current CRL of the signer's issuer.
    pub still_unchecked: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CrlAdded {
    pub crl: CrlEntry,
    pub recheck: RevocationRecheck,
}

/// The certificates `source` (a file name) holds, or why it holds none.
fn certificates_in(bytes: &[u8], source: &str) -> Result<Vec<CertificateFile>> {
    read_certificates(bytes).map_err(|_| refused_file(source, FileRefusal::NotCertificate, []))
}

/// The longest facility code (MACSKCB) taken: the official field is 5
/// characters; 16 leaves room for a facility outside the national list.
const MAX_FACILITY_CODE_CHARS: usize = 16;

/// Who added a row of table `t`: the supervisor's username.
const ADDED_BY: &str =
    "coalesce((SELECT username FROM officer WHERE officer.id = t.added_by), t.added_by) AS added_by";

impl Store {
    /// A supervisor adds the certificates in a PEM or DER file: self-signed
    /// ones as trust anchors, the others as intermediates. One already held
    /// is left as it is. Audited.
    pub fn add_trust_certificates(
        &mut self,
        actor: &Officer,
        bytes: &[u8],
        source: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<TrustCertificate>> {
        actor.require_supervisor(ForbiddenAction::ManageCertificates)?;
        let certificates = certificates_in(bytes, source)?;
        let tx = self.conn.transaction()?;
        let mut added = Vec::new();
        for p in &certificates {
            let role = p.role.as_str();
            let inserted = tx.execute(
                "INSERT INTO x509_certificate (role, subject, sha256, not_after, der, added_by, added_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (sha256) DO NOTHING",
                params![role, p.subject, p.sha256, p.not_after, p.der, actor.id, now.to_rfc3339()],
            )?;
            if inserted == 1 {
                audit::append(
                    &tx,
                    &self.key,
                    AuditAction::CertificateAdd,
                    &p.sha256,
                    &actor.id,
                    now,
                )?;
            }
            added.push(p.sha256.clone());
        }
        tx.commit()?;
        let all = self.trust_certificates()?;
        Ok(all
            .into_iter()
            .filter(|c| added.contains(&c.facts.sha256))
            .collect())
    }

    pub fn trust_certificates(&self) -> Result<Vec<TrustCertificate>> {
        self.trust_rows(
            "SELECT id, role, subject, sha256, not_after FROM x509_certificate t ORDER BY id",
            |row| Ok(from_row!(row => TrustCertificate { id, role; facts: facts(row)? })),
        )
    }

    /// The rows `select` (`… FROM table t …`) lists, each with who added it and when.
    fn trust_rows<T>(
        &self,
        select: &str,
        map: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let sql = select.replacen(
            " FROM ",
            &format!(", {ADDED_BY}, t.added_at AS added_at FROM "),
            1,
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], map)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A supervisor registers a facility's signing certificate (PEM or DER,
    /// one certificate). Audited.
    pub fn add_facility_certificate(
        &mut self,
        actor: &Officer,
        facility_code: &str,
        bytes: &[u8],
        source: &str,
        now: DateTime<Utc>,
    ) -> Result<FacilityCertificate> {
        actor.require_supervisor(ForbiddenAction::ManageCertificates)?;
        let facility_code = facility_code.trim();
        let certificates = certificates_in(bytes, source)?;
        let [p] = certificates.as_slice() else {
            return Err(refused_file(
                source,
                FileRefusal::NotOneCertificate,
                [("count", certificates.len().to_string())],
            ));
        };
        if facility_code.is_empty() {
            return Err(invalid(InputField::FacilityCode, InputReason::Required));
        }
        if facility_code.chars().count() > MAX_FACILITY_CODE_CHARS {
            return Err(invalid_with(
                InputField::FacilityCode,
                InputReason::TooLong,
                [("max", MAX_FACILITY_CODE_CHARS.to_string())],
            ));
        }
        let tx = self.conn.transaction()?;
        let inserted = tx.execute(
            "INSERT INTO facility_certificate (facility_code, subject, sha256, not_after, der, added_by, added_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (facility_code, sha256) DO NOTHING",
            params![facility_code, p.subject, p.sha256, p.not_after, p.der, actor.id, now.to_rfc3339()],
        )?;
        if inserted == 1 {
            audit::append(
                &tx,
                &self.key,
                AuditAction::CertificateAdd,
                &p.sha256,
                &actor.id,
                now,
            )?;
        }
        tx.commit()?;
        self.facility_certificates()?
            .into_iter()
            .find(|c| c.facility_code == facility_code && c.facts.sha256 == p.sha256)
            .ok_or_else(|| CoreError::Corrupt {
                what: "facility_certificate".into(),
                reason: "the row just written is missing".into(),
            })
    }

    pub fn facility_certificates(&self) -> Result<Vec<FacilityCertificate>> {
        self.trust_rows(
            "SELECT id, facility_code, subject, sha256, not_after FROM facility_certificate t
             ORDER BY facility_code, id",
            |row| {
                Ok(from_row!(row => FacilityCertificate { id, facility_code; facts: facts(row)? }))
            },
        )
    }

    /// A supervisor imports a CRL (PEM or DER); then every notification
    /// taken in without a revocation check is checked again against the
    /// whole trust store (see [`RevocationRecheck`]). Audited.
    pub fn add_crl(
        &mut self,
        actor: &Officer,
        bytes: &[u8],
        source: &str,
        now: DateTime<Utc>,
    ) -> Result<CrlAdded> {
        actor.require_supervisor(ForbiddenAction::ManageCertificates)?;
        let crl = crl_in(bytes, source)?;
        self.store_crl(&crl, &actor.id, None, now)
    }

    /// The CRL distribution points (HTTP or HTTPS) of the held intermediates
    /// and facility certificates whose issuer, a held CA certificate, has no
    /// CRL in force at `now`: what an online workstation fetches. Reads only.
    pub fn crl_fetch_targets(&self, now: DateTime<Utc>) -> Result<Vec<CrlFetchTarget>> {
        let authorities = ders(&self.conn, "SELECT der FROM x509_certificate ORDER BY id")?;
        let authorities: Vec<X509> = authorities
            .iter()
            .filter_map(|der| X509::from_der(der).ok())
            .collect();
        let crls: Vec<X509Crl> = ders(&self.conn, "SELECT der FROM x509_crl ORDER BY id")?
            .iter()
            .filter_map(|der| crl_from(der).ok())
            .collect();
        let subjects = ders(
            &self.conn,
            "SELECT der FROM x509_certificate WHERE role = 'intermediate'
             UNION ALL SELECT der FROM facility_certificate",
        )?;
        let mut targets: Vec<CrlFetchTarget> = Vec::new();
        for der in subjects {
            let Ok(certificate) = X509::from_der(&der) else {
                continue;
            };
            let Some(issuer) = issuer_among(&authorities, certificate.issuer_name(), |key| {
                certificate.verify(key).unwrap_or(false)
            }) else {
                continue;
            };
            let Ok(issuer_key) = issuer.public_key() else {
                continue;
            };
            let covered = crls.iter().any(|crl| {
                same_name(crl.issuer_name(), issuer.subject_name())
                    && crl.verify(&issuer_key).unwrap_or(false)
                    && crl_in_force(crl, now)
            });
            if covered {
                continue;
            }
            for url in crl_distribution_points(&der) {
                if !targets.iter().any(|t| t.url == url) {
                    targets.push(CrlFetchTarget {
                        url,
                        issuer: name_text(issuer.subject_name()),
                    });
                }
            }
        }
        Ok(targets)
    }

    /// Takes in a CRL fetched from `url` (a distribution point from
    /// [`Store::crl_fetch_targets`]) through the same path as
    /// [`Store::add_crl`], when a held CA certificate's key verifies it and
    /// it is newer than every CRL of that issuer already held; `None` when
    /// it is not newer (nothing changes). Recorded as added by
    /// [`CRL_FETCHED_BY`] with its address, audited, and what waited for a
    /// revocation check is checked again. No officer is needed: only a CRL
    /// signed by a CA a supervisor imported is taken.
    pub fn add_fetched_crl(
        &mut self,
        bytes: &[u8],
        url: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<CrlAdded>> {
        let file = crl_in(bytes, url)?;
        let crl = crl_from(&file.der).map_err(|_| not_a_crl(url))?;
        let authorities: Vec<X509> =
            ders(&self.conn, "SELECT der FROM x509_certificate ORDER BY id")?
                .iter()
                .filter_map(|der| X509::from_der(der).ok())
                .collect();
        if issuer_among(&authorities, crl.issuer_name(), |key| {
            crl.verify(key).unwrap_or(false)
        })
        .is_none()
        {
            return Err(refused_file(url, FileRefusal::CrlIssuerUnknown, []));
        }
        let newer = ders(&self.conn, "SELECT der FROM x509_crl ORDER BY id")?
            .iter()
            .filter_map(|der| crl_from(der).ok())
            .filter(|held| same_name(held.issuer_name(), crl.issuer_name()))
            .all(|held| {
                crl.last_update().compare(held.last_update()).ok()
                    == Some(std::cmp::Ordering::Greater)
            });
        if !newer {
            return Ok(None);
        }
        self.store_crl(&file, CRL_FETCHED_BY, Some(url), now)
            .map(Some)
    }

    /// Stores a CRL (one already held is left as it is), audits it, and
    /// re-checks what waited for a revocation check, in one transaction.
    fn store_crl(
        &mut self,
        crl: &CrlFile,
        added_by: &str,
        source_url: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<CrlAdded> {
        let sha256 = &crl.sha256;
        let tx = self.conn.transaction()?;
        let inserted = tx.execute(
            "INSERT INTO x509_crl (issuer, this_update, next_update, sha256, der, added_by, added_at, source_url)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (sha256) DO NOTHING",
            params![
                crl.issuer,
                crl.this_update,
                crl.next_update,
                sha256,
                crl.der,
                added_by,
                now.to_rfc3339(),
                source_url
            ],
        )?;
        if inserted == 1 {
            audit::append(&tx, &self.key, AuditAction::CrlAdd, sha256, added_by, now)?;
        }
        let (trust, facilities) = receipt_material(&tx)?;
        let recheck = crate::intake::recheck_revocation(&tx, &trust, &facilities, now)?;
        tx.commit()?;
        let crl = self
            .crls()?
            .into_iter()
            .find(|c| &c.sha256 == sha256)
            .ok_or_else(|| CoreError::Corrupt {
                what: "x509_crl".into(),
                reason: "the row just written is missing".into(),
            })?;
        Ok(CrlAdded { crl, recheck })
    }

    pub fn crls(&self) -> Result<Vec<CrlEntry>> {
        self.trust_rows(
            "SELECT id, issuer, this_update, next_update, sha256, source_url FROM x509_crl t ORDER BY id",
            |row| Ok(from_row!(row => CrlEntry { id, issuer, this_update, next_update, sha256, added_by, added_at, source_url })),
        )
    }

    /// A supervisor removes a trust anchor or intermediate, or a facility's
    /// certificate. Audited.
    pub fn remove_x509(
        &mut self,
        actor: &Officer,
        kind: X509Entry,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        actor.require_supervisor(ForbiddenAction::ManageCertificates)?;
        let table = match kind {
            X509Entry::TrustCertificate => "x509_certificate",
            X509Entry::FacilityCertificate => "facility_certificate",
        };
        let tx = self.conn.transaction()?;
        let sha256: Option<String> = tx
            .query_row(
                &format!("DELETE FROM {table} WHERE id = ?1 RETURNING sha256"),
                [id],
                |row| row.get(0),
            )
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })?;
        let sha256 = sha256.ok_or(CoreError::TrustEntryNotFound(id))?;
        audit::append(
            &tx,
            &self.key,
            AuditAction::CertificateRemove,
            &sha256,
            &actor.id,
            now,
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The trust store and facility map a receipt is checked against now.
    pub(crate) fn x509_receipt_material(&self) -> Result<ReceiptMaterial> {
        receipt_material(&self.conn)
    }
}

fn facts(row: &rusqlite::Row<'_>) -> rusqlite::Result<CertificateFacts> {
    Ok(from_row!(row => CertificateFacts { subject, sha256, not_after, added_by, added_at }))
}

/// The trust store and facility map built from the tables, shared: building
/// them parses every certificate and CRL (most of a file's take-in time
/// before), and the store remembers validated paths between receipts.
pub(crate) type ReceiptMaterial = (Arc<TrustStore>, Arc<FacilityCertificates>);

/// The last material built, by the tables' content ([`trust_generation`]):
/// any import or removal changes the key, so a stale store is never used.
static BUILT: Mutex<Option<(Vec<u8>, ReceiptMaterial)>> = Mutex::new(None);

/// A digest of what the material is built from: each row's kind, role or
/// facility or source, and fingerprint, in id order (no DER read).
fn trust_generation(conn: &rusqlite::Connection) -> Result<Vec<u8>> {
    let mut stmt = conn.prepare_cached(
        "SELECT * FROM (SELECT 'c', role, sha256 FROM x509_certificate ORDER BY id)
         UNION ALL SELECT * FROM (SELECT 'f', facility_code, sha256 FROM facility_certificate ORDER BY id)
         UNION ALL SELECT * FROM (SELECT 'r', coalesce(source_url, ''), sha256 FROM x509_crl ORDER BY id)",
    )?;
    let mut rows = stmt.query([])?;
    let mut hasher = openssl::sha::Sha256::new();
    while let Some(row) = rows.next()? {
        for column in 0..3 {
            let text: String = row.get(column)?;
            hasher.update(&(text.len() as u64).to_be_bytes());
            hasher.update(text.as_bytes());
        }
    }
    Ok(hasher.finish().to_vec())
}

/// Builds the trust store (anchors, intermediates, CRLs) and the facility
/// map from the tables, or returns the ones built from the same content. A
/// row that no longer parses is skipped: it was checked on the way in, so
/// only a damaged database gets here.
pub(crate) fn receipt_material(conn: &rusqlite::Connection) -> Result<ReceiptMaterial> {
    let generation = trust_generation(conn)?;
    let mut built = BUILT.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((key, material)) = built.as_ref() {
        if *key == generation {
            return Ok((Arc::clone(&material.0), Arc::clone(&material.1)));
        }
    }
    let (trust, facilities) = build_receipt_material(conn)?;
    let material = (Arc::new(trust), Arc::new(facilities));
    *built = Some((
        generation,
        (Arc::clone(&material.0), Arc::clone(&material.1)),
    ));
    Ok(material)
}

fn build_receipt_material(
    conn: &rusqlite::Connection,
) -> Result<(TrustStore, FacilityCertificates)> {
    let mut trust = TrustStore::new();
    for der in ders(conn, "SELECT der FROM x509_certificate ORDER BY id")? {
        let _ = trust.add_certificates(&der);
    }
    let mut stmt = conn.prepare_cached("SELECT der, source_url FROM x509_crl ORDER BY id")?;
    let crls = stmt.query_map([], |row| {
        Ok((row.get::<_, Vec<u8>>(0)?, row.get::<_, Option<String>>(1)?))
    })?;
    for crl in crls {
        let (der, source_url) = crl?;
        let origin = source_url.map_or(CrlOrigin::Manual, |url| CrlOrigin::DistributionPoint {
            url,
        });
        let _ = trust.add_crl_from(&der, origin);
    }
    let mut facilities = FacilityCertificates::default();
    let mut stmt =
        conn.prepare_cached("SELECT facility_code, sha256 FROM facility_certificate ORDER BY id")?;
    let rows = stmt.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (facility, sha256) = row?;
        facilities.register(&facility, &sha256);
    }
    Ok((trust, facilities))
}

/// The first column of every row `sql` selects.
fn ders(conn: &rusqlite::Connection, sql: &str) -> Result<Vec<Vec<u8>>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([], |row| row.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn not_a_crl(source: &str) -> CoreError {
    refused_file(source, FileRefusal::NotCrl, [])
}

/// The CRL in `bytes` (PEM or DER), or why it is none.
fn crl_in(bytes: &[u8], source: &str) -> Result<CrlFile> {
    read_crl(bytes).map_err(|_| not_a_crl(source))
}

fn same_name(a: &X509NameRef, b: &X509NameRef) -> bool {
    matches!((a.to_der(), b.to_der()), (Ok(a), Ok(b)) if a == b)
}

/// The CA certificate among `authorities` named `issuer` whose key `signed` accepts.
fn issuer_among<'a>(
    authorities: &'a [X509],
    issuer: &X509NameRef,
    signed: impl Fn(&openssl::pkey::PKeyRef<openssl::pkey::Public>) -> bool,
) -> Option<&'a X509> {
    authorities.iter().find(|authority| {
        same_name(authority.subject_name(), issuer)
            && authority.public_key().is_ok_and(|key| signed(&key))
    })
}
