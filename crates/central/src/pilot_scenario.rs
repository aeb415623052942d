//! `hotich-central simulate --scenario pilot` (issue 18, item 5): six
//! months of a province's deaths played into a registry's database, as the
//! pilot lived them. The facilities' signed notices reach the registry when
//! the script says (verified as the facility door verifies them); each
//! commune's workstation pushes its officer's attempts and registrations as
//! its sync would; each commune health station returns causes signed with
//! its key. Every step goes through the [`Storage`] the server uses, at the
//! scripted instant, so the province's report (`report pilot`, `GET
//! /v1/reports/pilot`) counts what was played; the ledger says what the
//! simulator decided, for a test to count on its own.
//!
//! For a demo or test registry only: it imports the demo trust list (and
//! pins the demo root key) and registers one workstation per commune.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use hotich_common::time::start_of_office_day;
use hotich_protocol::trust::RootKey;
use hotich_protocol::{reference, verify_notification};
use hotich_sim::pilot::{script, LedgerEntry, PilotConfig};
use hotich_sim::{FacilityKind, SimConfig};

use crate::jurisdiction::responsible_commune;
use crate::simulate::{simulate_communes, SimulateError};
use crate::storage::{
    Incoming, NewWorkstation, PilotNotice, PushedRecord, Storage, StorageError, Workstation,
};
use crate::trust::{import_trust_list, TrustImportError};

/// Notices corrected or voided in the scenario: fewer than the simulator's
/// defaults, as a province's month is calmer than a test's.
const CORRECTION_RATE: f64 = 0.03;
const VOID_RATE: f64 = 0.01;
/// Between a workstation's write and its arrival at the registry.
const SYNC_LAG_MINUTES: i64 = 3;

/// What to play.
#[derive(Debug, Clone)]
pub struct PilotScenario {
    pub province: String,
    /// How many of the province's communes (the first by code).
    pub communes: usize,
    /// Deaths notified in all, spread over the communes.
    pub deaths: usize,
    pub days: u32,
    pub today: NaiveDate,
    pub seed: u64,
}

/// What was played.
#[derive(Debug, Clone, Default)]
pub struct PilotRun {
    pub communes: usize,
    pub notices: usize,
    pub attempts: usize,
    pub registrations: usize,
    pub causes: usize,
    pub ledger: Vec<LedgerEntry>,
}

#[derive(Debug, thiserror::Error)]
pub enum PilotError {
    #[error("unknown province code {0:?}")]
    UnknownProvince(String),
    #[error(transparent)]
    Simulate(#[from] SimulateError),
    #[error(transparent)]
    Trust(#[from] TrustImportError),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("the scenario's notice {0} failed verification: {1}")]
    Unverified(String, String),
    #[error("cannot sign the cause of {0}: the station has no demo key")]
    NoStationKey(String),
}

/// One thing that happens at a scripted instant.
enum Step {
    Arrive(usize),
    Attempt(usize, usize),
    Register(usize),
    Cause(usize),
}

/// Plays the scenario into `storage`.
pub fn play(storage: &dyn Storage, scenario: &PilotScenario) -> Result<PilotRun, PilotError> {
    let province = reference::province(&scenario.province)
        .ok_or_else(|| PilotError::UnknownProvince(scenario.province.clone()))?;
    let communes: Vec<&str> = reference::communes_in(province.code)
        .take(scenario.communes.max(1))
        .map(|c| c.code)
        .collect();
    let (base, extra) = (
        scenario.deaths / communes.len(),
        scenario.deaths % communes.len(),
    );
    let cfgs: Vec<SimConfig> = communes
        .iter()
        .enumerate()
        .map(|(i, code)| SimConfig {
            seed: scenario.seed.wrapping_add(i as u64),
            correction_rate: CORRECTION_RATE,
            void_rate: VOID_RATE,
            days_back: Some(scenario.days),
            ..SimConfig::new(*code, 0, base + usize::from(i < extra), scenario.today)
        })
        .collect();
    let (out, _) = simulate_communes(&cfgs)?;
    let stations: BTreeMap<String, String> = out
        .facilities
        .iter()
        .filter(|f| f.kind == FacilityKind::CommuneStation)
        .filter(|f| communes.contains(&f.key.commune_code.as_str()))
        .map(|f| (f.key.commune_code.clone(), f.key.facility_id.clone()))
        .collect();
    let cfg = PilotConfig {
        today: scenario.today,
        days: scenario.days,
        seed: scenario.seed,
    };
    let script = script(&cfg, &out.notifications, &stations);

    // The registry as the scenario starts: the demo trust list, a
    // workstation and a health station for each commune.
    let start = start_of_office_day(scenario.today - Duration::days(i64::from(scenario.days)));
    let list = serde_json::to_vec(&out.trust_list).map_err(json_error)?;
    import_trust_list(storage, &list, Some(RootKey::demo()), start)?;
    let mut workstations: BTreeMap<String, (Workstation, String)> = BTreeMap::new();
    for commune in &communes {
        let token = crate::auth::new_token();
        let hash = crate::auth::token_hash(&token);
        let id = storage.add_workstation(
            &NewWorkstation {
                commune,
                label: "Thí điểm liên thông (mô phỏng)",
                token_sha256: &hash,
                expires_at: None,
            },
            start,
        )?;
        let workstation = Workstation {
            id,
            commune: (*commune).to_owned(),
        };
        workstations.insert((*commune).to_owned(), (workstation, hash));
        if let Some(station) = stations.get(*commune) {
            storage.set_health_station(commune, station, start)?;
        }
    }

    let mut steps: Vec<(DateTime<Utc>, Step)> = Vec::new();
    for (i, arrival) in script.arrivals.iter().enumerate() {
        steps.push((arrival.at, Step::Arrive(i)));
    }
    for (i, case) in script.cases.iter().enumerate() {
        for (k, attempt) in case.attempts.iter().enumerate() {
            steps.push((attempt.at, Step::Attempt(i, k)));
        }
        if let Some(registration) = &case.registration {
            steps.push((registration.at, Step::Register(i)));
            if let Some((at, _)) = &registration.cause {
                steps.push((*at, Step::Cause(i)));
            }
        }
    }
    // Stable: at one instant, arrivals before what follows from them.
    steps.sort_by_key(|(at, _)| *at);

    let keys = out.trusted_keys();
    let mut run = PilotRun {
        communes: communes.len(),
        ..PilotRun::default()
    };
    let lag = Duration::minutes(SYNC_LAG_MINUTES);
    for (at, step) in steps {
        match step {
            Step::Arrive(i) => {
                let raw = serde_json::to_vec(&script.arrivals[i].envelope).map_err(json_error)?;
                let verified = verify_notification(&raw, &keys, at)
                    .map_err(|r| PilotError::Unverified(r.reason.code().to_owned(), r.detail))?;
                let n = &verified.notification;
                let incoming = Incoming {
                    notification_id: n.notification_id.clone(),
                    version: n.version,
                    envelope: String::from_utf8_lossy(&raw).into_owned(),
                    content_commune: responsible_commune(n).map(str::to_owned),
                    claimed_commune: n.commune_code.clone(),
                    pilot: PilotNotice::of(n),
                };
                storage.append_notifications(&[incoming], at)?;
                run.notices += 1;
            }
            Step::Attempt(i, k) => {
                let case = &script.cases[i];
                if let (Some(body), Some((workstation, _))) =
                    (case.attempt_body(k), workstations.get(&case.commune))
                {
                    let record = record(case, "case_attempt", &body, at);
                    let id = format!("{}-a{k}", case.case_id);
                    storage.put_event(workstation, &id, &record, at + lag)?;
                    run.attempts += 1;
                }
            }
            Step::Register(i) => {
                let case = &script.cases[i];
                if let (Some(body), Some((workstation, _))) =
                    (case.registration_body(), workstations.get(&case.commune))
                {
                    let record = record(case, "registration", &body, at);
                    let id = format!("{}-r", case.case_id);
                    storage.put_event(workstation, &id, &record, at + lag)?;
                    run.registrations += 1;
                }
            }
            Step::Cause(i) => {
                let registration = script.cases[i].registration.as_ref();
                if let Some((_, cause)) = registration.and_then(|r| r.cause.as_ref()) {
                    let envelope = hotich_sim::health_station::sign(cause)
                        .ok_or_else(|| PilotError::NoStationKey(cause.facility_id.clone()))?;
                    let envelope = serde_json::to_string(&envelope).map_err(json_error)?;
                    storage.record_cause(cause, &envelope, at)?;
                    run.causes += 1;
                }
            }
        }
    }
    // Each workstation synced last at the end of the scenario's last day.
    let last_sync = start_of_office_day(scenario.today + Duration::days(1)) - Duration::minutes(30);
    for (_, hash) in workstations.values() {
        storage.check_token(hash, last_sync)?;
    }
    run.ledger = script.ledger;
    Ok(run)
}

/// A workstation's outbox row written at `at`, as its sync pushes it.
fn record(
    case: &hotich_sim::pilot::ScriptedCase,
    kind: &str,
    body: &serde_json::Value,
    at: DateTime<Utc>,
) -> PushedRecord {
    PushedRecord {
        case_id: Some(case.case_id.clone()),
        kind: kind.to_owned(),
        body: body.to_string(),
        created_at: at.to_rfc3339(),
    }
}

fn json_error(e: serde_json::Error) -> StorageError {
    StorageError::Corrupt(e.to_string())
}
