//! Jurisdiction: which commune's stream a notification goes to, that is
//! which office must register the event.

use hotich_protocol::{EventKind, Notification};

/// The commune the notification's content makes responsible, or None for a
/// void (it carries no content).
pub fn responsible_commune(n: &Notification) -> Option<&str> {
    match (n.kind, &n.birth, &n.death) {
        // Law on Civil Status 2014, Art. 13(1): a birth is registered by the
        // People's Committee of the commune where the father or the mother
        // resides; the birth certificate records the mother's residence
        // (MAXA_CU_TRU).
        (EventKind::Birth, Some(birth), _) => Some(&birth.residence_commune_code),
        // Law on Civil Status 2014, Art. 32(1): a death is registered at the
        // commune of the deceased's last residence: the permanent residence
        // (MAXA_THUONGTRU), which the death notice always gives.
        (EventKind::Death, _, Some(death)) => Some(&death.permanent_commune_code),
        _ => None,
    }
}

/// The stream a version goes to. Every version of a notification follows
/// its first one, so corrections and voids reach the office that holds the
/// case; a first version goes where its content says (Art. 13 / Art. 32
/// above), else to the commune the facility named.
pub fn stream_for<'a>(
    earlier: Option<&'a str>,
    content: Option<&'a str>,
    claimed: &'a str,
) -> &'a str {
    earlier.or(content).unwrap_or(claimed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hotich_protocol::jws::unb64;

    fn sample(kind: EventKind) -> Notification {
        let sim = hotich_sim::simulate(&hotich_sim::SimConfig::new(
            "01864",
            5,
            5,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        ))
        .unwrap();
        sim.notifications
            .iter()
            .map(|e| serde_json::from_slice::<Notification>(&unb64(&e.payload).unwrap()).unwrap())
            .find(|n| n.kind == kind && n.version == 1)
            .unwrap()
    }

    #[test]
    fn a_birth_goes_to_the_mothers_commune_of_residence() {
        let mut n = sample(EventKind::Birth);
        n.birth.as_mut().unwrap().residence_commune_code = "00004".into();
        assert_eq!(responsible_commune(&n), Some("00004"));
        assert_eq!(
            stream_for(None, responsible_commune(&n), &n.commune_code),
            "00004"
        );
    }

    #[test]
    fn a_death_goes_to_the_commune_of_permanent_residence() {
        let mut n = sample(EventKind::Death);
        let death = n.death.as_mut().unwrap();
        death.permanent_commune_code = "00004".into();
        death.current_commune_code = Some("01864".into());
        assert_eq!(responsible_commune(&n), Some("00004"));
    }

    #[test]
    fn later_versions_follow_the_first_and_a_void_without_history_goes_where_it_says() {
        assert_eq!(stream_for(Some("01864"), Some("00004"), "00004"), "01864");
        assert_eq!(stream_for(None, None, "00004"), "00004");
    }
}
