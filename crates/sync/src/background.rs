//! The desktop's background sync: one thread that runs a sync on its own
//! connection to the store (so the window's connection is never held across
//! a network call) every `interval`, or at once when asked, and tells the
//! shell what happens through a callback.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use hotich_core::store_key::StoreFile;
use hotich_core::{Store, SyncReport};

use crate::credentials::{self, CredentialError};
use crate::status::{Connection, SyncActivity, SyncOverview};
use crate::{sync_path, RetryPolicy, ServerUrl, SyncError, SyncOptions, SyncProgress};

/// When the background runs happen.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// Between runs while the registry answers.
    pub online: Duration,
    /// Between tries while it does not (or before anything is configured).
    pub offline: Duration,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            online: Duration::from_secs(120),
            offline: Duration::from_secs(30),
        }
    }
}

impl Schedule {
    /// Both intervals the same: tests ask for a run every second or so.
    pub fn every(interval: Duration) -> Schedule {
        Schedule {
            online: interval,
            offline: interval,
        }
    }
}

/// What the callback is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackgroundEvent {
    /// A run started or moved on.
    Progress(SyncActivity),
    /// A run ended (or could not start): the connection is known anew, and
    /// `changed` says whether it pulled or sent anything (the queue reloads).
    Finished {
        connection: Connection,
        changed: bool,
    },
}

/// What one run found.
struct RunEnd {
    connection: Connection,
    reason: Option<String>,
    changed: bool,
}

impl RunEnd {
    fn without_run(connection: Connection, reason: String) -> RunEnd {
        RunEnd {
            connection,
            reason: Some(reason),
            changed: false,
        }
    }
}

/// What the background knows of the last run and the one going on.
#[derive(Debug, Clone, Default)]
struct Known {
    connection: Connection,
    reason: Option<String>,
    activity: Option<SyncActivity>,
}

/// The background sync thread's handle; dropping it stops the thread after
/// its current run.
#[derive(Debug)]
pub struct BackgroundSync {
    wake: Sender<()>,
    known: Arc<Mutex<Known>>,
}

/// Retries made for a background run: a down network is found out in
/// seconds, and the next scheduled run tries again.
fn background_options(server: ServerUrl, token: String) -> SyncOptions {
    let mut options = SyncOptions::new(server, token);
    options.retry = RetryPolicy {
        max_tries: 3,
        base: Duration::from_millis(300),
        max_delay: Duration::from_secs(5),
        max_retry_after: Duration::from_secs(30),
    };
    options.request_timeout = Duration::from_secs(20);
    options
}

/// How a finished run leaves the connection, and why.
pub fn connection_after(report: &SyncReport) -> (Connection, Option<String>) {
    match report.error_code.as_deref() {
        None => (Connection::Online, None),
        Some("network" | "deadline") => (Connection::Offline, report.error.clone()),
        Some("unauthorized" | "forbidden" | "token_revoked" | "token_expired") => {
            (Connection::Refused, report.error.clone())
        }
        // The registry answered, with something the run could not use.
        Some(_) => (Connection::Online, report.error.clone()),
    }
}

fn activity_of(progress: &SyncProgress, activity: &mut SyncActivity) {
    activity.retry_reason = None;
    match progress {
        SyncProgress::TrustList { .. } => activity.phase = "trust_list".into(),
        SyncProgress::Pulled { cursor, pulled } => {
            activity.phase = "pull".into();
            activity.cursor = *cursor;
            activity.pulled = *pulled;
        }
        SyncProgress::Pushed { pushed, waiting } => {
            activity.phase = "push".into();
            activity.pushed = *pushed;
            activity.waiting = *waiting;
        }
        SyncProgress::Retrying { reason, .. } => {
            activity.phase = "retrying".into();
            activity.retry_reason = Some(reason.clone());
        }
    }
}

impl BackgroundSync {
    /// Starts the thread; the first run happens at once.
    pub fn start(
        db: StoreFile,
        schedule: Schedule,
        on_event: impl Fn(BackgroundEvent) + Send + Sync + 'static,
    ) -> std::io::Result<BackgroundSync> {
        let (wake, woken) = mpsc::channel();
        let known = Arc::new(Mutex::new(Known::default()));
        let thread_known = Arc::clone(&known);
        std::thread::Builder::new()
            .name("hotich-sync".into())
            .spawn(move || run_forever(&db, &schedule, &woken, &thread_known, &on_event))?;
        Ok(BackgroundSync { wake, known })
    }

    /// Asks for a run now (after the current one, if one is going on).
    pub fn sync_now(&self) {
        // A stopped thread has nothing to wake.
        let _ = self.wake.send(());
    }

    /// The overview the status bar shows: what this thread knows, with the
    /// store's counts.
    pub fn overview(&self, store: &Store) -> Result<SyncOverview, hotich_core::CoreError> {
        let known = lock(&self.known).clone();
        Ok(SyncOverview {
            connection: known.connection,
            connection_reason: known.reason,
            server: store.sync_server()?,
            running: known.activity.is_some(),
            activity: known.activity,
            status: store.sync_status()?,
        })
    }
}

fn lock(known: &Mutex<Known>) -> MutexGuard<'_, Known> {
    // The state is plain data: a panic mid-update leaves it usable.
    known.lock().unwrap_or_else(PoisonError::into_inner)
}

fn run_forever(
    db: &StoreFile,
    schedule: &Schedule,
    woken: &Receiver<()>,
    known: &Mutex<Known>,
    on_event: &(dyn Fn(BackgroundEvent) + Sync),
) {
    loop {
        let end = run_once(db, known, on_event);
        {
            let mut known = lock(known);
            known.connection = end.connection;
            known.reason = end.reason;
            known.activity = None;
        }
        on_event(BackgroundEvent::Finished {
            connection: end.connection,
            changed: end.changed,
        });
        let wait = match end.connection {
            Connection::Online => schedule.online,
            _ => schedule.offline,
        };
        match woken.recv_timeout(wait) {
            Ok(()) | Err(RecvTimeoutError::Timeout) => {
                // Several "sync now" clicks during a run make one more run.
                while woken.try_recv().is_ok() {}
            }
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// One run, if there is something to sync with.
fn run_once(
    db: &StoreFile,
    known: &Mutex<Known>,
    on_event: &(dyn Fn(BackgroundEvent) + Sync),
) -> RunEnd {
    let stored = db
        .open()
        .map_err(SyncError::from)
        .and_then(|store| crate::stored_server(&store));
    let server = match stored {
        Ok(Some(server)) => server,
        Ok(None) => {
            return RunEnd::without_run(
                Connection::NotConfigured,
                "chưa đặt địa chỉ máy chủ đồng bộ (Quản trị → Đồng bộ)".into(),
            )
        }
        Err(e) => return RunEnd::without_run(Connection::NotConfigured, e.to_string()),
    };
    let token = match credentials::load_token(&server) {
        Ok(token) => token,
        Err(CredentialError::Missing(_)) => {
            return RunEnd::without_run(
                Connection::NotConfigured,
                "chưa lưu mã truy cập của máy trạm (Quản trị → Đồng bộ)".into(),
            )
        }
        Err(e) => return RunEnd::without_run(Connection::NotConfigured, e.to_string()),
    };
    let started = SyncActivity {
        phase: "trust_list".into(),
        ..SyncActivity::default()
    };
    lock(known).activity = Some(started.clone());
    on_event(BackgroundEvent::Progress(started));
    let mut progress = |step: &SyncProgress| {
        let activity = {
            let mut known = lock(known);
            let activity = known.activity.get_or_insert_with(SyncActivity::default);
            activity_of(step, activity);
            activity.clone()
        };
        on_event(BackgroundEvent::Progress(activity));
    };
    match sync_path(db, &background_options(server, token), &mut progress) {
        Ok(report) => {
            let (connection, reason) = connection_after(&report);
            // Online: fetch the CRLs the held certificates name and lack. A
            // failure is left for the next round; sync's outcome stands.
            let crls_changed = connection == Connection::Online
                && crate::crl::fetch_crls_path(db, chrono::Utc::now())
                    .is_ok_and(|fetched| fetched.changed_notifications());
            RunEnd {
                connection,
                reason,
                changed: report.pulled > 0 || report.pushed > 0 || report.dead > 0 || crls_changed,
            }
        }
        Err(e @ SyncError::NoCommune) => {
            RunEnd::without_run(Connection::NotConfigured, e.to_string())
        }
        Err(e) => RunEnd::without_run(Connection::Offline, e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(code: Option<&str>) -> SyncReport {
        SyncReport {
            error_code: code.map(str::to_owned),
            error: code.map(|c| format!("lỗi {c}")),
            ..SyncReport::default()
        }
    }

    #[test]
    fn a_run_that_completed_is_online_and_one_that_found_no_network_is_offline() {
        assert_eq!(connection_after(&report(None)), (Connection::Online, None));
        for code in ["network", "deadline"] {
            assert_eq!(connection_after(&report(Some(code))).0, Connection::Offline);
        }
        for code in [
            "unauthorized",
            "forbidden",
            "token_revoked",
            "token_expired",
        ] {
            assert_eq!(connection_after(&report(Some(code))).0, Connection::Refused);
        }
        let (connection, reason) = connection_after(&report(Some("server")));
        assert_eq!(connection, Connection::Online);
        assert_eq!(reason.as_deref(), Some("lỗi server"));
    }

    #[test]
    fn progress_steps_become_the_activity_the_bar_shows() {
        let mut activity = SyncActivity::default();
        activity_of(
            &SyncProgress::Pulled {
                cursor: 40,
                pulled: 30,
            },
            &mut activity,
        );
        activity_of(
            &SyncProgress::Retrying {
                after: Duration::from_millis(10),
                reason: "500".into(),
            },
            &mut activity,
        );
        assert_eq!(activity.phase, "retrying");
        assert_eq!(activity.retry_reason.as_deref(), Some("500"));
        activity_of(
            &SyncProgress::Pushed {
                pushed: 2,
                waiting: 5,
            },
            &mut activity,
        );
        assert_eq!(
            activity,
            SyncActivity {
                phase: "push".into(),
                pulled: 30,
                cursor: 40,
                pushed: 2,
                waiting: 5,
                retry_reason: None,
            }
        );
    }

    #[test]
    fn without_a_server_address_the_thread_says_not_configured_and_waits() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("ws.db");
        let store = Store::open(&db, &hotich_core::StoreKey::demo()).unwrap();
        let file = store.file();
        drop(store);
        let (events, received) = mpsc::channel();
        let background =
            BackgroundSync::start(file, Schedule::every(Duration::from_secs(60)), move |e| {
                let _ = events.send(e);
            })
            .unwrap();
        assert_eq!(
            received.recv_timeout(Duration::from_secs(10)).unwrap(),
            BackgroundEvent::Finished {
                connection: Connection::NotConfigured,
                changed: false
            }
        );
        let store = Store::open(&db, &hotich_core::StoreKey::demo()).unwrap();
        let overview = background.overview(&store).unwrap();
        assert_eq!(overview.connection, Connection::NotConfigured);
        assert!(overview
            .connection_reason
            .unwrap()
            .contains("địa chỉ máy chủ"));
        assert!(!overview.running);
        // "Sync now" runs again at once rather than after the minute.
        background.sync_now();
        assert_eq!(
            received.recv_timeout(Duration::from_secs(10)).unwrap(),
            BackgroundEvent::Finished {
                connection: Connection::NotConfigured,
                changed: false
            }
        );
    }
}
