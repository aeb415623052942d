//! Health-facility simulator: the birth certificates and death notices that
//! the health facilities serving one commune would send, signed with the
//! facilities' demo keys, and the trust list of those keys signed with the
//! demo registry root key.
//!
//! Everything is deterministic for a given [`SimConfig`]: the same config gives
//! byte-identical files on every machine. Facility keys depend only on the
//! facility id (`Signer::from_label("hotich demo facility {id} key 1", "{id}-k1")`),
//! so trust lists of different runs agree on them.
//!
//! The output is meant to exercise an importer: about 8% of notifications are
//! corrected (version 2, sometimes 3), about 3% voided, and a few older
//! versions are delivered after newer ones.

mod data;
mod facility;
pub mod formats;
mod generate;
pub mod health_station;
pub mod people;
pub mod pilot;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use hotich_protocol::jws::{self, TYP_NOTIFICATION};
use hotich_protocol::reference;
use hotich_protocol::trust::{demo_root_signer, TRUST_LIST_SCHEMA};
use hotich_protocol::{Action, Notification, SignedEnvelope, TrustList, TrustedKeys};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub use facility::{FacilityKind, SimFacility};
pub use formats::{Formats, HealthFile, SimPki, CONTENT_FHIR, CONTENT_XML};
pub use generate::{vn_date, vn_to_utc};
pub use hotich_health::testkit::broken::Broken;

/// Who issues the simulated trust list.
pub const TRUST_LIST_ISSUER: &str =
    "Cơ sở dữ liệu hộ tịch điện tử - Bộ Tư pháp (dữ liệu mô phỏng, không dùng thật)";

#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// The 5-digit code of the commune whose office must act on every notification.
    pub commune_code: String,
    /// How many births (children; twins count as two).
    pub births: usize,
    /// How many deaths.
    pub deaths: usize,
    pub seed: u64,
    /// The simulation's "today": births fall in the 100 days before, deaths in
    /// the 40 days before, nothing is signed after 23:59 today (Vietnam time).
    pub today: NaiveDate,
    /// Share of notifications corrected at least once (0.0-1.0).
    pub correction_rate: f64,
    /// Share of notifications voided (0.0-1.0).
    pub void_rate: f64,
    /// Where each facility's notification numbers start (its first paper is
    /// the next number); `None`: somewhere
    /// in 0..90,000 picked from the commune and seed. A simulator that posts
    /// round after round (`scripts/demo.sh`) gives each round its own block
    /// from 100,000 up, so no round reuses an id of another or of the demo's
    /// own seeded notifications.
    pub first_number: Option<u32>,
    /// Which formats the papers are issued in (JWS only by default).
    pub formats: Formats,
    /// Broken files to add, one per kind (official XML or FHIR, made from
    /// the run's first death notice), each labelled with its refusal reason.
    pub broken: Vec<Broken>,
    /// Events happen within this many days before today; None: births in
    /// the 100 days before, deaths in the 40 days before.
    pub days_back: Option<u32>,
}

impl SimConfig {
    pub const DEFAULT_SEED: u64 = 2026;
    pub const DEFAULT_CORRECTION_RATE: f64 = 0.08;
    pub const DEFAULT_VOID_RATE: f64 = 0.03;

    pub fn new(
        commune_code: impl Into<String>,
        births: usize,
        deaths: usize,
        today: NaiveDate,
    ) -> Self {
        SimConfig {
            commune_code: commune_code.into(),
            births,
            deaths,
            seed: Self::DEFAULT_SEED,
            today,
            correction_rate: Self::DEFAULT_CORRECTION_RATE,
            void_rate: Self::DEFAULT_VOID_RATE,
            first_number: None,
            formats: Formats::Jws,
            broken: Vec::new(),
            days_back: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("không có xã/phường/đặc khu mã {0:?} / unknown commune code {0:?}")]
    UnknownCommune(String),
    #[error("tỉ lệ {name} phải từ 0 đến 1 / {name} rate must be between 0 and 1, got {value}")]
    InvalidRate { name: &'static str, value: f64 },
    #[error("không ký được thông báo / cannot serialise a notification: {0}")]
    Json(#[from] serde_json::Error),
    #[error("không tạo được chứng thư thử / cannot make the test PKI: {0}")]
    Pki(String),
    #[error("tệp hỏng được làm từ một giấy báo tử: cần ít nhất một người chết / broken files are made from a death notice: at least one death is needed")]
    NoDeathForBroken,
}

#[derive(Debug)]
pub struct SimOutput {
    /// The trust list signed by [`hotich_protocol::trust::demo_root_signer`].
    pub trust_list: SignedEnvelope,
    /// The same list, unsigned.
    pub trust: TrustList,
    /// Every notification version, in delivery order: mostly chronological,
    /// with a few stale versions delivered after newer ones.
    pub notifications: Vec<SignedEnvelope>,
    /// The facilities with their private keys (to sign more notifications).
    pub facilities: Vec<SimFacility>,
    /// The papers issued as official XML or FHIR (then the broken files),
    /// in issue order; empty for [`Formats::Jws`] without broken files.
    pub files: Vec<HealthFile>,
    /// The FHIR files again (in the order of [`Self::files`]' FHIR files),
    /// each in a JWS envelope (`cty` `fhir+json`) signed by its facility's
    /// key: how FHIR is imported from disk.
    pub fhir_envelopes: Vec<SignedEnvelope>,
    /// The PKI the XML files are signed under (when any is made).
    pub pki: Option<SimPki>,
}

impl SimOutput {
    /// The trust list's keys, ready for [`hotich_protocol::verify_notification`].
    pub fn trusted_keys(&self) -> TrustedKeys {
        // Keys made by `Signer` always parse.
        TrustedKeys::from_facilities(&self.trust.facilities).unwrap_or_default()
    }
}

/// 23:59 UTC on `day`: a `now` at which every notification simulated for
/// `today = day` is valid (none is signed later than 23:59 Vietnam time).
pub fn end_of_day_utc(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::from_hms_opt(23, 59, 0).unwrap_or(NaiveTime::MIN))
        .and_utc()
}

fn check_rate(name: &'static str, value: f64) -> Result<(), SimError> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(SimError::InvalidRate { name, value })
    }
}

pub fn simulate(cfg: &SimConfig) -> Result<SimOutput, SimError> {
    let commune = reference::commune(&cfg.commune_code)
        .ok_or_else(|| SimError::UnknownCommune(cfg.commune_code.clone()))?;
    let province = reference::province(commune.province_code)
        .ok_or_else(|| SimError::UnknownCommune(cfg.commune_code.clone()))?;
    check_rate("correction_rate", cfg.correction_rate)?;
    check_rate("void_rate", cfg.void_rate)?;

    let midnight = |day: NaiveDate| day.and_time(NaiveTime::MIN).and_utc();
    let facilities = facility::facilities_for(
        commune,
        province,
        midnight(cfg.today - Duration::days(730)),
        midnight(cfg.today + Duration::days(730)),
    );
    let trust = TrustList {
        schema: TRUST_LIST_SCHEMA,
        issuer: TRUST_LIST_ISSUER.to_owned(),
        // A list of a later day replaces one of an earlier day.
        sequence: u64::try_from(
            cfg.today.year() * 10_000 + cfg.today.month() as i32 * 100 + cfg.today.day() as i32,
        )
        .unwrap_or(1),
        issued_at: midnight(cfg.today),
        facilities: facilities.iter().map(|f| f.key.clone()).collect(),
    };
    let trust_list = trust.sign(&demo_root_signer());

    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    let order_rng = ChaCha8Rng::seed_from_u64(rng.gen());
    let events = generate::Generator::new(cfg, commune, province, &facilities, rng).run();

    // Each event in its format: JWS ones go through the envelope path below,
    // the others are rendered as files.
    let needs_pki = cfg.formats != Formats::Jws || !cfg.broken.is_empty();
    let pki = needs_pki
        .then(|| SimPki::new(&facilities, cfg.today))
        .transpose()?;
    let mut jws_events = Vec::with_capacity(events.len());
    let mut other_events = Vec::new();
    for event in events {
        let format = event.first().map_or(formats::Format::Jws, |v| {
            cfg.formats.pick(&formats::event_key(v))
        });
        if format == formats::Format::Jws {
            jws_events.push(event);
        } else {
            other_events.push((format, event));
        }
    }
    let (files, fhir_envelopes) = match &pki {
        Some(pki) => {
            let renderer = formats::Renderer {
                facilities: &facilities,
                pki,
            };
            let borrowed: Vec<(formats::Format, Vec<&generate::Version>)> = other_events
                .iter()
                .map(|(format, versions)| (*format, versions.iter().collect()))
                .collect();
            let mut rendered = renderer.render(&borrowed)?;
            if !cfg.broken.is_empty() {
                let death = jws_events
                    .iter()
                    .chain(other_events.iter().map(|(_, e)| e))
                    .flatten()
                    .find(|v| v.notification.death.is_some())
                    .ok_or(SimError::NoDeathForBroken)?;
                let received_at = Utc::now();
                rendered
                    .files
                    .extend(renderer.broken(&cfg.broken, death, received_at)?);
            }
            (rendered.files, rendered.fhir_envelopes)
        }
        None => (Vec::new(), Vec::new()),
    };

    // Chronological by signing time; ties keep generation order.
    let mut versions: Vec<(usize, generate::Version)> =
        jws_events.into_iter().flatten().enumerate().collect();
    versions.sort_by_key(|(i, v)| (v.notification.issued_at, *i));
    let mut delivery = Vec::with_capacity(versions.len());
    for (_, v) in versions {
        let payload = serde_json::to_vec(&v.notification)?;
        let envelope = facilities[v.facility]
            .signer
            .sign(TYP_NOTIFICATION, &payload);
        delivery.push((
            v.notification.notification_id,
            v.notification.version,
            envelope,
        ));
    }
    deliver_some_late(&mut delivery, order_rng);

    Ok(SimOutput {
        trust_list,
        trust,
        notifications: delivery.into_iter().map(|(_, _, e)| e).collect(),
        facilities,
        files,
        fhir_envelopes,
        pki,
    })
}

/// Moves an older version of about a fifth of the multi-version notifications
/// (at least one, if any) to just after their newest version: out-of-order
/// delivery that an importer must not mistake for an update.
fn deliver_some_late(delivery: &mut Vec<(String, u32, SignedEnvelope)>, mut rng: ChaCha8Rng) {
    let mut latest: BTreeMap<&str, u32> = BTreeMap::new();
    for (id, version, _) in delivery.iter() {
        let entry = latest.entry(id.as_str()).or_insert(0);
        *entry = (*entry).max(*version);
    }
    let mut chosen: Vec<(String, u32)> = Vec::new();
    for (id, &max) in &latest {
        if max >= 2 && (chosen.is_empty() || rng.gen_bool(0.2)) {
            chosen.push(((*id).to_owned(), rng.gen_range(1..max)));
        }
    }
    for (id, stale) in chosen {
        let Some(from) = delivery
            .iter()
            .position(|(i, v, _)| *i == id && *v == stale)
        else {
            continue;
        };
        let item = delivery.remove(from);
        let newest = delivery
            .iter()
            .rposition(|(i, _, _)| *i == id)
            .unwrap_or(from.saturating_sub(1));
        let to = (newest + 1 + rng.gen_range(0..4)).min(delivery.len());
        delivery.insert(to, item);
    }
}

/// Writes `dir/notifications.json` (a JSON array, one envelope per line) and
/// `dir/trust.json` (the signed trust list), creating `dir`; with other
/// formats also each [`HealthFile`] under its name (`xml/`, `fhir/`,
/// `broken/`), each FHIR file again in its signed envelope under `fhir-jws/`
/// (one envelope per file: how FHIR is imported from disk) and the PKI in
/// `dir/pki/`.
pub fn write_files(out: &SimOutput, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    write_atomically(
        &dir.join("notifications.json"),
        json_lines(&out.notifications)?.as_bytes(),
    )?;
    let mut trust = serde_json::to_string(&out.trust_list)?;
    trust.push('\n');
    write_atomically(&dir.join("trust.json"), trust.as_bytes())?;
    for file in &out.files {
        let path = dir.join(&file.name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, &file.bytes)?;
    }
    let fhir_files = out.files.iter().filter(|f| f.content_type == CONTENT_FHIR);
    for (file, envelope) in fhir_files.zip(&out.fhir_envelopes) {
        let name = file.name.replacen("fhir/", "fhir-jws/", 1);
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, serde_json::to_vec(envelope)?)?;
    }
    match &out.pki {
        Some(pki) => pki.write(&dir.join("pki")),
        None => Ok(()),
    }
}

/// A JSON array of envelopes, one per line.
fn json_lines(envelopes: &[SignedEnvelope]) -> std::io::Result<String> {
    let mut text = String::from("[\n");
    for (i, envelope) in envelopes.iter().enumerate() {
        if i > 0 {
            text.push_str(",\n");
        }
        text.push_str(&serde_json::to_string(envelope)?);
    }
    text.push_str("\n]\n");
    Ok(text)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("json.tmp");
    {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}

/// For each notification id, its highest version and whether that version is
/// a void: the state an importer must end in whatever the delivery order.
/// Envelopes whose payload does not decode are skipped.
pub fn expected_final_state(notifications: &[SignedEnvelope]) -> BTreeMap<String, (u32, bool)> {
    let mut state: BTreeMap<String, (u32, bool)> = BTreeMap::new();
    for envelope in notifications {
        let Some(n) = decode(envelope) else { continue };
        let voided = n.action == Action::Void;
        state
            .entry(n.notification_id)
            .and_modify(|(version, void)| {
                if n.version > *version {
                    *version = n.version;
                    *void = voided;
                }
            })
            .or_insert((n.version, voided));
    }
    state
}

/// The notification inside an envelope, without checking the signature.
pub fn decode(envelope: &SignedEnvelope) -> Option<Notification> {
    let bytes = jws::unb64(&envelope.payload).ok()?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests;
