//! `kill -9` of the workstation's `hotich sync` 50 times at random moments
//! during a large pull and push, restarting it each time: at the end nothing
//! is lost and nothing duplicated on either side (counts and content hashes).
//! And `kill -9` of one of two registry processes on one PostgreSQL
//! database while a workstation syncs through it.

#[path = "common/sync_env.rs"]
mod sync_env;
use sync_env::*;

use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[test]
fn fifty_kill_9_during_pull_and_push_lose_and_duplicate_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let commune = "01864";
    let registry = Registry::new(dir.path(), &[commune], 900, 300, 33);
    let issued = registry.issued();
    let server = serve(&registry.db, &["--rate-limit", "10000", "--burst", "10000"]);
    let ws = Workstation::new(dir.path(), "ws", &registry, commune);

    // Post everything, but let the workstation first pull a part only: a
    // second server on the same database allows it about 20 pages, then
    // answers 429, and one try per request makes the run stop there.
    registry.post_all(&server.url);
    let tight = serve(&registry.db, &["--rate-limit", "1", "--burst", "10"]);
    let partial = ws.sync(&tight.url, &["--page-size", "50", "--max-tries", "1"]);
    assert!(!partial.status.success());
    drop(tight);
    // Small pages and early kills: on an idle machine a run of ~150 ms
    // pulled and pushed so much that the work ran out after 17 kills.
    let small_pages = [
        "--page-size",
        "10",
        "--retry-base-ms",
        "10",
        "--retry-max-ms",
        "300",
    ];
    let held = ws.notifications().len();
    assert!(
        held >= 500 && held < issued.len() / 2,
        "{held} of {}",
        issued.len()
    );
    // The first pages are births (the stream is in signing order), so the
    // work is outreach; registrations are pushed in tests/sync.rs.
    let (attempts, _) = ws.work_cases(450, 0);
    assert!(attempts >= 400, "{attempts}");
    let rows = ws.outbox().len();

    // Now the large pull and push, killed 50 times. A kill lands after a
    // random amount of progress (pages pulled plus rows pushed, drawn so that
    // the 50 kills spread over the whole work) and a random 0-4 ms more, so
    // kills fall before, inside and after requests and transactions alike,
    // on a fast idle machine as on a slow loaded one.
    let end = expected_for(&issued, commune).len() as i64;
    let work = |conn: &rusqlite::Connection| -> (i64, i64) {
        conn.query_row(
            "SELECT (SELECT after_seq FROM sync_cursor),
                    (SELECT count(*) FROM outbox WHERE state = 'sent')",
            [],
            |r| Ok((r.get::<_, Option<i64>>(0)?.unwrap_or(0), r.get(1)?)),
        )
        .unwrap()
    };
    let watcher = read_only(&ws.db);
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    let started = Instant::now();
    let (mut kills, mut pull_kills, mut push_kills) = (0, 0, 0);
    while kills < 50 {
        let (cursor, sent) = work(&watcher);
        let remaining = (end - cursor) + (rows as i64 - sent);
        // Leave work for the kills still to come, and never all of it.
        let share = (remaining / (51 - kills)).max(1);
        let step = rng.gen_range(1..=2 * share).min(remaining - 1).max(1);
        let target = cursor + sent + step;
        let mut child = ws.sync_command(&server.url, &small_pages).spawn().unwrap();
        let finished = loop {
            if child.try_wait().unwrap().is_some() {
                break true;
            }
            let (cursor, sent) = work(&watcher);
            if cursor + sent >= target {
                break false;
            }
            std::thread::sleep(Duration::from_millis(1));
        };
        // It finished on its own: nothing left to pull or push.
        if finished {
            break;
        }
        std::thread::sleep(Duration::from_micros(rng.gen_range(0..4_000)));
        let (cursor, _) = work(&watcher);
        if child.try_wait().unwrap().is_some() {
            break;
        }
        child.kill().unwrap(); // SIGKILL: no destructor, no rollback by the program
        let _ = child.wait();
        kills += 1;
        if cursor < end {
            pull_kills += 1;
        } else {
            push_kills += 1;
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "chaos took too long"
        );
    }
    let sent_before_final = ws.outbox().values().filter(|(s, _)| s == "sent").count();
    let cursor_before_final = ws.count("SELECT after_seq FROM sync_cursor");
    eprintln!(
        "after {kills} kills ({pull_kills} while pulling, {push_kills} while pushing): \
         cursor {cursor_before_final} of {end}, {sent_before_final} of {rows} rows sent",
    );
    assert_eq!(kills, 50, "the work ran out before 50 kills");
    assert!(pull_kills >= 10, "too few kills hit the pull");
    assert!(push_kills >= 10, "too few kills hit the push");
    ws.sync_until_done(&server.url, &small_pages, 3);

    // The workstation holds exactly the commune's stream, byte for byte.
    let stream = registry.stream(commune);
    assert_gap_free(&stream);
    let expected = expected_for(&issued, commune);
    assert_eq!(stream.len(), expected.len());
    assert_eq!(ws.notifications(), expected);
    assert_eq!(
        ws.count("SELECT count(*) FROM case_file WHERE notification_id IS NOT NULL") as usize,
        hotich_sim::expected_final_state(
            &issued.iter().map(|(_, e)| e.clone()).collect::<Vec<_>>()
        )
        .len()
    );
    assert_eq!(ws.count("SELECT count(*) FROM quarantine"), 0);
    assert_eq!(
        ws.count("SELECT after_seq FROM sync_cursor") as usize,
        expected.len()
    );

    // The registry holds every outbox row once, with the same content.
    assert_eq!(ws.outbox().len(), rows);
    let pushed = registry.pushed();
    assert_eq!(pushed.len(), rows);
    assert_pushed_exactly_once(&ws, &pushed);
}

/// Runs `hotich sync` through `doomed` and kills that registry process
/// (SIGKILL: its transactions die with its connections) once `progress`
/// has moved `by` past where it stood; the sync is left to fail.
fn kill_registry_mid_sync(ws: &Workstation, doomed: Server, progress: impl Fn() -> i64, by: i64) {
    let start = progress();
    let mut child = ws
        .sync_command(&doomed.url, &["--page-size", "5", "--max-tries", "1"])
        .spawn()
        .unwrap();
    let started = Instant::now();
    while progress() < start + by {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the sync ended before the kill"
        );
        assert!(started.elapsed() < Duration::from_secs(120));
        std::thread::sleep(Duration::from_millis(1));
    }
    drop(doomed);
    let status = child.wait().unwrap();
    assert!(!status.success(), "the sync went on without its registry");
}

/// Two registry processes on one PostgreSQL database, as behind a load
/// balancer. The workstation pulls through one, which is killed mid-pull,
/// then pushes through a second one, killed mid-push; the other process
/// serves the runs that follow. The workstation ends with the commune's
/// whole stream, gap-free, and the registry with every row once.
#[test]
fn killing_one_of_two_registry_processes_mid_sync_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let commune = "01864";
    let registry = Registry::on_postgres(dir.path(), &[commune], 300, 100, 35);
    let issued = registry.issued();
    let limits = ["--rate-limit", "10000", "--burst", "10000"];
    let survivor = serve(&registry.db, &limits);
    registry.post_all(&survivor.url);
    let ws = Workstation::new(dir.path(), "ws", &registry, commune);
    let watcher = read_only(&ws.db);
    let cursor = || {
        watcher
            .query_row(
                "SELECT coalesce(max(after_seq), 0) FROM sync_cursor",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    kill_registry_mid_sync(&ws, serve(&registry.db, &limits), cursor, 60);
    let pulled = cursor();
    ws.sync_until_done(&survivor.url, &[], 3);
    assert!(cursor() > pulled);

    let (attempts, _) = ws.work_cases(120, 0);
    assert!(attempts >= 100, "{attempts}");
    let rows = ws.outbox().len();
    let sent = || {
        watcher
            .query_row(
                "SELECT count(*) FROM outbox WHERE state = 'sent'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    kill_registry_mid_sync(&ws, serve(&registry.db, &limits), sent, 30);
    assert!(sent() < rows as i64, "the kill came after the whole push");
    ws.sync_until_done(&survivor.url, &[], 3);

    let stream = registry.stream(commune);
    assert_gap_free(&stream);
    let expected = expected_for(&issued, commune);
    assert_eq!(ws.notifications(), expected);
    assert_eq!(stream.len(), expected.len());
    let pushed = registry.pushed();
    assert_eq!(pushed.len(), rows);
    assert_pushed_exactly_once(&ws, &pushed);
}
