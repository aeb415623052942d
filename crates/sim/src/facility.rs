//! The health facilities that serve a commune, with their demo signing keys.
//!
//! Facilities depend only on the commune (never on the simulation seed), and
//! their ids and keys only on the facility: the provincial hospital is the same
//! facility, with the same key, whichever commune of the province is simulated.

use chrono::{DateTime, Utc};
use hotich_protocol::jws::ALG_EDDSA;
use hotich_protocol::reference::{self, Commune, Province};
use hotich_protocol::{FacilityKey, Signer};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::data::{self, pick, weighted};
use crate::people;

/// What sort of facility it is: decides which events it issues papers for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FacilityKind {
    /// Trạm Y tế xã/phường: few births, deaths at home.
    CommuneStation,
    /// Bệnh viện Đa khoa tỉnh.
    ProvincialGeneral,
    /// Bệnh viện Sản Nhi: births, and deaths of children.
    ObstetricsPaediatrics,
    /// Trung tâm Y tế khu vực.
    RegionalCentre,
}

/// One simulated facility: its trust-list entry, its signing key and staff.
#[derive(Debug)]
pub struct SimFacility {
    pub kind: FacilityKind,
    /// The trust-list entry (public key, validity).
    pub key: FacilityKey,
    /// The private key; `Signer::from_label("hotich demo facility {id} key 1", "{id}-k1")`.
    pub signer: Signer,
    /// TTRUONG_DVI / MA_TTDV: the head of the facility, with title.
    pub head: String,
    /// Doctors, with title ("BS. ...").
    pub doctors: Vec<String>,
    /// Midwives, with title ("NHS. ...").
    pub midwives: Vec<String>,
}

impl SimFacility {
    pub fn id(&self) -> &str {
        &self.key.facility_id
    }
}

/// FNV-1a, for seeds that must not depend on the platform or the std hasher.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// "Xã Tiên Yên" -> "xã Tiên Yên", as inside a facility's name.
fn unit_lower(full_name: &str, name: &str) -> String {
    let unit = full_name.strip_suffix(name).unwrap_or("").trim();
    if unit.is_empty() {
        name.to_owned()
    } else {
        format!("{} {name}", unit.to_lowercase())
    }
}

/// An address inside a commune: street and number in a ward, a village elsewhere.
pub fn address_in<R: Rng + ?Sized>(rng: &mut R, commune: &Commune, province: &Province) -> String {
    let local = match commune.unit {
        "Phường" if rng.gen_bool(0.75) => format!(
            "Số {} đường {}",
            rng.gen_range(1..=320),
            pick(rng, data::STREETS)
        ),
        "Phường" => format!("Tổ dân phố {}", rng.gen_range(1..=25)),
        "Đặc khu" => format!("Khu dân cư số {}", rng.gen_range(1..=9)),
        _ => {
            let southern = matches!(
                province.code,
                "75" | "79" | "80" | "82" | "86" | "91" | "92" | "96"
            );
            let northern = province.code < "40";
            let word = if southern {
                "Ấp"
            } else if northern && rng.gen_bool(0.3) {
                "Xóm"
            } else {
                "Thôn"
            };
            format!("{word} {}", rng.gen_range(1..=14))
        }
    };
    format!("{local}, {}, {}", commune.full_name, province.full_name)
}

/// A seat for a provincial hospital: the province's first ward, else its first commune.
fn provincial_seat(province_code: &str) -> &'static Commune {
    let mut communes = reference::communes_in(province_code).peekable();
    let first = communes.peek().copied();
    reference::communes_in(province_code)
        .find(|c| c.unit == "Phường")
        .or(first)
        .expect("every province has communes")
}

/// The facilities serving `commune`: 3 to 5, always the commune's own health
/// station, the provincial general hospital and a regional health centre.
pub fn facilities_for(
    commune: &'static Commune,
    province: &'static Province,
    valid_from: DateTime<Utc>,
    valid_until: DateTime<Utc>,
) -> Vec<SimFacility> {
    let in_province: Vec<&'static Commune> = reference::communes_in(province.code).collect();
    let index = in_province
        .iter()
        .position(|c| c.code == commune.code)
        .unwrap_or(0);
    // Regional health centres each serve a block of 8 neighbouring communes
    // (codes were given district by district, so neighbours in code are near).
    let block = index / 8;
    let blocks = in_province.len().div_ceil(8);
    let count = 3 + (fnv1a(commune.code.as_bytes()) % 3) as usize;

    let pc = province.code;
    let province_phrase = unit_lower(province.full_name, province.name);
    let seat = provincial_seat(pc);
    let regional = |block: usize| {
        let anchor = in_province[block * 8];
        (
            FacilityKind::RegionalCentre,
            format!("{pc}{:03}", 10 + block),
            format!("Trung tâm Y tế khu vực {}", anchor.name),
            anchor,
        )
    };

    let mut plan = vec![
        (
            FacilityKind::CommuneStation,
            format!("{pc}{:03}", 100 + index),
            format!("Trạm Y tế {}", unit_lower(commune.full_name, commune.name)),
            commune,
        ),
        (
            FacilityKind::ProvincialGeneral,
            format!("{pc}001"),
            format!("Bệnh viện Đa khoa {province_phrase}"),
            seat,
        ),
        regional(block),
    ];
    if count >= 4 {
        plan.push((
            FacilityKind::ObstetricsPaediatrics,
            format!("{pc}002"),
            format!("Bệnh viện Sản Nhi {}", province.name),
            seat,
        ));
    }
    if count >= 5 && blocks > 1 {
        let other = if block + 1 < blocks {
            block + 1
        } else {
            block - 1
        };
        plan.push(regional(other));
    }

    plan.into_iter()
        .map(|(kind, facility_id, name, site)| {
            let mut rng = ChaCha8Rng::seed_from_u64(fnv1a(facility_id.as_bytes()));
            let key_id = format!("{facility_id}-k1");
            let signer = Signer::from_label(
                &format!("hotich demo facility {facility_id} key 1"),
                key_id.clone(),
            );
            let address = address_in(&mut rng, site, province);
            let head_title = match kind {
                FacilityKind::CommuneStation => "BS.",
                _ => *weighted(&mut rng, &[("BSCKII.", 3), ("TS.BS.", 1), ("ThS.BS.", 1)]),
            };
            let head = format!("{head_title} {}", people::adult_name(&mut rng, None, 1970));
            let doctors = (0..4)
                .map(|_| {
                    let title = weighted(&mut rng, &[("BS.", 5), ("BSCKI.", 3), ("ThS.BS.", 2)]);
                    format!("{title} {}", people::adult_name(&mut rng, None, 1985))
                })
                .collect();
            let midwives = (0..3)
                .map(|_| {
                    let title = weighted(&mut rng, &[("NHS.", 4), ("HS.", 1)]);
                    let name =
                        people::full_name(&mut rng, hotich_protocol::Sex::Female, 1990, None);
                    format!("{title} {name}")
                })
                .collect();
            SimFacility {
                kind,
                key: FacilityKey {
                    facility_id,
                    name,
                    address,
                    commune_code: site.code.to_owned(),
                    key_id,
                    algorithm: ALG_EDDSA.to_owned(),
                    public_key: signer.public_key_b64(),
                    valid_from,
                    valid_until,
                },
                signer,
                head,
                doctors,
                midwives,
            }
        })
        .collect()
}
