use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration, NaiveDate};
use hotich_protocol::personal_id::check_personal_id;
use hotich_protocol::trust::{demo_root_signer, DEMO_ROOT_KEY_ID};
use hotich_protocol::{verify_notification, Action, EventKind, Notification, Sex};
use unicode_normalization::UnicodeNormalization as _;

use super::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 7, 15).unwrap()
}

fn decoded(out: &SimOutput) -> Vec<Notification> {
    out.notifications
        .iter()
        .map(|e| decode(e).expect("payload decodes"))
        .collect()
}

fn files_of(out: &SimOutput) -> (Vec<u8>, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    write_files(out, dir.path()).unwrap();
    (
        std::fs::read(dir.path().join("notifications.json")).unwrap(),
        std::fs::read(dir.path().join("trust.json")).unwrap(),
    )
}

#[test]
fn same_config_gives_byte_identical_files() {
    let cfg = SimConfig::new("00004", 300, 150, today());
    let first = files_of(&simulate(&cfg).unwrap());
    let second = files_of(&simulate(&cfg).unwrap());
    assert!(first == second, "two runs of one config differ");

    let other = SimConfig {
        seed: 7,
        ..cfg.clone()
    };
    let third = files_of(&simulate(&other).unwrap());
    assert_ne!(first.0, third.0, "another seed gives other notifications");
    assert_eq!(
        first.1, third.1,
        "the trust list does not depend on the seed"
    );
}

#[test]
fn files_have_the_documented_shape() {
    let out = simulate(&SimConfig::new("00004", 20, 10, today())).unwrap();
    let (notifications, trust) = files_of(&out);
    let text = String::from_utf8(notifications).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), out.notifications.len() + 2);
    assert_eq!(lines[0], "[");
    assert_eq!(*lines.last().unwrap(), "]");
    let parsed: Vec<SignedEnvelope> = serde_json::from_str(&text).unwrap();
    assert_eq!(parsed, out.notifications);

    let list = TrustList::verify(
        &trust,
        DEMO_ROOT_KEY_ID,
        &demo_root_signer().verifying_key(),
    )
    .unwrap();
    assert_eq!(list, out.trust);
    assert!((3..=5).contains(&list.facilities.len()));

    let empty = simulate(&SimConfig::new("00004", 0, 0, today())).unwrap();
    let (text, _) = files_of(&empty);
    let parsed: Vec<SignedEnvelope> = serde_json::from_slice(&text).unwrap();
    assert!(parsed.is_empty());
}

/// Communes of each kind: ward in Hà Nội, a mountain commune, a special zone,
/// a Mekong commune.
fn sample_communes() -> Vec<&'static str> {
    let mut codes = vec!["00004"];
    for (province, unit) in [
        ("04", "Xã"),
        ("22", "Đặc khu"),
        ("96", "Xã"),
        ("79", "Phường"),
    ] {
        let commune = reference::communes_in(province)
            .find(|c| c.unit == unit)
            .unwrap();
        codes.push(commune.code);
    }
    codes
}

#[test]
fn every_notification_verifies_against_the_trust_list() {
    let mut total = 0;
    for (i, code) in sample_communes().into_iter().enumerate() {
        let cfg = SimConfig {
            seed: i as u64,
            ..SimConfig::new(code, 600, 300, today())
        };
        let out = simulate(&cfg).unwrap();
        let keys = TrustedKeys::from_facilities(&out.trust.facilities).unwrap();
        let now = end_of_day_utc(cfg.today);
        for envelope in &out.notifications {
            let raw = serde_json::to_vec(envelope).unwrap();
            if let Err(rejection) = verify_notification(&raw, &keys, now) {
                panic!("{code}: {rejection} in {:?}", decode(envelope));
            }
        }
        total += out.notifications.len();
    }
    assert!(total > 4500, "{total}");
}

#[test]
fn counts_match_the_config_and_versions_are_consistent() {
    let cfg = SimConfig::new("00004", 1000, 400, today());
    let out = simulate(&cfg).unwrap();
    let all = decoded(&out);
    let ids_of = |kind| {
        all.iter()
            .filter(|n| n.kind == kind)
            .map(|n| n.notification_id.clone())
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(ids_of(EventKind::Birth).len(), cfg.births);
    assert_eq!(ids_of(EventKind::Death).len(), cfg.deaths);

    let mut by_id: BTreeMap<&str, Vec<&Notification>> = BTreeMap::new();
    for n in &all {
        assert_eq!(n.commune_code, cfg.commune_code);
        by_id.entry(&n.notification_id).or_default().push(n);
    }
    let (mut corrected, mut voided, mut three) = (0, 0, 0);
    for versions in by_id.values_mut() {
        versions.sort_by_key(|n| n.version);
        for (i, n) in versions.iter().enumerate() {
            assert_eq!(n.version as usize, i + 1, "versions 1..n without gaps");
            let expected = match i {
                0 => Action::Issue,
                _ if n.action == Action::Void => Action::Void,
                _ => Action::Correct,
            };
            assert_eq!(n.action, expected);
            if i > 0 {
                assert!(n.issued_at > versions[i - 1].issued_at);
                let before = versions[i - 1];
                assert!(n.birth != before.birth || n.death != before.death);
            }
        }
        let last = versions.last().unwrap();
        if versions.iter().any(|n| n.action == Action::Correct) {
            corrected += 1;
        }
        if last.action == Action::Void {
            voided += 1;
            assert!(last.birth.is_none() && last.death.is_none());
            assert!(!last.void_reason.as_deref().unwrap().is_empty());
        }
        if versions
            .iter()
            .filter(|n| n.action == Action::Correct)
            .count()
            == 2
        {
            three += 1;
        }
    }
    let events = (cfg.births + cfg.deaths) as f64;
    let corrected_share = f64::from(corrected) / events;
    let voided_share = f64::from(voided) / events;
    assert!((0.05..0.11).contains(&corrected_share), "{corrected_share}");
    assert!((0.015..0.05).contains(&voided_share), "{voided_share}");
    assert!(three > 0);

    let expected = expected_final_state(&out.notifications);
    assert_eq!(expected.len(), by_id.len());
    for (id, versions) in &by_id {
        let last = versions.last().unwrap();
        assert_eq!(
            expected[*id],
            (last.version, last.action == Action::Void),
            "{id}"
        );
    }
}

#[test]
fn some_stale_versions_arrive_after_newer_ones() {
    let out = simulate(&SimConfig::new("00004", 500, 200, today())).unwrap();
    let mut newest_seen: BTreeMap<String, u32> = BTreeMap::new();
    let mut stale = 0;
    let mut in_order = 0;
    for n in decoded(&out) {
        match newest_seen.get(&n.notification_id) {
            Some(&seen) if seen > n.version => stale += 1,
            Some(_) => in_order += 1,
            None => {}
        }
        let entry = newest_seen.entry(n.notification_id).or_insert(0);
        *entry = (*entry).max(n.version);
    }
    assert!(stale >= 1, "no out-of-order delivery");
    assert!(
        stale < in_order,
        "mostly chronological: {stale} stale, {in_order} in order"
    );
}

#[test]
fn personal_id_numbers_have_valid_structure() {
    let out = simulate(&SimConfig::new("00004", 1500, 1500, today())).unwrap();
    let (mut with_id, mut deceased_without) = (0, 0);
    for n in decoded(&out) {
        if let Some(b) = &n.birth {
            if let Some(id) = &b.mother_id_number {
                check_personal_id(id, Sex::Female, b.mother_birth_date.year())
                    .unwrap_or_else(|e| panic!("{id}: {e}"));
                with_id += 1;
            }
        }
        if let Some(d) = &n.death {
            match (&d.id_number, d.id_document_type) {
                (Some(id), 2) => {
                    check_personal_id(id, d.sex, d.birth_date.year())
                        .unwrap_or_else(|e| panic!("{id}: {e}"));
                    with_id += 1;
                }
                (None, 0) => deceased_without += 1,
                other => panic!("document type and number disagree: {other:?}"),
            }
        }
    }
    assert!(with_id > 2500);
    assert!(deceased_without > 0);
}

#[test]
fn text_is_nfc_and_vietnamese() {
    let out = simulate(&SimConfig::new("00004", 800, 400, today())).unwrap();
    let mut surnames: BTreeMap<String, usize> = BTreeMap::new();
    for envelope in &out.notifications {
        let payload = String::from_utf8(jws::unb64(&envelope.payload).unwrap()).unwrap();
        assert!(
            unicode_normalization::is_nfc(&payload),
            "not NFC: {}",
            payload.nfd().collect::<String>()
        );
        let n = decode(envelope).unwrap();
        if n.version == 1 {
            let name = n.subject_name().unwrap();
            if let Some(d) = &n.death {
                surnames
                    .entry(d.name.split(' ').next().unwrap().to_owned())
                    .and_modify(|c| *c += 1)
                    .or_insert(1);
            }
            assert!(!name.is_empty());
        }
    }
    for facility in &out.trust.facilities {
        assert!(unicode_normalization::is_nfc(&facility.name));
        assert!(unicode_normalization::is_nfc(&facility.address));
    }
    let total: usize = surnames.values().sum();
    let nguyen = surnames.get("Nguyễn").copied().unwrap_or(0) as f64 / total as f64;
    assert!((0.3..0.46).contains(&nguyen), "Nguyễn share {nguyen}");
}

#[test]
fn dates_and_codes_are_plausible() {
    let cfg = SimConfig::new("00004", 1000, 600, today());
    let out = simulate(&cfg).unwrap();
    let latest = end_of_day_utc(cfg.today);
    let (mut overdue_births, mut overdue_deaths) = (0, 0);
    for n in decoded(&out) {
        assert!(n.issued_at <= latest);
        assert!(vn_date(n.issued_at) <= cfg.today);
        let Some(event) = n.event_date() else {
            continue;
        };
        let days = (cfg.today - event).num_days();
        match n.kind {
            EventKind::Birth => {
                assert!((0..100).contains(&days), "{days}");
                if days > 60 {
                    overdue_births += 1;
                }
            }
            EventKind::Death => {
                assert!((0..40).contains(&days), "{days}");
                if days > 15 {
                    overdue_deaths += 1;
                }
            }
        }
        if n.version == 1 {
            let event_time = match (&n.birth, &n.death) {
                (Some(b), _) => b.birth_time,
                (_, Some(d)) => d.death_time,
                _ => unreachable!(),
            };
            assert!(n.issued_at >= vn_to_utc(event_time));
            assert!(n.issued_at <= vn_to_utc(event_time) + Duration::days(3));
        }
        if let Some(b) = &n.birth {
            assert_eq!(b.certificate_issue_date, vn_date(n.issued_at));
            assert!((200..=8000).contains(&b.weight_grams));
            let mother_age = event.year() - b.mother_birth_date.year();
            assert!((17..=46).contains(&mother_age), "{mother_age}");
            assert!(n
                .notification_id
                .starts_with(&format!("{}-GCS-", n.facility_id)));
            if let Some(phone) = &b.contact_phone {
                assert!(phone.len() == 10 && phone.starts_with('0'), "{phone}");
            }
        }
        if let Some(d) = &n.death {
            assert_eq!(d.notice_issue_date, vn_date(n.issued_at));
            assert!(d.notice_code.chars().count() <= 18, "{}", d.notice_code);
            assert!(d.notice_code.ends_with(&format!(
                ".GBT.{}.{:02}",
                n.facility_id,
                event.year() % 100
            )));
            assert!(n
                .notification_id
                .starts_with(&format!("{}-GBT-", n.facility_id)));
            assert_eq!(d.facility_code, n.facility_id);
            assert_eq!(d.nationality_code, "704");
            let age = event.year() - d.birth_date.year();
            assert!((0..=101).contains(&age), "{age}");
        }
    }
    assert!(overdue_births > 100, "{overdue_births}");
    assert!(overdue_deaths > 100, "{overdue_deaths}");
}

#[test]
fn facilities_are_in_the_commune_province_with_stable_keys() {
    let code = sample_communes()[1];
    let commune = reference::commune(code).unwrap();
    let province = reference::province(commune.province_code).unwrap();
    let a = simulate(&SimConfig::new(code, 1, 1, today())).unwrap();
    let b = simulate(&SimConfig {
        seed: 99,
        ..SimConfig::new(code, 5, 5, today() + Duration::days(3))
    })
    .unwrap();
    for (fa, fb) in a.trust.facilities.iter().zip(&b.trust.facilities) {
        assert_eq!(fa.public_key, fb.public_key);
        assert_eq!(fa.facility_id, fb.facility_id);
    }
    let names: Vec<&str> = a.trust.facilities.iter().map(|f| f.name.as_str()).collect();
    assert!(
        names.contains(&format!("Trạm Y tế xã {}", commune.name).as_str()),
        "{names:?}"
    );
    for f in &a.trust.facilities {
        assert_eq!(f.facility_id.len(), 5);
        assert!(f.facility_id.starts_with(province.code));
        assert_eq!(f.key_id, format!("{}-k1", f.facility_id));
        assert_eq!(
            reference::commune(&f.commune_code).unwrap().province_code,
            province.code
        );
        assert!(f.address.ends_with(province.full_name), "{}", f.address);
        assert!(f.valid_from < end_of_day_utc(today()) - Duration::days(700));
        assert!(f.valid_until > end_of_day_utc(today()) + Duration::days(700));
    }
    let ids: BTreeSet<&str> = a
        .trust
        .facilities
        .iter()
        .map(|f| f.facility_id.as_str())
        .collect();
    assert_eq!(
        ids.len(),
        a.trust.facilities.len(),
        "facility ids are unique"
    );
}

#[test]
fn bad_configs_are_refused() {
    assert!(matches!(
        simulate(&SimConfig::new("99999", 1, 1, today())),
        Err(SimError::UnknownCommune(_))
    ));
    let cfg = SimConfig {
        void_rate: 1.5,
        ..SimConfig::new("00004", 1, 1, today())
    };
    assert!(matches!(simulate(&cfg), Err(SimError::InvalidRate { .. })));
}

#[test]
fn rates_of_zero_and_one() {
    let none = simulate(&SimConfig {
        correction_rate: 0.0,
        void_rate: 0.0,
        ..SimConfig::new("00004", 50, 50, today())
    })
    .unwrap();
    assert_eq!(none.notifications.len(), 100);
    let all = simulate(&SimConfig {
        correction_rate: 1.0,
        void_rate: 1.0,
        ..SimConfig::new("00004", 50, 50, today())
    })
    .unwrap();
    let state = expected_final_state(&all.notifications);
    let voided = state.values().filter(|(_, void)| *void).count();
    // Only events signed in today's last minutes can lack room for a void.
    assert!(voided >= 95, "{voided}");
}

#[test]
fn rounds_numbered_from_their_own_block_share_no_id_with_each_other_or_the_seeded_demo() {
    // As scripts/demo.sh runs it: the demo's seeded papers, then rounds of
    // 2 births and 1 death, each from its own block of 10 numbers.
    let ids = |births: usize, deaths: usize, first_number: Option<u32>, seed: u64| {
        let out = simulate(&SimConfig {
            seed,
            first_number,
            ..SimConfig::new("01864", births, deaths, today())
        })
        .unwrap();
        decoded(&out)
            .into_iter()
            .map(|n| n.notification_id)
            .collect::<BTreeSet<_>>()
    };
    let seeded = ids(150, 60, None, SimConfig::DEFAULT_SEED);
    let round_1 = ids(2, 1, Some(1_000_000), 1);
    let round_2 = ids(2, 1, Some(1_000_010), 2);
    assert!(
        round_1.iter().any(|id| id.ends_with("-1000001")),
        "each facility's first paper is the one after the block's start: {round_1:?}"
    );
    assert!(
        round_2.iter().any(|id| id.ends_with("-1000011")),
        "{round_2:?}"
    );
    assert!(round_1.is_disjoint(&round_2), "{round_1:?} {round_2:?}");
    assert!(seeded.is_disjoint(&round_1));
    assert!(seeded.is_disjoint(&round_2));
}
