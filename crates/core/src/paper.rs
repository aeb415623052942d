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
    code_of_serial, open_signed, CommuneCertificate, PaperClaims, PaperDocument, PaperRejection,
    PaperTrust, Serial,
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

/// The registry's published paper trust, as last pulled (JSON).
const SETTING_PAPER_TRUST: &str = "paper_trust";

/// Makes a signing key for the office's papers in `conn`'s open
/// transaction, with its audit entry (`officer_id` empty when no officer
/// acts: a sync). Its id names the commune and the day.
pub(crate) fn insert_paper_key(
    conn: &rusqlite::Connection,
    key: &crate::store_key::StoreKey,
    commune_code: &str,
    officer_id: &str,
    now: DateTime<Utc>,
) -> Result<String> {
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
    conn.execute(
        "INSERT INTO paper_key (key_id, seed, public_key, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![
            key_id,
            seed.to_vec(),
            signer.public_key_b64(),
            now.to_rfc3339()
        ],
    )?;
    audit::append_with_content(
        conn,
        key,
        AuditAction::PaperKeyCreate,
        &key_id,
        officer_id,
        &signer.public_key_b64(),
        now,
    )?;
    Ok(key_id)
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

    /// A new signing key for the office's papers, with its audit entry, in
    /// a transaction of its own.
    fn create_paper_key(
        &mut self,
        actor: &Officer,
        commune_code: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        insert_paper_key(&tx, &self.key, commune_code, &actor.id, now)?;
        tx.commit()?;
        Ok(())
    }

    /// A supervisor replaces the office's paper key (a workstation
    /// replaced, a key feared known): the current one is retired (its papers
    /// still verify at the desk and, while its certificate holds, anywhere),
    /// a new one made and submitted at the next sync. Returns the new key id.
    pub fn rotate_paper_key(&mut self, actor: &Officer, now: DateTime<Utc>) -> Result<String> {
        actor.require_supervisor(crate::error::ForbiddenAction::RotatePaperKey)?;
        let office = self.office()?.ok_or(CoreError::NoOffice)?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE paper_key SET retired_at = ?1 WHERE retired_at IS NULL",
            [now.to_rfc3339()],
        )?;
        let key_id = insert_paper_key(&tx, &self.key, &office.commune_code, &actor.id, now)?;
        tx.commit()?;
        Ok(key_id)
    }

    /// The office's keys the registry has not certified yet (key id, public
    /// key), which sync submits; none on a demo-root store (the demo root
    /// certifies the demo key). Makes the office's first key when it has
    /// none (an office set up before keys were made at set-up), audited
    /// with no officer.
    pub fn paper_keys_to_submit(&mut self, now: DateTime<Utc>) -> Result<Vec<(String, String)>> {
        if self.pinned_demo_root()? {
            return Ok(Vec::new());
        }
        let Some(office) = self.office()? else {
            return Ok(Vec::new());
        };
        let has_key: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM paper_key WHERE retired_at IS NULL)",
            [],
            |row| row.get(0),
        )?;
        if !has_key {
            let tx = self.conn.transaction()?;
            insert_paper_key(&tx, &self.key, &office.commune_code, "", now)?;
            tx.commit()?;
        }
        let mut stmt = self.conn.prepare(
            "SELECT key_id, public_key FROM paper_key
             WHERE certificate IS NULL AND retired_at IS NULL ORDER BY created_at",
        )?;
        let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Takes in the trust the registry publishes (`GET /v1/paper-trust`):
    /// refused unless its root is the pinned one; each certificate of this
    /// office's own keys is kept beside its key, and the whole file is kept
    /// (a setting) for checking other communes' papers offline. Returns how
    /// many of the office's keys it certified.
    pub fn apply_paper_trust(&mut self, trust: &PaperTrust) -> Result<usize> {
        let root = self.pinned_root()?.ok_or(CoreError::NoRootKey)?;
        if trust.root_key_id != root.key_id() || trust.root_public_key != root.public_key_b64() {
            return Err(corrupt(
                "paper trust",
                format!("signed by root {}, not the pinned one", trust.root_key_id),
            ));
        }
        let root_key = hotich_protocol::jws::verifying_key_from_b64(&trust.root_public_key)
            .map_err(|e| corrupt("paper trust", e))?;
        let json = serde_json::to_string(trust).map_err(|e| corrupt("paper trust", e))?;
        let tx = self.conn.transaction()?;
        let mut own = 0;
        for envelope in &trust.certificates {
            // Only what the root really signed is kept.
            let Ok(held) = CommuneCertificate::verify(envelope, &trust.root_key_id, &root_key)
            else {
                continue;
            };
            let text = serde_json::to_string(envelope).map_err(|e| corrupt("certificate", e))?;
            own += tx.execute(
                "UPDATE paper_key SET certificate = ?2
                 WHERE key_id = ?1 AND public_key = ?3 AND certificate IS NOT ?2",
                params![held.key_id, text, held.public_key],
            )?;
        }
        tx.commit()?;
        self.set_setting(SETTING_PAPER_TRUST, &json)?;
        Ok(own)
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

    /// What a checker needs to verify this office's papers, and the other
    /// communes' it learnt of: the pinned root, the certificates of the keys
    /// it signed with (the demo commune's on a demo-root store), those the
    /// registry last published, and the keys it revoked.
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
        // The other communes' certificates and the revoked keys, as the
        // registry last published them (for the same root).
        let mut revoked = Vec::new();
        if let Some(json) = self.setting(SETTING_PAPER_TRUST)? {
            let published: PaperTrust =
                serde_json::from_str(&json).map_err(|e| corrupt("paper trust", e))?;
            if published.root_key_id == root.key_id() {
                for envelope in published.certificates {
                    if !certificates.contains(&envelope) {
                        certificates.push(envelope);
                    }
                }
                revoked = published.revoked;
            }
        }
        let mut trust = PaperTrust::new(root.key_id(), root.public_key_b64(), certificates);
        trust.revoked = revoked;
        Ok(trust)
    }
}
