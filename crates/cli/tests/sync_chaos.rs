//! `kill -9` of the workstation's `hotich sync` 50 times at random moments
//! during a large pull and push, restarting it each time: at the end nothing
//! is lost and nothing duplicated on either side (counts and content hashes).

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

    // Now the large pull and push, killed 50 times.
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    let started = Instant::now();
    let mut kills = 0;
    for _ in 0..100 {
        let mut child = ws.sync_command(&server.url, &small_pages).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(rng.gen_range(5..80)));
        match child.try_wait().unwrap() {
            None => {
                child.kill().unwrap(); // SIGKILL: no destructor, no rollback by the program
                let _ = child.wait();
                kills += 1;
            }
            // It finished on its own: nothing left to pull or push.
            Some(_) => break,
        }
        assert!(
            started.elapsed() < Duration::from_secs(150),
            "chaos took too long"
        );
        if kills == 50 {
            break;
        }
    }
    assert_eq!(kills, 50, "the work ran out before 50 kills");
    let sent_before_final = ws.outbox().values().filter(|(s, _)| s == "sent").count();
    let cursor_before_final = ws.count("SELECT after_seq FROM sync_cursor");
    eprintln!(
        "after 50 kills: cursor {cursor_before_final} of {}, {sent_before_final} of {rows} rows sent",
        issued.len()
    );
    assert!(sent_before_final > 0, "the kills also hit the push");
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
