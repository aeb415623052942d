//! The simulated papers in the formats real facilities send, beside Hotich's
//! JWS: official signed XML (`HSDLGBT` death notices, `HSDLGCS` birth
//! certificates, `GIAMDINHHS`/XML 130 table 9 deliveries, twins in one set)
//! signed with the demo PKI's facility certificates, and HL7 FHIR R4 (VRDR
//! death-record submission, update and void messages; BFDR birth reports).
//! Also one broken file per refusal reason asked for, each labelled with
//! the reason code a receiver must give.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};
use hotich_health::testkit::broken::{self, Broken};
use hotich_health::testkit::{self, fhir as fhir_kit, official, Algorithms, Identity, TestPki};
use hotich_health::{FacilityCertificates, MessageAction, TrustStore, XmlFormat};
use hotich_protocol::jws::{CTY_FHIR, TYP_NOTIFICATION};
use hotich_protocol::{Action, BirthCertificate, EventKind, SignedEnvelope};

use crate::facility::{fnv1a, SimFacility};
use crate::generate::{vn_date, Version};
use crate::SimError;

/// `Content-Type` of an official XML file.
pub const CONTENT_XML: &str = "application/xml";
/// `Content-Type` of a FHIR Bundle.
pub const CONTENT_FHIR: &str = "application/fhir+json";

/// Which formats a run issues its papers in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Formats {
    /// Hotich's JWS envelopes only (as before the other formats existed).
    #[default]
    Jws,
    /// Official signed XML only.
    Xml,
    /// FHIR only.
    Fhir,
    /// Each event in one of the three: about half JWS, a quarter each XML and FHIR.
    All,
}

impl Formats {
    /// `jws`, `xml`, `fhir` or `all`.
    pub fn parse(text: &str) -> Option<Formats> {
        Some(match text.trim() {
            "jws" => Formats::Jws,
            "xml" => Formats::Xml,
            "fhir" => Formats::Fhir,
            "all" => Formats::All,
            _ => return None,
        })
    }

    /// The format of the event keyed `key` (twins share a key: their delivery).
    pub(crate) fn pick(self, key: &str) -> Format {
        match self {
            Formats::Jws => Format::Jws,
            Formats::Xml => Format::Xml,
            Formats::Fhir => Format::Fhir,
            Formats::All => match fnv1a(key.as_bytes()) % 4 {
                0 | 1 => Format::Jws,
                2 => Format::Xml,
                _ => Format::Fhir,
            },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Jws,
    Xml,
    Fhir,
}

/// The key that decides an event's format: a birth's delivery (so twins
/// travel together), a death's notification id.
pub(crate) fn event_key(version: &Version) -> String {
    match &version.notification.birth {
        Some(b) => delivery_key(&version.notification.facility_id, b),
        None => version.notification.notification_id.clone(),
    }
}

fn delivery_key(facility: &str, b: &BirthCertificate) -> String {
    format!("{facility}/{}/{}", b.mother_name, b.birth_time.date())
}

/// One file in an official or FHIR format.
#[derive(Debug, Clone)]
pub struct HealthFile {
    /// Its path under the output directory (`xml/…`, `fhir/…`, `broken/…`).
    pub name: String,
    pub bytes: Vec<u8>,
    /// [`CONTENT_XML`] or [`CONTENT_FHIR`].
    pub content_type: &'static str,
    /// The facility (MACSKCB) that sends it: whose credential posts it.
    pub facility: String,
    /// How it is broken, if it is: the reason a receiver must refuse it with.
    pub broken: Option<Broken>,
    pub issued_at: DateTime<Utc>,
}

/// The run's PKI: the demo PKI (the same on every run and machine), each
/// facility's certificate, and the issuing CA's CRL.
#[derive(Debug, Clone)]
pub struct SimPki {
    pub pki: TestPki,
    /// Facility code → its registered signing certificate.
    pub facilities: BTreeMap<String, Identity>,
    /// A second certificate of the first facility, listed in [`Self::crl`]:
    /// what the broken `certificate_revoked` file is signed with.
    pub revoked: Identity,
    /// The issuing CA's CRL (DER), current on the simulation's today.
    pub crl: Vec<u8>,
}

fn pki_error(e: impl std::fmt::Display) -> SimError {
    SimError::Pki(e.to_string())
}

impl SimPki {
    pub fn new(facilities: &[SimFacility], today: NaiveDate) -> Result<SimPki, SimError> {
        let pki = TestPki::demo().map_err(pki_error)?;
        let mut certificates = BTreeMap::new();
        for f in facilities {
            let identity = pki
                .demo_facility(f.id(), &f.key.name, 0)
                .map_err(pki_error)?;
            certificates.insert(f.id().to_owned(), identity);
        }
        let first = facilities.first().ok_or_else(|| pki_error("no facility"))?;
        let revoked = pki
            .demo_facility(first.id(), &first.key.name, 1)
            .map_err(pki_error)?;
        let crl = pki
            .crl(&[&revoked], today.and_time(NaiveTime::MIN).and_utc())
            .map_err(pki_error)?;
        Ok(SimPki {
            pki,
            facilities: certificates,
            revoked,
            crl,
        })
    }

    /// The root and issuing CA, with the CRL.
    pub fn trust_store(&self) -> Result<TrustStore, SimError> {
        let mut store = self.pki.trust_store().map_err(pki_error)?;
        store.add_crl(&self.crl).map_err(pki_error)?;
        Ok(store)
    }

    /// Each facility's certificate registered for it.
    pub fn facility_certificates(&self) -> FacilityCertificates {
        let mut registered = FacilityCertificates::default();
        for (code, identity) in &self.facilities {
            registered.register(code, &identity.sha256());
        }
        registered
    }

    /// Writes `dir/root.pem`, `dir/intermediate.pem`, `dir/intermediate.crl`
    /// and `dir/facility-{MACSKCB}.pem` for each facility: what a registry
    /// and a workstation are told to trust (`trust ca add`, `trust crl add`,
    /// `trust facility-cert add --facility MACSKCB`).
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        std::fs::write(dir.join("root.pem"), self.pki.root.certificate_pem())?;
        std::fs::write(
            dir.join("intermediate.pem"),
            self.pki.intermediate.certificate_pem(),
        )?;
        std::fs::write(dir.join("intermediate.crl"), &self.crl)?;
        for (code, identity) in &self.facilities {
            std::fs::write(
                dir.join(format!("facility-{code}.pem")),
                identity.certificate_pem(),
            )?;
        }
        Ok(())
    }
}

/// The local wall-clock `SigningTime` of a UTC instant.
fn signing_time(at: DateTime<Utc>) -> String {
    (at.naive_utc() + chrono::Duration::hours(7))
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

fn vn_local(at: DateTime<Utc>) -> chrono::NaiveDateTime {
    at.naive_utc() + chrono::Duration::hours(7)
}

/// The number at the end of a notification id (`79001-GBT-000123` → 123).
fn number_of(notification_id: &str) -> u32 {
    notification_id
        .rsplit('-')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// What the XML and FHIR papers of a run come out as.
#[derive(Debug, Default)]
pub(crate) struct Rendered {
    pub files: Vec<HealthFile>,
    /// The FHIR files again, each in a JWS envelope signed by its facility's
    /// key: how FHIR is taken in from a file on disk.
    pub fhir_envelopes: Vec<SignedEnvelope>,
}

pub(crate) struct Renderer<'a> {
    pub facilities: &'a [SimFacility],
    pub pki: &'a SimPki,
}

impl Renderer<'_> {
    fn facility_index(&self, id: &str) -> Option<usize> {
        self.facilities.iter().position(|f| f.id() == id)
    }

    fn signer(&self, facility: &str) -> Result<&Identity, SimError> {
        self.pki
            .facilities
            .get(facility)
            .ok_or_else(|| pki_error(format!("no certificate for facility {facility}")))
    }

    fn sign(
        &self,
        unsigned: &str,
        format: XmlFormat,
        signer: &Identity,
        at: DateTime<Utc>,
    ) -> Result<Vec<u8>, SimError> {
        testkit::sign_at(
            unsigned,
            format,
            signer,
            Algorithms::default(),
            &signing_time(at),
        )
        .map(String::into_bytes)
        .map_err(pki_error)
    }

    /// Renders the events given (each event's versions, chronological) in
    /// their format, and returns the files in issue order.
    pub fn render(&self, events: &[(Format, Vec<&Version>)]) -> Result<Rendered, SimError> {
        let mut out = Rendered::default();
        // Deliveries: births of one key together (twins).
        let mut deliveries: BTreeMap<String, (Format, Vec<Vec<&Version>>)> = BTreeMap::new();
        for (format, versions) in events {
            let Some(first) = versions.first() else {
                continue;
            };
            match first.notification.kind {
                EventKind::Death => match format {
                    Format::Xml => self.versions_xml(versions, &mut out)?,
                    Format::Fhir => self.death_fhir(versions, &mut out)?,
                    Format::Jws => {}
                },
                EventKind::Birth => deliveries
                    .entry(event_key(first))
                    .or_insert_with(|| (*format, Vec::new()))
                    .1
                    .push(versions.clone()),
            }
        }
        for (key, (format, children)) in deliveries {
            match format {
                Format::Xml if children.len() > 1 || fnv1a(key.as_bytes()).is_multiple_of(2) => {
                    self.delivery_xml9(&children, &mut out)?
                }
                Format::Xml => {
                    for versions in &children {
                        self.versions_xml(versions, &mut out)?;
                    }
                }
                Format::Fhir => {
                    if let Some((name, bytes, facility, at)) = Self::delivery_fhir(&children) {
                        self.push(&mut out, name, bytes, &facility, at);
                    }
                }
                Format::Jws => {}
            }
        }
        out.files
            .sort_by(|a, b| (a.issued_at, &a.name).cmp(&(b.issued_at, &b.name)));
        for (i, file) in out.files.iter_mut().enumerate() {
            let (dir, rest) = file.name.split_once('/').unwrap_or(("", &file.name));
            file.name = format!("{dir}/{:05}-{rest}", i + 1);
        }
        for file in out.files.iter().filter(|f| f.content_type == CONTENT_FHIR) {
            if let Some(i) = self.facility_index(&file.facility) {
                out.fhir_envelopes
                    .push(self.facilities[i].signer.sign_content(
                        TYP_NOTIFICATION,
                        Some(CTY_FHIR),
                        &file.bytes,
                    ));
            }
        }
        Ok(out)
    }

    fn push(
        &self,
        out: &mut Rendered,
        name: String,
        bytes: Vec<u8>,
        facility: &str,
        issued_at: DateTime<Utc>,
    ) {
        let fhir = name.starts_with("fhir/");
        out.files.push(HealthFile {
            name,
            bytes,
            content_type: if fhir { CONTENT_FHIR } else { CONTENT_XML },
            facility: facility.to_owned(),
            broken: None,
            issued_at,
        });
    }

    /// Each version but a void as its own signed file: a death as
    /// `HSDLGBT` (a correction carries the original's number in
    /// `SO_BAOTU_BD`: a re-issued notice), a birth as `HSDLGCS` (`MA_GCS`
    /// names the facility and stays the same across re-issues, marked by
    /// `CAP_LAN_DAU` 0).
    fn versions_xml(&self, versions: &[&Version], out: &mut Rendered) -> Result<(), SimError> {
        for v in versions {
            let n = &v.notification;
            if n.action == Action::Void {
                continue;
            }
            let record_id = format!("Id-{}-v{}", n.notification_id, n.version);
            let (format, unsigned) = match (&n.death, &n.birth) {
                (Some(death), _) => (
                    XmlFormat::Hsdlgbt,
                    official::death_notice_xml_of(death, &record_id),
                ),
                (None, Some(birth)) => {
                    let ma_gcs = format!(
                        "{:05}.GCS.{}.{:02}",
                        number_of(&n.notification_id) % 100_000,
                        n.facility_id,
                        birth.birth_time.year() % 100
                    );
                    (
                        XmlFormat::Hsdlgcs,
                        official::birth_certificate_xml_of(
                            birth,
                            &record_id,
                            &ma_gcs,
                            n.version == 1,
                        ),
                    )
                }
                (None, None) => continue,
            };
            let signed = self.sign(&unsigned, format, self.signer(&n.facility_id)?, n.issued_at)?;
            let name = format!(
                "xml/{}-{}-v{}.xml",
                format.root().to_lowercase(),
                n.notification_id,
                n.version
            );
            self.push(out, name, signed, &n.facility_id, n.issued_at);
        }
        Ok(())
    }

    /// A delivery as an XML 130 set (table 9, one record per child): first
    /// as issued, then re-sent whole with the latest content if a child was
    /// corrected.
    fn delivery_xml9(
        &self,
        children: &[Vec<&Version>],
        out: &mut Rendered,
    ) -> Result<(), SimError> {
        let Some(first) = children.first().and_then(|c| c.first()) else {
            return Ok(());
        };
        let facility = first.notification.facility_id.clone();
        let Some(ma_lk) = first
            .notification
            .birth
            .as_ref()
            .map(|b| b.episode_key.clone())
        else {
            return Ok(());
        };
        let head_number = format!("{:010}", fnv1a(facility.as_bytes()) % 10_000_000_000);
        let issued: Vec<&Version> = children.iter().filter_map(|c| c.first().copied()).collect();
        let latest: Vec<&Version> = children
            .iter()
            .filter_map(|c| {
                c.iter()
                    .rev()
                    .find(|v| v.notification.action != Action::Void)
                    .copied()
            })
            .collect();
        let corrected = latest.iter().any(|v| v.notification.version > 1);
        let sets = if corrected {
            vec![("v1", issued), ("v2", latest)]
        } else {
            vec![("v1", issued)]
        };
        for (label, set) in sets {
            let births: Vec<BirthCertificate> = set
                .iter()
                .filter_map(|v| v.notification.birth.clone())
                .collect();
            let Some(at) = set.iter().map(|v| v.notification.issued_at).max() else {
                continue;
            };
            let xml9 = official::xml9_of(&births, &ma_lk, &head_number);
            let unsigned = testkit::xml130_xml(&facility, &xml9);
            let signed = self.sign(
                &unsigned,
                XmlFormat::Giamdinhhs,
                self.signer(&facility)?,
                at,
            )?;
            let name = format!(
                "xml/giamdinhhs-{}-{label}.xml",
                first.notification.notification_id
            );
            self.push(out, name, signed, &facility, at);
        }
        Ok(())
    }

    /// Each version as a VRDR message: issue → submission, correction →
    /// update, void → void.
    fn death_fhir(&self, versions: &[&Version], out: &mut Rendered) -> Result<(), SimError> {
        let Some(first) = versions.first() else {
            return Ok(());
        };
        let Some(first_death) = first.notification.death.as_ref() else {
            return Ok(());
        };
        let n0 = &first.notification;
        let key = fhir_kit::DeathRecordKey::new(
            &n0.facility_id,
            &number_of(&n0.notification_id).to_string(),
            &vn_date(n0.issued_at).year().to_string(),
        );
        for v in versions {
            let n = &v.notification;
            let action = match n.action {
                Action::Issue => MessageAction::Submission,
                Action::Correct => MessageAction::Update,
                Action::Void => MessageAction::Void,
            };
            let notice = n.death.as_ref().unwrap_or(first_death);
            let message = fhir_kit::death_message_of(action, &key, notice, vn_local(n.issued_at));
            let name = format!("fhir/vrdr-{}-v{}.json", n.notification_id, n.version);
            self.push(
                out,
                name,
                message.to_string().into_bytes(),
                &n.facility_id,
                n.issued_at,
            );
        }
        Ok(())
    }

    /// A delivery as one BFDR birth report with each child's latest
    /// content: its name, bytes, facility and issue time; none when every
    /// child was voided.
    fn delivery_fhir(
        children: &[Vec<&Version>],
    ) -> Option<(String, Vec<u8>, String, DateTime<Utc>)> {
        let latest: Vec<&Version> = children
            .iter()
            .filter_map(|c| c.last().copied())
            .filter(|v| v.notification.action != Action::Void)
            .collect();
        let n = &latest.first()?.notification;
        let births: Vec<BirthCertificate> = latest
            .iter()
            .filter_map(|v| v.notification.birth.clone())
            .collect();
        let at = latest.iter().map(|v| v.notification.issued_at).max()?;
        let report_id = format!(
            "{}{}{:06}",
            vn_date(n.issued_at).year(),
            n.facility_id,
            number_of(&n.notification_id)
        );
        let report = fhir_kit::birth_report_of(&n.facility_id, &report_id, &births, vn_local(at));
        let name = format!("fhir/bfdr-{}.json", n.notification_id);
        Some((
            name,
            report.to_string().into_bytes(),
            n.facility_id.clone(),
            at,
        ))
    }

    /// One broken file per kind in `kinds`, made from `death` (a death
    /// notice of the run) by its facility; `now` is when they will be
    /// received (certificate validity is judged then).
    pub fn broken(
        &self,
        kinds: &[Broken],
        death: &Version,
        now: DateTime<Utc>,
    ) -> Result<Vec<HealthFile>, SimError> {
        let n = &death.notification;
        let notice = n.death.as_ref().ok_or(SimError::NoDeathForBroken)?;
        let facility = n.facility_id.as_str();
        let own = self.signer(facility)?;
        let record_id = format!("Id-broken-{}", n.notification_id);
        let unsigned = official::death_notice_xml_of(notice, &record_id);
        let sign_with = |xml: &str, signer: &Identity, algorithms: Algorithms| {
            testkit::sign_at(
                xml,
                XmlFormat::Hsdlgbt,
                signer,
                algorithms,
                &signing_time(n.issued_at),
            )
            .map_err(pki_error)
        };
        let signed = sign_with(&unsigned, own, Algorithms::default())?;
        let replaced = |element: &str, replacement: &str| -> Result<String, SimError> {
            let xml = broken::replace_element(&unsigned, element, replacement)
                .ok_or_else(|| pki_error(format!("no {element} in the notice")))?;
            sign_with(&xml, own, Algorithms::default())
        };
        let missing = |what: &str| pki_error(format!("cannot break the notice: {what}"));
        let other_facility = self
            .facilities
            .iter()
            .map(SimFacility::id)
            .find(|id| *id != facility)
            .ok_or_else(|| missing("a second facility"))?;
        let stranger =
            |spec: hotich_health::testkit::CertificateSpec| -> Result<Identity, SimError> {
                self.pki.pki.facility(&spec).map_err(pki_error)
            };
        let mut files = Vec::new();
        for &kind in kinds {
            let bytes = match kind {
                Broken::MalformedXml => broken::cut_in_half(&signed),
                Broken::UnknownRoot => signed.replace("HSDLGBT", "HSDLGBT_CU"),
                Broken::MissingElement => replaced("NGAY_TV", "")?,
                Broken::ValueTooLong => {
                    replaced("MACSKCB", &format!("<MACSKCB>{facility}9</MACSKCB>"))?
                }
                Broken::WrongForm => replaced("GIOI_TINH", "<GIOI_TINH>4</GIOI_TINH>")?,
                Broken::WrongDateFormat => replaced(
                    "NGAY_TV",
                    &format!(
                        "<NGAY_TV>{}</NGAY_TV>",
                        notice.death_time.format("%Y-%m-%d %H:%M")
                    ),
                )?,
                Broken::SignatureInvalid => broken::flip_signature_value(&signed)
                    .ok_or_else(|| missing("SignatureValue"))?,
                Broken::DigestMismatch => {
                    broken::change_after_signing(&signed, "HO_TEN", &format!("{} Mạo", notice.name))
                        .ok_or_else(|| missing("HO_TEN"))?
                }
                Broken::Wrapping => broken::add_forged_record(&signed, "GIAYBAOTU")
                    .ok_or_else(|| missing("CHUKYDONVI"))?,
                Broken::CertificateExpired => sign_with(
                    &unsigned,
                    &stranger(broken::expired("Cơ sở chứng thư hết hạn", now))?,
                    Algorithms::default(),
                )?,
                Broken::CertificateNotYetValid => sign_with(
                    &unsigned,
                    &stranger(broken::not_yet_valid("Cơ sở chứng thư chưa hiệu lực", now))?,
                    Algorithms::default(),
                )?,
                Broken::CertificateRevoked => {
                    sign_with(&unsigned, &self.pki.revoked, Algorithms::default())?
                }
                Broken::CertificateUntrusted => {
                    let outside = TestPki::new().map_err(pki_error)?;
                    let identity = outside
                        .facility(&hotich_health::testkit::CertificateSpec::facility(
                            "Cơ sở ngoài chuỗi tin cậy",
                        ))
                        .map_err(pki_error)?;
                    sign_with(&unsigned, &identity, Algorithms::default())?
                }
                Broken::WrongFacility => {
                    // Facility A's valid certificate signing a notice of facility B.
                    let xml = broken::replace_element(
                        &unsigned,
                        "MACSKCB",
                        &format!("<MACSKCB>{other_facility}</MACSKCB>"),
                    )
                    .ok_or_else(|| missing("MACSKCB"))?;
                    sign_with(&xml, own, Algorithms::default())?
                }
                Broken::WeakAlgorithm => sign_with(&unsigned, own, broken::weak_algorithms())?,
                Broken::FhirUnknownProfile | Broken::FhirUnauthenticated => {
                    let key = fhir_kit::DeathRecordKey::new(
                        facility,
                        &number_of(&n.notification_id).to_string(),
                        &vn_date(n.issued_at).year().to_string(),
                    );
                    let message = fhir_kit::death_message_of(
                        MessageAction::Submission,
                        &key,
                        notice,
                        vn_local(n.issued_at),
                    );
                    let message = if kind == Broken::FhirUnknownProfile {
                        fhir_kit::with_unknown_profile(message)
                    } else {
                        message
                    };
                    message.to_string()
                }
            };
            let (extension, content_type) = if kind.is_fhir() {
                ("json", CONTENT_FHIR)
            } else {
                ("xml", CONTENT_XML)
            };
            files.push(HealthFile {
                name: format!("broken/{}.{extension}", kind.code()),
                bytes: bytes.into_bytes(),
                content_type,
                facility: facility.to_owned(),
                broken: Some(kind),
                issued_at: n.issued_at,
            });
        }
        Ok(files)
    }
}

#[cfg(test)]
mod tests;
