//! The office's paper-signing key and the signed credential each printed
//! copy carries in its QR (issue 17; the format is `hotich_protocol::paper`).
//!
//! A store whose pinned root is the demo root signs with the demo commune key,
//! which the demo root certifies and anyone can derive: its papers verify and
//! say they are demo papers. Any other store signs with its own key, made at
//! the first print and kept in the encrypted store; the registry certifies it
//! (its certificate is kept beside it) so that checkers trust it.
//!
//! The only writer of `paper_key`. `paper_copy` is written by
//! [`crate::print_log`] in the print's transaction.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use hotich_protocol::jws::Signer;
use hotich_protocol::paper::certificate::{demo_commune_certificate, demo_commune_signer};
use hotich_protocol::paper::{
    code_of_serial, open_signed, PaperClaims, PaperDocument, PaperRejection, PaperTrust, Serial,
};
use hotich_protocol::trust::RootKey;
use hotich_protocol::{PartialDate, SignedEnvelope};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::audit::{self, AuditAction};
use crate::error::{invalid_with, CoreError, InputField, InputReason, Result};
use crate::officer::Officer;
use crate::print_log::DocumentKind;
use crate::registration::Registration;
use crate::store::Store;

/// What the demo commune certificates say they hold from: a fixed day, so the
/// certificate of a commune is the same on every machine.
fn demo_valid_from() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

fn corrupt(what: &str, reason: impl ToString) -> CoreError {
    CoreError::Corrupt {
        what: what.to_owned(),
        reason: reason.to_string(),
    }
}

/// The key that signs the office's papers.
#[derive(Debug)]
pub struct PaperSigner {
    signer: Signer,
    commune_code: String,
    demo: bool,
}

/// One printed copy: its code (the serial, read out on the phone) and the
/// QR text, exactly as printed and logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct IssuedCopy {
    pub code: String,
    pub credential: String,
}

impl DocumentKind {
    pub fn paper_document(self) -> PaperDocument {
        match self {
            DocumentKind::BirthCertificate => PaperDocument::BirthCertificate,
            DocumentKind::BirthExtract => PaperDocument::BirthExtract,
            DocumentKind::DeathExtract => PaperDocument::DeathExtract,
        }
    }
}

/// A new serial: 80 bits from OpenSSL's CSPRNG.
fn new_serial() -> Result<Serial> {
    let mut bytes = [0u8; 10];
    random(&mut bytes)?;
    Ok(Serial(bytes))
}

fn random(bytes: &mut [u8]) -> Result<()> {
    openssl::rand::rand_bytes(bytes).map_err(|e| CoreError::Io(std::io::Error::other(e)))
}

/// The claims of `document` of `registration` as the register holds it now,
/// issued on `issue_date` (the serial is the copy's).
fn claims_of(
    registration: &Registration,
    document: DocumentKind,
    commune_code: &str,
    issue_date: NaiveDate,
    demo: bool,
) -> PaperClaims {
    let form = &registration.current;
    let (full_name, birth_date, death_date) = match (&form.birth, &form.death) {
        (Some(birth), _) => (
            birth.child_name.clone(),
            birth.birth_date.map(PartialDate::Full),
            None,
        ),
        (None, Some(death)) => (death.full_name.clone(), death.birth_date, death.death_date),
        (None, None) => (String::new(), None, None),
    };
    let registration_date = form
        .registration_date
        .or_else(|| crate::time::office_day_of(&registration.registered_at))
        .unwrap_or(issue_date);
    PaperClaims {
        document: document.paper_document(),
        commune_code: commune_code.to_owned(),
        book: registration.book.clone(),
        number: registration.number,
        registration_date,
        full_name: crate::text::clean(&full_name),
        birth_date,
        death_date,
        issue_date,
        serial: Serial([0; 10]),
        demo,
    }
}

impl PaperSigner {
    /// The demo commune key of `commune_code` (the demo root certifies it),
    /// as a demo-root store signs with it; for tests and benchmarks too.
    pub fn demo(commune_code: &str) -> PaperSigner {
        PaperSigner {
            signer: demo_commune_signer(commune_code),
            commune_code: commune_code.to_owned(),
            demo: true,
        }
    }

    pub fn key_id(&self) -> &str {
        self.signer.key_id()
    }

    pub fn is_demo(&self) -> bool {
        self.demo
    }

    /// `copies` copies of `document` of `registration`, each with its own
    /// random serial, signed.
    pub fn issue(
        &self,
        registration: &Registration,
        document: DocumentKind,
        issue_date: NaiveDate,
        copies: u32,
    ) -> Result<Vec<IssuedCopy>> {
        let serials = (0..copies)
            .map(|_| new_serial())
            .collect::<Result<Vec<_>>>()?;
        Ok(self.issue_serials(registration, document, issue_date, &serials))
    }

    /// A copy for each of `serials` (chosen by the caller: fixed in tests,
    /// so a page renders the same on every run).
    pub fn issue_serials(
        &self,
        registration: &Registration,
        document: DocumentKind,
        issue_date: NaiveDate,
        serials: &[Serial],
    ) -> Vec<IssuedCopy> {
        let base = claims_of(
            registration,
            document,
            &self.commune_code,
            issue_date,
            self.demo,
        );
        serials
            .iter()
            .map(|serial| {
                let claims = PaperClaims {
                    serial: *serial,
                    ..base.clone()
                };
                IssuedCopy {
                    code: code_of_serial(&claims.serial),
                    credential: claims.sign(&self.signer),
                }
            })
            .collect()
    }
}

impl PaperSigner {
    /// Refuses a copy this key did not sign for `document` of `registration`
    /// as it stands now, issued on `issue_date`: what the window sends back
    /// once the papers came out is recorded only if it is what was issued.
    pub fn check(
        &self,
        registration: &Registration,
        document: DocumentKind,
        issue_date: NaiveDate,
        copy: &IssuedCopy,
    ) -> Result<()> {
        let refuse = |reason: &str| {
            invalid_with(
                InputField::Copies,
                InputReason::CopyNotIssued,
                [("copy", copy.code.clone()), ("reason", reason.to_owned())],
            )
        };
        let own = self.signer.verifying_key();
        let (_, claims) = open_signed(&copy.credential, |key_id| {
            (key_id == self.signer.key_id()).then_some(own)
        })
        .map_err(|rejection| refuse(rejection.code()))?;
        if code_of_serial(&claims.serial) != copy.code {
            return Err(refuse("code"));
        }
        let expected = PaperClaims {
            serial: claims.serial,
            ..claims_of(
                registration,
                document,
                &self.commune_code,
                issue_date,
                self.demo,
            )
        };
        if claims != expected {
            return Err(refuse("content"));
        }
        Ok(())
    }
}

impl Store {
    fn pinned_demo_root(&self) -> Result<bool> {
        Ok(self.pinned_root()? == Some(RootKey::demo()))
    }

    /// The key that signs this office's papers, made (and audited) at the
    /// first call on a store that has none.
    pub fn paper_signer(&mut self, actor: &Officer, now: DateTime<Utc>) -> Result<PaperSigner> {
        let office = self.office()?.ok_or(CoreError::NoOffice)?;
        if self.pinned_demo_root()? {
            return Ok(PaperSigner::demo(&office.commune_code));
        }
        let current = |store: &Store| -> Result<Option<(String, Vec<u8>)>> {
            Ok(store
                .conn
                .query_row(
                    "SELECT key_id, seed FROM paper_key WHERE retired_at IS NULL
                     ORDER BY created_at DESC LIMIT 1",
                    [],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?)
        };
        let (key_id, seed) = match current(self)? {
            Some(found) => found,
            None => {
                self.create_paper_key(actor, &office.commune_code, now)?;
                current(self)?.ok_or_else(|| corrupt("paper_key", "not kept"))?
            }
        };
        let seed: [u8; 32] = seed
            .try_into()
            .map_err(|_| corrupt("paper_key.seed", "not 32 bytes"))?;
        Ok(PaperSigner {
            signer: Signer::from_seed(seed, key_id),
            commune_code: office.commune_code,
            demo: false,
        })
    }

    /// A new signing key for the office's papers, with its audit entry.
    fn create_paper_key(
        &mut self,
        actor: &Officer,
        commune_code: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut seed = [0u8; 32];
        random(&mut seed)?;
        let mut suffix = [0u8; 2];
        random(&mut suffix)?;
        let key_id = format!(
            "{commune_code}-{}-{}",
            now.format("%Y%m%d"),
            hotich_common::hex::hex(&suffix)
        );
        let signer = Signer::from_seed(seed, key_id.clone());
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO paper_key (key_id, seed, public_key, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![
                key_id,
                seed.to_vec(),
                signer.public_key_b64(),
                now.to_rfc3339()
            ],
        )?;
        audit::append_with_content(
            &tx,
            &self.key,
            AuditAction::PaperKeyCreate,
            &key_id,
            &actor.id,
            &signer.public_key_b64(),
            now,
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Opens a paper this office signed (with any key it has had, or the
    /// demo commune's on a demo-root store): its claims once the signature
    /// holds, else why not. For checking a paper at the desk, against the register.
    pub fn open_own_paper(
        &self,
        qr_text: &str,
    ) -> Result<std::result::Result<PaperClaims, PaperRejection>> {
        let mut keys = Vec::new();
        if let (true, Some(office)) = (self.pinned_demo_root()?, self.office()?) {
            let demo = demo_commune_signer(&office.commune_code);
            keys.push((demo.key_id().to_owned(), demo.verifying_key()));
        }
        let mut stmt = self.conn.prepare("SELECT key_id, seed FROM paper_key")?;
        let rows = stmt.query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, Vec<u8>>(1)?))
        })?;
        for row in rows {
            let (key_id, seed) = row?;
            let seed: [u8; 32] = seed
                .try_into()
                .map_err(|_| corrupt("paper_key.seed", "not 32 bytes"))?;
            let signer = Signer::from_seed(seed, key_id.clone());
            keys.push((key_id, signer.verifying_key()));
        }
        Ok(open_signed(qr_text, |key_id| {
            keys.iter()
                .find(|(id, _)| id == key_id)
                .map(|(_, key)| *key)
        })
        .map(|(_, claims)| claims))
    }

    /// What a checker needs to verify this office's papers: the pinned root
    /// and the certificates of the keys it signed (the demo commune's on a
    /// demo-root store).
    pub fn paper_trust(&self) -> Result<PaperTrust> {
        let root = self.pinned_root()?.ok_or(CoreError::NoRootKey)?;
        let mut certificates: Vec<SignedEnvelope> = Vec::new();
        if root == RootKey::demo() {
            if let Some(office) = self.office()? {
                certificates.push(demo_commune_certificate(
                    &office.commune_code,
                    &office.commune_name,
                    &office.province_name,
                    demo_valid_from(),
                ));
            }
        }
        let mut rows = self.conn.prepare(
            "SELECT certificate FROM paper_key WHERE certificate IS NOT NULL ORDER BY created_at",
        )?;
        let held = rows.query_map([], |row| row.get::<_, String>(0))?;
        for raw in held {
            let envelope =
                serde_json::from_str(&raw?).map_err(|e| corrupt("paper_key.certificate", e))?;
            certificates.push(envelope);
        }
        Ok(PaperTrust::new(
            root.key_id(),
            root.public_key_b64(),
            certificates,
        ))
    }
}
