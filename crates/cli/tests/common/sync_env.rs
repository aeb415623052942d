//! Real processes for the sync suites: a `hotich-central serve` on a loopback
//! port, workstations driven through the `hotich` binary, and readers of
//! both databases to compare what each side holds.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use chrono::{NaiveDate, Utc};
use hotich_central::process::{prepare_registry, prepare_registry_at, select_text, SimArgs};
use hotich_core::{AttemptInput, CaseFilter, Channel, Officer, Outcome, Store};
use hotich_protocol::SignedEnvelope;
use rusqlite::Connection;
use serde_json::Value;
use sha2::{Digest, Sha256};

pub const TODAY: &str = "2026-11-21";
pub const PASSWORD: &str = "hộ tịch 2026";

pub fn today() -> NaiveDate {
    TODAY.parse().unwrap()
}

/// The `hotich-central` binary: `$HOTICH_CENTRAL_BIN`, else the one beside
/// `hotich` in this target directory (`cargo test --workspace` builds both).
/// Cargo builds only this package's binaries for its tests, so when it is
/// missing it is built here (with the `faults` feature, which
/// `cargo test --workspace` also turns on through this crate's
/// dev-dependency); after changing crates/central, run
/// `cargo build -p hotich-central --features faults` (or test the workspace) first.
pub fn central_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("HOTICH_CENTRAL_BIN") {
            return PathBuf::from(bin);
        }
        let hotich = PathBuf::from(env!("CARGO_BIN_EXE_hotich"));
        let profile_dir = hotich.parent().unwrap().to_owned();
        let bin = profile_dir.join("hotich-central");
        if bin.exists() {
            return bin;
        }
        let mut build = Command::new(env!("CARGO"));
        build
            .args([
                "build",
                "--quiet",
                "-p",
                "hotich-central",
                "--bin",
                "hotich-central",
                // The faulty-server suite needs `serve --faults`.
                "--features",
                "faults",
            ])
            .arg("--manifest-path")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.toml"))
            .env("CARGO_TARGET_DIR", profile_dir.parent().unwrap());
        if profile_dir.file_name().is_some_and(|n| n == "release") {
            build.arg("--release");
        }
        assert!(
            build.status().unwrap().success(),
            "building hotich-central failed"
        );
        bin
    })
    .clone()
}

pub fn central() -> Command {
    Command::new(central_bin())
}

pub fn hotich(db: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hotich"));
    // The suites' store key (no OS keyring runs here), as `common::hotich_binary`.
    command.env(
        hotich_core::store_key::KEY_ENV,
        hotich_core::StoreKey::demo().recovery_text(),
    );
    command
        .arg("--db")
        .arg(db)
        .args(["--today", TODAY])
        .env_remove("HOTICH_TOKEN")
        .env_remove("HOTICH_USER")
        .env_remove("HOTICH_PASSWORD");
    command
}

/// The stdout of a run that must succeed.
pub fn ok(command: &mut Command) -> String {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?}\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

pub use hotich_central::process::ServerProcess as Server;

pub fn serve(db: &Path, extra: &[&str]) -> Server {
    Server::start(&central_bin(), db, extra).unwrap()
}

/// A registry database holding the simulator's trust list for some
/// communes and one workstation token per commune.
pub struct Registry {
    pub db: PathBuf,
    pub sim: PathBuf,
    pub communes: Vec<String>,
    pub tokens: BTreeMap<String, String>,
    sim_args: Vec<String>,
}

impl Registry {
    /// In the suites' database (`hotich_central::process::test_database`).
    pub fn new(dir: &Path, communes: &[&str], births: usize, deaths: usize, seed: u64) -> Registry {
        Registry::prepare(dir, communes, (births, deaths, seed), None)
    }

    /// In a new database on the suites' PostgreSQL cluster, whatever the
    /// back-end of the other suites.
    pub fn on_postgres(
        dir: &Path,
        communes: &[&str],
        births: usize,
        deaths: usize,
        seed: u64,
    ) -> Registry {
        let cluster = hotich_central::process::test_cluster().unwrap();
        let db = hotich_central::process::new_postgres_database(&cluster).unwrap();
        Registry::prepare(dir, communes, (births, deaths, seed), Some(db.into()))
    }

    fn prepare(
        dir: &Path,
        communes: &[&str],
        (births, deaths, seed): (usize, usize, u64),
        db: Option<PathBuf>,
    ) -> Registry {
        let sim = SimArgs {
            communes,
            births,
            deaths,
            seed,
            today: TODAY,
        };
        let prepared = match db {
            Some(db) => prepare_registry_at(&central_bin(), db, dir, &sim),
            None => prepare_registry(&central_bin(), dir, &sim),
        }
        .unwrap();
        Registry {
            db: prepared.db,
            sim: prepared.sim,
            communes: communes.iter().map(|c| (*c).to_owned()).collect(),
            tokens: prepared.tokens,
            sim_args: sim.args(),
        }
    }

    /// The simulator posts the same notifications to the server, as the
    /// facilities would.
    pub fn post_all(&self, url: &str) -> String {
        let output = central()
            .args(&self.sim_args)
            .args(["--post", url])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(output.status.success(), "{stderr}");
        stderr
    }

    /// Every envelope the simulator issued, with the commune it is for.
    pub fn issued(&self) -> Vec<(String, SignedEnvelope)> {
        let text = std::fs::read(self.sim.join("notifications.json")).unwrap();
        let envelopes: Vec<SignedEnvelope> = serde_json::from_slice(&text).unwrap();
        envelopes
            .into_iter()
            .map(|e| (hotich_sim::decode(&e).unwrap().commune_code, e))
            .collect()
    }

    /// Each commune's stream on the server: seq -> (id, version, payload hash).
    pub fn stream(&self, commune: &str) -> BTreeMap<u64, (String, u32, String)> {
        assert!(commune.chars().all(|c| c.is_ascii_digit()), "{commune}");
        let rows = select_text(
            &self.db,
            &format!(
                "SELECT CAST(seq AS TEXT), notification_id, CAST(version AS TEXT), envelope
                 FROM notification_event WHERE commune = '{commune}'"
            ),
        )
        .unwrap();
        rows.into_iter()
            .map(|row| {
                let text = |i: usize| row[i].clone().unwrap();
                let envelope: SignedEnvelope = serde_json::from_str(&text(3)).unwrap();
                let seq = text(0).parse().unwrap();
                (
                    seq,
                    (text(1), text(2).parse().unwrap(), sha(&envelope.payload)),
                )
            })
            .collect()
    }

    /// What workstations pushed, by id: (commune, case, kind, body, created_at).
    pub fn pushed(&self) -> BTreeMap<String, PushedRow> {
        let rows = select_text(
            &self.db,
            "SELECT id, commune, case_id, kind, body, created_at FROM pushed_event",
        )
        .unwrap();
        rows.into_iter()
            .map(|row| {
                let text = |i: usize| row[i].clone().unwrap();
                let pushed = PushedRow {
                    commune: text(1),
                    case_id: row[2].clone(),
                    kind: text(3),
                    body: serde_json::from_str(&text(4)).unwrap(),
                    created_at: text(5),
                };
                (text(0), pushed)
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PushedRow {
    pub commune: String,
    pub case_id: Option<String>,
    pub kind: String,
    pub body: Value,
    pub created_at: String,
}

/// case_id, kind, body, created_at from column `at` on.
fn pushed_row(commune: String, r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<PushedRow> {
    Ok(PushedRow {
        commune,
        case_id: r.get(at)?,
        kind: r.get(at + 1)?,
        body: serde_json::from_str(&r.get::<_, String>(at + 2)?).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(at + 2, rusqlite::types::Type::Text, e.into())
        })?,
        created_at: r.get(at + 3)?,
    })
}

pub fn sha(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A workstation's (encrypted) database at `db`, read with the suites' key.
pub fn read_only(db: &Path) -> Connection {
    hotich_core::store_key::StoreFile {
        path: db.to_owned(),
        key: hotich_core::StoreKey::demo(),
    }
    .read_only_connection()
    .unwrap()
}

/// A workstation database set up as an office would: the demo root pinned
/// (the trust list itself comes from the server), its commune chosen.
pub struct Workstation {
    pub db: PathBuf,
    pub commune: String,
    pub token: String,
}

impl Workstation {
    pub fn new(dir: &Path, name: &str, registry: &Registry, commune: &str) -> Workstation {
        let db = dir.join(format!("{name}.db"));
        ok(hotich(&db).args(["trust", "pin-root", "--demo"]));
        ok(hotich(&db).args(["office", "--set", commune]));
        Workstation {
            db,
            commune: commune.to_owned(),
            token: registry.tokens[commune].clone(),
        }
    }

    /// `hotich sync --server URL --json ...` with the token in HOTICH_TOKEN.
    pub fn sync_command(&self, url: &str, extra: &[&str]) -> Command {
        let mut command = hotich(&self.db);
        command
            .args(["sync", "--server", url, "--json"])
            .args(extra)
            .env("HOTICH_TOKEN", &self.token);
        command
    }

    pub fn sync(&self, url: &str, extra: &[&str]) -> Output {
        self.sync_command(url, extra).output().unwrap()
    }

    /// Syncs until a run completes (at most `runs` runs); returns the reports.
    pub fn sync_until_done(&self, url: &str, extra: &[&str], runs: usize) -> Vec<Value> {
        let mut reports = Vec::new();
        for _ in 0..runs {
            let output = self.sync(url, extra);
            let stdout = String::from_utf8_lossy(&output.stdout);
            let report: Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
                panic!(
                    "no report ({e}): {stdout}\n{}",
                    String::from_utf8_lossy(&output.stderr)
                )
            });
            let done = output.status.success();
            reports.push(report);
            if done {
                return reports;
            }
        }
        panic!("no complete sync in {runs} runs: {reports:?}");
    }

    /// (notification id, version) -> payload hash of every version held.
    pub fn notifications(&self) -> BTreeMap<(String, u32), String> {
        let conn = read_only(&self.db);
        let mut stmt = conn
            .prepare("SELECT notification_id, version, payload FROM notification")
            .unwrap();
        let rows: Vec<((String, u32), String)> = stmt
            .query_map([], |r| {
                Ok(((r.get(0)?, r.get(1)?), sha(&r.get::<_, String>(2)?)))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let count = rows.len();
        let map: BTreeMap<_, _> = rows.into_iter().collect();
        assert_eq!(map.len(), count, "a notification version is held twice");
        map
    }

    /// notification id -> case status.
    pub fn cases(&self) -> BTreeMap<String, String> {
        let conn = read_only(&self.db);
        let mut stmt = conn
            .prepare(
                "SELECT notification_id, status FROM case_file WHERE notification_id IS NOT NULL",
            )
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    pub fn count(&self, sql: &str) -> i64 {
        read_only(&self.db)
            .query_row(sql, [], |r| r.get(0))
            .unwrap()
    }

    /// The outbox by id: (state, case, kind, body, created_at).
    pub fn outbox(&self) -> BTreeMap<String, (String, PushedRow)> {
        let conn = read_only(&self.db);
        let mut stmt = conn
            .prepare("SELECT id, state, case_id, kind, body, created_at FROM outbox")
            .unwrap();
        stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                (
                    r.get::<_, String>(1)?,
                    pushed_row(self.commune.clone(), r, 2)?,
                ),
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    }

    /// Officers log attempts on `attempts` cases and register up to
    /// `registrations` deaths, through the core as the desktop app does.
    /// Returns (attempts logged, registrations made).
    pub fn work_cases(&self, attempts: usize, registrations: usize) -> (usize, usize) {
        let mut store = Store::open(&self.db, &hotich_core::StoreKey::demo()).unwrap();
        let now = Utc::now();
        let boss: Officer =
            match store.create_first_supervisor("lanhdao", "Phạm Văn Lãnh", PASSWORD, now) {
                Ok(officer) => officer,
                Err(_) => store.sign_in("lanhdao", PASSWORD, now).unwrap(),
            };
        let rows = store
            .cases(
                &CaseFilter {
                    limit: 5_000,
                    ..Default::default()
                },
                today(),
            )
            .unwrap()
            .rows;
        let open: Vec<_> = rows.iter().filter(|r| r.status.is_open()).collect();
        let mut registered = 0;
        let mut done = std::collections::HashSet::new();
        for case in open
            .iter()
            .filter(|r| r.kind == hotich_protocol::EventKind::Death)
        {
            if registered == registrations {
                break;
            }
            let mut form = store.registration_draft(&case.id, today()).unwrap();
            form.requester.id_type = Some(hotich_core::IdDocumentType::Cccd);
            form.requester.id_number = "019196004321".into();
            if form.requester.full_name.trim().is_empty() {
                form.requester.full_name = "Nguyễn Văn Hải".into();
            }
            if form.requester.relationship.is_none() {
                form.requester.relationship = Some(hotich_core::Relationship::Child);
            }
            form.signer_name = "Phạm Văn Lãnh".into();
            form.signer_title = "Chủ tịch".into();
            if let Some(d) = &mut form.death {
                if d.death_place.trim().is_empty() {
                    d.death_place = "Tại nhà riêng".into();
                }
            }
            if case.days_left < 0 {
                form.late_reason = "Gia đình đi làm ăn xa, về muộn".into();
            }
            match store.register(&boss, &case.id, &form, now, today()) {
                Ok(_) => {
                    registered += 1;
                    done.insert(case.id.clone());
                }
                Err(e) => eprintln!("not registered {}: {e}", case.id),
            }
        }
        let mut logged = 0;
        for case in open.iter().filter(|r| !done.contains(&r.id)).take(attempts) {
            let input = AttemptInput {
                channel: Channel::Phone,
                outcome: Outcome::NoAnswer,
                note: Some(format!("gọi lần {logged}")),
                appointment_date: None,
                next_follow_up: None,
                corrects: None,
            };
            store
                .log_attempt(&boss, &case.id, &input, now, today())
                .unwrap();
            logged += 1;
        }
        (logged, registered)
    }
}

/// The envelopes the simulator issued for one commune: (id, version) -> payload hash.
pub fn expected_for(
    issued: &[(String, SignedEnvelope)],
    commune: &str,
) -> BTreeMap<(String, u32), String> {
    issued
        .iter()
        .filter(|(c, _)| c == commune)
        .map(|(_, e)| {
            let n = hotich_sim::decode(e).unwrap();
            ((n.notification_id, n.version), sha(&e.payload))
        })
        .collect()
}

/// The stream is 1..=n without a gap.
pub fn assert_gap_free(stream: &BTreeMap<u64, (String, u32, String)>) {
    let seqs: Vec<u64> = stream.keys().copied().collect();
    let expected: Vec<u64> = (1..=seqs.len() as u64).collect();
    assert_eq!(seqs, expected, "the stream has a gap");
}

/// The outbox rows, all sent, are exactly what the server stored for this
/// workstation: same ids, same content, nothing more, nothing twice.
pub fn assert_pushed_exactly_once(ws: &Workstation, pushed: &BTreeMap<String, PushedRow>) {
    let outbox = ws.outbox();
    assert!(!outbox.is_empty());
    let not_sent: Vec<_> = outbox
        .iter()
        .filter(|(_, (state, _))| state != "sent")
        .collect();
    assert!(not_sent.is_empty(), "rows not sent: {not_sent:?}");
    let on_server: BTreeMap<&String, &PushedRow> = pushed
        .iter()
        .filter(|(_, row)| row.commune == ws.commune)
        .collect();
    let ids: BTreeSet<&String> = outbox.keys().collect();
    let server_ids: BTreeSet<&String> = on_server.keys().copied().collect();
    assert_eq!(
        ids, server_ids,
        "ids differ between {} and the server",
        ws.commune
    );
    for (id, (_, row)) in &outbox {
        assert_eq!(&row, on_server.get(id).unwrap(), "content of {id} differs");
    }
}
