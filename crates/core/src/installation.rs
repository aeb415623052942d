//! What this installation is, decided once at first start: a **demo** with
//! sample data (its own database file, the publicly known demo root pinned)
//! or a real commune **office** (its commune, its registry and the root key
//! a supervisor confirmed by fingerprint). Neither can become the other.
//!
//! Writes the settings `installation` and `office_name` (through
//! [`Store::set_setting`]). The office set-up also writes, through their
//! owners and in the same transaction, the commune, the pinned root key
//! (`store`), the office address and hours (`outreach`), the registry address
//! (`sync`), the first supervisor (`officer`) and an audit entry
//! (`crate::audit`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use hotich_common::url::ServerUrl;
use hotich_protocol::trust::RootKey;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::audit::{self, AuditAction};
use crate::error::{invalid, CoreError, ForbiddenAction, InputField, InputReason, Result};
use crate::model::Office;
use crate::officer::Officer;
use crate::outreach::OfficeContact;
use crate::problem::{FieldProblem, ProblemRule};
use crate::store::{Store, SETTING_COMMUNE};
use crate::text::{clean, fold};

const SETTING_INSTALLATION: &str = "installation";
const SETTING_OFFICE_NAME: &str = "office_name";
/// Set in a demo store when an officer asks to set up the real office: the
/// next start offers the first-start choice instead of reopening the demo.
const SETTING_OFFICE_SETUP_REQUESTED: &str = "office_setup_requested";

/// What this installation is. Stored once; never changes afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum Installation {
    /// Sample data, the demo root: no legal value.
    Demo,
    /// A real commune office.
    Office,
}

impl Installation {
    pub fn as_str(self) -> &'static str {
        match self {
            Installation::Demo => "demo",
            Installation::Office => "office",
        }
    }

    fn parse(text: &str) -> Option<Installation> {
        match text {
            "demo" => Some(Installation::Demo),
            "office" => Some(Installation::Office),
            _ => None,
        }
    }
}

/// The registry root key as the province hands it over (the file's
/// format: `{"key_id": "...", "public_key": "<base64url Ed25519>"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct RootKeyFile {
    pub key_id: String,
    pub public_key: String,
}

impl RootKeyFile {
    /// Parses the key; the error names the field that is wrong.
    pub fn root_key(&self) -> Result<RootKey> {
        RootKey::parse(self.key_id.trim(), self.public_key.trim())
            .map_err(|_| invalid(InputField::RootKey, InputReason::BadRootKey))
    }

    /// Reads the file's bytes.
    pub fn from_json(bytes: &[u8]) -> Result<RootKeyFile> {
        serde_json::from_slice(bytes)
            .map_err(|_| invalid(InputField::RootKey, InputReason::BadRootKey))
    }
}

/// A root key shown to the supervisor before it is pinned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct RootKeyView {
    pub key_id: String,
    pub public_key: String,
    /// 16 groups of 4 hex digits, read aloud against the written one.
    pub fingerprint: String,
}

impl From<&RootKey> for RootKeyView {
    fn from(root: &RootKey) -> Self {
        RootKeyView {
            key_id: root.key_id().to_owned(),
            public_key: root.public_key_b64().to_owned(),
            fingerprint: root.fingerprint(),
        }
    }
}

/// The first supervisor's account, created with the office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FirstSupervisor {
    pub username: String,
    pub full_name: String,
    pub password: String,
}

/// Everything a real office's set-up needs, confirmed as one summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct OfficeSetUp {
    pub commune_code: String,
    pub office_name: String,
    pub address: String,
    pub hours: String,
    /// The central registry's address (`https://`; `http://` only to loopback).
    pub server: String,
    pub root_key: RootKeyFile,
    /// The fingerprint the supervisor compared with the written one.
    pub confirmed_fingerprint: String,
    pub supervisor: FirstSupervisor,
}

/// The office's details a supervisor may change later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct OfficeDetailsInput {
    pub commune_code: String,
    pub office_name: String,
    pub address: String,
    pub hours: String,
}

/// The office as set up: what it is, where, and the root key it trusts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct OfficeDetails {
    pub installation: Option<Installation>,
    pub office: Option<Office>,
    pub office_name: Option<String>,
    pub contact: OfficeContact,
    pub root_key: Option<RootKeyView>,
}

/// One administrative unit a commune search found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CommuneMatch {
    pub code: String,
    /// "Xã Bằng Thành".
    pub name: String,
    /// "Tỉnh Thái Nguyên".
    pub province: String,
}

/// Communes whose code starts with `query` (digits) or whose name contains
/// every word of it, accents and case ignored; at most `limit`, in the
/// reference data's order.
pub fn search_communes(query: &str, limit: usize) -> Vec<CommuneMatch> {
    let query = fold(query);
    if query.is_empty() {
        return Vec::new();
    }
    let by_code = query.chars().all(|c| c.is_ascii_digit());
    let words: Vec<&str> = query.split(' ').collect();
    hotich_protocol::reference::communes()
        .iter()
        .filter(|commune| {
            if by_code {
                commune.code.starts_with(&query)
            } else {
                let name = fold(commune.full_name);
                words.iter().all(|word| name.contains(word))
            }
        })
        .take(limit)
        .map(|commune| CommuneMatch {
            code: commune.code.to_owned(),
            name: commune.full_name.to_owned(),
            province: hotich_protocol::reference::province(commune.province_code)
                .map_or_else(String::new, |p| p.full_name.to_owned()),
        })
        .collect()
}

/// The fingerprint without its spacing, upper case, for comparison.
fn bare_fingerprint(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != ':')
        .flat_map(char::to_uppercase)
        .collect()
}

/// Refuses a key unless the supervisor confirmed its own fingerprint.
fn check_fingerprint(root: &RootKey, confirmed: &str) -> Result<()> {
    if bare_fingerprint(confirmed) == bare_fingerprint(&root.fingerprint()) {
        Ok(())
    } else {
        Err(CoreError::FingerprintMismatch)
    }
}

/// The root key an office may pin: never the demo root, and only with the
/// fingerprint the supervisor confirmed.
fn confirmed_root(key: &RootKeyFile, confirmed_fingerprint: &str) -> Result<RootKey> {
    let root = key.root_key()?;
    if is_demo_root(&root) {
        return Err(CoreError::DemoKeyRefused);
    }
    check_fingerprint(&root, confirmed_fingerprint)?;
    Ok(root)
}

fn is_demo_root(root: &RootKey) -> bool {
    root.public_key_b64() == RootKey::demo().public_key_b64()
}

/// Refuses the demo root where a real office pins it: the demo root's
/// private key is public.
pub(crate) fn refuse_demo_root(store: &Store, root: &RootKey) -> Result<()> {
    if is_demo_root(root) && store.installation()? == Some(Installation::Office) {
        return Err(CoreError::DemoKeyRefused);
    }
    Ok(())
}

fn checked_commune(code: &str) -> Result<String> {
    let code = code.trim();
    if hotich_protocol::reference::commune(code).is_none() {
        return Err(invalid(InputField::Commune, InputReason::UnknownCommune));
    }
    Ok(code.to_owned())
}

/// The office's details, cleaned and checked (nothing written): every
/// problem of the form at once, each under its field.
fn checked_details(input: &OfficeDetailsInput) -> Result<OfficeDetailsInput> {
    let commune_code = input.commune_code.trim();
    let details = OfficeDetailsInput {
        commune_code: commune_code.to_owned(),
        office_name: clean(&input.office_name),
        address: clean(&input.address),
        hours: clean(&input.hours),
    };
    let mut problems = Vec::new();
    if hotich_protocol::reference::commune(commune_code).is_none() {
        problems.push(FieldProblem::new(
            "commune_code",
            ProblemRule::UnknownCommune,
            BTreeMap::new(),
        ));
    }
    for (value, field) in [
        (&details.office_name, "office_name"),
        (&details.address, "office_address"),
        (&details.hours, "office_hours"),
    ] {
        if value.is_empty() {
            problems.push(FieldProblem::new(
                field,
                ProblemRule::Required,
                BTreeMap::new(),
            ));
        }
    }
    if problems.is_empty() {
        Ok(details)
    } else {
        Err(CoreError::InvalidForm(problems))
    }
}

/// The hash an audit entry of this module records: the installation's
/// settings as they are after the change.
pub(crate) fn settings_content(conn: &Connection) -> Result<String> {
    let mut stmt = conn.prepare(
        "SELECT key, value FROM setting
         WHERE key IN ('installation', 'commune_code', 'office_name', 'office_address',
                       'office_hours', 'trust_root_key_id', 'trust_root_public_key')
         ORDER BY key",
    )?;
    let pairs = stmt
        .query_map([], |row| {
            Ok(format!(
                "{}={}",
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(hotich_common::hex::sha256_hex(pairs.join("\n").as_bytes()))
}

impl Store {
    /// What this installation is; `None` before the first-start choice.
    pub fn installation(&self) -> Result<Option<Installation>> {
        match self.setting(SETTING_INSTALLATION)? {
            None => Ok(None),
            Some(text) => Installation::parse(&text)
                .map(Some)
                .ok_or(CoreError::Corrupt {
                    what: "installation setting".into(),
                    reason: text,
                }),
        }
    }

    /// Runs `work` in one IMMEDIATE transaction over the store's own
    /// connection, so the owners' `&mut self` functions write inside it;
    /// nothing stays written when any step fails.
    fn in_transaction<T>(&mut self, work: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        match work(self) {
            Ok(value) => {
                self.conn.execute_batch("COMMIT")?;
                Ok(value)
            }
            Err(error) => {
                // The rollback's own failure would hide why the work failed.
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(error)
            }
        }
    }

    /// Sets this store up as a real commune office, all in one transaction:
    /// the commune, office name, address and hours, the registry address,
    /// the root key (refused unless its fingerprint is the one confirmed,
    /// and never the demo root), the first supervisor, the audit entry and
    /// the office's paper-signing key (`paper.rs`).
    /// Refused for a demo store and for a store that already holds data.
    pub fn set_up_office(&mut self, setup: &OfficeSetUp, now: DateTime<Utc>) -> Result<Officer> {
        match self.installation()? {
            Some(Installation::Demo) => {
                return Err(CoreError::InstallationFixed(Installation::Demo))
            }
            Some(Installation::Office) => return Err(CoreError::AlreadySetUp),
            None => {}
        }
        if !self.is_empty()? || self.has_officers()? {
            return Err(CoreError::AlreadySetUp);
        }
        let details = checked_details(&OfficeDetailsInput {
            commune_code: setup.commune_code.clone(),
            office_name: setup.office_name.clone(),
            address: setup.address.clone(),
            hours: setup.hours.clone(),
        })?;
        let server = ServerUrl::parse(&setup.server)
            .map_err(|_| invalid(InputField::Server, InputReason::NotHttpUrl))?;
        let root = confirmed_root(&setup.root_key, &setup.confirmed_fingerprint)?;
        self.in_transaction(|store| {
            let supervisor = store.create_first_supervisor(
                &setup.supervisor.username,
                &setup.supervisor.full_name,
                &setup.supervisor.password,
                now,
            )?;
            store.set_setting(SETTING_INSTALLATION, Installation::Office.as_str())?;
            store.write_details(&supervisor, &details)?;
            store.set_sync_server(server.as_str())?;
            crate::store::write_root(&store.conn, &root)?;
            store.append_audit(
                AuditAction::OfficeSetUp,
                &details.commune_code,
                &supervisor,
                now,
            )?;
            // The office's paper key, made here; sync submits it to the
            // registry for certification.
            crate::paper::insert_paper_key(
                &store.conn,
                &store.key,
                &details.commune_code,
                &supervisor.id,
                now,
            )?;
            Ok(supervisor)
        })
    }

    /// Marks this store as the demo on `commune` and pins the demo root; the
    /// sample notifications come from the simulator (the desktop shell's
    /// `demo.rs`). Idempotent for a demo store; refused for an office.
    pub fn set_up_demo(&mut self, commune: &str) -> Result<()> {
        match self.installation()? {
            Some(Installation::Office) => {
                return Err(CoreError::InstallationFixed(Installation::Office))
            }
            // Chosen again at the choice a request for the office set-up
            // offered: the request is over.
            Some(Installation::Demo) => {
                return self.set_setting(SETTING_OFFICE_SETUP_REQUESTED, "0");
            }
            None => {}
        }
        let commune = checked_commune(commune)?;
        // A store that pinned another root was meant for real work.
        if self.pinned_root()?.is_some_and(|root| !is_demo_root(&root)) {
            return Err(CoreError::InstallationFixed(Installation::Office));
        }
        self.in_transaction(|store| {
            store.set_setting(SETTING_INSTALLATION, Installation::Demo.as_str())?;
            store.set_setting(SETTING_COMMUNE, &commune)?;
            crate::store::write_root(&store.conn, &RootKey::demo())
        })
    }

    /// The demo only: trusts the simulator's demo PKI (its root and issuing
    /// CA in `ca_pem`, each demo facility's signing certificate registered
    /// for its MACSKCB, the issuing CA's CRL), so the demo's sample signed
    /// XML verifies. Added as the `demo` system actor, audited. Refused for
    /// any store that is not the demo: a real office's X.509 trust ships
    /// empty and only its supervisor adds to it.
    pub fn trust_demo_pki(
        &mut self,
        ca_pem: &[u8],
        facilities: &[(String, Vec<u8>)],
        crl_der: &[u8],
        now: DateTime<Utc>,
    ) -> Result<()> {
        if self.installation()? != Some(Installation::Demo) {
            return Err(CoreError::InstallationFixed(Installation::Office));
        }
        let demo = Officer {
            id: "demo".into(),
            username: "demo".into(),
            full_name: "Dữ liệu mẫu".into(),
            role: crate::officer::Role::Supervisor,
            active: true,
            must_change_password: false,
        };
        let source = "demo PKI";
        self.add_trust_certificates(&demo, ca_pem, source, now)?;
        for (facility, pem) in facilities {
            self.add_facility_certificate(&demo, facility, pem, source, now)?;
        }
        self.add_crl(&demo, crl_der, source, now)?;
        Ok(())
    }

    /// From the demo, a supervisor asks to set up the real office: the next
    /// start offers the first-start choice again instead of reopening the
    /// demo. The office gets its own database; the demo's file stays as it
    /// is (choosing the demo again reopens it). Refused outside a demo.
    pub fn request_office_setup(&self, actor: &Officer) -> Result<()> {
        actor.require_supervisor(ForbiddenAction::ChangeOffice)?;
        if self.installation()? != Some(Installation::Demo) {
            return Err(CoreError::AlreadySetUp);
        }
        self.set_setting(SETTING_OFFICE_SETUP_REQUESTED, "1")
    }

    /// A demo store whose officer asked to set up the real office.
    pub fn office_setup_requested(&self) -> Result<bool> {
        Ok(self.installation()? == Some(Installation::Demo)
            && self.setting(SETTING_OFFICE_SETUP_REQUESTED)?.as_deref() == Some("1"))
    }

    /// The office's details and pinned root key, for the settings screen.
    pub fn office_details(&self) -> Result<OfficeDetails> {
        Ok(OfficeDetails {
            installation: self.installation()?,
            office: self.office()?,
            office_name: self.setting(SETTING_OFFICE_NAME)?,
            contact: self.office_contact()?,
            root_key: self.pinned_root()?.as_ref().map(RootKeyView::from),
        })
    }

    /// A supervisor changes the office's name, address and hours; the
    /// commune only while no case exists. Audited.
    pub fn change_office_details(
        &mut self,
        actor: &Officer,
        input: &OfficeDetailsInput,
        now: DateTime<Utc>,
    ) -> Result<OfficeDetails> {
        self.require_office_supervisor(actor, ForbiddenAction::ChangeOffice)?;
        let details = checked_details(input)?;
        let current = self.setting(SETTING_COMMUNE)?;
        if current.as_deref() != Some(details.commune_code.as_str()) && self.has_cases()? {
            return Err(CoreError::CommuneLocked);
        }
        self.in_transaction(|store| {
            store.write_details(actor, &details)?;
            store.append_audit(AuditAction::OfficeChange, &details.commune_code, actor, now)
        })?;
        self.office_details()
    }

    /// A supervisor replaces the registry root key, confirming its
    /// fingerprint as at set-up; audited. Facility keys of the old root stop
    /// verifying until a trust list signed by the new one is imported.
    pub fn replace_root_key(
        &mut self,
        actor: &Officer,
        key: &RootKeyFile,
        confirmed_fingerprint: &str,
        now: DateTime<Utc>,
    ) -> Result<RootKeyView> {
        self.require_office_supervisor(actor, ForbiddenAction::ReplaceRootKey)?;
        let root = confirmed_root(key, confirmed_fingerprint)?;
        self.in_transaction(|store| {
            crate::store::write_root(&store.conn, &root)?;
            store.append_audit(AuditAction::RootKeyReplace, root.key_id(), actor, now)
        })?;
        Ok(RootKeyView::from(&root))
    }

    /// Refuses unless `actor` is a supervisor and this store a real office
    /// (a demo's details and root are fixed).
    fn require_office_supervisor(&self, actor: &Officer, action: ForbiddenAction) -> Result<()> {
        actor.require_supervisor(action)?;
        if self.installation()? != Some(Installation::Office) {
            return Err(CoreError::InstallationFixed(Installation::Demo));
        }
        Ok(())
    }

    fn write_details(&self, actor: &Officer, details: &OfficeDetailsInput) -> Result<()> {
        self.set_setting(SETTING_COMMUNE, &details.commune_code)?;
        self.set_setting(SETTING_OFFICE_NAME, &details.office_name)?;
        self.set_office_contact(
            actor,
            &OfficeContact {
                address: details.address.clone(),
                hours: details.hours.clone(),
                phone: None,
            },
        )
    }

    fn append_audit(
        &self,
        action: AuditAction,
        entity: &str,
        actor: &Officer,
        now: DateTime<Utc>,
    ) -> Result<()> {
        audit::append(&self.conn, &self.key, action, entity, &actor.id, now)
    }

    fn has_cases(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM case_file)", [], |row| {
                row.get(0)
            })?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn communes_are_found_without_accents_or_by_code_with_their_province() {
        let found = search_communes("bang thanh", 10);
        assert!(
            found.iter().any(|c| c.code == "01864"
                && c.name.contains("Bằng Thành")
                && c.province.contains("Thái Nguyên")),
            "{found:?}"
        );
        assert_eq!(search_communes("01864", 10)[0].code, "01864");
        assert!(search_communes("0186", 50)
            .iter()
            .all(|c| c.code.starts_with("0186")));
        assert!(search_communes("", 10).is_empty());
        assert_eq!(search_communes("xa", 5).len(), 5);
    }

    #[test]
    fn a_fingerprint_matches_whatever_its_spacing_and_case() {
        let root = RootKey::demo();
        let shown = root.fingerprint();
        assert!(check_fingerprint(&root, &shown).is_ok());
        assert!(check_fingerprint(&root, &shown.to_lowercase().replace(' ', "")).is_ok());
        let last = shown.chars().last().unwrap();
        let other = if last == '0' { '1' } else { '0' };
        let spoiled = format!("{}{other}", &shown[..shown.len() - 1]);
        assert!(matches!(
            check_fingerprint(&root, &spoiled),
            Err(CoreError::FingerprintMismatch)
        ));
        assert!(matches!(
            check_fingerprint(&root, ""),
            Err(CoreError::FingerprintMismatch)
        ));
    }
}
