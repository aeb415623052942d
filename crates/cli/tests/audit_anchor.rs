//! The audit chain anchored outside the workstation (issue 16, item 4): each
//! push to a real `hotich-central serve` carries the chain's head, the
//! registry keeps the highest per workstation, and a head that goes
//! backwards (here: an older backup restored, as a cut chain would) is
//! flagged in `hotich-central workstation list`.

#[path = "common/sync_env.rs"]
mod sync_env;
use sync_env::*;

/// The registry's (audit_head, audit_went_back_at) of the one workstation.
fn anchored(registry: &Registry) -> (String, String) {
    let listed = ok(central()
        .args(["workstation", "list", "--db"])
        .arg(&registry.db));
    let mut lines = listed.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let row: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let column = |name: &str| row[header.iter().position(|h| *h == name).unwrap()].to_owned();
    (column("audit_head"), column("audit_went_back_at"))
}

fn head_seq(ws: &Workstation) -> i64 {
    ws.count("SELECT max(seq) FROM audit_log")
}

#[test]
fn the_registry_keeps_the_highest_head_and_flags_one_that_went_backwards() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::new(dir.path(), &["01864"], 6, 6, 5);
    let server = serve(&registry.db, &[]);
    registry.post_all(&server.url);
    let ws = Workstation::new(dir.path(), "ws", &registry, "01864");
    ws.sync_until_done(&server.url, &[], 5);
    assert_eq!(
        anchored(&registry),
        ("-".into(), "-".into()),
        "nothing pushed yet"
    );

    ws.work_cases(1, 1);
    ws.sync_until_done(&server.url, &[], 5);
    let (head, went_back) = anchored(&registry);
    assert!(head.parse::<i64>().unwrap() >= 1, "{head}");
    assert!(head.parse::<i64>().unwrap() <= head_seq(&ws));
    assert_eq!(went_back, "-");

    let backup = dir.path().join("backup.db");
    let supervisor = |args: &[&str]| {
        ok(hotich(&ws.db)
            .args(["--user", "lanhdao"])
            .args(args)
            .env("HOTICH_PASSWORD", PASSWORD))
    };
    supervisor(&["backup", "--out", backup.to_str().unwrap()]);
    // More work, pushed: the registry's head moves on.
    ws.work_cases(3, 4);
    ws.sync_until_done(&server.url, &[], 5);
    let (moved_on, went_back) = anchored(&registry);
    assert!(moved_on.parse::<i64>().unwrap() > head.parse::<i64>().unwrap());
    assert_eq!(went_back, "-");

    // The older backup restored, then a call logged: its push carries a head
    // behind the registry's.
    supervisor(&["restore", backup.to_str().unwrap()]);
    ws.work_cases(1, 0);
    assert!(head_seq(&ws) < moved_on.parse::<i64>().unwrap());
    ws.sync_until_done(&server.url, &[], 5);
    let (kept, went_back) = anchored(&registry);
    assert_eq!(kept, moved_on, "the highest head is kept");
    assert_ne!(went_back, "-", "the head that went backwards is flagged");
}
